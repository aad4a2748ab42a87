"""Finding the bundles on the command line and preparing private copies for the scanners.

Scanners never read a bundle in place. Each bundle is copied into a private
temp dir first, leaving out symlinks (which could point at the runner's own
files), the bundle's own scanner configuration, build and VCS directories, and
the policy's `exclude` globs. What was left out and why is reported.
"""

from __future__ import annotations

import csv
import fnmatch
import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from gate.archives import ArchiveLimits, extract
from gate.discovery import Discovery, contents_of, discover
from gate.errors import BundleError
from gate.model import Bundle, ScanIssue, Warning_
from gate.safeyaml import IAC_MAX_BYTES

if TYPE_CHECKING:
    from gate.policy.model import Policy

# Configuration a scanner would obey if it found it in the tree it scans.
SCANNER_CONFIG_FILES = frozenset({".checkov.yaml", ".checkov.yml", ".bandit"})
# Build output, tool caches and VCS data: never the function's source.
SKIPPED_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "__pycache__",
        ".aws-sam",
        ".serverless",
        ".terraform",
        "node_modules",
        ".venv",
        ".tox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
    }
)
MAX_FILES = 100_000
MAX_BYTES = 1 << 30


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
) -> tuple[list[Staged], list[Warning_]]:
    """Copy each bundle into `workdir`, as the scanners are allowed to see it, and find its
    functions. A zip is unpacked safely first, and so is every zip inside a bundle that a
    function or layer deploys."""
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
        warnings.extend(_copy_tree(source, root, exclude))

        def unpack(archive: str, root: Path = root, shown: str = bundle.id) -> None:
            extract(root / archive, root / contents_of(archive), limits, f"{shown}/{archive}")

        found = discover(root, bundle.id, unpack, iac_max_bytes)
        warnings.extend(found.warnings)
        vendored = vendored_files(root)
        code_root = _code_view(root, workdir / f"c{index}", vendored) if vendored else root
        bundle = replace(bundle, functions=found.functions)
        staged.append(Staged(bundle, root, code_root, len(vendored), found))
    return staged, warnings


def vendored_files(root: Path) -> set[str]:
    """Files of third-party packages vendored into the bundle: those a `*.dist-info/RECORD`
    lists (the dist-info itself included), relative to `root`."""
    owned: set[str] = set()
    for record in root.rglob("*.dist-info/RECORD"):
        site = record.parent.parent
        try:
            rows = csv.reader(record.read_text("utf-8", errors="replace").splitlines())
            for row in rows:
                if not row or not row[0]:
                    continue
                path = (site / row[0]).resolve()
                if path.is_relative_to(root.resolve()) and path.is_file():
                    owned.add(path.relative_to(root.resolve()).as_posix())
        except csv.Error:
            continue
        owned.update(
            p.relative_to(root).as_posix() for p in record.parent.rglob("*") if p.is_file()
        )
    return owned


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


def _copy_tree(bundle: Bundle, root: Path, exclude: tuple[str, ...]) -> list[Warning_]:
    warnings: list[Warning_] = []
    files = size = 0
    root.mkdir(parents=True)
    for current, dirs, names in os.walk(bundle.path, followlinks=False):
        here = Path(current)
        relative_dir = here.relative_to(bundle.path)
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in SKIPPED_DIRS
            and not _excluded((relative_dir / d).as_posix(), exclude, directory=True)
            and not _is_link(here / d, bundle, warnings)
        )
        for name in sorted(names):
            source = here / name
            relative = (relative_dir / name).as_posix()
            if _is_link(source, bundle, warnings) or _excluded(relative, exclude):
                continue
            if name in SCANNER_CONFIG_FILES:
                warnings.append(
                    Warning_(
                        "scanner-config-ignored",
                        f"{bundle.id}/{relative}: scanner configuration inside a bundle is "
                        "never used; put settings in the gate's policy",
                    )
                )
                continue
            if not source.is_file():
                continue
            files += 1
            size += source.stat().st_size
            if files > MAX_FILES or size > MAX_BYTES:
                raise BundleError(
                    f"{bundle.id}: more than {MAX_FILES} files or {MAX_BYTES >> 20} MiB; "
                    "scan a single function or exclude build output in the policy"
                )
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copyfile(source, target)
            except OSError as e:
                raise BundleError(f"{bundle.id}/{relative}: cannot read: {e.strerror}") from e
    return warnings


def _is_link(path: Path, bundle: Bundle, warnings: list[Warning_]) -> bool:
    if not path.is_symlink():
        return False
    relative = path.relative_to(bundle.path).as_posix()
    warnings.append(
        Warning_("symlink-skipped", f"{bundle.id}/{relative}: symbolic link not followed")
    )
    return True


def _excluded(relative: str, patterns: tuple[str, ...], directory: bool = False) -> bool:
    candidates = [relative, relative + "/"] if directory else [relative]
    return any(
        fnmatch.fnmatchcase(candidate, pattern)
        or (directory and pattern.endswith("/**") and candidate.rstrip("/") == pattern[:-3])
        for pattern in patterns
        for candidate in candidates
    )


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
