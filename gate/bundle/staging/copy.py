"""Copying a bundle into the private tree the scanners read, refusing what cannot be
checked.

Every entry is looked at once: a folder that cannot be listed, or a link that
leaves the bundle, dangles or loops, is refused. A link inside the bundle is
copied as its target (so the scanners see what `zip -r` ships at the place
Lambda loads it). Folders and files a built-in rule ignores, and what the
policy's `exclude` names, are counted, not copied; Python code in ignored or
excluded folders is remembered so that an import of it can bring it back, and every file
of an ignored virtualenv or dependency tree so that, inside a Python function's
code, it is brought back whole. Bytecode an unpacked zip's `__pycache__` holds
that Python may run instead of its source is refused (see gate.bundle.staging.bytecode).
"""

from __future__ import annotations

import os
import shutil
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from gate.bundle.rules import MAX_DEPTH, dir_rule, file_rule, is_program, refusal
from gate.bundle.staging.tally import Ignored, Tally
from gate.model import Warning_
from gate.policy.globs import PathPatterns

MAX_FILES = 100_000
MAX_BYTES = 1 << 30
# Rules whose folders Python imports from when they are on a function's import path.
MAYBE_IMPORTED = frozenset({"virtualenv", "dependency-tree"})
# Files in ignored folders an import can reach: sources and what Python loads without one.
IMPORTABLE_SUFFIXES = (".py", ".pyc", ".so", ".pyd")


@dataclass(frozen=True)
class _Walk:
    """One bundle's walk: where it is, where the copy goes, what the policy excludes."""

    top: Path
    """The bundle's real path: links must stay inside it."""
    target: Path
    exclude: PathPatterns
    tally: Tally


def copy_tree(source: Path, target: Path, bundle: str, exclude: tuple[str, ...]) -> Tally:
    """Copy the bundle at `source` into `target` as the scanners may see it."""
    target.mkdir(parents=True)
    tally = Tally(bundle, top=source.resolve())
    top = source.resolve()
    walk = _Walk(top, target, PathPatterns(exclude), tally)
    pending = [(top, "", frozenset({top}))]
    while pending:  # a stack, not recursion: folders may nest deeper than Python recurses
        pending.extend(_copy_dir(walk, *pending.pop()))
    tally.warnings += [
        Warning_("exclude-widened", f"{bundle}: {message}")
        for message in walk.exclude.widened_messages()
    ]
    return tally


def _copy_dir(
    walk: _Walk, here: Path, relative: str, seen: frozenset[Path]
) -> list[tuple[Path, str, frozenset[Path]]]:
    """Copy the files of the folder `here`, shown at `relative` (empty at the top), and
    return its sub-folders to copy; `seen` holds the real paths of the folders above it,
    so a link back to one of them is a loop."""
    folders = []
    for entry in _listing(walk.tally.bundle, here, relative):
        shown = f"{relative}{entry.name}"
        path = Path(entry.path)
        if entry.is_symlink():
            pattern = walk.exclude.match(shown)
            if pattern is not None:
                _exclude(walk.tally, shown, path, pattern)
                continue
            path = _link_target(walk, path, shown)
        if path.is_dir():
            folders += _enter(walk, path, entry.name, shown, seen)
        else:
            _copy_file(walk, path, entry.name, shown)
    return folders


def _enter(
    walk: _Walk, path: Path, name: str, shown: str, seen: frozenset[Path]
) -> list[tuple[Path, str, frozenset[Path]]]:
    """The folder to copy next, or none if a rule leaves it out (counting its files)."""
    real = path.resolve()
    if real in seen:
        raise refusal(
            f"{walk.tally.bundle}/{shown}: symbolic link loop (it leads back to a folder "
            "above it); remove the link"
        )
    # The user's own `exclude` comes first: what it names is theirs to leave out.
    pattern = walk.exclude.match(shown, directory=True)
    if pattern is not None:
        for relative, file in _files_under(walk.tally.bundle, path, shown):
            _exclude(walk.tally, relative, file, pattern)
        return []
    rule = dir_rule(name, path)
    if rule is not None:
        walk.tally.ignored_folders[shown] = rule
        _ignore_tree(walk.tally, path, shown, rule)
        if rule in DATA_ONLY_RULES and name != ".git":
            _keep_programs(walk, shown, rule)
        return []
    (walk.target / shown).mkdir(parents=True, exist_ok=True)
    return [(path, f"{shown}/", seen | {real})]


# Rules whose folders hold data, never programs: caches, resource forks, a VCS's store
# (which the Framework packages, `.git` apart). A program in one is deployed code hidden
# under a junk name, and is copied like any other file.
DATA_ONLY_RULES = frozenset({"tool-cache", "apple-double", "vcs"})


def _keep_programs(walk: _Walk, folder: str, rule: str) -> None:
    """Copy the programs (`#!` scripts, native executables) of an ignored folder back
    into the copy, counted as the files they are rather than ignored."""
    tally = walk.tally
    for shown, file in sorted(tally.unstaged.items()):
        if shown.startswith(f"{folder}/") and not file.is_symlink() and is_program(file):
            tally.ignored[rule] -= 1
            del tally.unstaged[shown]
            tally.importable.pop(shown, None)
            tally.held.pop(shown, None)
            tally.restored.add(shown)
            (walk.target / shown).parent.mkdir(parents=True, exist_ok=True)
            _copy_file(walk, file, file.name, shown, judged=True)


def _file_left_out(name: str, path: Path) -> str | None:
    """The built-in rule that leaves out the file `path` (named `name`), if any."""
    rule = file_rule(name)
    if rule == "apple-double" and is_program(path):
        return None  # not a resource fork: a program under a fork's name
    return rule


def left_out_within(top: Path, folder: str, relative: str) -> str | None:
    """What leaves out the file `relative` when the copy walks `folder` (both relative to
    the bundle at `top`) as a folder of deployed code rather than one a rule left out: the
    folder under it that a rule ignores (a `__pycache__`, a VCS store), or the file
    itself; None when the copy copies the file, or copies it back inside a Python
    function's code (a virtualenv's or dependency tree's file). What a deployed folder
    in a left-out one brings back, so that it is judged as the same folder elsewhere."""
    here = top / folder
    parts = PurePosixPath(relative).relative_to(folder).parts
    for name in parts[:-1]:
        here = here / name
        rule = dir_rule(name, here)
        if rule in DATA_ONLY_RULES and name != ".git" and is_program(top / relative):
            return None
        if rule is not None and rule not in MAYBE_IMPORTED:
            return here.relative_to(top).as_posix()
    return relative if _file_left_out(parts[-1], top / relative) else None


def _copy_file(walk: _Walk, path: Path, name: str, shown: str, judged: bool = False) -> None:
    tally = walk.tally
    rule = None if judged else _file_left_out(name, path)
    if rule is not None:
        tally.ignored[rule] += 1
        tally.unstaged[shown] = path
        if rule == "scanner-config":
            tally.warnings.append(
                Warning_(
                    "scanner-config-ignored",
                    f"{tally.bundle}/{shown}: scanner configuration inside a bundle is "
                    "never used; put settings in the gate's policy",
                )
            )
        return
    pattern = walk.exclude.match(shown)
    if pattern is not None:
        _exclude(tally, shown, path, pattern)
        return
    if not path.is_file():
        raise refusal(
            f"{tally.bundle}/{shown}: not a regular file (a device, socket or pipe); "
            "remove it from the bundle"
        )
    tally.files += 1
    tally.size += path.stat().st_size
    if tally.files > MAX_FILES or tally.size > MAX_BYTES:
        raise refusal(
            f"{tally.bundle}: more than {MAX_FILES} files or {MAX_BYTES >> 20} MiB; "
            "scan a single function or exclude build output in the policy"
        )
    destination = walk.target / shown
    destination.parent.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(path, destination)
    except OSError as e:
        raise refusal(f"{tally.bundle}/{shown}: cannot read: {e.strerror}") from e


def _link_target(walk: _Walk, link: Path, shown: str) -> Path:
    """The real path a link inside the bundle leads to; a link that dangles, loops or
    leaves the bundle is refused."""
    where = f"{walk.tally.bundle}/{shown}"
    target = str(link.readlink())
    try:
        real = link.resolve(strict=True)
    except FileNotFoundError as e:
        raise refusal(
            f"{where}: symbolic link to {target!r} that does not exist; remove the link"
        ) from e
    except (OSError, RuntimeError) as e:
        raise refusal(
            f"{where}: symbolic link to {target!r} cannot be followed (a loop?); remove it"
        ) from e
    if not real.is_relative_to(walk.top):
        raise refusal(
            f"{where}: symbolic link to {target!r}, outside the bundle; the deployed zip "
            "would ship that file: copy it into the bundle instead"
        )
    return real


# Rules whose folders hold nothing Python imports: pruned from unpacked zips too.
_NEVER_IMPORTED = frozenset({"vcs", "tool-cache", "apple-double"})


def prune_unpacked(root: Path, tally: Tally, listed: Collection[str] = ()) -> None:
    """Remove from the staged copy (where only unpacked zips can have put them) what a
    built-in rule ignores and Python never imports: VCS data, tool caches, AppleDouble
    files, scanner configuration. Ignored folders that may hold imported code (a
    `node_modules`, a virtualenv, build output) stay, and are scanned."""
    for current, dirs, names in os.walk(root):
        here = Path(current)
        for name in list(dirs):
            rule = dir_rule(name, here / name)
            if rule in _NEVER_IMPORTED:
                tally.ignored_folders[(here / name).relative_to(root).as_posix()] = rule or ""
                # Any ignored cache may hold bytecode PYTHONPYCACHEPREFIX points at, or
                # a zip PYTHONPATH names: this is deployed code.
                kept = _refuse_loaded_bytecode(root, here / name, tally, listed)
                _refuse_zips(root, here / name, tally.bundle)
                dirs.remove(name)
                removed = _prune_all_but_programs(root, here / name, tally.restored)
                tally.ignored[rule or ""] += removed - kept
        for name in names:
            rule = file_rule(name)
            if rule == "apple-double" and is_program(here / name):
                continue  # not a resource fork: a program under a fork's name
            if rule is not None:
                tally.ignored[rule] += 1
                (here / name).unlink()


def _prune_all_but_programs(root: Path, folder: Path, restored: Collection[str]) -> int:
    """Remove an ignored folder of an unpacked zip but for the programs in it (`#!`
    scripts, native executables: deployed code under a junk name, scanned as such) and
    what the copy brought back on purpose (`restored`); how many files were removed."""
    removed = 0
    for current, _, names in os.walk(folder, topdown=False):
        for name in names:
            path = Path(current) / name
            if path.relative_to(root).as_posix() in restored:
                continue  # counted where it was brought back
            if path.is_symlink() or not is_program(path):
                path.unlink()
                removed += 1
        if not any(Path(current).iterdir()):
            Path(current).rmdir()
    return removed


def _refuse_loaded_bytecode(root: Path, cache: Path, tally: Tally, listed: Collection[str]) -> int:
    """Refuse the bytecode in an unpacked zip's `__pycache__` (deployed code) that Python
    may import instead of a source beside the folder (gate.bundle.staging.bytecode.judge_loaded);
    how many of its files were counted not analysed instead."""
    from gate.bundle.staging.bytecode import (
        cache_named,
        cached_source,
        judge_loaded,
        refuse_prefixed,
    )

    before = len(tally.unverified)
    for pyc in sorted(cache.rglob("*")):
        relative = pyc.relative_to(root).as_posix()
        source = cached_source(relative)
        if source is None and cache_named(pyc.name):
            refuse_prefixed(tally.bundle, relative)
        if source is not None and (root / source).is_file():
            judge_loaded(tally, relative, pyc, root / source, listed)
    return len(tally.unverified) - before


def _refuse_zips(root: Path, folder: Path, bundle: str) -> None:
    """Refuse a zip in an ignored folder of an unpacked zip (kept, or unpacked with it
    into `<zip>.contents`): it is deployed, and Python imports from it when PYTHONPATH
    names it."""
    for path in sorted(folder.rglob("*")):
        unpacked = path.is_dir() and path.name.lower().endswith(".zip.contents")
        if unpacked or (path.is_file() and not path.is_symlink() and zipfile.is_zipfile(path)):
            raise refusal(
                f"{bundle}/{path.relative_to(root).as_posix()}: a zip in a folder the gate "
                "ignores, deployed with the code, that Python imports from when it is on "
                "PYTHONPATH; the gate does not scan inside it: remove it from the package"
            )


def _listing(bundle: str, here: Path, relative: str) -> list[os.DirEntry[str]]:
    """The entries of a folder, sorted; a folder that cannot be listed, or that lies
    deeper than `MAX_DEPTH` folders, is refused."""
    if relative.count("/") >= MAX_DEPTH:
        raise refusal(
            f"{bundle}/{relative[:120]}…: folders nested deeper than {MAX_DEPTH} levels; "
            "flatten the tree, or move it out of the bundle"
        )
    try:
        with os.scandir(here) as entries:
            return sorted(entries, key=lambda e: e.name)
    except OSError as e:
        shown = relative.rstrip("/") or "."
        raise refusal(
            f"{bundle}/{shown}: cannot list the folder ({e.strerror}); make it readable, or "
            "move it out of the bundle (excluded folders are listed too, to count their files)"
        ) from e


def _ignore_tree(tally: Tally, path: Path, shown: str, rule: str) -> None:
    """Count the files of an ignored folder and remember its Python files."""
    for relative, file in _files_under(tally.bundle, path, shown):
        tally.ignored[rule] += 1
        tally.unstaged[relative] = file
        if relative.endswith(IMPORTABLE_SUFFIXES):
            tally.importable[relative] = Ignored(file, rule)
        if rule in MAYBE_IMPORTED:
            tally.held[relative] = Ignored(file, rule)


def _exclude(tally: Tally, relative: str, file: Path, pattern: str) -> None:
    """Count a file the policy's `exclude` leaves out, remembering a Python one: deployed
    code may import it all the same (gate.bundle.staging.imports)."""
    tally.excluded[pattern] += 1
    if relative.endswith(IMPORTABLE_SUFFIXES):
        tally.importable[relative] = Ignored(file, pattern, by_policy=True)


def _files_under(bundle: str, path: Path, shown: str) -> list[tuple[str, Path]]:
    """Every file under a folder (links not followed), as (shown path, path)."""
    found: list[tuple[str, Path]] = []
    pending = [(path, shown)]
    while pending:
        folder, relative = pending.pop()
        for entry in _listing(bundle, folder, f"{relative}/"):
            inner = f"{relative}/{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                pending.append((Path(entry.path), inner))
            else:
                found.append((inner, Path(entry.path)))
    return found
