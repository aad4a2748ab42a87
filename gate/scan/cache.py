"""The findings cache: what a scanner reported on part of a bundle, reused while nothing it
read has changed.

A scanner's view of a bundle is cut into parts (`Scanner.part_of`: a directory for most,
all Terraform together for checkov, the whole bundle for the serverless rules, whose
findings join IaC, role and code). An entry holds the scanner's raw records for one part,
keyed by a hash of exactly what produced them:

- the part's files, by relative path and content hash;
- the scanner's name, the versions of the libraries doing the work, and the gate's own
  code (any file of the installed package changed: a new key);
- the worker options the policy gave the scanner, and its `cache_salt` (the advisory
  database for the dependency audit; a live advisory service is never cached).

A run looks each part up, scans only the parts it lacks (a partial copy holding just
their files, so paths stay the same) and stores what the scan found for them. Parsing
and the policy always run afresh on the whole, so a policy change that does not reach a
scanner's options (thresholds, waivers) reuses every entry.

Entries are kept, authenticated and bounded by `gate.scan.cachestore`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import gate
from gate.scan.cachestore import FindingsCache as FindingsCache  # where run.py finds it
from gate.scanners.base import Scanner, scanned_root

# The one key of a worker's result for a bundle that is not a list of records.
_BUNDLE_KEY = "bundle"


@dataclass
class Plan:
    """One scanner's run over the bundles: which parts come from the cache, and the
    targets the worker still has to scan (empty: the worker need not run)."""

    keys: dict[str, dict[str, str]] = field(default_factory=dict)
    """Bundle id -> part -> cache key, for every part of every bundle."""
    cached: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    """Bundle id -> part -> the entry found."""
    targets: list[dict[str, Any]] = field(default_factory=list)
    pending: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    """Entries for the parts the worker scanned, to store once its output is understood."""

    @property
    def cached_keys(self) -> list[str]:
        return [self.keys[bundle][part] for bundle, parts in self.cached.items() for part in parts]

    @property
    def counts(self) -> tuple[int, int] | None:
        """(parts taken from the cache, parts in all); None when nothing was cacheable."""
        parts = sum(len(parts) for parts in self.keys.values())
        reused = sum(len(parts) for parts in self.cached.values())
        return (reused, parts) if parts else None


def part_files(root: Path, part_of: Any) -> dict[str, list[str]]:
    """The files under `root` (relative, POSIX) grouped by the part each belongs to."""
    parts: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            relative = path.relative_to(root).as_posix()
            parts.setdefault(part_of(relative), []).append(relative)
    return parts


def part_key(identity: dict[str, Any], part: str, root: Path, files: Iterable[str]) -> str:
    """The cache key of one part: `identity` (scanner, versions, options) and the content
    of its files."""
    digest = hashlib.sha256()
    digest.update(json.dumps({**identity, "part": part}, sort_keys=True).encode())
    for relative in files:
        digest.update(b"\0" + relative.encode("utf-8", "surrogateescape") + b"\0")
        digest.update(_file_digest(root / relative))
    return digest.hexdigest()


def _file_digest(path: Path) -> bytes:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.digest()


def identity_of(
    scanner: str, distributions: tuple[str, ...], options: dict[str, Any]
) -> dict[str, Any] | None:
    """What besides the files decides a scanner's records; None if a library it needs is
    not installed (the worker will say so, and nothing is cached)."""
    try:
        versions = {name: version(name) for name in distributions}
    except PackageNotFoundError:
        return None
    return {
        "scanner": scanner,
        "versions": versions,
        "python": sys.version,  # the ast (bandit, the serverless rules) is the interpreter's
        "gate": code_fingerprint(),
        "options": options,
    }


@cache
def code_fingerprint() -> str:
    """The installed gate's own files, by path, size and modification time: reinstalling
    or editing the gate invalidates every entry."""
    package = Path(gate.__file__).resolve().parent
    digest = hashlib.sha256(gate.__version__.encode())
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            info = path.stat()
            relative = path.relative_to(package).as_posix()
            digest.update(f"{relative}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def partial_root(root: Path, files: Iterable[str], target: Path) -> Path:
    """A copy of just `files` of `root` in `target`, at the same relative paths (hard
    links where the file system allows)."""
    for relative in files:
        source, copy = root / relative, target / relative
        copy.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, copy)
        except OSError:
            shutil.copy2(source, copy)
    return target


def split_records(
    result: dict[str, Any], part_of: Any, record_path: Any
) -> dict[str, dict[str, list[Any]]] | None:
    """A worker's result for one bundle as records per part; None if a record names no
    file (it cannot be attributed to a part, so nothing of the bundle is stored)."""
    split: dict[str, dict[str, list[Any]]] = {}
    for name, records in result.items():
        if name == _BUNDLE_KEY:
            continue
        if not isinstance(records, list):
            return None
        for record in records:
            path = record_path(record) if isinstance(record, dict) else None
            if not isinstance(path, str):
                return None
            split.setdefault(part_of(path), {}).setdefault(name, []).append(record)
    return split


def joined_result(bundle: str, pieces: Iterable[dict[str, list[Any]]]) -> dict[str, Any]:
    """One bundle's result from the records of its parts."""
    result: dict[str, Any] = {_BUNDLE_KEY: bundle}
    for records in pieces:
        for name, items in records.items():
            result.setdefault(name, []).extend(items)
    return result


def plan_scan(
    scanner: Scanner,
    targets: list[dict[str, Any]],
    options: dict[str, Any],
    store: FindingsCache | None,
    workdir: Path,
) -> Plan:
    """Which parts of each bundle `scanner` can take from `store`, and what is left to
    scan: the whole bundle, a partial copy of the parts it lacks, or nothing."""
    salt = scanner.cache_salt(options)
    identity = identity_of(scanner.name, scanner.distributions, options)
    if store is None or identity is None or salt is None:
        return Plan(targets=list(targets))
    identity["salt"] = salt
    plan = Plan()
    for index, target in enumerate(targets):
        root = Path(scanned_root(target, options))
        parts = part_files(root, scanner.part_of)
        if not parts:
            plan.targets.append(target)
            continue
        own = {**identity, **scanner.key_context(root, target)}
        keys = {
            part: part_key(own, part, root, scanner.key_files(root, files, target))
            for part, files in parts.items()
        }
        plan.keys[target["bundle"]] = keys
        found = {part: entry for part, key in keys.items() if (entry := store.get(key))}
        plan.cached[target["bundle"]] = found
        missing = [part for part in parts if part not in found]
        if len(missing) == len(parts):
            plan.targets.append(target)
        elif missing:
            files = [f for part in missing for f in parts[part]]
            copy = partial_root(root, files, workdir / f"part-{scanner.name}-{index}")
            plan.targets.append({**target, "root": str(copy), "code_root": str(copy)})
    return plan


def complete(plan: Plan, scanner: Scanner, payload: dict[str, Any] | None) -> dict[str, Any]:
    """The scanner's whole answer: what the worker found joined with what the cache held;
    the worker's records by part go to `plan.pending`. `payload` is None when nothing was
    left to scan. Output of an unexpected shape is passed on untouched, for the parser to
    refuse."""
    if payload is not None and not _understood(payload):
        return payload
    output = dict(payload["output"]) if payload else {}
    fresh = {r["bundle"]: r for r in output.pop("results", [])}
    entries = [e for parts in plan.cached.values() for e in parts.values()]
    version = payload.get("version") if payload else entries[0]["version"] if entries else None
    extra = output if payload else dict(entries[0]["extra"]) if entries else {}
    results = []
    for bundle, result in fresh.items():
        if bundle not in plan.keys:
            results.append(result)  # not cacheable: as the worker gave it
    for bundle, keys in plan.keys.items():
        cached = plan.cached.get(bundle, {})
        pieces = [entry["records"] for entry in cached.values()]
        result = fresh.get(bundle)
        if result is not None:
            records = _by_part(scanner, result, keys, cached)
            if records is None:
                pieces.append({k: v for k, v in result.items() if k != _BUNDLE_KEY})
            else:
                for part, part_records in records.items():
                    pieces.append(part_records)
                    entry = {"version": version, "records": part_records, "extra": extra}
                    plan.pending.append((keys[part], entry))
        results.append(joined_result(bundle, pieces))
    return {"version": version, "output": {**extra, "results": results}}


def _understood(payload: dict[str, Any]) -> bool:
    output = payload.get("output")
    results = output.get("results") if isinstance(output, dict) else None
    return isinstance(results, list) and all(
        isinstance(r, dict) and isinstance(r.get(_BUNDLE_KEY), str) for r in results
    )


def _by_part(
    scanner: Scanner,
    result: dict[str, Any],
    keys: dict[str, str],
    cached: dict[str, dict[str, Any]],
) -> dict[str, dict[str, list[Any]]] | None:
    """The worker's records for one bundle by part, every part it scanned included (an
    empty part is worth remembering too); None if a record falls outside them."""
    scanned = [part for part in keys if part not in cached]
    if len(keys) == 1:
        return (
            {scanned[0]: {k: v for k, v in result.items() if k != _BUNDLE_KEY}} if scanned else None
        )
    split = split_records(result, scanner.part_of, scanner.record_path)
    if split is None or not set(split) <= set(scanned):
        return None
    names = [k for k, v in result.items() if k != _BUNDLE_KEY and isinstance(v, list)]
    return {part: {name: split.get(part, {}).get(name, []) for name in names} for part in scanned}
