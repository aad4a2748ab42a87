"""pip-audit: known-vulnerable dependencies, audited offline.

Pinned lines of `requirements*.txt` go through pip-audit's `RequirementSource`
with pip disabled; vendored `*.dist-info` directories through its `PipSource`.
Vulnerabilities come from a local OSV database through the gate's own
`VulnerabilityService`, never from the network. Requirements the gate cannot
audit from their text become GATE-DEP-001 findings and are never installed; a
dependency pip-audit skipped is a scan issue, never "clean".
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

from gate.manifests import Manifest, read_requirements
from gate.model import Finding, Location, Package, ScanIssue, Severity
from gate.policy.model import ScannerPolicy
from gate.scanners.base import ParseContext, Parsed, Scanner, Target, targets_of

UNPINNED_RULE = "GATE-DEP-001"


class PipAuditScanner(Scanner):
    name = "pip-audit"

    def options(self, settings: ScannerPolicy, context: dict[str, Any]) -> dict[str, Any]:
        return {"advisory_db": context.get("advisory_db")}

    def tool_version(self) -> str:
        from importlib.metadata import version

        return version("pip-audit")

    def scan(self, request: dict[str, Any]) -> dict[str, Any]:
        from gate.advisories.osv import AdvisoryDatabase
        from gate.advisories.service import OfflineVulnerabilityService

        db_path = request["options"].get("advisory_db")
        database = AdvisoryDatabase.load(Path(db_path)) if db_path else AdvisoryDatabase.builtin()
        service = OfflineVulnerabilityService(database)
        return {
            "database": {
                "source": database.source,
                "date": database.date,
                "records": database.count,
            },
            "results": [_audit(target, service) for target in targets_of(request)],
        }

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
            issues.extend(
                ScanIssue(self.name, _at_line(p["line"], p["reason"]), p["path"], bundle)
                for p in result["problems"]
            )
        return Parsed(tuple(findings), tuple(issues))


def _at_line(line: int | None, reason: str) -> str:
    return f"line {line}: {reason}" if line else reason


def _audit(target: Target, service: Any) -> dict[str, Any]:
    from pip_audit._audit import Auditor

    root = Path(target.root)
    manifest = read_requirements(root)
    where = {(p.name, p.version): p for p in manifest.pins}
    installed = _dist_info_paths(root)
    dependencies: dict[tuple[str, str], dict[str, Any]] = {}
    problems = [_problem(p.path, p.line, p.reason) for p in manifest.problems]
    auditor = Auditor(service)
    with tempfile.TemporaryDirectory() as scratch:
        audited = [
            (dep, vulns, origin)
            for source, origin in _sources(root, manifest, Path(scratch))
            for dep, vulns in auditor.audit(source)
        ]
    for dep, vulns, origin in audited:
        if dep.is_skipped():
            problems.append(_problem(origin, 0, f"{dep.name} not audited: {dep.skip_reason}"))
            continue
        key = (dep.canonical_name, str(dep.version))
        pin = where.get(key)
        dependencies[key] = {
            "name": dep.canonical_name,
            "version": str(dep.version),
            "path": pin.path if pin else installed.get(key, origin),
            "line": pin.line if pin else None,
            "vulns": [_vuln(v, service) for v in vulns],
            "upgrade_to": _smallest_upgrade(dep.canonical_name, dep.version, vulns, service),
        }
    return {
        "bundle": target.bundle,
        "dependencies": sorted(dependencies.values(), key=lambda d: (d["name"], d["version"])),
        "unauditable": [vars(u) for u in manifest.unauditable],
        "problems": problems,
    }


def _sources(root: Path, manifest: Manifest, scratch: Path) -> list[tuple[Any, str]]:
    """pip-audit dependency sources: the pinned requirements, then vendored packages."""
    from pip_audit._dependency_source import PipSource, RequirementSource

    sources: list[tuple[Any, str]] = []
    if manifest.pins:
        # Only the pins reach pip-audit, rewritten plainly, so no include, option or
        # path in the bundle's files can reach its parser.
        pinned = scratch / "requirements.txt"
        pinned.write_text("".join(f"{p.name}=={p.version}\n" for p in manifest.pins), "utf-8")
        sources.append(
            (RequirementSource([pinned], disable_pip=True, no_deps=True), "requirements")
        )
    vendored = sorted({p.parent for p in root.rglob("*.dist-info") if p.is_dir()})
    if vendored:
        origin = vendored[0].relative_to(root).as_posix() or "."
        sources.append((PipSource(paths=vendored), origin))
    return sources


def _dist_info_paths(root: Path) -> dict[tuple[str, str], str]:
    """Where each vendored (name, version) is declared: its `*.dist-info/METADATA`."""
    from packaging.utils import canonicalize_name

    paths: dict[tuple[str, str], str] = {}
    for info in root.rglob("*.dist-info"):
        name, _, version = info.name.removesuffix(".dist-info").rpartition("-")
        if name and info.is_dir():
            key = (canonicalize_name(name), version)
            paths[key] = (info / "METADATA").relative_to(root).as_posix()
    return paths


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
    advisory = service.advisory_for(vuln.id)
    return {
        "id": vuln.id,
        "aliases": sorted(vuln.aliases),
        "description": vuln.description,
        "fix_versions": [str(v) for v in vuln.fix_versions],
        "severity": [list(s) for s in advisory.severity] if advisory else [],
        "references": list(advisory.references[:1]) if advisory else [],
    }


def _problem(path: str, line: int, reason: str) -> dict[str, Any]:
    return {"path": path, "line": line, "reason": reason}


def _vulnerability(
    dep: dict[str, Any], vuln: dict[str, Any], bundle: str, settings: ScannerPolicy
) -> Finding:
    from gate.advisories.severity import cvss_severity

    severity = cvss_severity(tuple(s) for s in vuln["severity"]) or settings.unscored_severity
    fixed = tuple(vuln["fix_versions"])
    upgrade = f"; fixed in {', '.join(fixed)}" if fixed else "; no fixed version yet"
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
        anchor=f"{dep['name']}=={dep['version']}",
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


_URL_CREDENTIALS = re.compile(r"(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@\s]+@", re.IGNORECASE)


def mask_url_credentials(text: str) -> str:
    """`git+https://user:token@host/x` -> `git+https://***@host/x`: tokens stay out of reports."""
    return _URL_CREDENTIALS.sub(r"\g<scheme>***@", text)


def _unauditable(raw: dict[str, Any], bundle: str) -> Finding:
    text = mask_url_credentials(raw["text"])
    return Finding(
        scanner="pip-audit",
        rule_id=UNPINNED_RULE,
        title="Requirement not pinned to one version",
        message=f"{raw['reason']}: '{text}' was not audited or installed; "
        "pin it with == (generate pins from a lock file)",
        severity=Severity.MEDIUM,
        bundle=bundle,
        location=Location(raw["path"], raw["line"], raw["line"]),
        anchor=text,
    )
