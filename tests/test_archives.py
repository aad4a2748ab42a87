"""Deployment and layer zips: unpacked safely, or refused with one line naming the entry."""

from __future__ import annotations

import io
import os
import stat
import struct
import tempfile
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gate.bundle.archives import extract
from gate.errors import BundleError
from gate.settings import ArchiveLimits
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


# --- entries that claim one path twice, and other names the extractor must refuse cleanly


def make_raw_zip(path: Path, entries: list[tuple[str, bytes | str]]) -> Path:
    """A zip with exactly these entries, duplicates included (zipfile only warns)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in entries:
                zf.writestr(zipfile.ZipInfo(name), data)
    return path


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("app.py", "app.py"),
        ("lib/util.py", "lib//util.py"),
        ("lib/util.py", "./lib/util.py"),
        ("lib/util.py", "lib\\util.py"),
        ("lib/util.py", "lib/./util.py"),
    ],
    ids=["exact", "double-slash", "dot-prefix", "backslash", "dot-component"],
)
def test_two_entries_on_one_path_are_refused(
    run_gate: RunGate, tmp_path: Path, first: str, second: str
) -> None:
    archive = make_raw_zip(
        tmp_path / "fn.zip", [("app.py", HANDLER), (first, "x = 1\n"), (second, "import os\n")]
    )
    if first == "app.py":
        archive = make_raw_zip(tmp_path / "fn.zip", [(first, HANDLER), (second, "import os\n")])
    line = refused(run_gate, archive)
    assert line == (
        f"gate: error: {archive}: entry {second!r} appears twice (after normalising its name); "
        "refused"
    )


@pytest.mark.parametrize(
    ("entries", "named"),
    [
        ([("x", "a file"), ("x/y.py", "x = 1\n")], "entry 'x/y.py' needs 'x' as a folder"),
        ([("x/y.py", "x = 1\n"), ("x", "a file")], "entry 'x' is a file, but other entries use it"),
        ([("x/", ""), ("x", "a file")], "entry 'x' is a file, but other entries use it"),
        ([("x", "a file"), ("x/", "")], "entry 'x/' is a folder, but another entry is a file"),
    ],
    ids=["file-then-child", "child-then-file", "folder-then-file", "file-then-folder"],
)
def test_a_file_and_a_folder_of_one_name_are_refused(
    run_gate: RunGate, tmp_path: Path, entries: list[tuple[str, str]], named: str
) -> None:
    archive = make_raw_zip(tmp_path / "fn.zip", [("app.py", HANDLER), *entries])
    line = refused(run_gate, archive)
    assert line.startswith(f"gate: error: {archive}: {named}")


def test_duplicates_inside_a_nested_zip_are_refused(run_gate: RunGate, tmp_path: Path) -> None:
    inner = make_raw_zip(tmp_path / "inner.zip", [("app.py", HANDLER), ("app.py", "import os\n")])
    archive = make_raw_zip(
        tmp_path / "fn.zip", [("app.py", HANDLER), ("lib.zip", inner.read_bytes())]
    )
    inner.unlink()
    assert refused(run_gate, archive) == (
        f"gate: error: {archive}!lib.zip: entry 'app.py' appears twice "
        "(after normalising its name); refused"
    )


def test_a_folder_named_like_a_nested_zips_contents_is_refused(
    run_gate: RunGate, tmp_path: Path
) -> None:
    inner = make_raw_zip(tmp_path / "inner.zip", [("app.py", "import os\n")])
    archive = make_raw_zip(
        tmp_path / "fn.zip",
        [("lib.zip", inner.read_bytes()), ("lib.zip.contents/app.py", HANDLER)],
    )
    inner.unlink()
    assert "entry 'lib.zip.contents' clashes with the folder" in refused(run_gate, archive)


@pytest.mark.parametrize(
    ("name", "reason"),
    [("", "has no file name"), ("a" * 300 + ".py", "cannot be unpacked: File name too long")],
    ids=["empty", "long-name"],
)
def test_names_without_a_place_of_their_own(
    run_gate: RunGate, tmp_path: Path, name: str, reason: str
) -> None:
    archive = make_raw_zip(tmp_path / "fn.zip", [("app.py", HANDLER), (name, "")])
    assert refused(run_gate, archive).endswith(reason)


def test_a_folder_entry_for_the_root_itself_is_harmless(tmp_path: Path) -> None:
    archive = make_raw_zip(tmp_path / "fn.zip", [("./", ""), ("app.py", HANDLER)])
    extract(archive, tmp_path / "out", ArchiveLimits())
    assert snapshot(tmp_path / "out") == {"app.py"}


def test_a_clash_only_the_disk_sees_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As on a case-insensitive disk: `App.py` lands on the file `app.py` already wrote.
    archive = make_raw_zip(tmp_path / "fn.zip", [("app.py", HANDLER), ("App.py", "import os\n")])
    real_open = Path.open

    def insensitive_open(self: Path, mode: str = "r") -> IO[Any]:
        return real_open(self.with_name(self.name.lower()), mode)

    monkeypatch.setattr(Path, "open", insensitive_open)
    with pytest.raises(BundleError, match=r"entry .App\.py. cannot be unpacked: it clashes"):
        extract(archive, tmp_path / "out", ArchiveLimits())


def test_an_encrypted_entry_is_refused(tmp_path: Path) -> None:
    archive = make_raw_zip(tmp_path / "fn.zip", [("app.py", HANDLER)])
    data = bytearray(archive.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature) + offset
        data[at] |= 1  # the "encrypted" flag bit
    archive.write_bytes(bytes(data))
    with pytest.raises(BundleError, match="encrypted"):
        extract(archive, tmp_path / "out", ArchiveLimits())


def test_a_truncated_zip_is_refused(tmp_path: Path) -> None:
    archive = make_raw_zip(tmp_path / "fn.zip", [("app.py", os.urandom(5000))])
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2] + data[-22:])  # the end record, no central dir
    with pytest.raises(BundleError, match="not a readable zip archive"):
        extract(archive, tmp_path / "out", ArchiveLimits())


# --- fuzzing: whatever the archive holds, a clean extraction or one BundleError line

_PARTS = st.one_of(
    st.sampled_from(
        ["a", "A", "b.py", ".", "..", "", "x.zip", "a\\b", "\\", "c:", "é", "e\u0301", "\U0001d518"]
    ),
    st.text(min_size=1, max_size=6),
    st.just("n" * 260),
)
_NAMES = st.builds(
    lambda parts, lead, trail: lead + "/".join(parts) + trail,
    st.lists(_PARTS, max_size=4),
    st.sampled_from(["", "", "", "/", "./", "\\"]),
    st.sampled_from(["", "", "/"]),
)
_MODES = st.sampled_from(
    [
        0,
        stat.S_IFREG | 0o644,
        stat.S_IFDIR | 0o755,
        stat.S_IFLNK | 0o777,
        stat.S_IFIFO | 0o644,
        stat.S_IFCHR | 0o644,
        stat.S_IFBLK | 0o644,
        stat.S_IFSOCK | 0o644,
    ]
)
_METHODS = st.sampled_from(
    [zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA]
)
_DATA = st.one_of(st.binary(max_size=64), st.just(b"\0" * 70_000))
_ENTRIES = st.lists(st.tuples(_NAMES, _MODES, _METHODS, _DATA, st.booleans()), max_size=5)
# Central directory fields (offset from its signature, struct format) worth lying in.
_CENTRAL_FIELDS = [(8, "<H"), (10, "<H"), (20, "<I"), (24, "<I"), (28, "<H"), (38, "<I")]


def _fuzz_zip(entries: list[tuple[str, int, int, bytes, bool]], nested: bytes | None) -> bytes:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        with zipfile.ZipFile(buffer, "w") as zf:
            for name, mode, method, data, zip64 in entries:
                info = zipfile.ZipInfo(name)
                info.external_attr = mode << 16
                info.compress_type = method
                with zf.open(info, "w", force_zip64=zip64) as out:
                    out.write(data)
            if nested is not None:
                zf.writestr("layer/inner.zip", nested)
    return buffer.getvalue()


def _mutate(data: bytes, how: str, where: int, value: int, field: int) -> bytes:
    raw = bytearray(data)
    if how == "truncate":
        return bytes(raw[: where % (len(raw) + 1)])
    if how == "flip" and raw:
        raw[where % len(raw)] ^= value & 0xFF or 1
    if how == "central":
        at = raw.find(b"PK\x01\x02")
        offset, fmt = _CENTRAL_FIELDS[field % len(_CENTRAL_FIELDS)]
        if at >= 0 and at + offset + struct.calcsize(fmt) <= len(raw):
            struct.pack_into(fmt, raw, at + offset, value % (1 << (8 * struct.calcsize(fmt))))
    if how == "garbage":
        raw += bytes([value & 0xFF]) * (where % 100)
    return bytes(raw)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entries=_ENTRIES,
    inner=st.one_of(st.none(), _ENTRIES),
    how=st.sampled_from(["none", "truncate", "flip", "central", "garbage"]),
    where=st.integers(min_value=0, max_value=1 << 16),
    value=st.integers(min_value=0, max_value=(1 << 32) - 1),
    field=st.integers(min_value=0, max_value=10),
)
def test_fuzzed_archives_unpack_cleanly_or_are_refused_in_one_line(
    entries: list[tuple[str, int, int, bytes, bool]],
    inner: list[tuple[str, int, int, bytes, bool]] | None,
    how: str,
    where: int,
    value: int,
    field: int,
) -> None:
    nested = _fuzz_zip(inner, None) if inner is not None else None
    data = _mutate(_fuzz_zip(entries, nested), how, where, value, field)
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        archive = base / "fn.zip"
        archive.write_bytes(data)
        target = base / "out"
        limits = ArchiveLimits(max_bytes=1 << 20, max_entries=50)
        try:
            extract(archive, target, limits)
        except BundleError as e:
            message = str(e)
            assert message.startswith(str(archive)), message
            assert "\n" not in message and "\r" not in message, message
        # Nothing lands beside the target, and nothing in it is a link or special file.
        assert {p.name for p in base.iterdir()} <= {"fn.zip", "out"}
        for path in target.rglob("*") if target.exists() else []:
            assert path.is_file() or path.is_dir(), path
            assert not path.is_symlink(), path
