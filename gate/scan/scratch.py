"""The gate's own temp directory: private to the user, so nothing another local user
can write is ever loaded from it.

Libraries the gate uses keep caches in the temp dir: lark (under python-hcl2) loads a
pickled grammar from `tempfile.gettempdir()`, where any local user could plant one in
a shared `/tmp`. So every command that reads bundles runs with `tempfile.tempdir` and
`TMPDIR` pointing at the private, lasting directory the scanner workers use too; the
grammar cache there survives from run to run.

A gate that is killed cannot remove its temp folders. Each run holds a shared lock on
the directory; a run that finds no other run holding it (an exclusive lock succeeds)
removes the folders and temp files left there, and keeps the caches (dot files). When
the lasting directory cannot be private (a cache dir others can write to), each run
makes a fresh 0700 one in the system temp dir, locked the same way, and removes the
ones killed runs left.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock, no clean-up of leftovers
    fcntl = None  # type: ignore[assignment]

LOCK_NAME = ".gate-runs.lock"
# A run's own temp dir in the system temp dir, when the lasting one cannot be private.
FRESH_PREFIX = "serverless-gate-"


def scratch_dir() -> Path | None:
    """The private, lasting temp dir of the gate and its workers, or None if it cannot
    be made private (then each run makes a fresh one)."""
    from gate.places import cache_dir, private_dir

    return private_dir(cache_dir() / "worker-tmp")


@contextlib.contextmanager
def private_tempdir() -> Iterator[Path]:
    """Run the body with `tempfile.tempdir` and `TMPDIR` at a private directory (the
    lasting scratch dir, else a fresh 0700 one removed afterwards); restore both after."""
    lasting = scratch_dir()
    if lasting is not None:
        # Without symlinks: checkov reports resolved paths, which must match the copies.
        lasting = lasting.resolve()
    saved = tempfile.tempdir, os.environ.get("TMPDIR")
    with contextlib.ExitStack() as stack:
        if lasting is not None:
            base = lasting
            stack.enter_context(_in_use(lasting))
        else:
            base = _fresh_dir(stack)
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


def _fresh_dir(stack: contextlib.ExitStack) -> Path:
    """A new 0700 dir in the system temp dir, in use until `stack` closes and removed
    then; the ones runs that were killed left there are removed first."""
    _remove_abandoned(Path(tempfile.gettempdir()))
    base = Path(tempfile.mkdtemp(prefix=FRESH_PREFIX)).resolve()
    stack.callback(remove_tree, base)
    stack.enter_context(_in_use(base))
    return base


def _remove_abandoned(shared: Path) -> None:
    """Remove this user's fresh dirs in `shared` that no run holds the lock of."""
    try:
        entries = [e for e in os.scandir(shared) if e.name.startswith(FRESH_PREFIX)]
    except OSError:
        return
    for entry in entries:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        mine = info.st_uid == os.getuid() and not info.st_mode & 0o077
        if stat.S_ISDIR(info.st_mode) and mine and _abandoned(Path(entry.path)):
            remove_tree(entry.path)


def _abandoned(directory: Path) -> bool:
    """Whether the run that made `directory` is gone: its lock exists and is free."""
    if fcntl is None:  # pragma: no cover
        return False
    try:
        fd = os.open(directory / LOCK_NAME, os.O_RDWR | os.O_NOFOLLOW)
    except OSError:
        return False  # no lock yet: a run is just starting there
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


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
                remove_tree(entry.path)
            else:
                Path(entry.path).unlink()


def remove_tree(top: str | Path) -> None:
    """Remove the folder `top` and all in it, as far as it can, without recursion: a run
    stopped mid-copy may have left a tree deeper than Python recurses, and one that
    could not be removed would stop every later run."""
    folders, pending = [str(top)], [str(top)]
    while pending:
        try:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                        pending.append(entry.path)
                    else:
                        with contextlib.suppress(OSError):
                            Path(entry.path).unlink()
        except OSError:
            continue
    for folder in reversed(folders):  # each folder after everything below it
        with contextlib.suppress(OSError):
            Path(folder).rmdir()
