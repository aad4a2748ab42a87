"""What git says changed: the change from the merge base of a ref and HEAD to the work
tree, file by file and line by line, and the bundles as they were at the merge base.
Diff mode (gate.scan.diff) judges findings against it."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from gate.errors import GateError
from gate.git.provenance import open_repository, usable_ref
from gate.model import Bundle, Finding

if TYPE_CHECKING:
    import git

_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)

Span = tuple[int, int]
"""First and last line, 1-based and inclusive."""


class DiffBaseError(GateError):
    """The change cannot be worked out, so diff mode cannot judge it."""


@dataclass(frozen=True)
class Changes:
    """What changed since the merge base, by path relative to the repository's top."""

    ref: str
    merge_base: str
    top: Path
    touched: dict[str, tuple[Span, ...] | None]
    """Each file the change touched: the new lines it touched, or None for all of them
    (added, deleted, binary). An empty tuple is a rename or mode change alone."""
    tracked: frozenset[str]
    """The files at the merge base."""
    renamed: dict[str, str] = field(default_factory=dict)
    """Files the change moved: merge-base path -> path now."""

    def file_changed(self, path: str) -> bool:
        if path in self.touched:
            return self.touched[path] != ()
        return path not in self.tracked

    def changed_outside(self, path: str, extents: Sequence[Span]) -> bool:
        """Whether the change touched a line of `path` outside every one of `extents`
        (a template's Globals or Parameters, which reach every resource)."""
        if path not in self.touched:
            return path not in self.tracked
        spans = self.touched[path]
        if spans is None:
            return True
        return any(
            not any(a <= line <= b for a, b in extents)
            for start, end in spans
            for line in range(start, end + 1)
        )

    def lines_changed(self, path: str, first: int, last: int) -> bool:
        if path not in self.touched:
            return path not in self.tracked
        spans = self.touched[path]
        return spans is None or any(start <= last and first <= end for start, end in spans)


def changes_since(ref: str, bundles: Sequence[Bundle]) -> Changes:
    """The change from the merge base of `ref` and HEAD to the work tree of the repository
    holding `bundles` (all must be in the same one)."""
    try:
        import git
    except ImportError as e:  # GitPython is a dependency; a broken install says so
        raise DiffBaseError(f"--diff-base {ref}: GitPython cannot be imported ({e})") from e
    if not usable_ref(ref):
        raise DiffBaseError(f"--diff-base {ref!r}: not a git ref; give a branch, tag or commit")
    start = bundles[0].path
    repo = open_repository(start)
    if repo is None or repo.working_tree_dir is None:
        raise DiffBaseError(
            f"--diff-base {ref}: {start} is not in a git repository; run in a clone, or "
            "drop --diff-base"
        )
    with repo:
        top = Path(repo.working_tree_dir).resolve()
        for bundle in bundles:
            if not bundle.path.is_relative_to(top):
                raise DiffBaseError(
                    f"--diff-base {ref}: {bundle.id} is outside the repository at {top}; "
                    "scan one repository at a time"
                )
        try:
            base = _merge_base(repo, ref)
            touched, renamed = _touched(repo, base)
            read = [path for path, spans in touched.items() if spans is not None]
            touched.update(dict.fromkeys(_converted(repo, top, read)))
            tracked = frozenset(
                filter(None, repo.git.ls_tree("-r", "-z", "--name-only", base).split("\0"))
            )
        except git.GitCommandNotFound:
            raise DiffBaseError(
                f"--diff-base {ref}: the git command is not installed; install git, or drop "
                "--diff-base"
            ) from None
        except git.GitCommandError as e:
            detail = (e.stderr or "").strip().splitlines()
            raise DiffBaseError(
                f"--diff-base {ref}: git failed: {detail[-1] if detail else e}"
            ) from None
    return Changes(ref, base, top, touched, tracked, renamed)


def _merge_base(repo: git.Repo, ref: str) -> str:
    import git

    shallow = repo.git.rev_parse("--is-shallow-repository").strip() == "true"
    fetch_more = (
        "this is a shallow clone without the history to find it; fetch more history "
        "(actions/checkout with fetch-depth: 0, or git fetch --unshallow)"
    )
    try:
        repo.git.rev_parse("--verify", "--quiet", f"{ref}^{{commit}}")
    except git.GitCommandError:
        if shallow:
            raise DiffBaseError(f"--diff-base {ref}: no such commit; {fetch_more}") from None
        raise DiffBaseError(
            f"--diff-base {ref}: no such commit in this clone; fetch it first "
            f"(git fetch origin {ref.removeprefix('origin/')})"
        ) from None
    try:
        found = repo.git.merge_base(ref, "HEAD").split()
    except git.GitCommandError:  # exit status 1: no common ancestor
        found = []
    if found:
        return str(found[0])
    if shallow:
        raise DiffBaseError(f"--diff-base {ref}: the merge base with HEAD is missing: {fetch_more}")
    raise DiffBaseError(
        f"--diff-base {ref}: {ref} and HEAD share no history, so there is no change to judge"
    )


def _touched(
    repo: git.Repo, base: str
) -> tuple[dict[str, tuple[Span, ...] | None], dict[str, str]]:
    touched: dict[str, tuple[Span, ...] | None] = {}
    renamed: dict[str, str] = {}
    diffs = repo.commit(base).diff(
        None,  # the work tree
        create_patch=True,
        unified=0,
        no_textconv=True,
        no_ext_diff=True,
        src_prefix="a/",
        dst_prefix="b/",
    )
    for diff in diffs:
        if diff.deleted_file and diff.a_path:
            touched[diff.a_path] = None  # whatever is there now, git no longer tracks it
            continue
        if diff.b_path is None:
            continue
        if diff.renamed_file and diff.a_path and diff.a_path != diff.b_path:
            touched.setdefault(diff.a_path, None)  # a file there now is not the old one
            renamed[diff.a_path] = diff.b_path
        patch = diff.diff if isinstance(diff.diff, bytes) else b""
        spans = tuple(_span(int(first), count) for first, count in _HUNK.findall(patch))
        binary = not spans and (b"Binary files" in patch or b"GIT binary patch" in patch)
        touched[diff.b_path] = None if diff.new_file or binary else spans
    return touched, renamed


def _span(first: int, count: bytes) -> Span:
    """The new lines of one hunk; a deletion touches the lines either side of it."""
    lines = int(count) if count else 1
    if lines == 0:
        return (max(first, 1), first + 1)
    return (first, first + lines - 1)


def base_bundles(changes: Changes, bundles: Sequence[Bundle], target: Path) -> list[Bundle]:
    """The bundles as committed at the merge base, written under `target` blob by blob
    (the repository is only read). Not `git archive`: it applies the archived tree's own
    `.gitattributes` (`export-subst` rewrites text, `export-ignore` drops files, filters
    and `eol` convert), so the bundle's history would choose what the scan of the merge
    base reads. A bundle that did not exist then is left out: everything in it is new."""
    import git

    relative = {b.id: b.path.relative_to(changes.top).as_posix() for b in bundles}
    wanted = sorted({r for r in relative.values() if _existed(changes, r)})
    if not wanted:
        return []
    repo = open_repository(changes.top)
    if repo is None:
        raise DiffBaseError(f"--diff-base {changes.ref}: {changes.top} is no longer a repository")
    tree = target / "tree"
    with repo:
        repo.git.update_environment(GIT_LITERAL_PATHSPECS="1")
        spec = [] if "." in wanted else ["--", *wanted]
        try:
            _write_blobs(repo, changes.merge_base, spec, tree)
        except git.GitCommandError as e:
            raise DiffBaseError(
                f"--diff-base {changes.ref}: git cannot read the merge base: {e}"
            ) from None
        except OSError as e:
            raise DiffBaseError(
                f"--diff-base {changes.ref}: the merge base cannot be written out: {e}"
            ) from None
    return [
        replace(b, path=tree / relative[b.id])
        for b in bundles
        if _existed(changes, relative[b.id]) and (tree / relative[b.id]).exists()
    ]


_FILE_MODES = {b"100644": 0o644, b"100755": 0o755}
"""Git's modes of regular files, and the permissions each is written with. Symbolic
links (120000) are left out, never followed, as in staging; a submodule (160000) is a
commit of another repository, not a file of this one."""


def _write_blobs(repo: git.Repo, revision: str, spec: list[str], target: Path) -> None:
    """Each regular file of `revision` under `spec`, its bytes as stored (no attribute
    applies), each name checked to stay inside `target`; a name written twice (a tree
    git would not make) is an error, not a choice between them."""
    listed = repo.git.ls_tree("-r", "-z", "--full-tree", revision, *spec, stdout_as_string=False)
    target.mkdir(parents=True, exist_ok=True)
    for entry in filter(None, listed.split(b"\0")):
        meta, name = entry.split(b"\t", 1)
        mode, _, sha = meta.split()
        parts = PurePosixPath(os.fsdecode(name))
        if mode not in _FILE_MODES or parts.is_absolute() or ".." in parts.parts:
            continue
        path = target / parts
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as out:
            shutil.copyfileobj(repo.odb.stream(bytes.fromhex(sha.decode())), out)
        path.chmod(_FILE_MODES[mode])


def fingerprint_now(finding: Finding, changes: Changes, bundle: Bundle) -> str:
    """The fingerprint a merge-base finding has in the work tree: its file may have been
    renamed since (`bundle` is the bundle as it is now)."""
    prefix = bundle.path.relative_to(changes.top)
    then = (prefix / finding.location.path).as_posix()
    now = changes.renamed.get(then)
    if now is None or not PurePosixPath(now).is_relative_to(prefix.as_posix()):
        return finding.fingerprint
    moved = PurePosixPath(now).relative_to(prefix.as_posix()).as_posix()
    return replace(finding, location=replace(finding.location, path=moved)).fingerprint


def _existed(changes: Changes, relative: str) -> bool:
    if relative == ".":
        return True
    return relative in changes.tracked or any(p.startswith(f"{relative}/") for p in changes.tracked)


def verified(changes: Changes, paths: list[str]) -> Changes:
    """`changes` with every file of `paths` whose content differs from the merge base
    marked wholly changed, whatever the index says."""
    if not paths:
        return changes
    import git

    repo = open_repository(changes.top)
    if repo is None:
        raise DiffBaseError(f"--diff-base {changes.ref}: {changes.top} is no longer a repository")
    base: dict[str, str] = {}
    with repo:
        repo.git.update_environment(GIT_LITERAL_PATHSPECS="1")  # a file named `:!x` is a file
        try:
            for chunk in _chunks(paths):
                listed = repo.git.ls_tree("-z", changes.merge_base, "--", *chunk)
                for entry in filter(None, listed.split("\0")):
                    meta, path = entry.split("\t", 1)
                    base[path] = meta.split()[2]
            # as on disk: the bundle's `.gitattributes` (`ident`, `eol`, filters) must
            # not make a changed file hash as the merge base's
            now = _disk_hashes(repo, changes.top, paths, "--no-filters")
        except git.GitCommandError as e:
            raise DiffBaseError(f"--diff-base {changes.ref}: git failed: {e}") from None
    differ = [p for p in paths if now.get(p) != base.get(p)]
    if not differ:
        return changes
    return replace(changes, touched={**changes.touched, **dict.fromkeys(differ)})


def _converted(repo: git.Repo, top: Path, paths: list[str]) -> list[str]:
    """The files of `paths` that attributes (`ident`, `eol`, `working-tree-encoding`, a
    filter) convert when git reads them from the work tree. `git diff` reads them
    converted: its lines are not the bytes the scanners read, and a change inside a
    conversion (a `$Id: ...$`) is not in it, so only the whole file can be judged."""
    clean = _disk_hashes(repo, top, paths)
    raw = _disk_hashes(repo, top, paths, "--no-filters")
    return [path for path, blob in clean.items() if raw[path] != blob]


def _disk_hashes(repo: git.Repo, top: Path, paths: list[str], *options: str) -> dict[str, str]:
    """The blob id of each file of `paths` in the work tree (a missing one left out),
    as `git hash-object` with `options` makes it."""
    hashes: dict[str, str] = {}
    for chunk in _chunks(paths):
        present = [p for p in chunk if (top / p).is_file()]
        if present:
            found = repo.git.hash_object(*options, "--", *present).split()
            hashes.update(zip(present, found, strict=True))
    return hashes


def _chunks(paths: list[str], size: int = 500) -> Iterator[list[str]]:
    """`paths` a few hundred at a time: a command line has a length limit."""
    for index in range(0, len(paths), size):
        yield paths[index : index + size]
