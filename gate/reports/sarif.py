"""SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, IDE viewers).

One run per scanner, each with its own `automationDetails.id`: GitHub refuses
an upload with two runs of one category. A shard's runs are categories of their own.
The driver is the gate (name and version); the scanner it ran is named in the run's
properties and the category.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from itertools import groupby
from pathlib import Path
from typing import Any
from urllib.parse import quote

import gate
from gate.catalogue import guidance
from gate.git.provenance import Provenance
from gate.model import Finding, Severity, Status
from gate.reports.base import (
    RenderOptions,
    displayable,
    function_verdicts,
    markdown_text,
    web_link,
)
from gate.verdict import Verdict

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
MAX_RESULTS_PER_RUN = 25_000
MAX_GZIP_BYTES = 10 * 1024 * 1024
ROOT_ID = "SRCROOT"
INFORMATION_URI = "https://pypi.org/project/serverless-gate/"

# GitHub's code scanning reads `security-severity` in these bands.
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "0.0",
}
LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def render_sarif(verdict: Verdict, options: RenderOptions) -> str:
    return json.dumps(sarif_dict(verdict), indent=2) + "\n"


def sarif_dict(verdict: Verdict) -> dict[str, Any]:
    """The SARIF log, within code scanning's limits: at most MAX_RESULTS_PER_RUN results a
    run and MAX_GZIP_BYTES compressed; the lowest severities go first, and the run says so."""
    # URIs are made from the paths as found (percent-encoded bytes); texts as shown.
    roots = {b.id: b.path for b in verdict.bundles}
    uris = {f.fingerprint: _artifact(f, roots) for f in verdict.findings}
    verdict = displayable(verdict)
    by_scanner: dict[str, list[Finding]] = defaultdict(list)
    for finding in verdict.findings:
        by_scanner[finding.scanner].append(finding)
    compared = verdict.baseline is not None or verdict.diff is not None
    # What of each function was analysed, in each run's property bag (SARIF has no
    # place for coverage; the scanner a run is for does not change it).
    functions = [
        {"bundle": row.bundle, "name": row.function.name, **row.coverage}
        for row in function_verdicts(verdict)
    ]
    limit = MAX_RESULTS_PER_RUN
    while True:
        runs = [
            _run(
                result.scanner,
                result.version,
                by_scanner.get(result.scanner, []),
                uris,
                limit,
                verdict.git,
                compared,
                functions,
                category(verdict.shard),
            )
            for result in verdict.scanners
            if result.status.value != "skipped"
        ]
        log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": runs}
        if limit == 0 or len(gzip.compress(json.dumps(log).encode(), 6)) <= MAX_GZIP_BYTES:
            return log
        limit //= 2


def _version_control(git: Provenance | None) -> list[dict[str, str]]:
    """SARIF's record of the commit scanned; it needs a remote URL to name the repository."""
    uri = git.repository if git else None
    if git is None or uri is None:
        return []
    record = {"repositoryUri": uri, "revisionId": git.commit}
    if git.branch:
        record["branch"] = git.branch
    return [record]


def category(shard: dict[str, int] | None) -> str:
    """The code scanning category of a run's results: one per shard, so that one shard's
    upload does not replace another's (code scanning keeps the latest upload of each
    category, and takes a run's `automationDetails.id` over the upload's `category`)."""
    if shard is None:
        return "serverless-gate"
    return f"serverless-gate-shard-{shard['index']}-of-{shard['count']}"


def _run(
    scanner: str,
    version: str | None,
    findings: list[Finding],
    uris: dict[str, dict[str, str]],
    limit: int,
    git: Provenance | None,
    compared: bool,
    functions: list[dict[str, Any]],
    category: str,
) -> dict[str, Any]:
    kept = sorted(findings, key=lambda f: -f.severity)[:limit]
    rules = _rules(kept)
    index = {rule["id"]: i for i, rule in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "serverless-gate",
                "version": gate.__version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "automationDetails": {"id": f"{category}/{scanner}/"},
        "originalUriBaseIds": {ROOT_ID: {"description": {"text": "The scanned directory."}}},
        "results": [_result(f, index[f.rule_id], uris[f.fingerprint], compared) for f in kept],
        "properties": {"scanner": scanner, "scannerVersion": version, "functions": functions},
    }
    if provenance := _version_control(git):
        run["versionControlProvenance"] = provenance
    if len(kept) < len(findings):
        dropped = len(findings) - len(kept)
        run["invocations"] = [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [
                    {
                        "level": "warning",
                        "message": {
                            "text": f"{dropped} lowest-severity results left out to stay within "
                            f"code scanning's limits ({MAX_RESULTS_PER_RUN} results a run, "
                            f"{MAX_GZIP_BYTES >> 20} MB compressed); the JSON report has them all"
                        },
                    }
                ],
            }
        ]
    return run


def _rules(findings: list[Finding]) -> list[dict[str, Any]]:
    rules = []
    ordered = sorted(findings, key=lambda f: f.rule_id)
    for rule_id, group in groupby(ordered, key=lambda f: f.rule_id):
        items = list(group)
        first = max(items, key=lambda f: f.severity)
        why, fix = guidance(rule_id, first.scanner)
        rule: dict[str, Any] = {
            "id": rule_id,
            "name": _pascal(first.title) or rule_id,
            "shortDescription": {"text": first.title},
            "fullDescription": {"text": why or first.title},
            "help": {
                "text": f"{why}\n\nHow to fix: {fix}\n\n(gate explain {rule_id})".strip(),
                "markdown": f"**{markdown_text(first.title)}**\n\n{why}\n\n"
                f"**How to fix:** {fix}\n\n<code>gate explain {markdown_text(rule_id)}</code>",
            },
            "defaultConfiguration": {"level": LEVEL[first.severity]},
            "properties": {
                "security-severity": SECURITY_SEVERITY[first.severity],
                "tags": _tags(first),
            },
        }
        if link := web_link(first.help_uri):
            rule["helpUri"] = link
        rules.append(rule)
    return rules


def _tags(finding: Finding) -> list[str]:
    tags = ["security", finding.scanner]
    if finding.cwe:
        tags.append(f"external/cwe/{finding.cwe.lower()}")
    return tags


def _pascal(text: str) -> str:
    return "".join(word[:1].upper() + word[1:] for word in text.split() if word.isalnum())


def _artifact(finding: Finding, roots: dict[str, Path]) -> dict[str, str]:
    """A path relative to the scan root where the bundle was given relatively (what code
    scanning resolves against the checkout), else an absolute file URI; either way a
    valid URI: a space, `%`, `#`, `?`, a control or a byte that is not UTF-8 is
    percent-encoded."""
    path = finding.location.path
    if Path(finding.bundle).is_absolute() and finding.bundle in roots:
        return {"uri": "file://" + uri_path(str(roots[finding.bundle] / path))}
    relative = path if finding.bundle == "." else f"{finding.bundle}/{path}"
    return {"uri": uri_path(relative), "uriBaseId": ROOT_ID}


def uri_path(path: str) -> str:
    """A POSIX path as a URI reference: its bytes (as the file system holds them)
    percent-encoded, but for unreserved characters and `/`."""
    try:
        data = path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate no file name decodes to
        data = path.encode("utf-8", "surrogatepass")
    return quote(data, safe="/")


def _result(
    finding: Finding, rule_index: int, artifact: dict[str, str], compared: bool
) -> dict[str, Any]:
    """One SARIF result; `compared` (a baseline or a diff base was given) adds whether the
    finding is new or was there before."""
    location = finding.location
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if location.start_line:
        physical["region"] = {
            "startLine": location.start_line,
            "endLine": max(location.end_line or location.start_line, location.start_line),
        }
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVEL[finding.severity],
        "message": {"text": finding.message or finding.title},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {"gateFingerprint/v1": finding.fingerprint},
        "properties": {
            "severity": finding.severity.label,
            "status": finding.status.value if finding.status else None,
        },
    }
    if compared:
        before = finding.status in (Status.BASELINED, Status.PREEXISTING)
        result["baselineState"] = "unchanged" if before else "new"
    if finding.functions:
        result["properties"]["functions"] = list(finding.functions)
    if location.resource:
        result["locations"][0]["logicalLocations"] = [
            {"name": location.resource, "kind": "resource"}
        ]
    suppression = _suppression(finding)
    if suppression:
        result["suppressions"] = [suppression]
    return result


def _suppression(finding: Finding) -> dict[str, Any] | None:
    if finding.status is Status.WAIVED and finding.waiver:
        return {
            "kind": "external",
            "status": "accepted",
            "justification": f"{finding.waiver.reason} (waiver until {finding.waiver.expires})",
        }
    if finding.status is Status.SUPPRESSED and finding.suppression:
        return {
            "kind": "inSource",
            "status": "accepted",
            "justification": finding.suppression.reason or finding.suppression.kind,
        }
    return None
