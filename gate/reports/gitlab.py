"""GitLab's security report (`artifacts:reports:sast`), which GitLab reads in place of SARIF.

It follows GitLab's published SAST report schema (`SCHEMA_VERSION`). Every finding of
the verdict is a vulnerability but the waived and suppressed ones, which the policy or
the code's author accepted: GitLab has no state for an accepted risk, and would list
them as new on every pipeline. `scan.messages` says how many were left out, and the
JSON report holds them all. A vulnerability's id is derived from the finding's
fingerprint (and, for a problem written twice, which occurrence it is), so the same
problem keeps it from one pipeline to the next.

GitLab compares the merge request's report with the target branch's on its own; the
gate's status of a finding (blocking, below threshold, predating the change) is in its
details.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import datetime, timedelta, timezone
from typing import Any

import gate
from gate.catalogue import guidance
from gate.model import Finding, Severity, Status
from gate.reports.base import (
    STATUS_LABEL,
    RenderOptions,
    displayable,
    markdown_text,
    verdict_line,
    web_link,
)
from gate.verdict import Verdict

SCHEMA_VERSION = "15.2.1"
SCHEMA_URI = (
    "https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/"
    f"v{SCHEMA_VERSION}/dist/sast-report-format.json"
)
INFORMATION_URI = "https://pypi.org/project/serverless-gate/"
# The schema's limits on a vulnerability's texts.
MAX_NAME = 255
MAX_SOLUTION = 7000
# Stable vulnerability ids: one namespace for the gate, the fingerprint within it.
ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, INFORMATION_URI)

SEVERITY = {
    Severity.CRITICAL: "Critical",
    Severity.HIGH: "High",
    Severity.MEDIUM: "Medium",
    Severity.LOW: "Low",
    Severity.INFO: "Info",
}
ACCEPTED = (Status.WAIVED, Status.SUPPRESSED)


def render_gitlab_sast(verdict: Verdict, options: RenderOptions) -> str:
    return json.dumps(gitlab_sast_dict(verdict), indent=2) + "\n"


def gitlab_sast_dict(verdict: Verdict, now: datetime | None = None) -> dict[str, Any]:
    """The report. GitLab wants the scan's start and end; the verdict keeps only how long
    each scanner took, so the end is `now` and the start that long before it."""
    verdict = displayable(verdict)
    end = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    longest = max((result.duration_s for result in verdict.scanners), default=0.0)
    start = end - timedelta(seconds=round(longest))
    shown = [f for f in verdict.findings if f.status not in ACCEPTED]
    seen: Counter[str] = Counter()
    vulnerabilities = []
    for finding in shown:
        # One problem written twice in a file has one fingerprint: the second is the
        # fingerprint's second occurrence, and so on, in the report's order.
        seen[finding.fingerprint] += 1
        vulnerabilities.append(_vulnerability(finding, seen[finding.fingerprint]))
    primary = {v["identifiers"][0]["value"]: v["identifiers"][0] for v in vulnerabilities}
    tool = {
        "id": "serverless-gate",
        "name": "serverless-gate",
        "url": INFORMATION_URI,
        "vendor": {"name": "serverless-gate"},
        "version": gate.__version__,
    }
    return {
        "version": SCHEMA_VERSION,
        "schema": SCHEMA_URI,
        "scan": {
            "analyzer": tool,
            "scanner": tool,
            "type": "sast",
            "start_time": _timestamp(start),
            "end_time": _timestamp(end),
            "status": "failure" if verdict.decision.value == "error" else "success",
            "messages": _messages(verdict, len(verdict.findings) - len(shown)),
            "primary_identifiers": [primary[key] for key in sorted(primary)],
        },
        "vulnerabilities": vulnerabilities,
    }


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def _messages(verdict: Verdict, accepted: int) -> list[dict[str, str]]:
    """The verdict, what the gate could not check, its warnings, and what was left out."""
    fatal = verdict.decision.value == "error"
    messages = [{"level": "fatal" if fatal else "info", "value": verdict_line(verdict)}]
    for result in verdict.scanners:
        if result.failed:
            reason = result.message or result.status.value
            messages.append({"level": "fatal", "value": f"{result.scanner}: {reason}"})
    for issue in verdict.errors:
        where = f" ({issue.path})" if issue.path else ""
        text = f"{issue.message}{where}" or "the gate could not check something"
        messages.append({"level": "warn", "value": text})
    for warning in verdict.warnings:
        messages.append({"level": "warn", "value": f"{warning.code}: {warning.message}"})
    if accepted:
        messages.append(
            {
                "level": "info",
                "value": f"{accepted} waived or suppressed findings are left out of this "
                "report; the gate's JSON report lists them with their reasons",
            }
        )
    return messages


def _vulnerability(finding: Finding, occurrence: int) -> dict[str, Any]:
    why, fix = guidance(finding.rule_id, finding.scanner)
    location: dict[str, Any] = {"file": _path(finding)}
    if finding.location.start_line:
        location["start_line"] = finding.location.start_line
        location["end_line"] = max(
            finding.location.end_line or finding.location.start_line,
            finding.location.start_line,
        )
    # GitLab renders a description as Markdown: the bundle's text in it shows literally.
    description = markdown_text(finding.message or finding.title)
    if why and why != (finding.message or finding.title):
        description = f"{description}\n\n{why}"
    vulnerability: dict[str, Any] = {
        "id": str(uuid.uuid5(ID_NAMESPACE, f"{finding.fingerprint}/{occurrence}")),
        "name": _cut(finding.title or finding.rule_id, MAX_NAME),
        "description": description,
        "severity": SEVERITY[finding.severity],
        "identifiers": _identifiers(finding),
        "location": location,
        "details": _details(finding),
    }
    if fix:
        vulnerability["solution"] = _cut(fix, MAX_SOLUTION)
    if link := web_link(finding.help_uri):
        vulnerability["links"] = [{"url": link}]
    return vulnerability


def _path(finding: Finding) -> str:
    """The file as the repository names it: GitLab links a vulnerability to the file at
    this path in the commit."""
    if finding.bundle == ".":
        return finding.location.path
    return f"{finding.bundle.rstrip('/')}/{finding.location.path}"


def _identifiers(finding: Finding) -> list[dict[str, str]]:
    """The rule first (GitLab's primary identifier), then its CWE and the advisory's ids."""
    # The rule's scanner as the identifier's type: checkov, bandit, pip_audit, or the
    # gate's own rules.
    scanner = "serverless_gate" if finding.scanner == "serverless" else finding.scanner
    rule = finding.rule_id or "unnamed"
    identifiers = [{"type": scanner.replace("-", "_") or "unnamed", "name": rule, "value": rule}]
    cwe = (finding.cwe or "").upper()
    number = cwe.removeprefix("CWE-")
    if cwe.startswith("CWE-") and number.isdigit():
        identifiers.append(
            {
                "type": "cwe",
                "name": cwe,
                "value": number,
                "url": f"https://cwe.mitre.org/data/definitions/{number}.html",
            }
        )
    for alias in finding.aliases:
        if kind := alias.split("-", 1)[0].lower():
            identifiers.append({"type": kind, "name": alias, "value": alias})
    return identifiers


def _details(finding: Finding) -> dict[str, Any]:
    """What the gate adds to the finding: its status, the functions it belongs to, the
    resource and the package."""
    status = STATUS_LABEL[finding.status] if finding.status else "not judged"
    details: dict[str, Any] = {
        "status": {"name": "Gate status", "type": "text", "value": status},
    }
    if finding.functions:
        details["functions"] = {
            "name": "Functions",
            "type": "list",
            "items": [{"type": "text", "value": name} for name in finding.functions],
        }
    if finding.location.resource:
        details["resource"] = {
            "name": "IaC resource",
            "type": "text",
            "value": finding.location.resource,
        }
    if finding.package:
        package = finding.package
        fixed = f", fixed in {', '.join(package.fixed_versions)}" if package.fixed_versions else ""
        details["package"] = {
            "name": "Package",
            "type": "text",
            "value": f"{package.name} {package.version}{fixed}",
        }
    if finding.also_reported_by:
        details["also_reported_by"] = {
            "name": "Also reported by",
            "type": "list",
            "items": [
                {"type": "text", "value": f"{other.scanner} {other.rule_id}"}
                for other in finding.also_reported_by
            ],
        }
    return details


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
