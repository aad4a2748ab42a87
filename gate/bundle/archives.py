"""Unpacking deployment zips and layer zips, refusing anything that could escape or explode.

An archive is untrusted input. Its entries are unpacked into a private temp
dir only if every one is a plain file or directory with a relative name inside
it (no absolute paths, no `..`, no links, no devices), and within limits on
the entry count, total size, per-entry compression ratio (a zip bomb) and
nesting (zips inside zips). Sizes are enforced on the bytes actually written,
not only on what the archive declares.

Each entry must land on a path of its own: two entries that name one file (after
`a//b`, `./a/b` and `a\\b` are read as `a/b`), or a file that another entry needs
as a folder, are refused, since which one a tool keeps differs (`unzip` and Lambda
keep the first, a naive extractor the last). Files are created exclusively, so a
clash the names do not show (a case-insensitive disk) is refused too.
"""

from __future__ import annotations

import lzma
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from gate.bundle.rules import MAX_DEPTH
from gate.errors import BundleError
from gate.settings import ArchiveLimits

CHUNK = 1 << 16
# Below this size an entry's compression ratio says nothing about a bomb.
RATIO_MIN_BYTES = 1 << 16


@dataclass
class _Budget:
    bytes_left: int
    """Bytes still allowed on disk, counted as they are written."""
    entries_left: int
    declared_left: int
    """Bytes still allowed by the sizes the entries declare, checked before writing."""


@dataclass
class _Names:
    """The paths one archive's entries claimed so far, to refuse two on one path."""

    files: set[tuple[str, ...]] = field(default_factory=set)
    folders: set[tuple[str, ...]] = field(default_factory=set)
    """Folders named by an entry, or needed as the parent of one."""


def extract(archive: Path, target: Path, limits: ArchiveLimits, shown: str | None = None) -> None:
    """Unpack `archive` (and the zips inside it, as deep as allowed) into `target`."""
    budget = _Budget(limits.max_bytes, limits.max_entries, limits.max_bytes)
    _extract(archive, target, limits, budget, shown or str(archive), depth=1)


# What a damaged or hostile archive makes zipfile and its decompressors raise.
_UNREADABLE = (
    zipfile.BadZipFile,
    EOFError,
    zlib.error,
    lzma.LZMAError,
    struct.error,
    UnicodeDecodeError,
    ValueError,
    OverflowError,
)
_UNSUPPORTED = (zipfile.LargeZipFile, NotImplementedError, RuntimeError)


def _extract(
    archive: Path, target: Path, limits: ArchiveLimits, budget: _Budget, shown: str, depth: int
) -> None:
    try:
        _unpack(archive, target, limits, budget, shown)
    except _UNREADABLE as e:
        raise BundleError(_one_line(f"{shown}: not a readable zip archive ({e})")) from e
    except _UNSUPPORTED as e:
        raise BundleError(_one_line(f"{shown}: cannot unpack: {e}")) from e
    except OSError as e:
        raise BundleError(_one_line(f"{shown}: cannot unpack: {e.strerror or e}")) from e
    for inner in sorted(target.rglob("*.zip")):
        if not zipfile.is_zipfile(inner):
            continue
        name = f"{shown}!{inner.relative_to(target).as_posix()}"
        if depth >= limits.max_depth:
            raise BundleError(
                f"{name}: archives nested deeper than {limits.max_depth} levels are refused"
            )
        contents = inner.with_name(inner.name + ".contents")
        if contents.exists():
            raise BundleError(
                f"{shown}: entry {contents.relative_to(target).as_posix()!r} clashes with the "
                f"folder the gate unpacks {inner.name!r} into; rename one of them"
            )
        _extract(inner, contents, limits, budget, name, depth + 1)
        inner.unlink()


def _unpack(
    archive: Path, target: Path, limits: ArchiveLimits, budget: _Budget, shown: str
) -> None:
    with zipfile.ZipFile(archive) as zf:
        infos = zf.infolist()
        if not infos:
            raise BundleError(f"{shown}: the archive is empty")
        names = _Names()
        for info in infos:
            _check_entry(info, limits, budget, shown)
            _claim(info, names, shown)
        target.mkdir(parents=True, exist_ok=True)
        for info in infos:
            _write(zf, info, target, budget, shown)


def _one_line(message: str) -> str:
    """An error message on one line, whatever a damaged archive put into it."""
    return " ".join(message.split("\n")).replace("\r", " ")


def _parts(info: zipfile.ZipInfo) -> tuple[str, ...]:
    """The entry's path, normalised as it is written: `\\` is `/`; empty and `.` parts go."""
    return PurePosixPath(info.filename.replace("\\", "/")).parts


def _claim(info: zipfile.ZipInfo, names: _Names, shown: str) -> None:
    """Record the path `info` unpacks to; refuse it if another entry has it already."""
    where = f"{shown}: entry {info.filename!r}"
    parts = _parts(info)
    parents = {parts[:i] for i in range(1, len(parts))}
    clash = next((p for p in sorted(parents) if p in names.files), None)
    if clash is not None:
        raise BundleError(
            f"{where} needs {'/'.join(clash)!r} as a folder, but another entry is a file there"
        )
    if _is_dir(info):
        if parts in names.files:
            raise BundleError(f"{where} is a folder, but another entry is a file of that name")
        names.folders.add(parts)
    elif parts in names.files:
        raise BundleError(f"{where} appears twice (after normalising its name); refused")
    elif parts in names.folders:
        raise BundleError(f"{where} is a file, but other entries use it as a folder")
    else:
        names.files.add(parts)
    names.folders.update(parents)


def _check_entry(info: zipfile.ZipInfo, limits: ArchiveLimits, budget: _Budget, shown: str) -> None:
    where = f"{shown}: entry {info.filename!r}"
    budget.entries_left -= 1
    if budget.entries_left < 0:
        raise BundleError(f"{shown}: more than {limits.max_entries} entries")
    name = PurePosixPath(info.filename.replace("\\", "/"))
    if name.is_absolute() or info.filename.startswith(("/", "\\")):
        raise BundleError(f"{where} has an absolute path")
    if len(name.parts) > MAX_DEPTH:
        raise BundleError(f"{shown}: an entry is nested deeper than {MAX_DEPTH} folders; refused")
    if not name.parts:
        if _is_dir(info):
            return  # the archive's root folder itself: nothing to unpack
        raise BundleError(f"{where} has no file name")
    if ":" in name.parts[0]:
        raise BundleError(f"{where} has an absolute path")
    if ".." in name.parts or "\x00" in info.filename:
        raise BundleError(f"{where} points outside the archive")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise BundleError(f"{where} is a symbolic link")
    if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise BundleError(f"{where} is a device or special file")
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
    path = target.joinpath(*_parts(info))
    try:
        if _is_dir(info):
            path.mkdir(parents=True, exist_ok=True)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # Exclusive: a second entry on one path (a case-insensitive disk) is refused.
        out = path.open("xb")
    except OSError as e:
        reason = "it clashes with another entry" if isinstance(e, FileExistsError) else e.strerror
        raise BundleError(f"{shown}: entry {info.filename!r} cannot be unpacked: {reason}") from e
    with out:
        _copy(zf, info, out, budget, shown)
    if _executable(info):
        # Lambda keeps an entry's execute bits: a file run as a program (an exec
        # wrapper, a bootstrap) is one in the unpacked copy too. Only those bits.
        path.chmod(0o755)


def _executable(info: zipfile.ZipInfo) -> bool:
    """Whether a zip entry carries a Unix mode with an execute bit, whichever system the
    zip says made it (macOS's and Unix's zips both carry one; an extractor may honour
    either): more programs judged, never fewer."""
    return bool((info.external_attr >> 16) & 0o111)


def _copy(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, out: BinaryIO, budget: _Budget, shown: str
) -> None:
    written = 0
    with zf.open(info) as source:
        while chunk := source.read(CHUNK):
            written += len(chunk)
            # The declared size can lie; the bytes cannot.
            if written > info.file_size or written > budget.bytes_left:
                raise BundleError(f"{shown}: entry {info.filename!r} is larger than it declares")
            out.write(chunk)
    budget.bytes_left -= written


def _is_dir(info: zipfile.ZipInfo) -> bool:
    """ZipInfo.is_dir() without its IndexError on an empty name."""
    return info.filename.endswith("/")
