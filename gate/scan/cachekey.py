"""The key that authenticates findings-cache entries, kept outside the cache directory.

An entry says "this part of a bundle has these findings"; whoever can write one can make
a bundle pass. The cache directory may come from somewhere less trusted than the run (a
CI cache restored from another branch, a directory another step of the job wrote), so
each entry carries an HMAC-SHA256 under a key that such a writer does not have:

- `GATE_CACHE_KEY`, when set and not empty (a CI secret, which pull requests from forks
  are not given);
- else a per-user key file, `$XDG_CONFIG_HOME/serverless-gate/scan/cache.key` (by default
  `~/.config/serverless-gate/scan/cache.key`), made on first use: 32 random bytes, mode 0600
  in a 0700 directory. A key file or directory that others may read or write, or that
  another user owns, is refused: the run stops with one line saying how to fix it. Where
  no key can be made at all (a read-only home), the run goes without the cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
import stat
import tempfile
from pathlib import Path

from gate.errors import GateError
from gate.safefile import read_regular

ENV_KEY = "GATE_CACHE_KEY"
KEY_FILE = "cache.key"
_KEY_BYTES = 32


class CacheKeyError(GateError):
    """The key that authenticates the findings cache cannot be trusted."""


class KeyUnavailable(CacheKeyError):
    """No key could be made (a read-only home): the run goes without the cache."""


def cache_key() -> bytes:
    """The key for this run: from the environment, else the user's key file."""
    given = os.environ.get(ENV_KEY, "")
    if given:
        return hashlib.sha256(b"serverless-gate cache key\0" + given.encode()).digest()
    return _file_key(key_path())


def key_path() -> Path:
    """Where the per-user key is kept."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "serverless-gate" / KEY_FILE


def sign(key: bytes, name: str, body: bytes) -> str:
    """The MAC of an entry's `body` stored under `name` (its cache key): an entry copied
    to another name does not verify."""
    message = name.encode() + b"\0" + body
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def verify(key: bytes, name: str, body: bytes, mac: str) -> bool:
    return hmac.compare_digest(sign(key, name, body), mac)


def _file_key(path: Path) -> bytes:
    folder = path.parent
    _private_folder(folder)
    key = _read_key(path)
    if key is None:
        _write_key(path)
        key = _read_key(path)
    if key is None:
        raise CacheKeyError(f"{path}: the findings-cache key could not be made; {_REMEDY}")
    return key


_REMEDY = "fix it, or run with --no-cache"


def _private_folder(folder: Path) -> None:
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = os.lstat(folder)
    except OSError as e:
        raise KeyUnavailable(
            f"{folder}: cannot make the findings-cache key folder: {e.strerror}; {_REMEDY}"
        ) from e
    if not stat.S_ISDIR(info.st_mode):
        raise CacheKeyError(
            f"{folder}: the findings-cache key folder is not a directory; {_REMEDY}"
        )
    _owned_and_private(folder, info, "folder", "chmod 700", 0o022)


def _owned_and_private(
    path: Path, info: os.stat_result, what: str, fix: str, closed: int = 0o077
) -> None:
    """Refuse `path` unless this user owns it and no one else has the `closed` bits (the
    key file: no access at all; its folder: no writing, so no one can swap the key)."""
    if info.st_uid != os.getuid():
        raise CacheKeyError(
            f"{path}: the findings-cache key {what} belongs to another user, who could forge "
            f"cache entries; remove it or set {ENV_KEY}, or run with --no-cache"
        )
    if info.st_mode & closed:
        raise CacheKeyError(
            f"{path}: the findings-cache key {what} is open to other users "
            f"(mode {stat.S_IMODE(info.st_mode):o}), who could forge cache entries; "
            f"`{fix} {path}` and clear the cache, or run with --no-cache"
        )


def _read_key(path: Path) -> bytes | None:
    """The key in `path`; None if there is none yet."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as e:
        raise CacheKeyError(
            f"{path}: cannot read the findings-cache key: {e.strerror}; {_REMEDY}"
        ) from e
    if not stat.S_ISREG(info.st_mode):
        raise CacheKeyError(
            f"{path}: the findings-cache key is not a regular file (a link, a FIFO?); "
            "remove it and the gate makes a new one"
        )
    _owned_and_private(path, info, "file", "chmod 600")
    try:
        text = read_regular(path, 4096, follow=False).decode("ascii").strip()
        key = bytes.fromhex(text)
    except (OSError, ValueError) as e:
        reason = e.strerror if isinstance(e, OSError) else "not a hex key"
        raise CacheKeyError(
            f"{path}: unusable findings-cache key ({reason}); remove it "
            "and the gate makes a new one"
        ) from e
    if len(key) < 16:
        raise CacheKeyError(
            f"{path}: the findings-cache key is too short; remove it and the gate makes a new one"
        )
    return key


def _write_key(path: Path) -> None:
    """A new random key, written whole to a temporary file and linked into place, which
    fails if the key exists: of two runs at once one key wins, and neither reads half."""
    try:
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    except OSError as e:
        raise KeyUnavailable(
            f"{path}: cannot write the findings-cache key: {e.strerror}; {_REMEDY}"
        ) from e
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as out:
            out.write(secrets.token_hex(_KEY_BYTES) + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    except OSError as e:
        raise KeyUnavailable(
            f"{path}: cannot write the findings-cache key: {e.strerror}; {_REMEDY}"
        ) from e
    finally:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
