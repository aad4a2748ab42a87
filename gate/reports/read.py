"""A JSON report (`gate-report/1`) read back into a verdict, for `gate merge`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema

from gate.errors import ReportError
from gate.git.provenance import Provenance
from gate.model import (
    Bundle,
    Confidence,
    Decision,
    Finding,
    Function,
    Location,
    Package,
    PolicySource,
    Reporter,
    ScanIssue,
    ScanResult,
    ScanStatus,
    Severity,
    Status,
    Suppression,
    Waiver,
    Warning_,
)
from gate.reports.json_report import report_schema
from gate.safefile import MIB, read_regular
from gate.verdict import Budget, Distribution, FileAccount, Verdict

MAX_REPORT_BYTES = 256 * MIB

_STATES = ("scanned", "excluded", "third_party", "ignored", "not_analysed", "out_of_scope")


def read_report(path: Path) -> tuple[Verdict, dict[str, Any]]:
    """The verdict a JSON report records, and the report itself; one clear error if the
    file is not a `gate-report/1` report."""
    try:
        data = json.loads(read_regular(path, MAX_REPORT_BYTES).decode("utf-8"))
    except OSError as e:
        raise ReportError(f"{path}: cannot read report: {e.strerror}") from e
    except (UnicodeDecodeError, ValueError) as e:
        raise ReportError(
            f"{path}: not a JSON report ({e}); pass `gate check --format json` output"
        ) from e
    try:
        jsonschema.Draft202012Validator(report_schema()).validate(data)
    except jsonschema.ValidationError as e:
        where = "/".join(str(p) for p in e.absolute_path) or "the top level"
        raise ReportError(f"{path}: not a gate-report/1 report ({where}: {e.message})") from None
    return verdict_of(data), data


def verdict_of(data: dict[str, Any]) -> Verdict:
    git = data["git"]
    return Verdict(
        decision=Decision(data["decision"]),
        findings=tuple(_finding(f) for f in data["findings"]),
        scanners=tuple(_scanner(s) for s in data["scanners"]),
        bundles=tuple(
            Bundle(
                b["id"],
                Path(b["path"]),
                b["kind"],
                tuple(
                    Function.from_json({k: v for k, v in f.items() if k != "coverage"})
                    for f in b["functions"]
                ),
            )
            for b in data["bundles"]
        ),
        policy=PolicySource(
            data["policy"]["source"], data["policy"]["sha256"], data["policy"]["env"]
        ),
        warnings=tuple(Warning_(w["code"], w["message"]) for w in data["warnings"]),
        errors=tuple(ScanIssue(e["scanner"], e["message"], e["path"]) for e in data["errors"]),
        advisories=data.get("advisories") or {},
        budgets=tuple(
            Budget(Severity.parse(label), b["limit"], b["count"])
            for label, b in data["summary"]["budgets"].items()
        ),
        git=Provenance(git["commit"], git["branch"], git["dirty"], tuple(git["remotes"]))
        if git
        else None,
        baseline=data.get("baseline"),
        diff=data.get("diff"),
        shard=data.get("shard"),
        files=_files(data.get("files")),
    )


def _files(data: dict[str, Any] | None) -> FileAccount | None:
    """The report's `files` account (absent in reports written before it existed)."""
    if not data:
        return None
    return FileAccount(
        **{state: data[state] for state in _STATES},
        excluded_by=tuple(data["excluded_by"].items()),
        ignored_by=tuple(data["ignored_by"].items()),
        distributions=tuple(Distribution(**d) for d in data["distributions"]),
        unreferenced_zips=tuple(data["unreferenced_zips"]),
    )


def _scanner(s: dict[str, Any]) -> ScanResult:
    cache = s.get("cache")
    return ScanResult(
        s["name"],
        ScanStatus(s["status"]),
        s["version"],
        s["duration_s"],
        s["message"],
        cache=(cache["reused"], cache["parts"]) if cache else None,
    )


def _finding(f: dict[str, Any]) -> Finding:
    package, suppression, waiver = f["package"], f["suppression"], f["waiver"]
    return Finding(
        scanner=f["scanner"],
        rule_id=f["rule_id"],
        title=f["title"],
        message=f["message"],
        severity=Severity.parse(f["severity"]),
        bundle=f["bundle"],
        location=Location(f["path"], f["start_line"], f["end_line"], f["resource"]),
        confidence=Confidence(f["confidence"]) if f["confidence"] else None,
        cwe=f["cwe"],
        help_uri=f["help_uri"],
        package=(
            Package(
                package["name"],
                package["version"],
                tuple(package["fixed_versions"]),
                package.get("upgrade_to"),
            )
            if package
            else None
        ),
        aliases=tuple(f["aliases"]),
        also_reported_by=tuple(Reporter(r["scanner"], r["rule_id"]) for r in f["also_reported_by"]),
        functions=tuple(f["functions"]),
        suppression=Suppression(suppression["kind"], suppression["reason"])
        if suppression
        else None,
        status=Status(f["status"]) if f["status"] else None,
        waiver=(
            Waiver(waiver["reason"], waiver["expires"], waiver["approved_by"]) if waiver else None
        ),
        reported_fingerprint=f["fingerprint"],
    )
