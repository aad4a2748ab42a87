"""Where the gate keeps what lasts from run to run: its per-user cache directory, and
directories only this user can write (what is kept there is trusted: nobody else may
plant it)."""

from __future__ import annotations

import os
import stat
from pathlib import Path


def cache_dir() -> Path:
    """The gate's per-user cache directory: GATE_CACHE_DIR, else the XDG cache home."""
    explicit = os.environ.get("GATE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "serverless-gate"


def private_dir(path: Path) -> Path | None:
    """`path`, made if need be, if it is a directory only this user can write to; else
    None (what is kept there is trusted, so nobody else may plant it)."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.stat()
    except OSError:
        return None
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        return None
    return path if _nobody_else_can_replace(path) else None


def _nobody_else_can_replace(path: Path) -> bool:
    """Every folder above `path` belongs to this user or root, and no other user can
    rename what is in it (not writable by others, or sticky as /tmp is)."""
    for folder in path.resolve().parents:
        try:
            info = folder.stat()
        except OSError:
            return False
        if info.st_uid not in (0, os.getuid()):
            return False
        others_write = info.st_mode & 0o002 or (info.st_mode & 0o020 and info.st_gid != os.getgid())
        if others_write and not info.st_mode & stat.S_ISVTX:
            return False
    return True
