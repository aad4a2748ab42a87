"""Bytecode in `__pycache__` that Python would run instead of the source the gate scans.

Python imports `pkg/__pycache__/mod.<tag>.pyc` in place of `pkg/mod.py` when the
pyc validates: an unchecked-hash pyc always does, a checked-hash one when its hash
is the source's, a timestamp-based one when the source's mtime and size are in its
header. The gate cannot know the runtime's tag, recompute CPython's source hash, or
trust an mtime after a zip round trip, so a pyc that could stand for a source beside
it is refused unless it cannot load: no valid magic, or a timestamp header whose
source size is not the source's (stale). Lambda packages normally ship no
`__pycache__` (`sam build` and the Serverless Framework leave it out).

One exception: pip compiles what it installs and lists the bytecode, unhashed, in
the package's RECORD (a layer built with `pip install --target`). Bytecode a RECORD
lists for a source it proves is counted not analysed, like a package's native
library: neither refused nor third-party, since nothing proves what it holds.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path, PurePosixPath

from gate.bundle.discovery import python_owner
from gate.bundle.rules import refusal
from gate.bundle.staging.tally import Tally
from gate.model import Bundle

CACHE_DIR = "__pycache__"


# The implementation tags of cache-named bytecode (`sys.implementation.cache_tag`).
_CACHE_TAGS = ("cpython-", "pypy")


def cache_named(name: str) -> str | None:
    """The module a cache-named bytecode file stands for (`helper.cpython-312.pyc`,
    `helper.cpython-312.opt-1.pyc` -> `helper`), wherever it lies: PYTHONPYCACHEPREFIX
    makes Python load it from any folder. None for any other name."""
    module, _, tag = name.partition(".")
    if not name.lower().endswith(".pyc") or not module.isidentifier():
        return None
    return module if tag.lower().startswith(_CACHE_TAGS) else None


def refuse_prefixed(bundle: str, relative: str) -> None:
    """Refuse cache-named bytecode outside the `__pycache__` beside its source."""
    module = cache_named(PurePosixPath(relative).name)
    raise refusal(
        f"{bundle}/{relative}: cached bytecode outside the __pycache__ beside its source, "
        f"which Python loads instead of {module}.py when PYTHONPYCACHEPREFIX points at it, "
        "and no scanner can read; remove it from the package"
    )


def cached_source(relative: str) -> str | None:
    """The source file a `__pycache__/<module>.<tag>.pyc` at `relative` stands for."""
    path = PurePosixPath(relative)
    if path.parent.name != CACHE_DIR or path.suffix != ".pyc":
        return None
    module = path.name.split(".")[0]
    return (path.parent.parent / f"{module}.py").as_posix()


def may_load(pyc: Path, source: Path) -> bool:
    """Whether some Python could import `pyc` instead of `source` (which exists)."""
    try:
        header = pyc.read_bytes()[:16]
        size = source.stat().st_size
    except OSError:
        return True  # cannot tell: fail closed
    if len(header) < 16 or header[2:4] != b"\r\n":
        return False  # no Python's magic number: every Python ignores it
    flags = int.from_bytes(header[4:8], "little")
    if flags & 0b1:
        return True  # hash-based: unchecked always loads, checked when the source matches
    return int.from_bytes(header[12:16], "little") == size & 0xFFFFFFFF


def judge_loaded(
    tally: Tally, relative: str, pyc: Path, source: Path, listed: Collection[str]
) -> None:
    """Refuse the cached bytecode `pyc` (shown at `relative`) if Python may load it,
    unless it is bytecode an installed package's RECORD lists for a source it proves
    (pip compiles what it installs): that is counted not analysed (`tally.unverified`),
    as a package's native library is, because nothing proves what bytecode holds."""
    if not may_load(pyc, source):
        return
    if relative in listed:
        tally.unverified.append(relative)
        return
    raise refusal(
        f"{tally.bundle}/{relative}: bytecode that Python may run instead of the scanned "
        f"{source.name}; remove __pycache__ from the function's package"
    )


def refuse_cached(root: Path, tally: Tally, bundle: Bundle, listed: Collection[str] = ()) -> None:
    """Judge the bytecode of ignored `__pycache__` folders that Python may load in place
    of a staged source, inside code Python may run (`python_owner`: a function's code or
    layers, any layer that may hold Python), or anywhere, when the bundle declares no
    function (then all of it may be code): `judge_loaded`."""
    for relative, found in sorted(tally.importable.items()):
        if bundle.functions and python_owner(relative, bundle) is None:
            continue
        source = cached_source(relative)
        if source is None and cache_named(PurePosixPath(relative).name):
            refuse_prefixed(tally.bundle, relative)
        if source is None or not (root / source).is_file():
            continue
        before = len(tally.unverified)
        judge_loaded(tally, relative, found.source, root / source, listed)
        if len(tally.unverified) > before:
            tally.ignored[found.rule] -= 1
