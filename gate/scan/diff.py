"""`--diff-base REF`: block what a change introduces, not the history it was made on.

The change is everything between the merge base of REF and HEAD and the work tree as
scanned (`git diff -U0 MERGE_BASE`, renames followed): in CI that is `REF...HEAD`; on a
laptop it also takes in what is not committed yet. A finding the change did not touch gets
status `preexisting` and does not block. What counts as touched:

- code: a changed line within the finding's lines (or next to lines the change deleted);
- IaC: a changed line anywhere in the finding's resource (in any block of its address in
  its Terraform module: Terraform merges each override file's into it), or anywhere in
  the file outside every resource (Globals, Parameters, provider settings reach all of
  them);
- any finding: a change to the definition of a function it belongs to (its resource, as
  for IaC; where its file gives it no extent, as for a Chalice function, any change to
  that file; and any change to the other files that define it, `Function.defined_in`: a
  Chalice project's config, the policy files that names, and every file of its folder
  but Chalice's build output, or deleted from there, so any change in the project's
  folder makes its functions' findings new), or to any resource that reaches it
  (`Function.reached_by`: a route, method, integration, permission, URL, authorizer, API
  or stage on a chain to it, an event source, a resource that may invoke any function),
  or for a Terraform function to
  its module's locals and variables (outside every resource of any of its files, or its
  variable files), and those of a calling module that reaches it, for a template's
  function to any samconfig of the bundle (the values it passes the template's
  parameters): a function's name is the bundle's to choose, so a role's finding is new
  when another function is renamed after the one that had it, or that one gains an
  event, or a route that does not name it opens it;
- dependencies: any change to the file that pins the version (a version is reported at
  every manifest, included file and vendored package that pins it, each on its own), or
  to a requirements file that includes that file, directly or through others;
- anything inside an archive: any change to the archive;
- a file git did not have at the merge base (new, untracked or ignored): everything in it;
- a file whose content differs from the merge base's, whatever the index claims
  (`assume-unchanged`, `skip-worktree`) or `.gitattributes` convert, or that took the
  place of a renamed one.

A finding is preexisting only if, besides, the same scan of the merge base found it too
(by fingerprint; its files as committed, no attribute applied), belonging to no function
it does not belong to now: a change elsewhere can make a new problem on untouched lines
(a role's policy in another file, an authorizer removed from a shared API, a file moved
into a function's code or a function's code moved onto it), and that is new.

Fails closed: no git, not a repository, a ref the clone lacks or a shallow clone that
cannot reach the merge base is an error, never "nothing changed"; a merge base that
cannot be scanned makes every finding new.
"""

from __future__ import annotations

import io
import os
import re
import tokenize
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from fnmatch import fnmatch
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

from gate.bundle.discovery.chalice_exposure import is_build_output
from gate.bundle.discovery.extents import Extent, resource_extents
from gate.bundle.discovery.references import SAMCONFIG_FILES
from gate.bundle.discovery.terraform_defined import module_files, variable_files
from gate.git.changes import Changes, verified
from gate.model import Bundle, Finding, Function, Severity, Status
from gate.policy.evaluate import rejudged
from gate.policy.model import Policy
from gate.scanners.pip_audit import INDEX_RULE
from gate.verdict import Verdict

# Only findings that would count become preexisting; waived or suppressed ones keep that.
_DIFFABLE = (Status.BLOCKING, Status.ALLOWED)
_PACKAGE_METADATA = (".dist-info", ".egg-info")


@dataclass(frozen=True)
class Seen:
    """What a scan found, by fingerprint: the functions each finding belonged to (every
    function that deploys its file), and the worst severity it had."""

    functions: dict[str, frozenset[str]]
    severity: dict[str, Severity]
    count: Counter[str] = field(default_factory=Counter)
    """How many findings had each fingerprint."""


@dataclass(frozen=True)
class DiffScope:
    """The change, and how the bundles' findings map onto it."""

    changes: Changes
    bundles: dict[str, Bundle]
    extents: dict[str, dict[str, Extent]]
    """Resource extents of the IaC files findings and their functions name, by repository
    path, read as judging needs them."""
    manifests_changed: dict[str, bool]
    """Per bundle, whether the change touched any of its dependency files (a manifest,
    vendored metadata, an archive): an index serves every package the bundle installs."""
    before: Seen | None = None
    """What the same scan finds at the merge base; None if the merge base could not be
    scanned (then no finding is preexisting)."""
    after: dict[str, frozenset[str]] = field(default_factory=dict)
    """The functions each finding belongs to now, by fingerprint, worked out as for
    `before` (every function that deploys its file); where missing, its own list."""
    includers: dict[str, frozenset[str]] = field(default_factory=dict)
    """By repository path, the requirements files and manifests that include or name each
    requirements file they install (as the audit reads them), directly or through others."""
    numbered_as_git: dict[str, bool] = field(default_factory=dict)
    """By repository path, whether the scanners number its lines as git does
    (`_numbered_as_git`), worked out once per file."""
    module_files: dict[tuple[Path, str], list[str]] = field(default_factory=dict)
    """By Terraform module folder and kind (`tf`, `tfvars`), the repository paths of
    its files (`_module_files`); by bundle folder, its samconfigs (`samconfig`,
    `_value_files`): each listed once."""


def scope_of(
    changes: Changes,
    bundles: Sequence[Bundle],
    findings: Sequence[Finding],
    before: Seen | None,
) -> DiffScope:
    """Read what judging `findings` needs besides the diff: the manifests the change
    touched, and (against index tricks such as `assume-unchanged`) whether the files of
    the findings (and those that may hold other blocks of their resources:
    `_blocks_files`), function definitions and dependencies the diff calls unchanged
    really are."""
    scope = DiffScope(changes, {b.id: b for b in bundles}, {}, {}, before)
    paths = set()
    for finding in findings:
        path = _repo_path(finding, scope)
        if path is None:
            continue
        paths.update(_blocks_files(scope.bundles[finding.bundle], path, scope))
    dependencies = {b.id: _dependency_files(changes, b) for b in bundles if b.kind != "zip"}
    paths.update(
        path
        for bundle in bundles
        for function in bundle.functions
        for path in (
            *_definition_files(function, bundle, scope),
            *_defining_files(function, bundle, changes.top),
            *_value_files(function, bundle, scope),
        )
    )
    paths.update(path for files in dependencies.values() for path in files)
    for bundle in (b for b in bundles if b.kind != "zip"):
        scope.includers.update(_includers(changes, bundle))
    paths.update(path for above in scope.includers.values() for path in above)
    changes = verified(
        changes, sorted(p for p in paths if p in changes.tracked and p not in changes.touched)
    )
    scope = replace(scope, changes=changes)
    for bundle_id, files in dependencies.items():
        scope.manifests_changed[bundle_id] = any(changes.file_changed(f) for f in files)
    return scope


def _includers(changes: Changes, bundle: Bundle) -> dict[str, frozenset[str]]:
    """The bundle's requirements files that another includes or a manifest names, each
    with the files above it (the audit's own reading, gate.bundle.manifests `includers`),
    as repository paths."""
    from gate.bundle.manifests import includers

    named = {m for function in bundle.functions for m in function.manifests}
    place = bundle.path.relative_to(changes.top)
    return {
        (place / included).as_posix(): frozenset((place / p).as_posix() for p in above)
        for included, above in includers(bundle.path, sorted(named)).items()
    }


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


def apply_diff(
    findings: Sequence[Finding], scope: DiffScope
) -> tuple[list[Finding], dict[str, Any]]:
    """`findings` with those the change did not touch marked `preexisting`, and what the
    report says of the diff."""
    marked = []
    # A problem the change copied, one copy of which a waiver or baseline entry by
    # fingerprint has taken: which copy it took is the change's to choose (the pasted
    # one, leaving the original to pass as preexisting), so every copy is new.
    now = Counter(f.fingerprint for f in findings)
    claimed = {f.fingerprint for f in findings if f.status not in _DIFFABLE}
    copied = {fp for fp in claimed if scope.before and now[fp] > scope.before.count[fp]}
    for finding in findings:
        if (
            finding.status in _DIFFABLE
            and finding.fingerprint not in copied
            and (_earlier(finding, scope))
        ):
            finding = replace(finding, status=Status.PREEXISTING)
        marked.append(finding)
    changes = scope.changes
    return marked, {
        "base": changes.ref,
        "merge_base": changes.merge_base,
        "changed_files": sum(changes.file_changed(path) for path in changes.touched),
        "preexisting": sum(f.status is Status.PREEXISTING for f in marked),
    }


def _earlier(finding: Finding, scope: DiffScope) -> bool:
    """Whether the merge base had the finding, at least as severe (a value from another
    file can make a write of a read), in code the same functions deployed (a file moved
    into a function's code, or a function's code moved onto it, is new there), and the
    change touched none of it."""
    if scope.before is None or finding.fingerprint not in scope.before.functions:
        return False
    deployed = scope.before.functions[finding.fingerprint]
    now = scope.after.get(finding.fingerprint, frozenset(finding.functions))
    if not now <= deployed or finding.severity > scope.before.severity[finding.fingerprint]:
        return False
    return not _touched_by_change(finding, scope)


def _touched_by_change(finding: Finding, scope: DiffScope) -> bool:
    path = _repo_path(finding, scope)
    if path is None:
        return True  # nothing to compare with: it blocks as usual
    if _function_redefined(finding, scope):
        return True
    changes = scope.changes
    if finding.package is not None:
        # The audit reports a version at each file that pins it: that file decides, and
        # so does each file above it, which installs what it pins.
        above = scope.includers.get(path, frozenset())
        return changes.file_changed(path) or any(changes.file_changed(p) for p in above)
    if finding.rule_id == INDEX_RULE:
        # An index serves every package the bundle installs: a change to any of its
        # manifests installs through it (a package added beside a `uv.toml`'s index).
        return changes.file_changed(path) or scope.manifests_changed.get(finding.bundle, False)
    if _whole_file(finding, scope) or not _numbered(path, scope):
        return changes.file_changed(path)
    location = finding.location
    own = None
    if location.start_line is not None:
        own = (location.start_line, location.end_line or location.start_line)
    resource = None
    if location.resource:
        files = _blocks_files(scope.bundles[finding.bundle], path, scope)
        resource = _address_touched(files, location.resource, scope)
    if resource is not None:
        return resource or (own is not None and changes.lines_changed(path, *own))
    if own is None:
        return changes.file_changed(path)
    return changes.lines_changed(path, *own)


def _resource_touched(path: str, resource: str, scope: DiffScope) -> bool | None:
    """Whether the change touched the IaC resource `resource` of the file `path`: a line
    of it, or of the file outside every resource (Globals, Parameters); None when the
    file has no such resource."""
    extents = _extents(path, scope)
    if resource not in extents:
        return None
    return scope.changes.lines_changed(path, *extents[resource]) or _outside_touched(path, scope)


def _address_touched(paths: list[str], address: str, scope: DiffScope) -> bool | None:
    """Whether the change touched any block of `address` in the files `paths` (a
    Terraform module's: Terraform merges each override file's block of it into the
    block it overrides, so every one decides what is deployed; one added touches it, as
    a line of its file), `_resource_touched` of each; None when none of them has one."""
    found = [t for path in paths if (t := _resource_touched(path, address, scope)) is not None]
    return any(found) if found else None


def _blocks_files(bundle: Bundle, path: str, scope: DiffScope) -> list[str]:
    """The repository files that may hold a block of an address the IaC file `path`
    declares: `path`, and for a `.tf` file every `.tf` file of its module."""
    if not path.endswith(".tf"):
        return [path]
    module = _folder_files(bundle, (scope.changes.top / path).parent, scope, "tf")
    return [path, *(p for p in module if p != path)]


def _outside_touched(path: str, scope: DiffScope) -> bool:
    """Whether the change touched a line of the IaC file `path` outside every resource;
    any change, in a file whose lines are not numbered as git numbers them."""
    if not _numbered(path, scope):
        return scope.changes.file_changed(path)
    return scope.changes.changed_outside(path, list(_extents(path, scope).values()))


def _extents(path: str, scope: DiffScope) -> dict[str, Extent]:
    """The resource extents of the IaC file `path`, read once."""
    if path not in scope.extents:
        scope.extents[path] = resource_extents(scope.changes.top / path)
    return scope.extents[path]


def _function_redefined(finding: Finding, scope: DiffScope) -> bool:
    """Whether the change touched the definition of a function the finding belongs to
    (its code place, handler, events, role, layers): one renamed after the function that
    had the finding, or given a public event, is not the function the merge base judged."""
    bundle = scope.bundles[finding.bundle]
    names = scope.after.get(finding.fingerprint, frozenset(finding.functions))
    return any(_definition_touched(f, bundle, scope) for f in bundle.functions if f.name in names)


def _definition_touched(function: Function, bundle: Bundle, scope: DiffScope) -> bool:
    """Whether the change touched the function's IaC resource, any file besides its IaC
    file that defines it (`Function.defined_in`: a Chalice project's config, a file
    of its folder), any resource that reaches it (`Function.reached_by`: a route
    opened, or added, to its integration), what its module gives its expressions, or a
    file the deploy takes their values from."""
    changes = scope.changes
    return (
        _resource_of_function_touched(function, bundle, scope)
        or any(changes.file_changed(p) for p in _defining_files(function, bundle, changes.top))
        or _project_folder_touched(function, bundle, changes)
        or any(_reaching_touched(a, function, bundle, scope) for a in function.reached_by)
        or _module_values_touched(function, bundle, scope)
        or any(changes.file_changed(p) for p in _value_files(function, bundle, scope))
    )


def _resource_of_function_touched(function: Function, bundle: Bundle, scope: DiffScope) -> bool:
    """Whether the change touched the function's IaC resource; one whose extent is not
    known (a Chalice function, whose decorators and what they name are anywhere in its
    file), any change to its file; one in an archive, the archive."""
    changes = scope.changes
    path = _in_repository(bundle, function.iac_file, changes.top)
    if _whole_file_path(bundle, function.iac_file) or not _numbered(path, scope):
        return changes.file_changed(path)
    files = _definition_files(function, bundle, scope)
    touched = _address_touched(files, function.resource, scope)
    return changes.file_changed(path) if touched is None else touched


def _numbered(path: str, scope: DiffScope) -> bool:
    """`_numbered_as_git` of the repository file `path`, worked out once per file."""
    if path not in scope.numbered_as_git:
        scope.numbered_as_git[path] = _numbered_as_git(scope.changes.top / path)
    return scope.numbered_as_git[path]


def _reaching_touched(address: str, function: Function, bundle: Bundle, scope: DiffScope) -> bool:
    """Whether the change touched the resource `address` that reaches the function, in
    whichever file of its template or module declares it (of the calling module, for a
    `folder/address`); any change to those files when none of them does (one in an
    archive: the archive)."""
    folder, _, address = address.rpartition("/")
    if folder and not _whole_file_path(bundle, function.iac_file):
        files = _folder_files(bundle, bundle.path / folder, scope, "tf")
    else:
        files = _definition_files(function, bundle, scope)
    if _whole_file_path(bundle, function.iac_file):
        return any(scope.changes.file_changed(path) for path in files)
    touched = _address_touched(files, address, scope)
    if touched is not None:
        return touched
    return any(scope.changes.file_changed(path) for path in files)


def _module_values_touched(function: Function, bundle: Bundle, scope: DiffScope) -> bool:
    """For a Terraform function, whether the change touched what its module gives every
    expression of it: a line outside every resource of any of the module's `.tf` files
    (its locals, variables)."""
    return any(_outside_touched(p, scope) for p in _module_files(function, bundle, scope, "tf"))


def _value_files(function: Function, bundle: Bundle, scope: DiffScope) -> list[str]:
    """The repository paths of the files the deploy takes values of the function's IaC
    from besides the IaC itself: the variable files Terraform loads by itself for a
    Terraform function; for a template's, every samconfig of the bundle (which one
    deploys it is the deployer's choice; the rules judge the values of each)."""
    if function.iac == "terraform":
        return _module_files(function, bundle, scope, "tfvars")
    if function.iac not in ("sam", "cloudformation") or _whole_file_path(bundle, function.iac_file):
        return []
    if (bundle.path, "samconfig") not in scope.module_files:
        found = (p for p in bundle.path.rglob("samconfig.*") if p.name in SAMCONFIG_FILES)
        scope.module_files[bundle.path, "samconfig"] = sorted(
            p.relative_to(scope.changes.top).as_posix() for p in found if p.is_file()
        )
    return scope.module_files[bundle.path, "samconfig"]


def _definition_files(function: Function, bundle: Bundle, scope: DiffScope) -> list[str]:
    """The repository paths of the files that may declare what reaches the function: its
    IaC file, and for Terraform every `.tf` file of its module (`_module_files`)."""
    own = _in_repository(bundle, function.iac_file, scope.changes.top)
    return [own, *(p for p in _module_files(function, bundle, scope, "tf") if p != own)]


def _defining_files(function: Function, bundle: Bundle, top: Path) -> list[str]:
    """The repository paths of the files besides its IaC file that define the function
    (`Function.defined_in`)."""
    return [_in_repository(bundle, relative, top) for relative in function.defined_in]


def _project_folder_touched(function: Function, bundle: Bundle, changes: Changes) -> bool:
    """Whether the change touched a file of a Chalice function's project folder (but
    Chalice's build output): every file there defines the function (`chalice deploy` may
    import any module beside app.py), and one it deleted or moved away (`touched` names
    its old path) is no file of the function's `defined_in` now, though what it bound
    (the authorizer an import falls back from) may be what a decorator is given."""
    if function.iac != "chalice":
        return False
    project = PurePosixPath(function.iac_file).parent.as_posix()
    folder = PurePosixPath(_in_repository(bundle, project, changes.top))
    return any(
        PurePosixPath(p).is_relative_to(folder)
        and not is_build_output(PurePosixPath(p).relative_to(folder))
        and changes.file_changed(p)
        for p in changes.touched
    )


_MODULE_FILES = {"tf": module_files, "tfvars": variable_files}
"""A Terraform module's files, by kind: those that declare it, and the variable files
Terraform loads by itself (`terraform.tfvars`, `*.auto.tfvars`)."""


def _module_files(function: Function, bundle: Bundle, scope: DiffScope, kind: str) -> list[str]:
    """The repository paths of the files of kind `kind` (`_MODULE_FILES`) of a Terraform
    function's module, then of each module that calls it where something reaches it (a
    `folder/address` of `Function.reached_by`: its values decide what reaches the
    function as much as the module's own); none for another function, or one in an
    archive."""
    if function.iac != "terraform" or _whole_file_path(bundle, function.iac_file):
        return []
    calling = sorted({a.rpartition("/")[0] for a in function.reached_by if "/" in a})
    folders = [(bundle.path / function.iac_file).parent, *(bundle.path / f for f in calling)]
    return [p for folder in folders for p in _folder_files(bundle, folder, scope, kind)]


def _folder_files(bundle: Bundle, module: Path, scope: DiffScope, kind: str) -> list[str]:
    """The repository paths of the files of kind `kind` (`_MODULE_FILES`) of the
    Terraform module in the bundle's folder `module`, listed once."""
    if (module, kind) not in scope.module_files:
        found = _MODULE_FILES[kind](module)
        scope.module_files[module, kind] = sorted(
            _in_repository(bundle, p.relative_to(bundle.path).as_posix(), scope.changes.top)
            for p in found
        )
    return scope.module_files[module, kind]


def _numbered_as_git(path: Path) -> bool:
    """Whether the file's lines are numbered by the scanners and the gate as git numbers
    them: UTF-8 with no line break but `\n` and `\r\n`. Python also breaks lines at a
    lone `\r`, YAML at `\x85`, `\u2028` and `\u2029`, `str.splitlines` at `\v`, `\f`
    and `\x1c` to `\x1e` too, and a `# coding:` line can make a line break of bytes
    that hold none: a finding's line, or a resource's extent, there may be other lines
    to git, so only an unchanged file tells that the change did not touch it."""
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    if _OTHER_BREAK.search(text):
        return False
    if path.suffix == ".py":
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        except SyntaxError:
            return False
        return encoding in ("utf-8", "utf-8-sig")
    return True


_OTHER_BREAK = re.compile("\r(?!\n)|[\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def _repo_path(finding: Finding, scope: DiffScope) -> str | None:
    """The file in the repository a finding is in: the archive, for one inside an archive."""
    bundle = scope.bundles.get(finding.bundle)
    if bundle is None:
        return None
    return _in_repository(bundle, finding.location.path, scope.changes.top)


def _in_repository(bundle: Bundle, relative: str, top: Path) -> str:
    """The repository path of the bundle's file `relative`: the archive, for one inside
    an archive."""
    if bundle.kind == "zip":
        return bundle.path.relative_to(top).as_posix()
    parts = PurePosixPath(relative).parts
    for index, part in enumerate(parts):
        if part.lower().endswith(".zip.contents"):
            parts = (*parts[:index], part.removesuffix(".contents"))
            break
    return (bundle.path.relative_to(top) / PurePosixPath(*parts)).as_posix()


def _is_dependency_file(path: PurePath) -> bool:
    """A manifest, or a file of a vendored package's metadata."""
    from gate.bundle.manifests import MANIFEST_PATTERNS

    in_metadata = any(part.lower().endswith(_PACKAGE_METADATA) for part in path.parent.parts)
    return in_metadata or any(fnmatch(path.name, pattern) for pattern in MANIFEST_PATTERNS)


def _whole_file(finding: Finding, scope: DiffScope) -> bool:
    """Whether the finding is judged by its file: dependencies and archives."""
    bundle = scope.bundles.get(finding.bundle)
    path = finding.location.path
    return (bundle is not None and _whole_file_path(bundle, path)) or _is_dependency_file(
        PurePosixPath(path)
    )


def _whole_file_path(bundle: Bundle, relative: str) -> bool:
    """Whether the bundle's file `relative` is inside an archive, whose change is judged
    as a whole."""
    return bundle.kind == "zip" or any(
        p.lower().endswith(".zip.contents") for p in PurePosixPath(relative).parts
    )


def judge_change(verdict: Verdict, scope: DiffScope, policy: Policy) -> Verdict:
    """Diff mode's stage: the verdict as the check made it without diff mode, with the
    findings the change did not touch marked `preexisting` (they no longer block, and
    the decision and budgets follow), and what was compared in the report's `diff`."""
    findings, diffed = apply_diff(verdict.findings, scope)
    return replace(rejudged(verdict, findings, policy), diff=diffed)
