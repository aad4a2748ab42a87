"""What Python would load in a function's code that the gate might not scan: bytecode in
`__pycache__`, native modules beside a scanned source, virtualenvs and dependency trees
inside the code, a SAM build `sam deploy` prefers, and files no enabled scanner read.

Each case checks the run blocks (the code was scanned; bundles that need only block share
one run), refuses (one line naming the file), or, for what stays legitimate, passes with
the file counted where it belongs.
"""

from __future__ import annotations

import io
import json
import py_compile
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.conftest import (
    CHEAP_POLICY,
    HostileRun,
    Layout,
    Sandbox,
    assert_blocks,
    assert_refused,
    each_blocks,
    each_passes_with,
    not_analysed,
    on_rule,
)
from tests.hostile.test_staging import BAD, GOOD, function

ELF = b"\x7fELF\x02\x01\x01" + bytes(100)


def files_of(run: HostileRun) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(run.stdout)
    files: dict[str, Any] = data["files"]
    return files


def pyc(source: str, mode: py_compile.PycInvalidationMode) -> bytes:
    """Bytecode of `source` as `py_compile` writes it in the invalidation mode `mode`."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "app.py"
        path.write_text(source, encoding="utf-8")
        out = py_compile.compile(str(path), invalidation_mode=mode, doraise=True)
        assert out is not None
        return Path(out).read_bytes()


def with_size(bytecode: bytes, size: int) -> bytes:
    """Timestamp-based bytecode whose header claims a source of `size` bytes."""
    return bytecode[:12] + size.to_bytes(4, "little") + bytecode[16:]


# --- native modules shadowing a source ---------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "app.cpython-312-x86_64-linux-gnu.so",
        "app.abi3.so",
        "app.so",
        "app.cp312-win_amd64.pyd",
        "helpers.cpython-312-x86_64-linux-gnu.so",
    ],
)
def test_a_native_module_beside_a_scanned_source_is_refused(sandbox: Sandbox, name: str) -> None:
    function(sandbox)
    sandbox.write("src/app.py", "import helpers\n" + GOOD)
    sandbox.write("src/helpers.py", GOOD)
    sandbox.write(f"src/{name}", ELF)
    assert_refused(sandbox.run(), f"src/{name}", "native module")


def test_a_native_module_shadowing_a_package_is_refused(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("src/app.py", "import lib\n" + GOOD)
    sandbox.write("src/lib/__init__.py", "")
    sandbox.write("src/lib.abi3.so", ELF)
    assert_refused(sandbox.run(), "src/lib.abi3.so", "native module")


@pytest.mark.parametrize(
    "importer",
    ["import fast\n", "from fast import go\n", "from . import fast\n", "from lib import fast\n"],
)
def test_a_native_module_the_code_imports_is_refused(sandbox: Sandbox, importer: str) -> None:
    function(sandbox)
    sandbox.write("src/app.py", importer + GOOD)
    sandbox.write("src/lib/__init__.py", "")
    sandbox.write("src/lib/fast.cpython-312-x86_64-linux-gnu.so", ELF)
    assert_refused(sandbox.run(), "src/lib/fast.cpython-312-x86_64-linux-gnu.so", "imports")


def a_lone_native_module_stays_not_analysed(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("src/app.py", GOOD)
    sandbox.write("src/fast.cpython-312-x86_64-linux-gnu.so", ELF)


# --- bytecode in __pycache__ -------------------------------------------------------------


@pytest.mark.parametrize(
    "mode",
    [py_compile.PycInvalidationMode.CHECKED_HASH, py_compile.PycInvalidationMode.UNCHECKED_HASH],
    ids=["checked-hash", "unchecked-hash"],
)
def test_hash_based_bytecode_in_function_code_is_refused(
    sandbox: Sandbox, mode: py_compile.PycInvalidationMode
) -> None:
    function(sandbox)
    sandbox.write("src/app.py", GOOD)
    sandbox.write("src/__pycache__/app.cpython-313.pyc", pyc(BAD, mode))
    assert_refused(sandbox.run(), "src/__pycache__/app.cpython-313.pyc", "__pycache__")


def test_timestamp_bytecode_matching_the_source_size_is_refused(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("src/app.py", GOOD)
    stale = pyc(BAD, py_compile.PycInvalidationMode.TIMESTAMP)
    sandbox.write("src/__pycache__/app.cpython-312.pyc", with_size(stale, len(GOOD)))
    assert_refused(sandbox.run(), "src/__pycache__/app.cpython-312.pyc")


def test_bytecode_in_a_layer_is_refused(sandbox: Sandbox) -> None:
    from tests.hostile.test_review import LAYERED

    sandbox.write("template.yaml", LAYERED)
    sandbox.write("src/app.py", "import dep\n" + GOOD)
    sandbox.write("layer/python/dep.py", GOOD)
    bytecode = pyc(BAD, py_compile.PycInvalidationMode.UNCHECKED_HASH)
    sandbox.write("layer/python/__pycache__/dep.cpython-312.pyc", bytecode)
    assert_refused(sandbox.run(), "layer/python/__pycache__/dep.cpython-312.pyc")


@pytest.mark.parametrize(
    "bytecode",
    [b"\x00" * 16, with_size(pyc(BAD, py_compile.PycInvalidationMode.TIMESTAMP), 1)],
    ids=["no-magic", "stale-timestamp"],
)
def test_bytecode_python_never_loads_stays_ignored(sandbox: Sandbox, bytecode: bytes) -> None:
    function(sandbox)
    sandbox.write("src/app.py", GOOD)
    sandbox.write("src/__pycache__/app.cpython-312.pyc", bytecode)
    run = sandbox.run("--format", "json")
    assert run.code == 0, run.stderr
    assert files_of(run)["ignored_by"] == {"tool-cache": 1}


def test_bytecode_outside_function_code_stays_ignored(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("src/app.py", GOOD)
    sandbox.write("tests/test_app.py", GOOD)
    bytecode = pyc(GOOD, py_compile.PycInvalidationMode.UNCHECKED_HASH)
    sandbox.write("tests/__pycache__/test_app.cpython-312.pyc", bytecode)
    run = sandbox.run("--format", "json")
    assert run.code == 0, run.stderr
    assert files_of(run)["ignored_by"] == {"tool-cache": 1}


def test_bytecode_in_a_deployment_zip_given_alone_is_refused(sandbox: Sandbox) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("lambda_function.py", GOOD)
        bytecode = pyc(BAD, py_compile.PycInvalidationMode.UNCHECKED_HASH)
        archive.writestr("__pycache__/lambda_function.cpython-312.pyc", bytecode)
    target = sandbox.base / "fn.zip"
    target.write_bytes(buffer.getvalue())
    assert_refused(sandbox.run(target=target), "__pycache__/lambda_function.cpython-312.pyc")


# --- virtualenvs and dependency trees inside a function's code ---------------------------


def test_an_ignorable_folder_inside_function_code_is_scanned(tmp_path: Path) -> None:
    def layout(folder: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            function(sandbox)
            sandbox.write("src/app.py", "import sys\n\nsys.path.insert(0, 'x')\n" + GOOD)
            sandbox.write(f"src/{folder}/pyvenv.cfg", "home = /usr/bin\n")
            sandbox.write(f"src/{folder}/evil.py", BAD)

        return written

    cases = {
        "0-venv": layout(".venv"),
        "env": layout("env"),
        "node_modules": layout("node_modules"),
    }
    each_blocks(tmp_path, on_rule("B602", cases))


def test_a_link_out_of_the_bundle_in_a_virtualenv_in_function_code_is_refused(
    sandbox: Sandbox,
) -> None:
    function(sandbox)
    sandbox.write("src/app.py", GOOD)
    sandbox.write("src/.venv/pyvenv.cfg", "home = /usr/bin\n")
    (sandbox.bundle / "src" / ".venv" / "secret.py").symlink_to("/etc/hostname")
    assert_refused(sandbox.run(), "src/.venv/secret.py", "outside the bundle")


def test_a_virtualenv_outside_function_code_stays_ignored(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("src/app.py", GOOD)
    sandbox.write("tools/env/pyvenv.cfg", "home = /usr/bin\n")
    sandbox.write("tools/env/lib/python3.12/site-packages/evil.py", BAD)
    run = sandbox.run("--format", "json")
    assert run.code == 0, run.stderr
    assert files_of(run)["ignored_by"] == {"virtualenv": 2}


# --- the SAM build sam deploy deploys ----------------------------------------------------


def test_the_code_of_a_sam_build_is_scanned(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("src/app.py", GOOD)
    sandbox.write(
        ".aws-sam/build/template.yaml",
        (sandbox.bundle / "template.yaml").read_text().replace("CodeUri: src/", "CodeUri: Orders"),
    )
    sandbox.write(".aws-sam/build/Orders/app.py", BAD)
    # `sam build --cached` copies a cached build into the build folder: scanned too.
    sandbox.write(".aws-sam/cache/x/app.py", BAD)
    sandbox.write(".aws-sam/auto-dependency-layer/x.py", BAD)
    run = sandbox.run("--format", "json")
    assert_blocks(run)
    data = json.loads(run.stdout)
    paths = {f["path"] for f in data["findings"]}
    assert {".aws-sam/build/Orders/app.py", ".aws-sam/cache/x/app.py"} <= paths
    assert ".aws-sam/auto-dependency-layer/x.py" not in paths
    assert data["files"]["ignored_by"] == {"build-output": 1}


def test_sam_output_without_a_built_template_is_ignored_but_its_caches(
    sandbox: Sandbox,
) -> None:
    """A build `sam deploy` would not deploy (no built template) is left out; the caches
    a cached build copies from are scanned."""
    function(sandbox)
    sandbox.write("src/app.py", GOOD)
    sandbox.write(".aws-sam/build/Orders/app.py", BAD)
    sandbox.write(".aws-sam/deps/x/evil.py", BAD)
    run = sandbox.run("--format", "json")
    assert_blocks(run)
    paths = {f["path"] for f in json.loads(run.stdout)["findings"]}
    assert ".aws-sam/deps/x/evil.py" in paths and ".aws-sam/build/Orders/app.py" not in paths
    assert files_of(run)["ignored_by"] == {"build-output": 1}


# --- what counts as scanned --------------------------------------------------------------


@pytest.mark.parametrize(
    ("enabled", "scanned"),
    [("bandit", 1), ("serverless", 1), ("pip-audit", 1)],
)
def test_only_files_an_enabled_scanner_reads_are_scanned(
    sandbox: Sandbox, enabled: str, scanned: int
) -> None:
    function(sandbox)
    sandbox.write("src/app.py", GOOD)
    sandbox.write("src/requirements.txt", "")
    sandbox.write("src/notes.txt", "hello\n")
    off = [n for n in ("checkov", "bandit", "pip-audit", "serverless") if n != enabled]
    policy = "version: 1\nscanners:\n" + "".join(f"  {n}: {{enabled: false}}\n" for n in off)
    files = files_of(sandbox.run("--format", "json", policy=policy))
    assert files["scanned"] == scanned
    assert files["not_analysed"] == 4 - scanned


def test_files_no_scanner_read_can_fail_the_run(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("src/app.py", GOOD)
    policy = (
        "version: 1\nscanners:\n  checkov: {enabled: false}\n  bandit: {enabled: false}\n"
        "coverage: {not_analysed: fail}\n"
    )
    run = sandbox.run(policy=policy)
    assert run.code == 1, run.stderr


def test_a_real_virtualenv_in_a_functions_code_is_refused_with_the_way_out(
    sandbox: Sandbox,
) -> None:
    """A CI job's `.venv` beside a serverless.yml is inside the function's code: a zip of
    that code would ship it. The refusal names it and the policy line that leaves it out."""
    sandbox.write(
        "serverless.yml",
        "service: s\nprovider: {name: aws, runtime: python3.12}\n"
        "functions:\n  f: {handler: app.handler}\n",
    )
    sandbox.write("app.py", "def handler(event, context):\n    return 1\n")
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(sandbox.bundle / ".venv")],
        check=True,
    )
    assert_refused(sandbox.run(), ".venv/", 'exclude: [".venv/**"]')
    excluded = sandbox.run(policy=CHEAP_POLICY + 'exclude: [".venv/**"]\n')
    assert excluded.code in (0, 1), excluded.stderr


def an_installed_packages_listed_bytecode_is_not_analysed_not_refused(sandbox: Sandbox) -> None:
    """pip compiles what it installs and lists the bytecode in RECORD: a layer built
    with pip, as real repositories ship, is not refused, and its bytecode is counted
    not analysed (nothing proves what it holds), never third-party or ignored."""
    from tests.hostile.test_staging import install

    function(sandbox)
    sandbox.write("src/app.py", "import pkg\n\n\ndef handler(event, context):\n    return 1\n")
    install(sandbox, "src", "pkg", {"pkg/__init__.py": "VALUE = 1\n"})
    bytecode = pyc("VALUE = 1\n", py_compile.PycInvalidationMode.UNCHECKED_HASH)
    sandbox.write("src/pkg/__pycache__/__init__.cpython-312.pyc", bytecode)


def test_each_single_pass_counts_its_one_file_not_analysed(tmp_path: Path) -> None:
    """The single passes above, in one run: each bundle passes with one file counted not
    analysed (its own warning says so), and no bundle's bytecode is ignored as a tool
    cache (none is in the run's sum)."""
    run = each_passes_with(
        tmp_path,
        {
            "lone-native-module": a_lone_native_module_stays_not_analysed,
            "installed-packages-listed-bytecode": (
                an_installed_packages_listed_bytecode_is_not_analysed_not_refused
            ),
        },
        warned=not_analysed(1),
    )
    files = files_of(run)
    assert files["not_analysed"] == 2, files
    assert "tool-cache" not in files.get("ignored_by", {}), files
