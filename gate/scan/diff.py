"""`--diff-base REF`: block what a change introduces, not the history it was made on.

The change is everything between the merge base of REF and HEAD and the work tree as
scanned (`git diff -U0 MERGE_BASE`, renames followed): in CI that is `REF...HEAD`; on a
laptop it also takes in what is not committed yet. A finding the change did not touch gets
status `preexisting` and does not block. What counts as touched:

- code: a changed line within the finding's lines (or next to lines the change deleted);
- IaC: a changed line anywhere in the finding's resource, or anywhere in the file outside
  every resource (Globals, Parameters, provider settings reach all of them);
- dependencies: any change to the file, or to another manifest or vendored package that
  names the same package (a version is reported only where it is first pinned);
- anything inside an archive: any change to the archive;
- a file git did not have at the merge base (new, untracked or ignored): everything in it;
- a file whose content differs from the merge base's, whatever the index claims
  (`assume-unchanged`, `skip-worktree`), or that took the place of a renamed one.

A finding is preexisting only if, besides, the same scan of the merge base found it too
(by fingerprint): a change elsewhere can make a new problem on untouched lines (a role's
policy in another file, an authorizer removed from a shared API), and that is new.

Fails closed: no git, not a repository, a ref the clone lacks or a shallow clone that
cannot reach the merge base is an error, never "nothing changed"; a merge base that
cannot be scanned makes every finding new.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from pathlib import Path, PurePath, PurePosixPath
from typing import TYPE_CHECKING, Any

from gate.bundle.discovery.extents import Extent, resource_extents
from gate.errors import GateError
from gate.git.provenance import open_repository, usable_ref
from gate.model import Bundle, Finding, Status

if TYPE_CHECKING:
    import git

_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)
# Only findings that would count become preexisting; waived or suppressed ones keep that.
_DIFFABLE = (Status.BLOCKING, Status.ALLOWED)
_PACKAGE_METADATA = (".dist-info", ".egg-info")
# A requirements file that pulls in another (`-r`, `-c`), in normalised text.
_INCLUDES = re.compile(r"^\s*(-r|-c|--requirement|--constraint)\b", re.MULTILINE)


class DiffBaseError(GateError):
    """The change cannot be worked out, so diff mode cannot judge it."""


@dataclass(frozen=True)
class Changes:
    """What changed since the merge base, by path relative to the repository's top."""

    ref: str
    merge_base: str
    top: Path
    touched: dict[str, tuple[Extent, ...] | None]
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

    def changed_outside(self, path: str, extents: Sequence[Extent]) -> bool:
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
) -> tuple[dict[str, tuple[Extent, ...] | None], dict[str, str]]:
    touched: dict[str, tuple[Extent, ...] | None] = {}
    renamed: dict[str, str] = {}
    diffs = repo.commit(base).diff(
        None,  # the work tree
        create_patch=True,
        unified=0,
        no_textconv=True,
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


def _span(first: int, count: bytes) -> Extent:
    """The new lines of one hunk; a deletion touches the lines either side of it."""
    lines = int(count) if count else 1
    if lines == 0:
        return (max(first, 1), first + 1)
    return (first, first + lines - 1)


@dataclass(frozen=True)
class DiffScope:
    """The change, and how the bundles' findings map onto it."""

    changes: Changes
    bundles: dict[str, Bundle]
    extents: dict[str, dict[str, Extent]]
    """Resource extents of the IaC files findings name, by repository path."""
    changed_manifests: dict[str, str | None]
    """Per bundle, the normalised text of every dependency manifest the change touched: a
    version is reported where it is first pinned, so pinning it anywhere else is new too.
    None: what the change pins cannot be told, so every dependency finding is changed."""
    before: frozenset[str] | None = None
    """Fingerprints of the findings the same scan gives at the merge base; None if the
    merge base could not be scanned (then no finding is preexisting)."""

    def apply(self, findings: Sequence[Finding]) -> tuple[list[Finding], dict[str, Any]]:
        """Diff mode's stage of the verdict (`apply_diff`)."""
        return apply_diff(findings, self)


def scope_of(
    changes: Changes,
    bundles: Sequence[Bundle],
    findings: Sequence[Finding],
    before: frozenset[str] | None,
) -> DiffScope:
    """Read what judging `findings` needs besides the diff: resource extents of the IaC
    files they name, the manifests the change touched, and (against index tricks such as
    `assume-unchanged`) whether the finding and dependency files the diff calls unchanged
    really are."""
    scope = DiffScope(changes, {b.id: b for b in bundles}, {}, {}, before)
    paths = set()
    for finding in findings:
        path = _repo_path(finding, scope)
        if path is None:
            continue
        paths.add(path)
        if finding.location.resource and path not in scope.extents:
            scope.extents[path] = resource_extents(changes.top / path)
    dependencies = {b.id: _dependency_files(changes, b) for b in bundles if b.kind != "zip"}
    paths.update(path for files in dependencies.values() for path in files)
    changes = _verified(
        changes, sorted(p for p in paths if p in changes.tracked and p not in changes.touched)
    )
    scope = replace(scope, changes=changes)
    for bundle_id, files in dependencies.items():
        scope.changed_manifests[bundle_id] = _changed_manifests(changes, files)
    return scope


def _verified(changes: Changes, paths: list[str]) -> Changes:
    """`changes` with every file of `paths` whose content differs from the merge base
    marked wholly changed, whatever the index says."""
    if not paths:
        return changes
    import git

    repo = open_repository(changes.top)
    if repo is None:
        raise DiffBaseError(f"--diff-base {changes.ref}: {changes.top} is no longer a repository")
    base: dict[str, str] = {}
    now: dict[str, str] = {}
    with repo:
        repo.git.update_environment(GIT_LITERAL_PATHSPECS="1")  # a file named `:!x` is a file
        try:
            for chunk in _chunks(paths):
                listed = repo.git.ls_tree("-z", changes.merge_base, "--", *chunk)
                for entry in filter(None, listed.split("\0")):
                    meta, path = entry.split("\t", 1)
                    base[path] = meta.split()[2]
                present = [p for p in chunk if (changes.top / p).is_file()]
                if present:
                    hashes = repo.git.hash_object("--", *present).split()
                    now.update(zip(present, hashes, strict=True))
        except git.GitCommandError as e:
            raise DiffBaseError(f"--diff-base {changes.ref}: git failed: {e}") from None
    differ = [p for p in paths if now.get(p) != base.get(p)]
    if not differ:
        return changes
    return replace(changes, touched={**changes.touched, **dict.fromkeys(differ)})


def _chunks(paths: list[str], size: int = 500) -> Iterator[list[str]]:
    """`paths` a few hundred at a time: a command line has a length limit."""
    for index in range(0, len(paths), size):
        yield paths[index : index + size]


def _dependency_files(changes: Changes, bundle: Bundle) -> list[str]:
    """The manifests, vendored package metadata and archives of `bundle` (repository
    paths), where staging looks: skipped directories and symbolic links left out."""
    from gate.bundle.resolve import SKIPPED_DIRS

    found = []
    for current, dirs, names in os.walk(bundle.path, followlinks=False):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        for name in names:
            path = Path(current) / name
            inside = PurePosixPath(path.relative_to(bundle.path).as_posix())
            if not path.is_symlink() and (
                name.lower().endswith(".zip") or _is_dependency_file(inside)
            ):
                found.append(path.relative_to(changes.top).as_posix())
    return found


def _changed_manifests(changes: Changes, files: list[str]) -> str | None:
    """The normalised text of the dependency files among `files` the change touched; None
    if what they pin cannot be read from them (a changed archive, a manifest including
    another, an unreadable file): then every dependency finding counts as changed."""
    texts = []
    for relative in files:
        if not changes.file_changed(relative):
            continue
        if relative.lower().endswith(".zip"):
            return None
        try:
            text = _normalised((changes.top / relative).read_text("utf-8", errors="replace"))
        except OSError:
            return None
        if _INCLUDES.search(text):
            return None
        texts.append(text)
    return "\n".join(texts)


def apply_diff(
    findings: Sequence[Finding], scope: DiffScope
) -> tuple[list[Finding], dict[str, Any]]:
    """`findings` with those the change did not touch marked `preexisting`, and what the
    report says of the diff."""
    marked = []
    for finding in findings:
        earlier = scope.before is not None and finding.fingerprint in scope.before
        if finding.status in _DIFFABLE and earlier and not _touched_by_change(finding, scope):
            finding = replace(finding, status=Status.PREEXISTING)
        marked.append(finding)
    changes = scope.changes
    return marked, {
        "base": changes.ref,
        "merge_base": changes.merge_base,
        "changed_files": sum(changes.file_changed(path) for path in changes.touched),
        "preexisting": sum(f.status is Status.PREEXISTING for f in marked),
    }


def _touched_by_change(finding: Finding, scope: DiffScope) -> bool:
    path = _repo_path(finding, scope)
    if path is None:
        return True  # nothing to compare with: it blocks as usual
    changes = scope.changes
    if finding.package is not None:
        pinned = scope.changed_manifests.get(finding.bundle, "")
        mentioned = pinned is None or _normalised(finding.package.name) in pinned
        return changes.file_changed(path) or mentioned
    if _whole_file(finding, scope):
        return changes.file_changed(path)
    location = finding.location
    own = None
    if location.start_line is not None:
        own = (location.start_line, location.end_line or location.start_line)
    extents = scope.extents.get(path, {})
    resource = extents.get(location.resource or "")
    if resource is not None:
        return (
            changes.lines_changed(path, *resource)
            or (own is not None and changes.lines_changed(path, *own))
            or changes.changed_outside(path, list(extents.values()))
        )
    if own is None:
        return changes.file_changed(path)
    return changes.lines_changed(path, *own)


def _repo_path(finding: Finding, scope: DiffScope) -> str | None:
    """The file in the repository a finding is in: the archive, for one inside an archive."""
    bundle = scope.bundles.get(finding.bundle)
    if bundle is None:
        return None
    top = scope.changes.top
    if bundle.kind == "zip":
        return bundle.path.relative_to(top).as_posix()
    parts = PurePosixPath(finding.location.path).parts
    for index, part in enumerate(parts):
        if part.lower().endswith(".zip.contents"):
            parts = (*parts[:index], part.removesuffix(".contents"))
            break
    return (bundle.path.relative_to(top) / PurePosixPath(*parts)).as_posix()


def _normalised(text: str) -> str:
    """Package names as PEP 503 compares them: lower case, runs of `-_.` as one `-`."""
    return re.sub(r"[-_.]+", "-", text.lower())


def _is_dependency_file(path: PurePath) -> bool:
    """A manifest, or a file of a vendored package's metadata."""
    from gate.bundle.manifests import MANIFEST_PATTERNS

    in_metadata = any(part.lower().endswith(_PACKAGE_METADATA) for part in path.parent.parts)
    return in_metadata or any(fnmatch(path.name, pattern) for pattern in MANIFEST_PATTERNS)


def _whole_file(finding: Finding, scope: DiffScope) -> bool:
    """Whether the finding is judged by its file: dependencies and archives."""
    bundle = scope.bundles.get(finding.bundle)
    path = PurePosixPath(finding.location.path)
    return (
        (bundle is not None and bundle.kind == "zip")
        or any(p.lower().endswith(".zip.contents") for p in path.parts)
        or _is_dependency_file(path)
    )


def base_bundles(changes: Changes, bundles: Sequence[Bundle], target: Path) -> list[Bundle]:
    """The bundles as they were at the merge base, written under `target` from `git
    archive` (the repository is only read). A bundle that did not exist then is left
    out: everything in it is new."""
    import git

    relative = {b.id: b.path.relative_to(changes.top).as_posix() for b in bundles}
    wanted = sorted({r for r in relative.values() if _existed(changes, r)})
    if not wanted:
        return []
    archive = target / "base.tar"
    repo = open_repository(changes.top)
    if repo is None:
        raise DiffBaseError(f"--diff-base {changes.ref}: {changes.top} is no longer a repository")
    with repo, archive.open("wb") as out:
        repo.git.update_environment(GIT_LITERAL_PATHSPECS="1")
        spec = [] if "." in wanted else ["--", *wanted]
        try:
            repo.git.archive("--format=tar", changes.merge_base, *spec, output_stream=out)
        except git.GitCommandError as e:
            raise DiffBaseError(f"--diff-base {changes.ref}: git archive failed: {e}") from None
    tree = target / "tree"
    _untar(archive, tree)
    archive.unlink()
    return [
        replace(b, path=tree / relative[b.id])
        for b in bundles
        if _existed(changes, relative[b.id]) and (tree / relative[b.id]).exists()
    ]


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


def _untar(archive: Path, target: Path) -> None:
    """Regular files only (git's symlinks are not followed, as in staging), each name
    checked to stay inside `target`."""
    import tarfile

    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive) as tar:
        for member in tar:
            name = PurePosixPath(member.name)
            if not member.isfile() or name.is_absolute() or ".." in name.parts:
                continue
            source = tar.extractfile(member)
            if source is None:
                continue
            path = target / name
            path.parent.mkdir(parents=True, exist_ok=True)
            with source, path.open("wb") as out:
                shutil.copyfileobj(source, out)
