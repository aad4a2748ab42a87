"""Preparing private copies of bundles: what the scanners are allowed to see."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import pytest

from gate.bundle.resolve import resolve_bundles, stage, vendored_files
from gate.errors import BundleError


def make_bundle(root: Path) -> Path:
    files = {
        "template.yaml": "Resources: {}\n",
        "src/app.py": "def handler(event, context):\n    return 1\n",
        "tests/test_app.py": "assert True\n",
        ".checkov.yaml": "skip-check: [CKV_AWS_45]\n",
        "src/.bandit": "[bandit]\nskips: B602\n",
        ".git/config": "[core]\n",
        ".aws-sam/build/app.py": "copy\n",
        "node_modules/x/index.js": "1\n",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    os.symlink(root / "src", root / "linked-dir")
    return root


def staged_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def test_stage_copies_only_what_scanners_may_see(tmp_path: Path) -> None:
    bundle_dir = make_bundle(tmp_path / "fn")
    (bundle,) = resolve_bundles([str(bundle_dir)])
    staged, warnings = stage([bundle], ("tests/**",), tmp_path / "work")
    # A link inside the bundle is copied as its target: `zip -r` ships it so.
    assert staged_files(staged[0].root) == ["linked-dir/app.py", "src/app.py", "template.yaml"]
    codes = sorted((w.code, w.message.split(": ")[0]) for w in warnings)
    assert codes == [
        ("scanner-config-ignored", f"{bundle.id}/.checkov.yaml"),
        ("scanner-config-ignored", f"{bundle.id}/linked-dir/.bandit"),
        ("scanner-config-ignored", f"{bundle.id}/src/.bandit"),
    ]
    files = staged[0].account
    assert (files.scanned, files.excluded, files.ignored) == (3, 1, 6)
    assert dict(files.ignored_by) == {
        "build-output": 1,
        "dependency-tree": 1,
        "scanner-config": 3,
        "vcs": 1,
    }
    assert files.excluded_by == (("tests/**", 1),)


def test_original_bundle_is_untouched(tmp_path: Path) -> None:
    bundle_dir = make_bundle(tmp_path / "fn")
    before = staged_files(bundle_dir)
    stage(resolve_bundles([str(bundle_dir)]), (), tmp_path / "work")
    assert staged_files(bundle_dir) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("missing", "no such file or directory"),
        ("file.txt", "not a directory or .zip"),
    ],
)
def test_unusable_paths_are_refused(tmp_path: Path, name: str, message: str) -> None:
    if name != "missing":
        (tmp_path / name).write_text("x")
    with pytest.raises(BundleError, match=message):
        resolve_bundles([str(tmp_path / name)])


def test_the_same_bundle_twice_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BundleError, match="given twice"):
        resolve_bundles([str(tmp_path), str(tmp_path)])


def record_hash(data: bytes) -> str:
    """A RECORD hash as the wheel spec writes it."""
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode("ascii")


def vendor(root: Path, package: str, version: str, code: str) -> None:
    """Lay out a package as pip installs it into a deployment directory."""
    (root / package).mkdir(parents=True)
    (root / package / "__init__.py").write_text(code)
    info = root / f"{package}-{version}.dist-info"
    info.mkdir()
    metadata = f"Metadata-Version: 2.1\nName: {package}\nVersion: {version}\n"
    (info / "METADATA").write_text(metadata)
    (info / "RECORD").write_text(
        f"{package}/__init__.py,{record_hash(code.encode())},{len(code)}\n"
        f"{info.name}/METADATA,{record_hash(metadata.encode())},{len(metadata)}\n"
        f"{info.name}/RECORD,,\n../../bin/outside,,\n"
    )


def test_vendored_packages_are_left_out_of_the_code_view(tmp_path: Path) -> None:
    bundle_dir = tmp_path / "fn"
    (bundle_dir / "src").mkdir(parents=True)
    (bundle_dir / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n")
    vendor(bundle_dir / "src", "fastjson", "1.0", "import subprocess\n")
    (staged,) = stage(resolve_bundles([str(bundle_dir)]), (), tmp_path / "work")[0]
    assert staged.vendored == 3
    assert staged_files(staged.code_root) == ["src/app.py"]
    assert "src/fastjson/__init__.py" in staged_files(staged.root)
    assert "src/fastjson-1.0.dist-info/METADATA" in staged_files(staged.root)


def test_a_bundle_without_vendored_code_has_one_view(tmp_path: Path) -> None:
    bundle_dir = tmp_path / "fn"
    bundle_dir.mkdir()
    (bundle_dir / "app.py").write_text("x = 1\n")
    (staged,) = stage(resolve_bundles([str(bundle_dir)]), (), tmp_path / "work")[0]
    assert staged.code_root == staged.root and staged.vendored == 0


def test_only_installer_metadata_in_a_dist_info_is_third_party_unproven(tmp_path: Path) -> None:
    bundle_dir = tmp_path / "fn"
    vendor(bundle_dir, "fastjson", "1.0", "x = 1\n")
    info = bundle_dir / "fastjson-1.0.dist-info"
    (info / "LICENSE.txt").write_text("MIT\n")
    (info / "template.yaml").write_text("Resources: {}\n")
    owned = vendored_files(bundle_dir)
    assert "fastjson-1.0.dist-info/LICENSE.txt" in owned
    assert "fastjson-1.0.dist-info/template.yaml" not in owned


@pytest.mark.parametrize("name", ["idna", "jsonschema", "rich"])
def test_a_package_pip_really_installed_is_third_party(tmp_path: Path, name: str) -> None:
    """The `pip install --target` layout with a RECORD pip wrote, copied from this
    environment's own site-packages."""
    from importlib.metadata import distribution

    dist = distribution(name)
    site = Path(str(dist.locate_file("")))
    bundle_dir = tmp_path / "fn"
    (bundle_dir / "src").mkdir(parents=True)
    (bundle_dir / "src" / "app.py").write_text(f"import {name}\n")
    copied = 0
    for file in dist.files or []:
        source = site / file
        if "__pycache__" in file.parts or ".." in file.parts or not source.is_file():
            continue
        target = bundle_dir / "src" / file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
        copied += 1
    (staged,) = stage(resolve_bundles([str(bundle_dir)]), (), tmp_path / "work")[0]
    assert staged.account.third_party == staged.vendored == copied
    assert staged_files(staged.code_root) == ["src/app.py"]
    (package,) = staged.account.distributions
    assert (package.version, package.site) == (dist.version, "src")
