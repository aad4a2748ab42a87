"""pip-audit: known-vulnerable dependencies.

The exact versions `gate.bundle.manifests` reads from the bundle's requirements files,
`pyproject.toml`, `Pipfile` and lock files (poetry, uv, pdm, pipenv), and from the
metadata of vendored `*.dist-info` and `*.egg-info` packages, reach pip-audit's
`Auditor` as resolved dependencies: pip and pip-audit's own parsers never see the
bundle. Each (name, version) is audited once per bundle and reported at every manifest
that pins it and at each vendored copy's metadata; the service is asked about it once
per run.

Vulnerabilities come from a local OSV database through the gate's own
`VulnerabilityService` (`advisories.source: offline`, the default), or from
osv.dev through pip-audit's own service (`live`, or `auto` with the local data
as fallback); see `gate.advisories.sources`. Dependencies the gate cannot
audit from their text become GATE-DEP-001 findings and are never installed; a
manifest or package metadata the gate cannot read is a scan issue, never "clean". A
range (`requests~=2.19.0`) is also reported, at its line, with each advisory that
affects every version it admits.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import posixpath
import sys
import types
from collections.abc import Iterable, Iterator
from fnmatch import fnmatch
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from packaging.utils import canonicalize_name
from packaging.version import Version

from gate.bundle.manifests import (
    MANIFEST_PATTERNS,
    Manifest,
    Pin,
    Unauditable,
    audited_requirement_files,
    read_manifests,
    read_vendored,
)
from gate.bundle.manifests.versions import Bounds, bounds
from gate.model import Finding, Location, Package, ScanIssue, Severity
from gate.redact import mask_url_credentials, strip_url_credentials, url_origin
from gate.scanners.base import ParseContext, Parsed, Scanner, Target, scanned_root, targets_of

if TYPE_CHECKING:
    from gate.advisories.records import Advisory
    from gate.settings import ScannerSettings

UNPINNED_RULE = "GATE-DEP-001"
INDEX_RULE = "GATE-DEP-002"


class PipAuditScanner(Scanner):
    name = "pip-audit"
    distributions = ("pip-audit",)
    reads_whole_bundle = True

    def options(self, settings: ScannerSettings, context: dict[str, Any]) -> dict[str, Any]:
        return {"advisories": context["advisories"]}

    def needs_network(self, options: dict[str, Any]) -> bool:
        return bool(options["advisories"]["source"] != "offline")

    def cache_salt(self, options: dict[str, Any]) -> str | None:
        # One part per bundle: a manifest's includes and locks may lie anywhere in it.
        from gate.safefile import files_fingerprint

        settings = options["advisories"]
        if settings["source"] != "offline":
            return None  # a live service answers differently tomorrow
        named = [Path(p) for p in (settings.get("db"), settings.get("cache")) if p]
        return ":".join(files_fingerprint(p) for p in named if p.exists())

    def key_files(self, root: Path, files: list[str], target: dict[str, Any]) -> list[str]:
        # The audit reads the manifests (and the requirements files they include), the
        # vendored packages' metadata and the build files of the local folders a manifest
        # installs (wherever a manifest may name one), never the code: a changed handler
        # keeps its entry.
        from gate.bundle.manifests.builds import BUILD_FILES

        named = _named_manifests(target)
        read = set(audited_requirement_files(root, named)) | set(named)
        return [
            f for f in files if f in read or _audited(f) or posixpath.basename(f) in BUILD_FILES
        ]

    def key_context(self, root: Path, target: dict[str, Any]) -> dict[str, Any]:
        # A package's metadata folder counts even when it holds nothing (then it cannot be
        # audited), and the manifests a build setting names are read by name.
        folders = sorted(
            p.relative_to(root).as_posix()
            for p in root.rglob("*-info")
            if p.name.endswith((".dist-info", ".egg-info"))
        )
        return {"metadata_folders": folders, "named": _named_manifests(target)}

    def idle_output(self, targets: list[dict[str, Any]], options: dict[str, Any]) -> Any:
        # Bundles with no manifest and no package metadata, audited offline from the
        # built-in data: the answer the worker's own fast path gives, without the worker.
        from gate.advisories.sources import AdvisorySettings

        settings = AdvisorySettings.from_json(options["advisories"])
        if settings.source != "offline" or settings.db or settings.cache:
            return None
        if any(_reads_something(Path(scanned_root(t, options)), t) for t in targets):
            return None
        return _offline_answer(settings, [_nothing_audited(t["bundle"]) for t in targets])

    def tool_version(self) -> str:
        from importlib.metadata import version

        return version("pip-audit")

    def scan(self, request: dict[str, Any]) -> dict[str, Any]:
        from gate.advisories.sources import AdvisorySettings

        settings = AdvisorySettings.from_json(request["options"]["advisories"])
        named = {t["bundle"]: _named_manifests(t) for t in request["targets"]}
        read = [(t, _Read(Path(t.root), named[t.bundle])) for t in targets_of(request)]
        if settings.source == "offline" and not any(r.where or r.ranges for _, r in read):
            # Nothing to ask about: pip-audit, whose import runs `pip --version` in a
            # process of its own, is not started at all.
            return _offline_answer(
                settings, [_audit(target, found, None) for target, found in read]
            )
        _pip_version_from_metadata()
        from gate.advisories.choice import open_service

        with open_service(settings) as service:
            results = _audit_all(read, service)
            database = {**service.describe(), "requested": settings.source}
        return {"database": database, "results": results}

    def parse(self, output: dict[str, Any], context: ParseContext) -> Parsed:
        findings: list[Finding] = []
        issues: list[ScanIssue] = []
        for result in output["results"]:
            bundle = result["bundle"]
            for dep in result["dependencies"]:
                findings.extend(
                    _vulnerability(dep, v, bundle, context.settings) for v in dep["vulns"]
                )
            findings.extend(_unauditable(u, bundle) for u in result["unauditable"])
            findings.extend(_index(i, bundle) for i in result["indexes"])
            issues.extend(
                ScanIssue(self.name, _at_line(p["line"], p["reason"]), p["path"], bundle)
                for p in result["problems"]
            )
        return Parsed(tuple(findings), tuple(issues))


def _named_manifests(target: dict[str, Any]) -> list[str]:
    """The manifests of the bundle's functions that a build setting names, beside those
    the audit finds by their names (`sam build --manifest deps.txt`)."""
    return sorted(
        {
            manifest
            for function in target.get("functions", [])
            for manifest in function.get("manifests", ())
            if not any(fnmatch(posixpath.basename(manifest), p) for p in MANIFEST_PATTERNS)
        }
    )


def _offline_answer(settings: Any, results: list[dict[str, Any]]) -> dict[str, Any]:
    """The worker's answer when the audit asks nothing: which offline data would answer
    (`settings`: the AdvisorySettings), and `results`."""
    from gate.advisories.sources import offline_database

    database = {**offline_database(settings).describe(), "requested": "offline"}
    return {"database": database, "results": results}


def _nothing_audited(bundle: str) -> dict[str, Any]:
    return {
        "bundle": bundle,
        "dependencies": [],
        "unauditable": [],
        "problems": [],
        "indexes": [],
    }


def _reads_something(root: Path, target: dict[str, Any]) -> bool:
    """Whether the audit has a manifest or package metadata to read in `target`'s copy at
    `root`."""
    return bool(_named_manifests(target)) or any(
        _audited(path.relative_to(root).as_posix()) for path in root.rglob("*")
    )


def _audited(relative: str) -> bool:
    """A manifest the audit finds by its name, or a file of a package's metadata."""
    parts = relative.split("/")
    # An old-style `name.egg-info` may be a file of metadata itself, not a folder.
    return any(fnmatch(parts[-1], p) for p in MANIFEST_PATTERNS) or any(
        part.endswith((".dist-info", ".egg-info")) for part in parts
    )


def _at_line(line: int | None, reason: str) -> str:
    return f"line {line}: {reason}" if line else reason


def _pip_version_from_metadata() -> None:
    """pip-api, which pip-audit imports, learns pip's version when it is imported by
    running `python -m pip --version` in a process of its own: half a second of CPU a
    run, for what the installed pip's metadata says. It is given that answer instead,
    as its `pip_api._version` module (pip-api 0.0.x, pinned, holds only `version()`
    there); a missing pip fails the audit either way."""
    if "pip_api" in sys.modules:
        return
    answer = types.ModuleType("pip_api._version")
    answer.__dict__["version"] = functools.partial(importlib.metadata.version, "pip")
    sys.modules["pip_api._version"] = answer


def _audit_all(read: list[tuple[Target, _Read]], service: Any) -> list[dict[str, Any]]:
    """Every bundle's audit. Bundles of one run share most of their dependencies, so the
    service is asked about each (name, version) once per run."""
    once = _AskedOnce(service)
    return [_audit(target, found, once) for target, found in read]


class _Read:
    """What the audit reads of one bundle: its manifests, its vendored packages, and
    where each pinned (name, version) is reported."""

    def __init__(self, root: Path, named: Iterable[str] = ()) -> None:
        self.manifest = read_manifests(root, named)
        self.vendored = read_vendored(root)
        self.where = _locations(self.manifest, self.vendored)
        self.ranges = [
            (u, limits) for u in self.manifest.unauditable if (limits := _bounded(u)) is not None
        ]
        """Each range of an index's releases with a ceiling, and its bounds (`bounds`)."""


def _audit(target: Target, found: _Read, service: Any) -> dict[str, Any]:
    """One bundle's audit (`service` None: there is nothing to ask)."""
    where, manifest = found.where, found.manifest
    audited: list[tuple[Any, list[Any]]] = []
    if where:
        from pip_audit._audit import Auditor

        audited = list(Auditor(service).audit(_Pinned([pins[0] for pins in where.values()])))
    ranges = [_affected_range(*r, service) for r in found.ranges if service is not None]
    dependencies = [
        _dependency(dep, vulns, pin, service)
        for dep, vulns in audited
        for pin in where[(dep.canonical_name, str(dep.version))]
    ] + [affected for affected in ranges if affected["vulns"]]
    return {
        "bundle": target.bundle,
        "dependencies": sorted(dependencies, key=lambda d: (d["name"], d["version"])),
        # Masked here, not only in the finding: the raw record is what the cache keeps.
        "unauditable": [
            {**vars(u), "text": mask_url_credentials(u.text)} for u in manifest.unauditable
        ],
        "problems": [
            _problem(p.path, p.line, p.reason) for p in manifest.problems + found.vendored.problems
        ],
        # Only where an index is, and a digest of the rest (its path may hold a token):
        # the finding's fingerprint stays the URL's own.
        "indexes": [
            {**vars(i), "text": url_origin(i.text), "digest": _digest(i.text)}
            for i in manifest.indexes
        ],
    }


def _locations(manifest: Manifest, vendored: Manifest) -> dict[tuple[str, str], list[Pin]]:
    """Where each (name, version) is reported: at every manifest that pins it (its first
    line there) and at every vendored copy, so each finding carries its own file's
    functions, and a baseline, a waiver's paths and diff mode judge each place apart."""
    where: dict[tuple[str, str], list[Pin]] = {}
    for pin in (*manifest.pins, *vendored.pins):
        places = where.setdefault((pin.name, pin.version), [])
        if all(place.path != pin.path for place in places):
            places.append(pin)
    return where


def _bounded(dependency: Unauditable) -> Bounds | None:
    """The bounds of an unpinned dependency's range (`Unauditable.admits`), if it has a
    ceiling: only then can every version it admits be affected by a fixed advisory."""
    return bounds(dependency.admits) if dependency.name and dependency.admits else None


def _affected_range(unpinned: Unauditable, limits: Bounds, service: Any) -> dict[str, Any]:
    """An unpinned dependency's range (`requests~=2.19.0`) at its manifest's line, with the
    advisories that affect every version it admits, so whatever it installs: of those
    affecting its floor, each one of whose ranges holds the range's bounds whole."""
    from pip_audit._service.interface import ResolvedDependency

    name = canonicalize_name(str(unpinned.name))
    floor, _, _ = limits
    _, vulns = service.query(ResolvedDependency(name=name, version=floor or Version("0")))
    every = [v for v in vulns if _affects_every(service.advisory_for(v.id), name, limits)]
    return {
        "name": name,
        "version": unpinned.admits,
        "path": unpinned.path,
        "line": unpinned.line or None,
        "vulns": [_vuln(v, service) for v in every],
        "upgrade_to": None,
        "range": True,
    }


def _affects_every(advisory: Advisory | None, name: str, limits: Bounds) -> bool:
    """Whether `advisory` affects every version of `name` within `limits`."""
    return advisory is not None and advisory.affects_every(name, *limits)


def _dependency(dep: Any, vulns: list[Any], pin: Pin, service: Any) -> dict[str, Any]:
    """One audited dependency at one of its locations in the bundle."""
    return {
        "name": dep.canonical_name,
        "version": str(dep.version),
        "path": pin.path,
        "line": pin.line or None,
        "vulns": [_vuln(v, service) for v in vulns],
        "upgrade_to": _smallest_upgrade(dep.canonical_name, dep.version, vulns, service),
    }


class _Pinned:
    """A pip-audit dependency source of exact versions the gate has read itself: only a
    name and a version reach pip-audit, never a file, option or path from the bundle."""

    def __init__(self, pins: list[Pin]) -> None:
        self._pins = pins

    def collect(self) -> Iterator[Any]:
        from packaging.version import Version
        from pip_audit._service.interface import ResolvedDependency

        for pin in self._pins:
            yield ResolvedDependency(name=pin.name, version=Version(pin.version))


class _AskedOnce:
    """A vulnerability service that asks the one it wraps about each dependency only once."""

    def __init__(self, service: Any) -> None:
        self._service = service
        self._answers: dict[tuple[str, str], list[Any]] = {}

    def query(self, spec: Any) -> tuple[Any, list[Any]]:
        key = (spec.canonical_name, str(spec.version))
        if key not in self._answers:
            self._answers[key] = self._service.query(spec)[1]
        return spec, self._answers[key]

    def query_all(self, specs: Iterator[Any]) -> Iterator[tuple[Any, list[Any]]]:
        for spec in specs:
            yield self.query(spec)

    def advisory_for(self, vuln_id: str) -> Any:
        return self._service.advisory_for(vuln_id)


def _smallest_upgrade(name: str, current: Any, vulns: list[Any], service: Any) -> str | None:
    """The lowest fixed version above `current` that none of the package's advisories
    affects, or None if no fixed version clears them all."""
    if not vulns:
        return None
    candidates = sorted({v for vuln in vulns for v in vuln.fix_versions if v > current})
    advisories = [service.advisory_for(vuln.id) for vuln in vulns]
    for candidate in candidates:
        if not any(a is not None and a.affects(name, str(candidate)) for a in advisories):
            return str(candidate)
    return None


def _vuln(vuln: Any, service: Any) -> dict[str, Any]:
    from gate.advisories.severity import rating

    advisory = service.advisory_for(vuln.id)
    vectors, rated = rating(advisory, service.advisory_for) if advisory else ([], None)
    return {
        "id": vuln.id,
        "aliases": sorted(vuln.aliases),
        "description": vuln.description,
        "fix_versions": [str(v) for v in vuln.fix_versions],
        "severity": [list(s) for s in vectors],
        "rated": rated,
        "references": list(advisory.references[:1]) if advisory else [],
    }


def _problem(path: str, line: int, reason: str) -> dict[str, Any]:
    return {"path": path, "line": line, "reason": reason}


def _vulnerability(
    dep: dict[str, Any], vuln: dict[str, Any], bundle: str, settings: ScannerSettings
) -> Finding:
    from gate.advisories.severity import rated_severity

    rated = rated_severity((tuple(s) for s in vuln["severity"]), vuln.get("rated"))
    severity = rated or settings.unscored_severity
    fixed = tuple(vuln["fix_versions"])
    upgrade = f"; fixed in {', '.join(fixed)}" if fixed else "; no fixed version yet"
    if rated is None:
        upgrade += (
            f"; unscored: the advisory data rates it nowhere, so the policy's "
            f"unscored_severity ({severity.label}) does"
        )
    if dep.get("range"):
        upgrade = f"; every version {dep['name']}{dep['version']} admits is affected{upgrade}"
    upgrade_to = dep.get("upgrade_to")
    if upgrade_to and len(dep["vulns"]) > 1:
        upgrade += f"; {dep['name']} {upgrade_to} clears all {len(dep['vulns'])} of its advisories"
    summary = _shorten(vuln["description"], 200)
    return Finding(
        scanner="pip-audit",
        rule_id=vuln["id"],
        title=f"{dep['name']} {dep['version']} has a known vulnerability",
        message=f"{summary}{upgrade}",
        severity=severity,
        bundle=bundle,
        location=Location(dep["path"], dep["line"], dep["line"]),
        anchor=f"{dep['name']}{'' if dep.get('range') else '=='}{dep['version']}",
        package=Package(dep["name"], dep["version"], fixed, upgrade_to),
        aliases=tuple(vuln["aliases"]),
        help_uri=(vuln["references"] or [None])[0],
    )


def _shorten(text: str, limit: int) -> str:
    """One line of at most `limit` characters, cut at a word."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    return flat[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def _unauditable(raw: dict[str, Any], bundle: str) -> Finding:
    text = mask_url_credentials(raw["text"])
    return _manifest_finding(
        raw,
        bundle,
        (UNPINNED_RULE, Severity.MEDIUM, "Requirement not pinned to one version"),
        f"{raw['reason']}: '{text}' was not audited or installed; "
        "pin it with == (generate pins from a lock file)",
    )


def _index(raw: dict[str, Any], bundle: str) -> Finding:
    """An index other than PyPI: its packages are that index's code under PyPI's names.
    Its URL is shown by its origin alone (`raw["text"]`); the anchor adds a digest of
    the whole URL, so a waiver by fingerprint accepts that index and no other."""
    return _manifest_finding(
        {**raw, "text": f"{raw['text']} #{raw['digest']}"},
        bundle,
        (INDEX_RULE, Severity.HIGH, "Packages installed from an index other than PyPI"),
        f"{raw['text']}: {raw['reason']}. The audit knows PyPI's releases only; for an "
        "index your organisation controls, waive this finding by its fingerprint",
    )


def _digest(url: str) -> str:
    """A short digest of which index, file or repository `url` names: without its user
    info or query, where a password or token lives. A repository's `@ref` and a URL's
    fragment (`#subdirectory=`, `#sha256=`) stay: they choose the code installed, and a
    commit of any fork on GitHub is reachable through the parent repository's URL, so a
    waiver of one ref must not accept another."""
    place = strip_url_credentials(url.strip())
    try:
        place = urlsplit(place)._replace(query="").geturl()
    except ValueError:  # not a URL the library can split (`http://[x`): the text itself
        place = place.split("?")[0]
    return hashlib.sha256(place.encode()).hexdigest()[:12]


def _manifest_finding(
    raw: dict[str, Any], bundle: str, rule: tuple[str, Severity, str], message: str
) -> Finding:
    """A finding about a line of a manifest (`raw`: its text, path and line), anchored on
    that text with any credential in it masked."""
    rule_id, severity, title = rule
    return Finding(
        scanner="pip-audit",
        rule_id=rule_id,
        title=title,
        message=message,
        severity=severity,
        bundle=bundle,
        location=Location(raw["path"], raw["line"] or None, raw["line"] or None),
        anchor=mask_url_credentials(raw["text"]),
    )
