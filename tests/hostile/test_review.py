"""A hostile review of `gate check`: tricks an attacker who writes the bundle could use
to pass a build the gate should block, to leak a secret, or to make the gate crash.

Each case is a confirmed problem, marked xfail (strict) until the gate is fixed: the
test says what the gate must do, and fails today.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.hostile.conftest import HostileRun, Sandbox
from tests.hostile.test_staging import BAD, function

LAYERED = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Dep:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layer/
      CompatibleRuntimes: [python3.12]
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Layers: [!Ref Dep]
"""
USES_EVIL = (
    "import evil\n\n\ndef handler(event, context):\n    return evil.handler(event, context)\n"
)


def blocked_or_refused(run: HostileRun) -> None:
    """The trick did not pass: the run blocks (exit 1) or refuses (exit 2, one line)."""
    assert run.code in (1, 2), (run.code, run.stdout[-2000:], run.stderr)
    if run.code == 2:
        assert run.lines, run.stderr


def report(run: HostileRun) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(run.stdout)
    return data


# --- a folder with a pyvenv.cfg is "a virtualenv" and ignored, wherever it is ----------


@pytest.mark.xfail(
    strict=True,
    reason="a pyvenv.cfg in a layer's python/ folder makes the whole folder Lambda puts on "
    "every function's import path 'virtualenv', ignored; `import evil` is not followed "
    "there because ignored folders are not in the staged copy _layer_folders globs",
)
@pytest.mark.parametrize("site", ["layer/python", "layer/python/lib/python3.12/site-packages"])
def test_a_pyvenv_cfg_in_a_layer_import_folder_hides_the_code_a_handler_imports(
    sandbox: Sandbox, site: str
) -> None:
    sandbox.write("template.yaml", LAYERED)
    sandbox.write("src/app.py", USES_EVIL)
    sandbox.write(f"{site}/pyvenv.cfg", "home = /usr/bin\n")
    sandbox.write(f"{site}/evil.py", BAD)
    blocked_or_refused(sandbox.run("--format", "json"))


@pytest.mark.xfail(
    strict=True,
    reason="a folder of the function's code marked with pyvenv.cfg is ignored; a handler "
    "that puts it on sys.path imports unscanned code (imports are looked for only under "
    "the importer's folder, its parents and layers)",
)
def test_a_pyvenv_cfg_folder_on_a_handlers_sys_path_hides_the_code_it_imports(
    sandbox: Sandbox,
) -> None:
    function(sandbox)
    sandbox.write(
        "src/app.py",
        "import os\nimport sys\n\n"
        "sys.path.insert(0, os.path.join(os.path.dirname(__file__), 'vendor'))\n" + USES_EVIL,
    )
    sandbox.write("src/vendor/pyvenv.cfg", "home = /usr/bin\n")
    sandbox.write("src/vendor/evil.py", BAD)
    blocked_or_refused(sandbox.run("--format", "json"))
