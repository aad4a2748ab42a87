"""The gate's own temp directory: private to the user, so nothing another local user
can write is ever loaded from it.

Libraries the gate uses keep caches in the temp dir: lark (under python-hcl2) loads a
pickled grammar from `tempfile.gettempdir()`, where any local user could plant one in
a shared `/tmp`. So every command that reads bundles runs with `tempfile.tempdir` and
`TMPDIR` pointing at the private, lasting directory the scanner workers use too; the
grammar cache there survives from run to run.

A gate that is killed cannot remove its temp folders. Each run holds a shared lock on
the directory; a run that finds no other run holding it (an exclusive lock succeeds)
removes the folders and temp files left there, and keeps the caches (dot files).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock, no clean-up of leftovers
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".gate-runs.lock"


def scratch_dir() -> Path | None:
    """The private, lasting temp dir of the gate and its workers, or None if it cannot
    be made private (then each run makes a fresh one)."""
    from gate.workers import cache_dir, private_dir

    return private_dir(cache_dir() / "worker-tmp")


@contextlib.contextmanager
def private_tempdir() -> Iterator[Path]:
    """Run the body with `tempfile.tempdir` and `TMPDIR` at a private directory (the
    lasting scratch dir, else a fresh 0700 one removed afterwards); restore both after."""
    lasting = scratch_dir()
    if lasting is not None:
        # Without symlinks: checkov reports resolved paths, which must match the copies.
        lasting = lasting.resolve()
    base = lasting or Path(tempfile.mkdtemp(prefix="serverless-gate-")).resolve()
    saved = tempfile.tempdir, os.environ.get("TMPDIR")
    with contextlib.ExitStack() as stack:
        if lasting is not None:
            stack.enter_context(_in_use(lasting))
        else:
            stack.callback(shutil.rmtree, base, True)
        tempfile.tempdir = str(base)
        os.environ["TMPDIR"] = str(base)
        try:
            yield base
        finally:
            tempfile.tempdir = saved[0]
            if saved[1] is None:
                os.environ.pop("TMPDIR", None)
            else:
                os.environ["TMPDIR"] = saved[1]


@contextlib.contextmanager
def _in_use(directory: Path) -> Iterator[None]:
    """Hold a shared lock on `directory` for the run; first remove what runs that are
    gone left there, if no other run holds the lock."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    try:
        fd = os.open(directory / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError:
        yield  # a lock that cannot be made only costs the clean-up
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pass  # another run is using the directory: leave everything to it
        else:
            remove_leftovers(directory)
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


def remove_leftovers(directory: Path) -> None:
    """Remove the folders and temp files in `directory`; keep the caches (dot files)
    and the lock. Only safe while no run is using it."""
    try:
        entries = list(os.scandir(directory))
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                Path(entry.path).unlink()
