"""Unpacking deployment zips and layer zips, refusing anything that could escape or explode.

An archive is untrusted input. Its entries are unpacked into a private temp
dir only if every one is a plain file or directory with a relative name inside
it (no absolute paths, no `..`, no links, no devices), and within limits on
the entry count, total size, per-entry compression ratio (a zip bomb) and
nesting (zips inside zips). Sizes are enforced on the bytes actually written,
not only on what the archive declares.
"""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from gate.errors import BundleError

CHUNK = 1 << 16
# Below this size an entry's compression ratio says nothing about a bomb.
RATIO_MIN_BYTES = 1 << 16


@dataclass(frozen=True)
class ArchiveLimits:
    """How much an archive may unpack to (policy `archives:`)."""

    max_bytes: int = 1 << 30
    max_entries: int = 100_000
    max_ratio: int = 200
    max_depth: int = 2
    """Zips inside zips: 1 is the archive itself, 2 allows one level of nesting."""


@dataclass
class _Budget:
    bytes_left: int
    """Bytes still allowed on disk, counted as they are written."""
    entries_left: int
    declared_left: int
    """Bytes still allowed by the sizes the entries declare, checked before writing."""


def extract(archive: Path, target: Path, limits: ArchiveLimits, shown: str | None = None) -> None:
    """Unpack `archive` (and the zips inside it, as deep as allowed) into `target`."""
    budget = _Budget(limits.max_bytes, limits.max_entries, limits.max_bytes)
    _extract(archive, target, limits, budget, shown or str(archive), depth=1)


def _extract(
    archive: Path, target: Path, limits: ArchiveLimits, budget: _Budget, shown: str, depth: int
) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            infos = zf.infolist()
            if not infos:
                raise BundleError(f"{shown}: the archive is empty")
            for info in infos:
                _check_entry(info, limits, budget, shown)
            target.mkdir(parents=True, exist_ok=True)
            for info in infos:
                _write(zf, info, target, budget, shown)
    except zipfile.BadZipFile as e:
        raise BundleError(f"{shown}: not a readable zip archive ({e})") from e
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError) as e:
        raise BundleError(f"{shown}: cannot unpack: {e}") from e
    for inner in sorted(target.rglob("*.zip")):
        if not zipfile.is_zipfile(inner):
            continue
        name = f"{shown}!{inner.relative_to(target).as_posix()}"
        if depth >= limits.max_depth:
            raise BundleError(
                f"{name}: archives nested deeper than {limits.max_depth} levels are refused"
            )
        contents = inner.with_name(inner.name + ".contents")
        _extract(inner, contents, limits, budget, name, depth + 1)
        inner.unlink()


def _check_entry(info: zipfile.ZipInfo, limits: ArchiveLimits, budget: _Budget, shown: str) -> None:
    where = f"{shown}: entry {info.filename!r}"
    name = PurePosixPath(info.filename.replace("\\", "/"))
    if name.is_absolute() or info.filename.startswith(("/", "\\")) or ":" in name.parts[0]:
        raise BundleError(f"{where} has an absolute path")
    if ".." in name.parts or "\x00" in info.filename:
        raise BundleError(f"{where} points outside the archive")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise BundleError(f"{where} is a symbolic link")
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise BundleError(f"{where} is a device or special file")
    budget.entries_left -= 1
    if budget.entries_left < 0:
        raise BundleError(f"{shown}: more than {limits.max_entries} entries")
    if info.file_size > RATIO_MIN_BYTES and info.compress_size > 0:
        ratio = info.file_size / info.compress_size
        if ratio > limits.max_ratio:
            raise BundleError(
                f"{where} expands {ratio:.0f}:1, over the {limits.max_ratio}:1 limit (zip bomb?)"
            )
    budget.declared_left -= info.file_size
    if budget.declared_left < 0:
        raise BundleError(f"{shown}: unpacks to more than {limits.max_bytes >> 20} MiB")


def _write(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: _Budget, shown: str
) -> None:
    path = target.joinpath(*PurePosixPath(info.filename.replace("\\", "/")).parts)
    if info.is_dir():
        path.mkdir(parents=True, exist_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with zf.open(info) as source, path.open("wb") as out:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            # The declared size can lie; the bytes cannot.
            if written > info.file_size or written > budget.bytes_left:
                raise BundleError(f"{shown}: entry {info.filename!r} is larger than it declares")
            out.write(chunk)
    budget.bytes_left -= written
