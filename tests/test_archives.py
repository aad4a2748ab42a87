"""Deployment and layer zips: unpacked safely, or refused with one line naming the entry."""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import RunGate, only_scanners

ONLY_PIP_AUDIT = only_scanners("pip-audit")
HANDLER = "def handler(event, context):\n    return {'ok': True}\n"


def make_zip(
    path: Path, entries: dict[str, bytes | str], *, special: dict[str, int] | None = None
) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        for name, mode in (special or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = mode << 16
            zf.writestr(info, "/etc/passwd")
    return path


def snapshot(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def refused(run_gate: RunGate, archive: Path, *extra: str) -> str:
    before = snapshot(archive.parent)
    result = run_gate("check", str(archive), *extra)
    assert result.code == 2, result.stdout + result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert snapshot(archive.parent) == before, "something was written beside the archive"
    return lines[0]


def test_zip_slip(run_gate: RunGate, tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "fn.zip", {"app.py": HANDLER, "../../evil.py": "x"})
    line = refused(run_gate, archive)
    assert line == f"gate: error: {archive}: entry '../../evil.py' points outside the archive"
    assert not (tmp_path.parent / "evil.py").exists()


def test_absolute_path(run_gate: RunGate, tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "fn.zip", {"/etc/cron.d/evil": "x"})
    assert refused(run_gate, archive).endswith("entry '/etc/cron.d/evil' has an absolute path")


def test_symlink(run_gate: RunGate, tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path / "fn.zip", {"app.py": HANDLER}, special={"secrets": stat.S_IFLNK | 0o777}
    )
    assert refused(run_gate, archive).endswith("entry 'secrets' is a symbolic link")


def test_device(run_gate: RunGate, tmp_path: Path) -> None:
    archive = make_zip(
        tmp_path / "fn.zip", {"app.py": HANDLER}, special={"dev/sda": stat.S_IFBLK | 0o600}
    )
    assert refused(run_gate, archive).endswith("entry 'dev/sda' is a device or special file")


def test_zip_bomb(run_gate: RunGate, tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "fn.zip", {"app.py": HANDLER, "data.bin": b"\0" * (20 << 20)})
    line = refused(run_gate, archive)
    assert "entry 'data.bin' expands" in line and "over the 200:1 limit (zip bomb?)" in line


def test_too_many_entries(
    run_gate: RunGate, tmp_path: Path, policy_file: Callable[[str], Path]
) -> None:
    archive = make_zip(tmp_path / "fn.zip", {f"m{i}.py": "x = 1\n" for i in range(10)})
    policy = policy_file("version: 1\narchives: {max_entries: 5}\n")
    assert refused(run_gate, archive, "--policy", str(policy)).endswith("more than 5 entries")


def test_too_large(run_gate: RunGate, tmp_path: Path, policy_file: Callable[[str], Path]) -> None:
    archive = make_zip(tmp_path / "fn.zip", {"a.bin": os.urandom(3000), "b.bin": os.urandom(3000)})
    policy = policy_file("version: 1\narchives: {max_bytes: 4000}\n")
    assert refused(run_gate, archive, "--policy", str(policy)).endswith(
        "unpacks to more than 0 MiB"
    )


def test_nesting_beyond_depth(run_gate: RunGate, tmp_path: Path) -> None:
    inner = make_zip(tmp_path / "inner.zip", {"app.py": HANDLER})
    middle = make_zip(tmp_path / "middle.zip", {"inner.zip": inner.read_bytes()})
    archive = make_zip(tmp_path / "fn.zip", {"layer/middle.zip": middle.read_bytes()})
    inner.unlink()
    middle.unlink()
    line = refused(run_gate, archive)
    assert line == (
        f"gate: error: {archive}!layer/middle.zip!inner.zip: "
        "archives nested deeper than 2 levels are refused"
    )


def test_corrupt_zip(run_gate: RunGate, tmp_path: Path) -> None:
    archive = tmp_path / "fn.zip"
    archive.write_bytes(b"PK\x03\x04 this is not really a zip file")
    assert "not a readable zip archive" in refused(run_gate, archive)


def test_empty_zip(run_gate: RunGate, tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "fn.zip", {})
    assert refused(run_gate, archive).endswith(f"{archive}: the archive is empty")


def vendored_requests(prefix: str) -> dict[str, bytes | str]:
    info = f"{prefix}requests-2.19.0.dist-info/"
    return {
        "app.py": HANDLER,
        f"{prefix}requests/__init__.py": "__version__ = '2.19.0'\n",
        f"{info}METADATA": "Metadata-Version: 2.1\nName: requests\nVersion: 2.19.0\n",
        # The hash proves the file is the package's (a RECORD entry without one is refused).
        f"{info}RECORD": (
            "requests/__init__.py,sha256=dbhWxtjdCs4SKudmBDxVnGFCeRKb4AHUP_vLr_MX4Rc,24\n"
        ),
        f"{info}INSTALLER": "pip\n",
        f"{info}WHEEL": "Wheel-Version: 1.0\n",
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    "prefix", ["", "python/lib/python3.12/site-packages/"], ids=["deployment-zip", "layer-zip"]
)
def test_vendored_vulnerable_package_in_a_zip_fails(
    run_gate: RunGate, tmp_path: Path, policy_file: Callable[[str], Path], prefix: str
) -> None:
    archive = make_zip(tmp_path / "fn.zip", vendored_requests(prefix))
    result = run_gate(
        "check", str(archive), "--policy", str(policy_file(ONLY_PIP_AUDIT)), "--format", "json"
    )
    assert result.code == 1, result.stderr
    assert '"rule_id": "PYSEC-2018-28"' in result.stdout
    assert '"kind": "zip"' in result.stdout
    assert f'"path": "{prefix}requests-2.19.0.dist-info/METADATA"' in result.stdout


@pytest.mark.slow
def test_nested_layer_zip_is_audited(
    run_gate: RunGate, tmp_path: Path, policy_file: Callable[[str], Path]
) -> None:
    layer = make_zip(tmp_path / "layer.zip", vendored_requests("python/"))
    archive = make_zip(
        tmp_path / "bundle.zip", {"app.py": HANDLER, "layers/deps.zip": layer.read_bytes()}
    )
    layer.unlink()
    result = run_gate(
        "check", str(archive), "--policy", str(policy_file(ONLY_PIP_AUDIT)), "--format", "json"
    )
    assert result.code == 1, result.stderr
    assert '"rule_id": "PYSEC-2018-28"' in result.stdout
