"""The programs in a function's code and layers that the gate does not analyse.

A file the system can run (a `#!` script, a native executable, or any file with an
execute bit: `zip` and `sam build` keep the mode, and a script without `#!` is run by
the shell) is code the Lambda runtime can be made to start before the handler
(GATE-IAC-018). The staged copy is not enough to find them all: it leaves out what the
built-in rules ignore, and copying drops the mode. So they are found in the bundle as
it is, and in the copy's unpacked zips; a staged file whose `#!` line runs python is
scanned, and is no such program.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from gate.bundle.rules import is_program, runs_python

MAX_LISTED = 100
"""A function's list stops here: the rule needs to know there is one, and to name some."""


def unanalysed_programs(source: Path, root: Path, places: Iterable[str]) -> tuple[str, ...]:
    """The programs under `places` (a function's code and layers, relative to the bundle)
    of the bundle at `source` and of its staged copy `root`, as relative paths."""
    found: set[str] = set()
    for place in places:
        for top in (source, root):
            for relative, path in _files(top, place):
                if relative in found or not _runnable(path):
                    continue
                staged = root / relative
                if staged.is_file() and not staged.is_symlink() and runs_python(staged):
                    continue  # Python the scanners read
                found.add(relative)
                if len(found) >= MAX_LISTED:
                    return tuple(sorted(found))
    return tuple(sorted(found))


def _files(top: Path, place: str) -> Iterable[tuple[str, Path]]:
    """The regular files under `top/place` (or that file), links not followed."""
    start = top / place
    if start.is_file() and not start.is_symlink():
        yield place, start
        return
    if not start.is_dir() or start.is_symlink():
        return
    for current, dirs, names in os.walk(start):
        dirs[:] = [d for d in dirs if not (Path(current) / d).is_symlink()]
        for name in names:
            path = Path(current) / name
            if not path.is_symlink():
                yield path.relative_to(top).as_posix(), path


def _runnable(path: Path) -> bool:
    try:
        executable = bool(path.stat().st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH))
    except OSError:
        return False
    return executable or is_program(path)
