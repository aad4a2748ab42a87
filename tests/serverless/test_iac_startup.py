"""GATE-IAC-018: an exec wrapper or preloaded library the runtime runs before the
handler, which the gate cannot analyse, is a finding; one it scans (Python) is not."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from gate.bundle.discovery import code_places
from gate.bundle.discovery.bundle import discover
from gate.bundle.staging.programs import unanalysed_programs
from gate.model import Function
from gate.rules import iac
from gate.rules.context import BundleContext

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: {runtime}
      Tracing: Active
      Layers: [!Ref Lib]
      Environment:
        Variables:
          {name}: {value}
  Lib:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layer/
"""
SHELL = '#!/bin/sh\nexport X=1\nexec "$@"\n'
PYTHON = "#!/usr/bin/env python3\nimport os, sys\nos.execv(sys.argv[1], sys.argv[1:])\n"
ELF = b"\x7fELF\x02\x01\x01" + b"\0" * 64


def staged_functions(root: Path) -> tuple[Function, ...]:
    """The bundle's functions with the programs staging finds in their code."""
    return tuple(
        replace(f, programs=unanalysed_programs(root, root, code_places(f)))
        for f in discover(root, "b").functions
    )


def startup(
    tmp_path: Path,
    files: dict[str, str | bytes],
    value: str,
    *,
    name: str = "AWS_LAMBDA_EXEC_WRAPPER",
    runtime: str = "python3.12",
) -> list[str]:
    """The GATE-IAC-018 messages for a SAM function with `name: value` in its
    environment and `files` in the bundle."""
    root = tmp_path / "b"
    files = {"template.yaml": TEMPLATE.format(runtime=runtime, name=name, value=value), **files}
    files.setdefault("src/app.py", "def handler(event, context):\n    return 1\n")
    files.setdefault("src/index.js", "exports.handler = async () => 1;\n")
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    findings = iac.check(BundleContext("b", root, root, staged_functions(root)))
    return [f.message for f in findings if f.rule_id == "GATE-IAC-018"]


@pytest.mark.parametrize(
    ("files", "value", "kind"),
    [
        ({"src/wrapper": SHELL}, "/var/task/wrapper", "a script for '/bin/sh'"),
        ({"src/bin/wrap": SHELL}, "bin/./wrap", "a script for '/bin/sh'"),
        ({"layer/wrap.sh": SHELL}, "/opt/wrap.sh", "a script for '/bin/sh'"),
        ({"src/hook.so": ELF}, "/var/task/hook.so", "a native program or library"),
        ({"src/wrapper.py": "import sys\n"}, "/var/task/wrapper.py", "without a #! line"),
        ({"src/wrapper": PYTHON}, "//var/task/wrapper2", "does not see there"),
        ({"src/wrapper": SHELL}, "/var/task/../task2/wrapper", "cannot place"),
        ({"src/wrapper": '#!/bin/sh\n"""":\nexec "$@"\n"""\n'}, "/var/task/wrapper", "/bin/sh"),
    ],
    ids=[
        "in-code",
        "relative",
        "in-a-layer",
        "native",
        "py-without-#!",
        "missing",
        "elsewhere",
        "shell-that-parses-as-python",
    ],
)
def test_a_wrapper_the_gate_cannot_analyse_is_a_finding(
    tmp_path: Path, files: dict[str, str | bytes], value: str, kind: str
) -> None:
    (message,) = startup(tmp_path, files, value)
    assert message.startswith(f"Fn: AWS_LAMBDA_EXEC_WRAPPER={value} makes the Lambda runtime run")
    assert kind in message


def test_a_preloaded_library_list_is_judged_item_by_item(tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {"src/a.so": ELF, "layer/b.so": ELF}
    found = startup(tmp_path, files, "/var/task/a.so:/opt/b.so /opt/c.so", name="LD_PRELOAD")
    assert [m.split(" makes")[0] for m in found] == [
        "Fn: LD_PRELOAD=/var/task/a.so",
        "Fn: LD_PRELOAD=/opt/b.so",
    ]


@pytest.mark.parametrize(
    ("files", "value"),
    [
        ({"src/wrapper": PYTHON}, "/var/task/wrapper"),  # Python: bandit scans it
        ({"src/wrapper.py": PYTHON}, "//var/task/wrapper.py"),
        ({}, "/opt/otel-instrument"),  # a vendor's layer the bundle does not hold
        ({"src/wrapper.py": PYTHON}, "/var/task/${WRAPPER}"),  # decided, but nothing unseen
    ],
    ids=["python-script", "py-file", "layer-elsewhere", "variable-and-all-python"],
)
def test_what_the_gate_scans_or_cannot_see_is_no_finding(
    tmp_path: Path, files: dict[str, str | bytes], value: str
) -> None:
    assert startup(tmp_path, files, value) == []


def test_a_function_of_another_runtime_is_left_to_its_coverage(tmp_path: Path) -> None:
    """None of a Node.js function's code is analysed, and its coverage says so."""
    files: dict[str, str | bytes] = {"src/wrapper": SHELL}
    assert startup(tmp_path, files, "/var/task/wrapper", runtime="nodejs20.x") == []


def test_a_wrapper_the_gate_cannot_read_is_a_finding_where_programs_could_run(
    tmp_path: Path,
) -> None:
    """`${WRAPPER}` is decided at deploy: with a shell script in the code, the gate cannot
    tell that the runtime does not run it."""
    (message,) = startup(tmp_path, {"src/run.sh": SHELL}, "/var/task/${WRAPPER}")
    assert "cannot read AWS_LAMBDA_EXEC_WRAPPER" in message and "src/run.sh" in message


def test_an_environment_the_gate_cannot_read_is_a_finding_where_programs_could_run(
    tmp_path: Path,
) -> None:
    """`Variables: !If [...]`: either branch may set a wrapper; with a shell script in
    the code, the gate cannot tell the runtime does not run it. All-Python code: none."""
    root = tmp_path / "b"
    template = TEMPLATE.format(runtime="python3.12", name="X", value="y").replace(
        "        Variables:\n          X: y\n",
        "        Variables: !If [C, {AWS_LAMBDA_EXEC_WRAPPER: /var/task/w}, {}]\n",
    )
    assert "!If" in template
    files = {"template.yaml": template, "src/app.py": "def handler(e, c):\n    return 1\n"}
    for relative, content in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(content)
    context = BundleContext("b", root, root, staged_functions(root))
    assert [f for f in iac.check(context) if f.rule_id == "GATE-IAC-018"] == []
    (root / "src/w").write_text(SHELL)
    context = BundleContext("b", root, root, staged_functions(root))
    (finding,) = [f for f in iac.check(context) if f.rule_id == "GATE-IAC-018"]
    assert "cannot read its environment at template.yaml:" in finding.message
    assert "src/w" in finding.message


def test_a_python_home_is_a_finding_whatever_it_names(tmp_path: Path) -> None:
    """PYTHONHOME makes the interpreter load its standard library from there."""
    (message,) = startup(tmp_path, {}, "/var/task/py", name="PYTHONHOME")
    assert message.startswith("Fn: PYTHONHOME=/var/task/py makes the Lambda runtime run")
