"""Where the findings cache keeps its entries, and why one found there is trusted.

Entries are JSON, never pickles, in a private directory (0700, owned by the user; any
other directory is not used). They are written atomically, so concurrent runs at worst
both scan; an unreadable or malformed entry is a miss and is written again. The cache
is bounded: past `GATE_CACHE_MAX_MB` (default 512) the least recently used entries go.

Each entry is authenticated: a first line `gate-cache/2 MAC`, the HMAC-SHA256 of its
cache key and the JSON below it under a key kept outside the cache directory
(`gate.scan.cachekey`). An entry that does not verify (altered, emptied of its findings,
written under another key, copied from another part) is not trusted, not even parsed:
the part is scanned again and the entry rewritten, and the run counts it (`rejected`).
Only a regular file is read (never a FIFO or device, never through a symbolic link),
and only up to `MAX_ENTRY_BYTES`.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gate.safefile import MIB, read_regular
from gate.scan.cachekey import sign, verify

SCHEMA = "gate-cache/2"
MAX_ENTRY_BYTES = 64 * MIB
DEFAULT_MAX_MB = 512


class FindingsCache:
    """The entries under one directory."""

    def __init__(self, directory: Path, max_bytes: int, key: bytes) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self._key = key
        self._wrote = False
        self.rejected: set[str] = set()
        """Keys of entries found but not trusted (a rescan each)."""

    @classmethod
    def open(cls, base: Path) -> FindingsCache | None:
        """The cache in `base`/findings, or None if it cannot be private to this user.
        Raises `CacheKeyError` if the key that authenticates it cannot be trusted."""
        from gate.places import private_dir
        from gate.scan.cachekey import KeyUnavailable, cache_key

        directory = private_dir(base / "findings")
        if directory is None:
            return None
        try:
            megabytes = int(os.environ.get("GATE_CACHE_MAX_MB", DEFAULT_MAX_MB))
        except ValueError:
            megabytes = DEFAULT_MAX_MB
        try:
            key = cache_key()
        except KeyUnavailable:
            return None  # nothing to authenticate entries with: none is read or written
        return cls(directory, max(megabytes, 0) * 2**20, key)

    def get(self, key: str) -> dict[str, Any] | None:
        """The entry stored under `key` if there is one and it verifies; anything else
        found there (a FIFO, a link, an altered or foreign entry) is counted and ignored."""
        path = self._path(key)
        if not self._real_folder(path.parent):
            return None
        try:
            data = read_regular(path, MAX_ENTRY_BYTES, follow=False)
        except FileNotFoundError:
            return None
        except OSError:
            self.rejected.add(key)
            return None
        entry = self._authentic(key, data)
        if entry is None:
            self.rejected.add(key)
            return None
        with contextlib.suppress(OSError):
            os.utime(path, follow_symlinks=False)  # recently used: evicted last
        return entry

    def _authentic(self, key: str, data: bytes) -> dict[str, Any] | None:
        header, _, body = data.partition(b"\n")
        schema, _, mac = header.decode("ascii", "replace").partition(" ")
        if schema != SCHEMA or not verify(self._key, key, body, mac):
            return None
        try:
            entry = json.loads(body)
        except (UnicodeDecodeError, ValueError):
            return None
        return dict(entry) if _well_formed(entry) else None

    def put(self, key: str, entry: dict[str, Any]) -> None:
        path = self._path(key)
        body = json.dumps({"schema": SCHEMA, **entry}, separators=(",", ":")).encode()
        if len(body) > MAX_ENTRY_BYTES:
            return  # it would never be read back
        header = f"{SCHEMA} {sign(self._key, key, body)}\n".encode()
        try:
            if not self._real_folder(path.parent):
                path.parent.unlink(missing_ok=True)  # a link or file planted here goes
            path.parent.mkdir(mode=0o700, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
            with os.fdopen(handle, "wb") as out:
                out.write(header + body)
            Path(temporary).replace(path)  # a FIFO or link planted there is replaced
            self._wrote = True
        except OSError:
            return  # a cache that cannot be written only costs the next run time

    @staticmethod
    def _real_folder(folder: Path) -> bool:
        """A folder of entries that is a directory, not a symbolic link to one elsewhere
        (reading or writing through it would leave the private cache)."""
        try:
            return stat.S_ISDIR(os.lstat(folder).st_mode)
        except OSError:
            return False

    def forget(self, keys: Iterable[str]) -> None:
        for key in keys:
            path = self._path(key)
            if self._real_folder(path.parent):
                path.unlink(missing_ok=True)

    def put_all(self, entries: list[tuple[str, dict[str, Any]]]) -> None:
        for key, entry in entries:
            self.put(key, entry)

    def prune(self) -> None:
        """Remove the least recently used entries until the cache is within its bound."""
        if not self._wrote:
            return
        entries = []
        for path in self.directory.glob("*/*.json"):
            if not self._real_folder(path.parent):
                continue  # never delete through a link out of the cache
            try:
                info = path.lstat()
            except OSError:
                continue
            entries.append((info.st_mtime, info.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"


def _well_formed(entry: Any) -> bool:
    return (
        isinstance(entry, dict)
        and entry.get("schema") == SCHEMA
        and isinstance(entry.get("records"), dict)
        and all(isinstance(v, list) for v in entry["records"].values())
        and isinstance(entry.get("extra"), dict)
        and isinstance(entry.get("version"), (str, type(None)))
    )
