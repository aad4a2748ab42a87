"""Hostile bundles against the gate's own staging layer: forged package records, links,
unlistable folders, code hidden in ignored folders, zips nothing deploys, bytecode.

Each trick, were it to work, would let a bundle pass without its code being scanned;
each case checks that the run blocks (the code was scanned) or refuses (one line that
names the file), and that what it left out is counted in the report's `files`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunGate
from tests.hostile.conftest import (
    CHEAP_POLICY,
    Findings,
    HostileRun,
    Layout,
    Sandbox,
    assert_blocks,
    assert_refused,
    each_blocks,
    each_blocks_with,
)

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: {code}
      Handler: {handler}
      Runtime: python3.12
"""
# Event data reaching a shell: GATE-SLS-001 (critical) and bandit's B602.
BAD = (
    "import subprocess\n\n\ndef handler(event, context):\n"
    "    return subprocess.call(event['cmd'], shell=True)\n"
)
GOOD = "def handler(event, context):\n    return {'ok': True}\n"
COVERAGE_FAILS = CHEAP_POLICY + "coverage: {not_analysed: fail}\n"


def record_hash(data: bytes) -> str:
    """A RECORD hash as the wheel spec writes it (urlsafe base64, no padding)."""
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def function(sandbox: Sandbox, code: str = "src/", handler: str = "app.handler") -> None:
    sandbox.write("template.yaml", TEMPLATE.format(code=code, handler=handler))


def report(sandbox: Sandbox, policy: str = CHEAP_POLICY) -> tuple[HostileRun, dict[str, Any]]:
    run = sandbox.run("--format", "json", policy=policy)
    data: dict[str, Any] = json.loads(run.stdout)
    return run, data


def install(
    sandbox: Sandbox, site: str, name: str, files: dict[str, str], declare: bool = True
) -> str:
    """A package laid out as `pip install -r requirements.txt --target SITE` leaves it,
    with a true RECORD (and, with `declare`, the requirement in SITE/requirements.txt)."""
    if declare:
        requirements = sandbox.bundle / site / "requirements.txt"
        before = requirements.read_text() if requirements.is_file() else ""
        sandbox.write(f"{site}/requirements.txt", f"{before}{name}==1.0\n")
    info = f"{name}-1.0.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n"
    lines = []
    for relative, text in {**files, f"{info}/METADATA": metadata}.items():
        sandbox.write(f"{site}/{relative}", text)
        lines.append(f"{relative},{record_hash(text.encode())},{len(text)}")
    lines += [f"{info}/RECORD,,", f"{name}/__pycache__/__init__.cpython-312.pyc,,"]
    lines.append(f"../../bin/{name},{record_hash(b'script')},6")
    sandbox.write(f"{site}/{info}/RECORD", "\n".join(lines) + "\n")
    return f"{site}/{info}/RECORD"


# --- 1. forged package records -------------------------------------------------------


def the_same_bundle_without_a_forged_record(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("src/app.py", BAD)


@pytest.mark.parametrize(
    ("info", "entry", "why"),
    [
        ("src/evil-1.0.dist-info", "app.py", "handler module"),
        ("src/lib/evil-1.0.dist-info", "../app.py", "outside its site directory"),
        ("src/lib/deep/evil-1.0.dist-info", "../../app.py", "outside its site directory"),
        ("src/evil-1.0.dist-info", "./x/../app.py", "handler module"),
    ],
    ids=["handler-listed", "parent", "grandparent", "dotted"],
)
def test_a_record_with_a_true_hash_cannot_make_the_handler_third_party(
    sandbox: Sandbox, info: str, entry: str, why: str
) -> None:
    function(sandbox)
    sandbox.write("src/app.py", BAD)
    sandbox.write(f"{info}/RECORD", f"{entry},{record_hash(BAD.encode())},{len(BAD)}\n")
    assert_refused(sandbox.run(), f"{info}/RECORD", entry, why)


@pytest.mark.parametrize(
    ("row", "why"),
    [
        ("helper.py,,", "has no hash"),
        ("helper.py,sha256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA,10", "does not match"),
        (f"helper.py,md5={base64.b64encode(b'0' * 16).decode()},10", "not sha256"),
    ],
    ids=["no-hash", "wrong-hash", "md5"],
)
def test_a_record_that_does_not_prove_a_helper_module_is_refused(
    sandbox: Sandbox, row: str, why: str
) -> None:
    function(sandbox)
    sandbox.write("src/app.py", "from helper import run\n\n\ndef handler(event, c):\n    run(e)\n")
    sandbox.write("src/helper.py", BAD.replace("def handler(event, context)", "def run(event)"))
    sandbox.write("src/evil-1.0.dist-info/RECORD", row + "\n")
    assert_refused(sandbox.run(), "src/evil-1.0.dist-info/RECORD", "helper.py", why)


def test_a_true_hash_for_a_file_outside_the_site_directory_is_refused(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("src/app.py", GOOD)
    helper = BAD.replace("def handler(event, context)", "def run(event)")
    sandbox.write("src/helper.py", helper)
    info = "src/vendor/evil-1.0.dist-info"
    sandbox.write(f"{info}/RECORD", f"../helper.py,{record_hash(helper.encode())},1\n")
    assert_refused(sandbox.run(), f"{info}/RECORD", "../helper.py", "outside its site directory")


def test_pip_target_layout_is_third_party_and_listed(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("src/app.py", "import fastjson\n\n\n" + GOOD)
    shell = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n"
    modules = {"fastjson/__init__.py": shell, "fastjson/util.py": "x = 1\n"}
    install(sandbox, "src", "fastjson", modules)
    run, data = report(sandbox)
    assert run.code == 0, run.stderr
    assert not [f for f in data["findings"] if f["path"].startswith("src/fastjson/")]
    files = data["files"]
    assert files["third_party"] == 4  # two modules, METADATA, RECORD
    (package,) = files["distributions"]
    assert (package["name"], package["version"], package["files"]) == ("fastjson", "1.0", 4)
    assert package["site"] == "src"
    skipped = next(w for w in data["warnings"] if w["code"] == "vendored-code-skipped")
    assert "(fastjson 1.0)" in skipped["message"]


def test_strict_policy_scans_third_party_code() -> None:
    from gate.policy.load import builtin_policy

    policy = builtin_policy("strict")
    assert policy.scanner("bandit").scan_vendored and policy.scanner("checkov").scan_vendored


# --- 3. folders that cannot be listed ---------------------------------------------------


@pytest.mark.parametrize("folder", ["src/lib", "node_modules/pkg", "src/excluded"])
def test_an_unlistable_folder_is_refused(
    run_gate: RunGate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, folder: str
) -> None:
    """Even an ignored or excluded folder is listed, to count its files."""
    bundle = tmp_path / "bundle"
    (bundle / folder).mkdir(parents=True)
    (bundle / folder / "hidden.py").write_text(BAD)
    (bundle / "app.py").write_text(GOOD)
    policy = tmp_path / "gate.yml"
    policy.write_text(CHEAP_POLICY + 'exclude: ["src/excluded/**"]\n')
    real_scandir = os.scandir
    blocked = str((bundle / folder).resolve())

    def scandir(path: Any = ".") -> Any:
        if str(path) == blocked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    run = run_gate("check", str(bundle), "--policy", str(policy))
    assert run.code == 2, run.stderr
    (line,) = [x for x in run.stderr.splitlines() if x.startswith("gate: error:")]
    assert f"{folder}: cannot list the folder" in line and "Permission denied" in line


@pytest.mark.parametrize("where", ["src", "node_modules"])
def test_a_tree_nested_past_any_deployed_tree_is_refused(sandbox: Sandbox, where: str) -> None:
    """Folders nested deeper than 100 levels, ignored or not, are refused in one line:
    a tree deeper than Python recurses (about 1,000) would stop the run, and every later
    run sharing its cache, with an internal error (gate.scan.scratch `remove_tree`)."""
    sandbox.write("app.py", GOOD)
    sandbox.write(f"{where}/{'d/' * 150}deep.py", GOOD)
    assert_refused(sandbox.run(), str(sandbox.bundle), "nested deeper than 100 levels")
    (sandbox.bundle / where).rename(sandbox.base / "moved")
    assert sandbox.run().code == 0


def test_a_zip_entry_deeper_than_any_deployed_tree_is_refused(sandbox: Sandbox) -> None:
    archive_path = sandbox.base / "function.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.writestr("app.py", GOOD)
        archive.writestr(f"{'d/' * 200}deep.py", GOOD)
    assert_refused(
        sandbox.run(target=archive_path), "function.zip", "nested deeper than 100 folders"
    )


# --- 5. ignored folders -------------------------------------------------------------------


IMPORTS_FROM_AN_IGNORED_FOLDER = {
    "import": "import node_modules.evil\n\n\ndef handler(event, context):\n"
    "    return node_modules.evil.handler(event, context)\n",
    "from-import": "from node_modules import evil\n\n\ndef handler(event, context):\n"
    "    return evil.handler(event, context)\n",
    "relative": "from .node_modules.evil import handler\n",
    "import-module": "import importlib\n\n"
    "handler = importlib.import_module('node_modules.evil').handler\n",
    "through-a-scanned-package": "from vendored import evil\n\n\ndef handler(event, context):\n"
    "    return evil.handler(event, context)\n",
}


def importing_from_an_ignored_folder(handler: str) -> Layout:
    def written(sandbox: Sandbox) -> None:
        function(sandbox)
        sandbox.write("src/app.py", handler)
        sandbox.write("src/node_modules/evil.py", BAD)
        sandbox.write("src/vendored/__init__.py", "")
        sandbox.write("src/vendored/evil.py", "from ..node_modules.evil import handler\n")
        sandbox.write("src/node_modules/left/index.js", "module.exports = 1\n")

    return written


def test_code_a_handler_imports_from_an_ignored_folder_in_any_way_is_scanned(
    tmp_path: Path,
) -> None:
    """Each way a handler imports from `node_modules`, in one run: each bundle blocks on
    the imported module, and nothing of any bundle is ignored."""
    layouts = {
        n: importing_from_an_ignored_folder(h) for n, h in IMPORTS_FROM_AN_IGNORED_FOLDER.items()
    }
    run = each_blocks_with(
        tmp_path, layouts, lambda _, own: any(f["path"] == "src/node_modules/evil.py" for f in own)
    )
    data = json.loads(run.stdout)
    # A dependency tree inside a Python function's code is that code (a sys.path entry
    # away from being imported): nothing of it is ignored; its JavaScript is not analysed.
    # `files` sums the bundles: nothing ignored in the sum is nothing in any; each bundle
    # warns of its one file not analysed, and the sum is one a bundle.
    assert data["files"]["ignored_by"] == {}
    for name in layouts:
        bundle = tmp_path / name / "bundle"  # where `Batch` writes the case's bundle
        said = [
            w["message"]
            for w in data["warnings"]
            if w["code"] == "not-analysed" and w["message"].startswith(f"{bundle}: ")
        ]
        assert len(said) == 1 and "1 files" in said[0], (name, said)
        assert "(src/node_modules/left/index.js)" in said[0], (name, said)
    assert data["files"]["not_analysed"] == len(layouts)


def test_compiled_code_imported_from_an_ignored_folder_is_refused(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("src/app.py", "from node_modules import fast\n" + GOOD)
    sandbox.write("src/node_modules/fast.cpython-312-x86_64-linux-gnu.so", b"\x7fELF\x02")
    assert_refused(sandbox.run(), "src/node_modules/fast.cpython-312-x86_64-linux-gnu.so")


@pytest.mark.parametrize("venv", ["venv", "env", "ci-venv", ".venv"])
def test_a_virtualenv_is_ignored_and_counted(sandbox: Sandbox, venv: str) -> None:
    function(sandbox)
    sandbox.write("src/app.py", GOOD)
    sandbox.write(f"{venv}/pyvenv.cfg", "home = /usr/bin\n")
    sandbox.write(f"{venv}/lib/python3.12/site-packages/tool.py", BAD)
    run, data = report(sandbox)
    assert run.code == 0, run.stderr
    assert data["files"]["ignored_by"] == {"virtualenv": 2}


def test_function_code_inside_an_ignored_folder_is_refused(sandbox: Sandbox) -> None:
    function(sandbox, code=".aws-sam/build/Orders/")
    sandbox.write(".aws-sam/build/Orders/app.py", BAD)
    run = sandbox.run()
    assert run.code == 2, run.stderr
    assert any("'.aws-sam/build/Orders'" in line for line in run.lines), run.stderr


def test_apple_double_files_are_ignored_and_counted(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("src/app.py", GOOD)
    sandbox.write("src/._app.py", b"\x00\x05\x16\x07")
    sandbox.write(".DS_Store", b"\x00\x00\x00\x01Bud1")
    sandbox.write("__MACOSX/src/._app.py", b"\x00\x05\x16\x07")
    run, data = report(sandbox)
    assert run.code == 0, run.stderr
    assert data["files"]["ignored_by"] == {"apple-double": 3}
    assert data["files"]["scanned"] == 2


# --- 9. symbolic links ----------------------------------------------------------------------


def test_a_symlinked_handler_is_scanned_as_its_target(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("shared/orders.py", BAD)
    (sandbox.bundle / "src").mkdir()
    os.symlink("../shared/orders.py", sandbox.bundle / "src" / "app.py")
    run, data = report(sandbox)
    assert run.code == 1, run.stderr
    assert any(
        f["path"] == "src/app.py" and f["rule_id"] == "GATE-SLS-001" for f in data["findings"]
    )


def test_a_symlinked_folder_inside_the_bundle_is_scanned_where_it_is_linked(
    sandbox: Sandbox,
) -> None:
    function(sandbox)
    sandbox.write("shared/app.py", BAD)
    os.symlink("shared", sandbox.bundle / "src")
    run, data = report(sandbox)
    assert run.code == 1, run.stderr
    assert any(f["path"] == "src/app.py" for f in data["findings"])


@pytest.mark.parametrize(
    ("link", "target", "why"),
    [
        ("src/app.py", "/etc/hostname", "outside the bundle"),
        ("src/app.py", "../../outside.py", "outside the bundle"),
        ("src/app.py", "missing.py", "does not exist"),
        ("src/loop", ".", "loop"),
        ("src/a", "b", "cannot be followed"),
    ],
    ids=["absolute", "relative-outside", "dangling", "folder-loop", "link-loop"],
)
def test_a_link_that_leaves_the_bundle_dangles_or_loops_is_refused(
    sandbox: Sandbox, link: str, target: str, why: str
) -> None:
    function(sandbox)
    (sandbox.base / "outside.py").write_text(BAD)
    sandbox.write("src/ok.py", GOOD)
    if link != "src/app.py":
        sandbox.write("src/app.py", GOOD)
    if link == "src/a":
        os.symlink("a", sandbox.bundle / "src" / "b")
    os.symlink(target, sandbox.bundle / link)
    assert_refused(sandbox.run(), link, why)


# --- 11b. zips nothing deploys --------------------------------------------------------------


def _zip(path: Path, files: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)


def test_a_zip_nothing_deploys_is_listed_and_warned(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("src/app.py", GOOD)
    (sandbox.bundle / "dist").mkdir()
    _zip(sandbox.bundle / "dist" / "other.zip", {"app.py": BAD})
    run, data = report(sandbox)
    assert run.code == 0, run.stderr
    assert data["files"]["unreferenced_zips"] == [f"{sandbox.bundle}/dist/other.zip"]
    assert "zip-not-deployed" in {w["code"] for w in data["warnings"]}
    run, data = report(sandbox, COVERAGE_FAILS)
    assert run.code == 1, run.stderr


def test_a_decoy_where_the_gate_unpacks_a_deployed_zip_is_refused(sandbox: Sandbox) -> None:
    """A harmless `fn.zip.contents/` shipped beside a hostile `fn.zip` must not stand in
    for what Lambda runs."""
    function(sandbox, code="build/fn.zip")
    (sandbox.bundle / "build").mkdir()
    _zip(sandbox.bundle / "build" / "fn.zip", {"app.py": BAD})
    sandbox.write("build/fn.zip.contents/app.py", GOOD)
    assert_refused(sandbox.run(), "build/fn.zip.contents", "fn.zip")


def a_deployed_zip_is_scanned_without_a_decoy(sandbox: Sandbox) -> None:
    function(sandbox, code="build/fn.zip")
    (sandbox.bundle / "build").mkdir()
    _zip(sandbox.bundle / "build" / "fn.zip", {"app.py": BAD})


# --- not analysed and sourceless code --------------------------------------------------------


def test_a_sourceless_pyc_is_refused(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("src/app.py", "import helper\n" + GOOD)
    sandbox.write("src/helper.pyc", b"\xcb\r\r\n\x00\x00\x00\x00" + b"\x00" * 8)
    assert_refused(sandbox.run(), "src/helper.pyc", "without its source")


def test_bytecode_python_never_imports_is_not_analysed(sandbox: Sandbox) -> None:
    """A name no import finds, and `name.pyc` beside `name.py` (source comes first)."""
    function(sandbox)
    sandbox.write("src/app.py", GOOD)
    sandbox.write("src/app-backup.pyc", b"\xcb\r\r\n" + b"\x00" * 12)
    sandbox.write("src/helper.py", "x = 1\n")
    sandbox.write("src/helper.pyc", b"\xcb\r\r\n" + b"\x00" * 12)
    run, data = report(sandbox)
    assert run.code == 0, run.stderr
    assert data["files"]["not_analysed"] == 2


@pytest.mark.parametrize("name", ["index.js", "Main.java", "lib/native.so"])
def test_code_the_gate_does_not_analyse_is_warned_and_can_fail(sandbox: Sandbox, name: str) -> None:
    function(sandbox)
    sandbox.write("src/app.py", GOOD)
    sandbox.write(f"src/{name}", "require('child_process').exec(process.argv[2])\n")
    run, data = report(sandbox)
    assert run.code == 0, run.stderr
    assert data["files"]["not_analysed"] == 1
    warning = next(w for w in data["warnings"] if w["code"] == "not-analysed")
    assert "function Orders" in warning["message"] and f"src/{name}" in warning["message"]
    run, data = report(sandbox, COVERAGE_FAILS)
    assert run.code == 1, run.stderr


def test_a_handler_module_inside_an_ignored_folder_is_scanned(sandbox: Sandbox) -> None:
    function(sandbox, handler="node_modules/app.handler")
    sandbox.write("src/other.py", GOOD)
    sandbox.write("src/node_modules/app.py", BAD)
    run, data = report(sandbox)
    assert run.code == 1, run.stderr
    assert any(f["path"] == "src/node_modules/app.py" for f in data["findings"])


def test_a_deployment_zip_cannot_vouch_for_its_own_handler(sandbox: Sandbox) -> None:
    """No IaC names the handler of a bare deployment zip: a module at the top of its site
    directory is scanned even when a RECORD lists it with a true hash."""
    info = "evil-1.0.dist-info"
    record = f"lambda_function.py,{record_hash(BAD.encode())},{len(BAD)}\n{info}/RECORD,,\n"
    archive = sandbox.base / "function.zip"
    metadata = "Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n"
    _zip(
        archive, {"lambda_function.py": BAD, f"{info}/METADATA": metadata, f"{info}/RECORD": record}
    )
    assert_blocks(sandbox.run(target=archive))


def test_a_named_pipe_in_the_bundle_is_refused(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("src/app.py", GOOD)
    os.mkfifo(sandbox.bundle / "src" / "helper.py")
    assert_refused(sandbox.run(), "src/helper.py", "not a regular file")


def test_a_refused_name_with_a_newline_stays_one_line(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("src/app.py", GOOD)
    os.symlink("/etc/hostname", sandbox.bundle / "src" / "evil\ngate: note: all clear.py")
    run = sandbox.run()
    assert_refused(run, "src/evil\\ngate: note: all clear.py", "outside the bundle")
    assert len(run.lines) == 1, run.stderr


@pytest.mark.parametrize("deployed", [False, True], ids=["given", "deployed-by-iac"])
def test_a_mac_built_deployment_zip_is_scanned_without_its_junk(
    sandbox: Sandbox, deployed: bool
) -> None:
    archive = sandbox.bundle / "build" / "function.zip" if deployed else sandbox.base / "fn.zip"
    archive.parent.mkdir(exist_ok=True)
    _zip(
        archive,
        {
            "lambda_function.py": BAD,
            "__pycache__/lambda_function.cpython-312.pyc": "\x00" * 16,
            "__MACOSX/._lambda_function.py": "\x00\x05\x16\x07",
            "._lambda_function.py": "\x00\x05\x16\x07",
            ".checkov.yaml": "skip-check: [CKV_AWS_45]\n",
        },
    )
    if deployed:
        function(sandbox, code="build/function.zip", handler="lambda_function.handler")
    run = sandbox.run("--format", "json", target=None if deployed else archive)
    assert_blocks(run)
    files = json.loads(run.stdout)["files"]
    assert files["ignored_by"] == {"apple-double": 2, "scanner-config": 1, "tool-cache": 1}
    assert files["scanned"] == (3 if deployed else 1)  # the template and the zip itself


LAYERED = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Shared:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layer/
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: orders.handler
      Runtime: python3.12
      Layers: [!Ref Shared]
"""


@pytest.mark.parametrize("site", ["layer/python", "layer/python/lib/python3.12/site-packages"])
def test_a_handler_loaded_from_a_layer_cannot_be_vouched_for(sandbox: Sandbox, site: str) -> None:
    sandbox.write("template.yaml", LAYERED)
    sandbox.write("src/README.md", "the handler is in the layer\n")
    sandbox.write(f"{site}/orders.py", BAD)
    info = f"{site}/evil-1.0.dist-info"
    sandbox.write(f"{info}/METADATA", "Metadata-Version: 2.1\nName: evil\nVersion: 1.0\n")
    sandbox.write(f"{info}/RECORD", f"orders.py,{record_hash(BAD.encode())},{len(BAD)}\n")
    assert_refused(sandbox.run(), f"{info}/RECORD", "orders.py", "handler module")


LAYER_SITES = {
    "python": "layer/python",
    "site-packages": "layer/python/lib/python3.12/site-packages",
}


def test_code_a_handler_imports_from_an_ignored_folder_of_each_layer_site_is_scanned(
    tmp_path: Path,
) -> None:
    """Both site directories of a layer, in one run: each bundle blocks on the module its
    handler imports from the site's `node_modules`."""

    def layout(site: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            sandbox.write("template.yaml", LAYERED)
            sandbox.write(
                "src/orders.py", "from node_modules import evil\n\nhandler = evil.handler\n"
            )
            sandbox.write(f"{site}/util.py", "x = 1\n")
            sandbox.write(f"{site}/node_modules/evil.py", BAD)

        return written

    def scanned(name: str, own: Findings) -> bool:
        return any(f["path"] == f"{LAYER_SITES[name]}/node_modules/evil.py" for f in own)

    each_blocks_with(tmp_path, {n: layout(s) for n, s in LAYER_SITES.items()}, scanned)


def test_a_stripped_native_library_of_a_package_is_not_analysed(sandbox: Sandbox) -> None:
    """`strip` on a package's .so (a common size trim) breaks its hash: the library is
    then counted as native code nobody analyses, not refused and not third-party."""
    function(sandbox)
    sandbox.write("src/app.py", "import fastlib\n\n\n" + GOOD)
    record = install(sandbox, "src", "fastlib", {"fastlib/__init__.py": "x = 1\n"})
    library = "fastlib/_speed.cpython-312-x86_64-linux-gnu.so"
    sandbox.write(f"src/{library}", b"\x7fELF stripped")
    proof = record_hash(b"\x7fELF original")
    with (sandbox.bundle / record).open("a") as handle:
        handle.write(f"{library},{proof},100\n")
    run, data = report(sandbox)
    assert run.code == 0, run.stderr
    assert (data["files"]["not_analysed"], data["files"]["third_party"]) == (1, 3)


def test_a_program_under_a_junk_name_is_counted_as_the_program_it_is(sandbox: Sandbox) -> None:
    """A `#!` script in `__pycache__` or named like a resource fork (`._w`) is no cache
    and no fork: the Framework packages it, so it is copied and counted not analysed
    (a shell script), not ignored. A real resource fork stays ignored."""
    sandbox.write("template.yaml", TEMPLATE.format(code="src/", handler="app.handler"))
    sandbox.write("src/app.py", "def handler(event, context):\n    return 1\n")
    sandbox.write("src/__pycache__/run", "#!/bin/sh\necho hi\n")
    sandbox.write("src/._w", "#!/bin/sh\necho hi\n")
    sandbox.write("src/._app.py", b"\x00\x05\x16\x07" + b"\x00" * 40)
    run = sandbox.run("--format", "json")
    files = json.loads(run.stdout)["files"]
    assert files["ignored_by"] == {"apple-double": 1}, files
    assert files["not_analysed"] == 2, files


def test_each_single_baseline_blocks_on_its_rule(tmp_path: Path) -> None:
    """The single baselines above, in one run: each bundle blocks on its rule."""
    each_blocks(
        tmp_path,
        {
            "same-bundle-without-a-forged-record": (
                the_same_bundle_without_a_forged_record,
                "GATE-SLS-001",
            ),
            "deployed-zip-is-scanned-without-a-decoy": (
                a_deployed_zip_is_scanned_without_a_decoy,
                "GATE-SLS-001",
            ),
        },
    )
