"""Where a report goes: stdout, a regular file (replaced atomically), or anything else.

A regular file, or a path that does not exist yet, is written through a temp file in the
same directory and a rename, so a reader never sees half a report. Anything that is not
a regular file (a device such as /dev/null or /dev/full, a FIFO, a terminal) is written
straight into: renaming over it would replace the device with a file. /dev/stdout,
/dev/stderr and /dev/fd/N (or a link to one) name descriptors the gate already holds, and
the report is written to that descriptor as it is, keeping its offset (a shell's `>` or
`>>` redirect) and what was printed there before.

A symbolic link given as the output is followed: `--output latest.json` pointing at a
dated file updates the dated file (atomically) and leaves the link in place.
"""

from __future__ import annotations

import os
import re
import stat
import sys
import tempfile
from pathlib import Path

from gate.errors import ReportError

STDOUT = "-"
_DESCRIPTOR = re.compile(r"^/(?:dev/fd|proc/self/fd)/(\d+)$")
_NAMED = {"/dev/stdout": 1, "/dev/stderr": 2}


def descriptor_of(path: str) -> int | None:
    """The descriptor a path like /dev/stdout or /dev/fd/3 (or a link to one) names,
    else None."""
    for _ in range(40):  # the kernel's limit on links followed
        if path in _NAMED:
            return _NAMED[path]
        match = _DESCRIPTOR.match(path)
        if match:
            return int(match.group(1))
        try:
            link = Path(path).readlink()
        except OSError:
            return None
        path = os.path.normpath(Path(path).parent / link)
    return None


def check_writable(path: str | None) -> None:
    """Refuse an output that cannot be written before spending minutes on the scan."""
    if path is None or path == STDOUT:
        return
    fd = descriptor_of(path)
    if fd is not None:
        try:
            os.fstat(fd)
        except OSError as e:
            raise ReportError(f"{path}: cannot write a report there ({e.strerror})") from e
        return
    mode = _mode(path)
    if mode is not None and not stat.S_ISREG(mode):
        if stat.S_ISDIR(mode) or not os.access(path, os.W_OK):
            raise ReportError(f"{path}: cannot write a report there (not a writable file)")
        return
    folder = _target(path).parent
    if not folder.is_dir() or not os.access(folder, os.W_OK):
        raise ReportError(f"{path}: cannot write a report there (no writable directory {folder})")


def write_report(path: str | None, text: str, fmt: str = "json") -> None:
    """Write `text`, a report of format `fmt` (UTF-8), where `path` says: stdout for None
    or `-`, see the module. What goes to a stream a CI runner reads holds no workflow
    command but the `github` format's, whose lines are the gate's own."""
    # The renderers leave no surrogate; were one left, it shows as `\udcff`, never a crash.
    path = path or STDOUT
    fd = 1 if path == STDOUT else descriptor_of(path)
    if fd is not None:
        from gate.reports.base import no_workflow_commands

        shown = text if fmt == "github" else no_workflow_commands(text, fmt)
        where = "stdout" if path == STDOUT else path
        _to_stream(where, shown.encode("utf-8", "backslashreplace"), fd)
        return
    data = text.encode("utf-8", "backslashreplace")
    mode = _mode(path)
    if mode is not None and not stat.S_ISREG(mode):
        _straight(path, data)
        return
    write_atomically(_target(path), data, shown=path)


def write_atomically(path: Path, data: bytes | str, shown: str | None = None) -> None:
    """Write `data` to `path` through a temp file and a rename; never a half-written
    report. An existing file keeps its permissions; a new one gets the umask's."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    name = shown or str(path)
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name[:200]}.", suffix=".tmp", dir=path.parent)
    except OSError as e:
        raise ReportError(f"{name}: cannot write report: {e.strerror}") from e
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        Path(temp).chmod(_mode_for(path))
        Path(temp).replace(path)
    except OSError as e:
        Path(temp).unlink(missing_ok=True)
        raise ReportError(f"{name}: cannot write report: {e.strerror}") from e


def _target(path: str) -> Path:
    """The file a report at `path` replaces: a symbolic link's target, else `path`."""
    return Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)


def _mode(path: str) -> int | None:
    """The mode of what `path` names, links followed; None if nothing is there."""
    try:
        return Path(path).stat().st_mode
    except FileNotFoundError:
        return None
    except OSError as e:
        raise ReportError(f"{path}: cannot write report: {e.strerror}") from e


def _mode_for(path: Path) -> int:
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _straight(path: str, data: bytes) -> None:
    """Write into a device, FIFO or terminal as it is (a FIFO waits for its reader)."""
    try:
        with open(path, "wb") as out:
            out.write(data)
            out.flush()
    except OSError as e:
        raise ReportError(f"{path}: cannot write report: {e.strerror}") from e


def _to_stream(shown: str, data: bytes, fd: int) -> None:
    """Write to a descriptor the process holds; stdout and stderr through their Python
    streams, so the report follows what was printed there before."""
    stream = {1: sys.stdout, 2: sys.stderr}.get(fd)
    try:
        if stream is None:
            _write_all(fd, data)
            return
        stream.flush()
        buffer = getattr(stream, "buffer", None)
        if buffer is None:  # a text-only stream (tests): the text is clean UTF-8
            stream.write(data.decode("utf-8"))
        else:
            buffer.write(data)
        stream.flush()
    except OSError as e:
        if stream is not None:
            _discard(stream)
        raise ReportError(f"{shown}: cannot write report: {e.strerror}") from e


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _discard(stream: object) -> None:
    """Point a failed stream at /dev/null: what is left in its buffer would otherwise fail
    again when Python exits, and turn the exit code into 120."""
    try:
        fileno = stream.fileno()  # type: ignore[attr-defined]
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fileno)
        os.close(null)
    except (OSError, AttributeError, ValueError):
        pass
