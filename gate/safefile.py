"""Reading a file someone else named (a policy, a baseline, a report, an advisory record,
a cache entry) without letting what sits at that path hang or exhaust the gate.

A path can name a FIFO (opening it blocks until a writer comes, reading it never ends),
a device (`/dev/zero`, `/dev/urandom`: endless), a directory, a symbolic link planted
where a file was expected, or a regular file far larger than anything the gate means to
read. `read_regular` opens without blocking, checks what was opened (not what the path
named a moment before), and reads at most a stated number of bytes.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

MIB = 2**20


class NotReadable(OSError):
    """The path is not a regular file the gate may read, or is too large; `strerror` says
    why in words a user can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(errno.EINVAL, reason)


def read_regular(path: Path | str, limit: int, *, follow: bool = True) -> bytes:
    """The content of the regular file at `path`, at most `limit` bytes; `follow=False`
    refuses a symbolic link. Raises `NotReadable` (an `OSError`) for anything else, and
    the `OSError` of opening or reading it."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    if not follow:
        flags |= os.O_NOFOLLOW
    try:
        descriptor = os.open(path, flags)
    except OSError as e:
        if not follow and e.errno == errno.ELOOP:
            raise NotReadable("is a symbolic link, not a regular file") from e
        raise
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise NotReadable(f"is {_kind(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise NotReadable(f"is larger than {_size(limit)}, the most the gate reads here")
        return _read_at_most(descriptor, limit)
    finally:
        os.close(descriptor)


def _read_at_most(descriptor: int, limit: int) -> bytes:
    """Everything left in `descriptor`, refused past `limit` (a file that grows while it
    is read)."""
    chunks: list[bytes] = []
    total = 0
    while chunk := os.read(descriptor, min(MIB, limit + 1 - total)):
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise NotReadable(f"is larger than {_size(limit)}, the most the gate reads here")
    return b"".join(chunks)


def _kind(mode: int) -> str:
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def _size(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit >= MIB and limit % MIB == 0 else f"{limit} bytes"


def files_fingerprint(path: Path) -> str:
    """A file or directory tree by path, size, modification time, owner and mode (the
    advisory database: large, and replaced rather than edited; the worker refuses a
    cached database others could have written, so who may write it counts too)."""
    digest = hashlib.sha256()
    paths = [path, *sorted(path.rglob("*"))] if path.is_dir() else [path]
    for item in paths:
        info = item.stat()
        stamp = f"{item}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_uid}\0{info.st_mode}"
        digest.update(stamp.encode() + b"\n")
    return digest.hexdigest()
