"""Every file of a bundle ends in exactly one state: a property test over generated trees.

Hypothesis builds bundle trees (nested folders, Python and other code, installed
packages with true and forged RECORDs, links inside, outside and dangling, deployed
and stray zips, ignored folders, virtualenvs, folders that cannot be listed) and
stages them. Either staging refuses, exactly when the tree holds something that must
be refused, or (a) the account adds up to the files present, counted here by an
independent walk, and (b) every Python file that is not in a named state (ignored,
excluded, proven third-party) is in the copy bandit reads.
"""

from __future__ import annotations

import base64
import hashlib
import os
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from unittest import mock

import jsonschema
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from gate.bundle.resolve import resolve_bundles, stage
from gate.bundle.staging.accounting import total
from gate.errors import BundleError
from gate.model import Decision, PolicySource
from gate.reports.json_report import report_dict, report_schema
from gate.reports.read import verdict_of
from gate.verdict import Distribution, FileAccount, Verdict

# Where generated files may go; `lib` is excluded by the policy, the rest are ignored
# by built-in rules (`venv` holds pyvenv.cfg).
FOLDERS = ["", "src", "src/pkg", "lib", "node_modules/x", ".git", "venv", "__pycache__", "__MACOSX"]
IGNORED = ("node_modules", ".git", "venv", "__pycache__", "__MACOSX")
EXCLUDE = ("lib/**",)
TEMPLATE = """\
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: {code}
      Handler: app.handler
      Runtime: python3.12
"""


@dataclass(frozen=True)
class Tree:
    """What was generated: the files, and whether staging must refuse it."""

    files: tuple[tuple[str, str], ...]
    packages: tuple[tuple[str, bool], ...]
    """(site folder, RECORD is true)."""
    links: tuple[tuple[str, str], ...]
    """(link path, kind: file, dir, outside, dangling, loop)."""
    zipped: str
    """none, deployed or stray."""
    unlistable: str | None
    sourceless: bool


trees = st.builds(
    Tree,
    files=st.lists(
        st.tuples(
            st.sampled_from(FOLDERS), st.sampled_from(["a.py", "b.js", "c.txt", "d.pyc", "e.so"])
        ),
        max_size=8,
    ).map(tuple),
    packages=st.lists(
        st.tuples(st.sampled_from(["", "src"]), st.sampled_from([True, True, True, False])),
        max_size=2,
        unique_by=lambda p: p[0],
    ).map(tuple),
    links=st.lists(
        st.tuples(
            st.sampled_from(["ln1", "src/ln2"]),
            st.sampled_from(["file", "dir", "file", "dir", "outside", "dangling", "loop"]),
        ),
        max_size=2,
        unique_by=lambda link: link[0],
    ).map(tuple),
    zipped=st.sampled_from(["none", "deployed", "stray"]),
    # Refusals are rarer, so that most trees are staged and counted.
    unlistable=st.sampled_from([None] * 8 + ["src", "lib", "node_modules/x", "data"]),
    sourceless=st.sampled_from([False] * 8 + [True]),
)


def record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def write(root: Path, relative: str, data: bytes) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def build(root: Path, tree: Tree) -> bool:
    """Lay the tree out under `root`; whether staging must refuse it."""
    must_refuse = False
    write(root, "data/target.py", b"x = 1\n")
    write(root, "lib/mod.py", b"y = 2\n")
    write(root, "venv/pyvenv.cfg", b"home = /usr\n")
    for folder, name in tree.files:
        stem = name.split(".")[0]
        write(root, f"{folder}/{name}".lstrip("/"), b"z = 3\n")
        if name.endswith(".pyc"):
            write(root, f"{folder}/{stem}.py".lstrip("/"), b"z = 3\n")
    for index, (site, true) in enumerate(tree.packages):
        must_refuse |= not true
        install(root, site, f"pkg{index}", true)
    for link, kind in tree.links:
        path = root / link
        path.parent.mkdir(parents=True, exist_ok=True)
        depth = "../" * link.count("/")
        target = {
            "file": f"{depth}data/target.py",
            "dir": f"{depth}lib",
            "outside": "/etc/hostname",
            "dangling": f"{depth}missing.py",
            "loop": ".",
        }[kind]
        os.symlink(target, path)
        must_refuse |= kind in ("outside", "dangling", "loop")
    if tree.zipped != "none":
        (root / "build").mkdir(exist_ok=True)
        with zipfile.ZipFile(root / "build" / "fn.zip", "w") as archive:
            archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
            archive.writestr("node_modules/m.js", "1\n")
            archive.writestr("__pycache__/app.cpython-312.pyc", "\x00" * 16)
            archive.writestr("__MACOSX/._app.py", "\x00")
    code = "build/fn.zip" if tree.zipped == "deployed" else "data/"
    write(root, "template.yaml", TEMPLATE.format(code=code).encode())
    if tree.sourceless:
        write(root, "src/lonely.pyc", b"\x00" * 16)
        must_refuse = True
    if tree.unlistable is not None:
        (root / tree.unlistable).mkdir(parents=True, exist_ok=True)
        must_refuse = True
    return must_refuse


def install(root: Path, site: str, name: str, true: bool) -> None:
    code = b"import os\n"
    info = f"{name}-1.0.dist-info"
    write(root, f"{site}/{name}/__init__.py".lstrip("/"), code)
    proof = record_hash(code if true else b"something else")
    record = f"{name}/__init__.py,{proof},10\n{info}/RECORD,,\n"
    write(root, f"{site}/{info}/RECORD".lstrip("/"), record.encode())


def independent_count(root: Path) -> int:
    """Files under `root` as Lambda would ship them: links inside followed, a deployed
    zip counted with its entries."""
    count = 0
    for current, _, names in os.walk(root, followlinks=True):
        for name in names:
            path = Path(current) / name
            count += 1
            if name == "fn.zip" and b"build/fn.zip" in (root / "template.yaml").read_bytes():
                with zipfile.ZipFile(path) as archive:
                    count += len([i for i in archive.infolist() if not i.is_dir()])
    return count


def python_files_in_no_named_state(root: Path, tree: Tree) -> list[str]:
    """The Python files a scanner must read: not ignored, excluded or proven third-party."""
    found = []
    for current, _, names in os.walk(root, followlinks=True):
        relative_dir = Path(current).relative_to(root).as_posix()
        parts = relative_dir.split("/")
        if any(p in IGNORED for p in parts) or parts[0] == "lib":
            continue
        for name in names:
            relative = f"{relative_dir}/{name}".removeprefix("./")
            third_party = any(
                relative == f"{site}/pkg{i}/__init__.py".lstrip("/")
                for i, (site, _) in enumerate(tree.packages)
            )
            if name.endswith(".py") and not third_party:
                found.append(relative)
    return found


@contextmanager
def unlistable(folder: Path | None) -> Iterator[None]:
    """os.scandir fails on `folder` as it would on a folder root cannot read."""
    if folder is None:
        yield
        return
    real = os.scandir
    blocked = str(folder.resolve())

    def scandir(path: Any = ".") -> Any:
        if str(path) == blocked:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    with mock.patch.object(os, "scandir", scandir):
        yield


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees)
def test_every_file_ends_in_exactly_one_state(tree: Tree) -> None:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp) / "bundle"
        root.mkdir()
        must_refuse = build(root, tree)
        blocked = root / tree.unlistable if tree.unlistable else None
        bundles = resolve_bundles([str(root)])
        with unlistable(blocked):
            try:
                staged, _ = stage(bundles, EXCLUDE, Path(temp) / "work")
            except BundleError:
                event("refused")
                assert must_refuse
                return
        event("staged")
        assert not must_refuse
        (bundle,) = staged
        files = bundle.account
        assert files.total == independent_count(root)
        assert files.ignored == sum(n for _, n in files.ignored_by)
        assert files.excluded == sum(n for _, n in files.excluded_by)
        assert files.third_party == sum(d.files for d in files.distributions)
        for relative in python_files_in_no_named_state(root, tree):
            assert (bundle.code_root / relative).is_file(), relative


def test_the_account_round_trips_through_the_json_report() -> None:
    files = FileAccount(
        scanned=3,
        excluded=1,
        third_party=2,
        ignored=4,
        not_analysed=1,
        excluded_by=(("tests/**", 1),),
        ignored_by=(("vcs", 4),),
        distributions=(Distribution("requests", "2.31.0", 2, ".", "src"),),
        unreferenced_zips=("./old.zip",),
    )
    verdict = Verdict(Decision.PASS, (), (), (), PolicySource("builtin:default", "0" * 64))
    data = report_dict(replace(verdict, files=files))
    jsonschema.Draft202012Validator(report_schema()).validate(data)
    assert verdict_of(data).files == files
    assert total([files, files]).total == 2 * files.total


@pytest.mark.parametrize(("value", "valid"), [("warn", True), ("fail", True), ("maybe", False)])
def test_the_coverage_policy_key_is_validated(value: str, valid: bool) -> None:
    from gate.errors import PolicyError
    from gate.policy.load import parse_policy

    text = f"version: 1\ncoverage: {{not_analysed: {value}, out_of_scope: {value}}}\n"
    if not valid:
        with pytest.raises(PolicyError, match="coverage"):
            parse_policy(text.encode(), "gate.yml", "file:gate.yml", None)
        return
    policy = parse_policy(text.encode(), "gate.yml", "file:gate.yml", None)
    assert policy.coverage == {"not_analysed": value, "out_of_scope": value}


def test_the_console_shows_the_account_in_one_line() -> None:
    from gate.reports.console import files_line

    files = FileAccount(
        scanned=42,
        excluded=3,
        third_party=120,
        ignored=7,
        not_analysed=2,
        distributions=(
            Distribution("requests", "2.31.0", 100, ".", "src"),
            Distribution("idna", "3.6", 20, ".", "src"),
        ),
    )
    assert files_line(files) == (
        "files: 42 scanned, 3 excluded, 120 third-party (2 packages), 7 ignored, 2 not analysed"
    )


def test_an_environment_can_make_coverage_fail() -> None:
    from gate.policy.load import parse_policy

    text = b"version: 1\nenvironments:\n  prod: {coverage: {not_analysed: fail}}\n"
    assert parse_policy(text, "gate.yml", "file:gate.yml", None).coverage == {}
    prod = parse_policy(text, "gate.yml", "file:gate.yml", "prod")
    assert prod.coverage == {"not_analysed": "fail"}


def test_out_of_scope_files_are_counted_and_warned(tmp_path: Path) -> None:
    """The hook discovery uses to mark IaC of another cloud (serverless.yml for Azure)."""
    from gate.bundle.staging.accounting import account
    from gate.bundle.staging.copy import copy_tree
    from gate.bundle.staging.thirdparty import ThirdParty

    bundle_dir = tmp_path / "fn"
    write(bundle_dir, "serverless.yml", b"provider: {name: azure}\n")
    write(bundle_dir, "handler.py", b"x = 1\n")
    (bundle,) = resolve_bundles([str(bundle_dir)])
    tally = copy_tree(bundle_dir, tmp_path / "copy", bundle.id, ())
    nothing = ThirdParty(frozenset(), ())
    done = account(tmp_path / "copy", bundle, tally, nothing, frozenset({"serverless.yml"}))
    assert (done.account.out_of_scope, done.account.scanned) == (1, 1)
    (warning,) = done.warnings
    assert warning.code == "out-of-scope" and "coverage: {out_of_scope: fail}" in warning.message


def test_a_python_module_is_scanned_whatever_its_first_line(tmp_path: Path) -> None:
    """bandit reads every `.py` file: one starting `#!/bin/sh` is scanned, not "not
    analysed"; a script of another interpreter without the suffix is not analysed."""
    from gate.bundle.staging.accounting import account
    from gate.bundle.staging.copy import copy_tree
    from gate.bundle.staging.thirdparty import ThirdParty

    bundle_dir = tmp_path / "fn"
    write(bundle_dir, "helper.py", b"#!/bin/sh\nimport os\nos.system('x')\n")
    write(bundle_dir, "deploy", b"#!/bin/sh\necho deploy\n")
    (bundle,) = resolve_bundles([str(bundle_dir)])
    tally = copy_tree(bundle_dir, tmp_path / "copy", bundle.id, ())
    done = account(tmp_path / "copy", bundle, tally, ThirdParty(frozenset(), ()))
    assert (done.account.scanned, done.account.not_analysed) == (1, 1)


LAYERED = """\
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: RUNTIME
      Layers: [TIED]
  Deps:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layer/
      CompatibleRuntimes: [LAYER_RUNTIME]
"""
PTH = b"import os; os.system('true')\n"
ZIPPED = b"PK\x05\x06" + b"\x00" * 18  # an empty zip
LOADS = b"\x00\x00\r\n" + b"\x01" + b"\x00" * 11  # hash-based bytecode of the source m.py


@pytest.mark.parametrize(
    ("runtime", "tied", "layer_runtime", "name", "data", "refused"),
    [
        ("python3.12", "", "python3.12", "boot.pth", PTH, True),  # no function names it
        ("python3.12", "", "python3.12", "lib.zip", ZIPPED, True),
        ("python3.12", "", "python3.12", "lib.dat", ZIPPED, True),
        ("python3.12", "", "python3.12", "__pycache__/m.cpython-312.pyc", LOADS, True),
        ("nodejs22.x", "!Ref Deps", "python3.12", "boot.pth", PTH, True),
        ("nodejs22.x", "!Ref Deps", "!Ref Runtimes", "boot.pth", PTH, True),
        ("nodejs22.x", "!Ref Deps", "nodejs22.x", "boot.pth", PTH, False),  # Python's never
        ("nodejs22.x", "!Ref Deps", "nodejs22.x", "lib.zip", ZIPPED, False),
    ],
)
def test_every_layer_that_may_hold_python_is_python_s_code(
    tmp_path: Path,
    runtime: str,
    tied: str,
    layer_runtime: str,
    name: str,
    data: bytes,
    refused: bool,
) -> None:
    """A layer is published for any function that names it: one no function of the
    bundle is tied to, or tied only to a function of another runtime, is Python's code
    unless its runtimes say otherwise, so a `.pth` that runs at start, or a zip Python
    imports from, or bytecode it may load, in it is refused as in a Python function's
    own layer."""
    template = LAYERED.replace("LAYER_RUNTIME", layer_runtime).replace("RUNTIME", runtime)
    bundle_dir = tmp_path / "b"
    write(bundle_dir, "template.yaml", template.replace("TIED", tied).encode())
    write(bundle_dir, "src/app.py" if runtime.startswith("python") else "src/index.js", b"x = 1\n")
    write(bundle_dir, "layer/python/m.py", b"M = 1\n")
    write(bundle_dir, f"layer/python/{name}", data)
    if refused:
        with pytest.raises(BundleError, match=f"layer/python/{name}: "):
            stage(resolve_bundles([str(bundle_dir)]), (), tmp_path / "work")
    else:
        stage(resolve_bundles([str(bundle_dir)]), (), tmp_path / "work")


LAYER_FOLDER = {
    "extensions/evil": b"#!/usr/bin/env python3\nimport os\n",
    "python/helper.py": b"X = 1\n",
    "python/pkg/__init__.py": b"Y = 2\n",
    "python/pkg/__pycache__/__init__.cpython-312.pyc": b"stale",  # no magic: never loads
    "python/pkg-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: pkg\nVersion: 1.0\n",
    "python/.DS_Store": b"\x00",
    "README.txt": b"a layer\n",
}


@pytest.mark.parametrize("tied", ["!Ref Deps", ""])
@pytest.mark.parametrize("folder", [".serverless/layer", "cdk.out/layer"])
@pytest.mark.parametrize("only", [None, "extensions/evil"])
def test_a_layer_folder_in_a_left_out_folder_is_staged_as_it_is_elsewhere(
    tmp_path: Path, tied: str, folder: str, only: str | None
) -> None:
    """A layer's folder in a build's output is deployed whole, so it is copied back whole
    (an extension, a `.dist-info`, not only its Python), as the same folder is copied
    elsewhere in the bundle: what the copy leaves out there (a `__pycache__`, a resource
    fork) stays out, and the files are counted alike."""
    files = {only: LAYER_FOLDER[only]} if only else LAYER_FOLDER
    elsewhere, left_out = (
        _layer_staged(tmp_path, place, tied, files) for place in ("layer", folder)
    )
    assert left_out == elsewhere
    assert Path("extensions/evil") in left_out[0]


def _layer_staged(
    tmp_path: Path, place: str, tied: str, files: dict[str, bytes]
) -> tuple[list[Path], tuple[object, ...]]:
    """What the copy holds of a layer at `place` holding `files`, and how the bundle's
    files are counted."""
    bundle_dir = _layered(tmp_path / place.replace("/", "_"), place, tied)
    for name, data in files.items():
        write(bundle_dir, f"{place}/{name}", data)
    (one,), _ = stage(resolve_bundles([str(bundle_dir)]), (), tmp_path / f"w_{bundle_dir.name}")
    copied = sorted(p.relative_to(one.root / place) for p in (one.root / place).rglob("*"))
    done = one.account
    packages = [(d.name, d.version, d.files) for d in done.distributions]
    return copied, (done.scanned, done.third_party, done.ignored, done.not_analysed, packages)


@pytest.mark.parametrize("place", ["layer", ".serverless/layer"])
@pytest.mark.parametrize("tied", ["!Ref Deps", ""])
def test_what_a_layer_folder_may_not_hold_is_refused_in_a_left_out_folder_too(
    tmp_path: Path, place: str, tied: str
) -> None:
    """Copied back whole, a layer's folder in a build's output is judged as it is
    elsewhere: sourceless bytecode in it, or a link leaving the bundle, is refused."""
    for name in ("python/evil.pyc", "extensions/outside"):
        bundle_dir = _layered(tmp_path / name.replace("/", "_"), place, tied)
        write(bundle_dir, f"{place}/python/helper.py", b"X = 1\n")
        if name.endswith(".pyc"):
            write(bundle_dir, f"{place}/{name}", LOADS)
        else:
            write(tmp_path, "secret", b"#!/bin/sh\n")
            (bundle_dir / place / "extensions").mkdir()
            (bundle_dir / place / name).symlink_to(tmp_path / "secret")
        with pytest.raises(BundleError, match=f"{place}/{name}: "):
            stage(resolve_bundles([str(bundle_dir)]), (), tmp_path / f"w_{bundle_dir.name}")


def _layered(bundle_dir: Path, place: str, tied: str) -> Path:
    """A Python function's bundle with a Python layer at `place`, tied to it or not."""
    template = LAYERED.replace("LAYER_RUNTIME", "python3.12").replace("RUNTIME", "python3.12")
    template = template.replace("TIED", tied).replace("layer/", f"{place}/")
    write(bundle_dir, "template.yaml", template.encode())
    write(bundle_dir, "src/app.py", b"x = 1\n")
    return bundle_dir
