"""The JSON report, `schema: gate-report/1` (a contract: scripts parse it)."""

from __future__ import annotations

import json
from dataclasses import asdict
from importlib import resources
from typing import Any

import gate
from gate.model import Bundle, Finding
from gate.reports.base import RenderOptions, coverage, displayable, summary
from gate.verdict import FileAccount, Verdict

SCHEMA = "gate-report/1"


def report_schema() -> dict[str, Any]:
    """The JSON Schema of `gate-report/1`, as shipped in the package."""
    text = resources.files("gate.reports").joinpath("report.schema.json").read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def render_json(verdict: Verdict, options: RenderOptions) -> str:
    return json.dumps(report_dict(displayable(verdict)), indent=2, sort_keys=False) + "\n"


def report_dict(verdict: Verdict) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "decision": verdict.decision.value,
        "tool": {"name": "serverless-gate", "version": gate.__version__},
        "policy": {
            "source": verdict.policy.source,
            "sha256": verdict.policy.sha256,
            "env": verdict.policy.env,
        },
        "git": (
            {
                "commit": verdict.git.commit,
                "branch": verdict.git.branch,
                "dirty": verdict.git.dirty,
                "remotes": list(verdict.git.remotes),
                "repository": verdict.git.repository,
            }
            if verdict.git
            else None
        ),
        "bundles": [bundle_dict(b) for b in verdict.bundles],
        "scanners": [
            {
                "name": s.scanner,
                "version": s.version,
                "status": s.status.value,
                "duration_s": round(s.duration_s, 3),
                "message": s.message,
                "cache": {"reused": s.cache[0], "parts": s.cache[1]} if s.cache else None,
            }
            for s in verdict.scanners
        ],
        "advisories": verdict.advisories or None,
        "baseline": verdict.baseline,
        "diff": verdict.diff,
        "shard": verdict.shard,
        "soft_fail": verdict.soft_fail,
        "files": files_dict(verdict.files) if verdict.files else None,
        "findings": [_finding(f) for f in verdict.findings],
        "summary": summary(verdict),
        "warnings": [{"code": w.code, "message": w.message} for w in verdict.warnings],
        "errors": [
            {"scanner": e.scanner, "path": _issue_path(e.bundle, e.path), "message": e.message}
            for e in verdict.errors
        ],
    }


def bundle_dict(bundle: Bundle) -> dict[str, Any]:
    """A bundle and its functions as the report (and `gate ls --format json`) show them:
    a function's `exposure` (the definition as written, which baselines digest) is not
    part of the report."""
    return {
        "id": bundle.id,
        "path": str(bundle.path),
        "kind": bundle.kind,
        "functions": [
            {**{k: v for k, v in asdict(f).items() if k != "exposure"}, "coverage": coverage(f)}
            for f in bundle.functions
        ],
    }


def files_dict(files: FileAccount) -> dict[str, Any]:
    """Where every file of the bundles ended: counts per state and what each is made of."""
    return {
        "scanned": files.scanned,
        "excluded": files.excluded,
        "third_party": files.third_party,
        "ignored": files.ignored,
        "not_analysed": files.not_analysed,
        "out_of_scope": files.out_of_scope,
        "excluded_by": dict(files.excluded_by),
        "ignored_by": dict(files.ignored_by),
        "distributions": [asdict(d) for d in files.distributions],
        "unreferenced_zips": list(files.unreferenced_zips),
    }


def _issue_path(bundle: str | None, path: str | None) -> str | None:
    if path is None:
        return None
    return path if bundle in (None, ".") else f"{bundle}/{path}"


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "fingerprint": f.fingerprint,
        "scanner": f.scanner,
        "rule_id": f.rule_id,
        "title": f.title,
        "message": f.message,
        "severity": f.severity.label,
        "confidence": f.confidence.value if f.confidence else None,
        "bundle": f.bundle,
        "path": f.location.path,
        "start_line": f.location.start_line,
        "end_line": f.location.end_line,
        "resource": f.location.resource,
        "cwe": f.cwe,
        "help_uri": f.help_uri,
        "package": (
            {
                "name": f.package.name,
                "version": f.package.version,
                "fixed_versions": list(f.package.fixed_versions),
                "upgrade_to": f.package.upgrade_to,
            }
            if f.package
            else None
        ),
        "aliases": list(f.aliases),
        "suppression": (
            {"kind": f.suppression.kind, "reason": f.suppression.reason} if f.suppression else None
        ),
        "also_reported_by": [
            {"scanner": r.scanner, "rule_id": r.rule_id} for r in f.also_reported_by
        ],
        "functions": list(f.functions),
        "status": f.status.value if f.status else None,
        "waiver": (
            {
                "reason": f.waiver.reason,
                "expires": f.waiver.expires,
                "approved_by": f.waiver.approved_by,
            }
            if f.waiver
            else None
        ),
    }
