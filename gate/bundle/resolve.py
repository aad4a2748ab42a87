"""Finding the bundles on the command line and preparing private copies for the scanners.

Scanners never read a bundle in place. Each bundle is copied into a private
temp dir first (gate.bundle.staging.copy): links inside the bundle are copied as their
targets, and a link that leaves it, dangles or loops, or a folder that cannot be
listed, is refused. Build, VCS and dependency folders, the bundle's own scanner
configuration and the policy's `exclude` globs are left out and counted; code
the bundle imports from a left-out folder is brought back. Every file ends in
one state of the report's `files` account (gate.bundle.staging.accounting).
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from gate.bundle.archives import extract
from gate.bundle.discovery import code_places, contents_of
from gate.bundle.discovery.bundle import Discovery, discover
from gate.bundle.discovery.references import LeftOutFolders
from gate.bundle.rules import DIR_RULES, SCANNER_CONFIG_FILES
from gate.bundle.staging.accounting import ALL_SCANNERS, account
from gate.bundle.staging.bytecode import refuse_cached
from gate.bundle.staging.copy import MAX_BYTES, MAX_FILES, copy_tree, prune_unpacked
from gate.bundle.staging.imports import (
    bring_back_code,
    bring_back_handlers,
    bring_back_imported,
    brings_back,
)
from gate.bundle.staging.programs import unanalysed_programs
from gate.bundle.staging.thirdparty import package_warnings, third_party
from gate.errors import BundleError
from gate.model import Bundle, ScanIssue, Warning_, python_function
from gate.policy.model import LeftOut
from gate.safeyaml import IAC_MAX_BYTES
from gate.settings import ArchiveLimits
from gate.verdict import FileAccount

if TYPE_CHECKING:
    from gate.policy.model import Policy

__all__ = [
    "MAX_BYTES",
    "MAX_FILES",
    "SCANNER_CONFIG_FILES",
    "SKIPPED_DIRS",
    "Listing",
    "Staged",
    "list_bundles",
    "resolve_bundles",
    "stage",
    "vendored_files",
]

# Build output, tool caches, dependency trees and VCS data: never the function's source
# (a folder holding pyvenv.cfg is skipped too, as a virtualenv).
SKIPPED_DIRS = frozenset(DIR_RULES)


@dataclass(frozen=True)
class Staged:
    """A bundle's private copy, and a view of it without vendored third-party packages."""

    bundle: Bundle
    root: Path
    code_root: Path
    """The bundle's own code: `root` less every file a vendored *.dist-info RECORD owns."""
    vendored: int = 0
    """How many files were left out of `code_root`."""
    discovery: Discovery = field(default_factory=Discovery)
    """The functions the bundle's IaC declares."""
    account: FileAccount = field(default_factory=FileAccount)
    """Where each of the bundle's files ended."""
    ignored: dict[str, str] = field(default_factory=dict)
    """The folders a built-in rule left out of the copy, with the rule."""


def resolve_bundles(paths: list[str]) -> list[Bundle]:
    """One bundle per path given; a missing or unsupported path is a BundleError."""
    bundles: list[Bundle] = []
    for given in paths or ["."]:
        path = Path(given)
        if not path.exists():
            raise BundleError(f"{given}: no such file or directory; pass a bundle directory")
        if path.is_file() and path.suffix.lower() == ".zip":
            bundles.append(Bundle(id=_bundle_id(given), path=path.resolve(), kind="zip"))
            continue
        if not path.is_dir():
            raise BundleError(
                f"{given}: not a directory or .zip; pass a bundle directory or deployment zip"
            )
        bundles.append(Bundle(id=_bundle_id(given), path=path.resolve()))
    ids = [b.id for b in bundles]
    if len(set(ids)) != len(ids):
        raise BundleError("the same bundle is given twice; pass each path once")
    return bundles


def _bundle_id(given: str) -> str:
    text = Path(given).as_posix().rstrip("/")
    return text if text not in ("", ".") else "."


def stage(
    bundles: list[Bundle],
    exclude: tuple[str, ...],
    workdir: Path,
    limits: ArchiveLimits | None = None,
    iac_max_bytes: int = IAC_MAX_BYTES,
    scanning: frozenset[str] = ALL_SCANNERS,
    leave_out: tuple[LeftOut, ...] = (),
) -> tuple[list[Staged], list[Warning_]]:
    """Copy each bundle into `workdir`, as the scanners are allowed to see it, and find its
    functions. A zip is unpacked safely first, and so is every zip inside a bundle that a
    function or layer deploys. Each file of each bundle is accounted for (`scanning`: the
    enabled scanners, which decide what counts as scanned). The functions `leave_out`
    names may miss their code; an entry that names none is a warning."""
    staged: list[Staged] = []
    warnings: list[Warning_] = []
    limits = limits or ArchiveLimits()
    for index, bundle in enumerate(bundles):
        root = workdir / f"b{index}"
        source = bundle
        if bundle.kind == "zip":
            unpacked = workdir / f"z{index}"
            extract(bundle.path, unpacked, limits, shown=bundle.id)
            source = replace(bundle, path=unpacked)
        tally = copy_tree(source.path, root, bundle.id, exclude)
        bring_back_imported(root, tally)

        unpack = _Unpacker(root, bundle.id, limits, came_unpacked=bundle.kind == "zip")

        ignored = LeftOutFolders(tally.ignored_folders, tally.unstaged)
        back = functools.partial(brings_back, tally)
        found = discover(root, bundle.id, unpack, iac_max_bytes, leave_out, ignored, back)
        restored = bring_back_code(root, tally, found.functions, found.layers)
        if bring_back_handlers(root, tally, found.functions) or restored:
            found = discover(root, bundle.id, unpack, iac_max_bytes, leave_out, ignored, back)
        warnings.extend(tally.warnings)
        warnings.extend(found.warnings)
        foreign = _set_aside(root, found.foreign_services())
        bundle = replace(bundle, functions=found.functions, python_layers=found.python_layers)
        owned = third_party(root, bundle.id, found.functions)
        warnings.extend(package_warnings(owned))
        vendored = set(owned.files)
        refuse_cached(root, tally, bundle, owned.bytecode)
        prune_unpacked(root, tally, owned.bytecode)
        code_root = _code_view(root, workdir / f"c{index}", vendored) if vendored else root
        functions = tuple(
            replace(f, programs=unanalysed_programs(source.path, root, code_places(f)))
            if python_function(f)
            else f
            for f in found.functions
        )
        found = replace(found, functions=functions)
        bundle = replace(bundle, functions=functions)
        out_of_scope = found.out_of_scope | foreign
        accounted = account(root, bundle, tally, owned, out_of_scope, scanning)
        warnings.extend(accounted.warnings)
        staged.append(
            Staged(bundle, root, code_root, len(vendored), found, accounted.account, dict(ignored))
        )
    _one_function_each(leave_out, staged)
    named = {entry for one in staged for entry in one.discovery.left_out}
    warnings += [
        Warning_(
            "left-out",
            f"the policy's leave_out names {entry.function!r}, which no IaC here declares: "
            "remove the entry or fix the name (NAME, or IAC_FILE:NAME)",
        )
        for entry in leave_out
        if entry not in named
    ]
    return staged, warnings


def _one_function_each(leave_out: tuple[LeftOut, ...], staged: list[Staged]) -> None:
    """Refuse a `leave_out` entry that names more than one function of the run (a bare
    name two IaC files declare): it was written for one, and would let the other's
    missing or unbuilt code pass unread."""
    for entry in leave_out:
        named = [
            f"{one.bundle.id}/{function.iac_file}"
            for one in staged
            for function in one.bundle.functions
            if function.left_out is not None
            # discovery qualifies a name two IaC files share as IAC_FILE:NAME
            and entry.names(
                function.iac_file,
                function.name.removeprefix(f"{function.iac_file}:"),
                one.bundle.id,
            )
        ]
        if len(named) > 1:
            raise BundleError(
                f"the policy's leave_out names {entry.function!r}, which {len(named)} "
                f"functions declare ({', '.join(named)}): write IAC_FILE:NAME for the one "
                "the entry was written for"
            )


@dataclass
class _Unpacker:
    """Unpacks each zip a function or layer deploys into `<zip>.contents`, once. That
    folder is the gate's: in a directory bundle one already there was put there by the
    bundle (a harmless decoy beside a hostile zip), and is refused. In a zip given on
    the command line, nested zips were unpacked with it, where a clash is refused."""

    root: Path
    shown: str
    limits: ArchiveLimits
    came_unpacked: bool
    done: set[str] = field(default_factory=set)

    def __call__(self, archive: str) -> None:
        if archive in self.done:
            return
        target = self.root / contents_of(archive)
        if target.exists() and not self.came_unpacked:
            raise BundleError(
                f"{self.shown}/{contents_of(archive)}: the bundle has a folder where the gate "
                f"unpacks {archive}; rename or remove it"
            )
        self.done.add(archive)
        if not target.exists():
            extract(self.root / archive, target, self.limits, f"{self.shown}/{archive}")


def _set_aside(root: Path, folders: list[str]) -> frozenset[str]:
    """Move the files of services of another cloud out of the staged copy, where no
    scanner reads them; the files, relative to `root`, to count out of scope."""
    removed: set[str] = set()
    for folder in folders:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() or path.is_symlink():
                removed.add(path.relative_to(root).as_posix())
        shutil.rmtree(root / folder)
    return frozenset(removed)


def vendored_files(root: Path) -> set[str]:
    """Files of third-party packages installed into the tree at `root` that their
    `*.dist-info/RECORD` proves (see gate.bundle.staging.thirdparty), relative to `root`; a
    forged record is a BundleError."""
    return set(third_party(root, root.name, ()).files)


def _code_view(root: Path, view: Path, vendored: set[str]) -> Path:
    """`root` without the vendored files, as hard links (no second copy of the bytes)."""
    for path in root.rglob("*"):
        relative = path.relative_to(root).as_posix()
        if not path.is_file() or relative in vendored:
            continue
        target = view / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(path, target)
        except OSError:
            shutil.copyfile(path, target)
    view.mkdir(parents=True, exist_ok=True)
    return view


@dataclass(frozen=True)
class Listing:
    """What `gate ls` shows: the bundles with their functions, and what discovery found
    wrong."""

    bundles: tuple[Bundle, ...]
    warnings: tuple[Warning_, ...]
    problems: tuple[ScanIssue, ...]


def list_bundles(paths: list[str], policy: Policy) -> Listing:
    """The bundles in `paths` and the functions their IaC declares, prepared exactly as
    `gate check` prepares them (so zips are unpacked the same safe way), without scanning."""
    bundles = resolve_bundles(paths)
    with tempfile.TemporaryDirectory(prefix="gate-") as work:
        staged, warnings = stage(
            bundles, policy.exclude, Path(work), policy.archives, policy.iac_max_bytes
        )
    return Listing(
        tuple(s.bundle for s in staged),
        tuple(warnings),
        tuple(issue for s in staged for issue in s.discovery.issues),
    )
