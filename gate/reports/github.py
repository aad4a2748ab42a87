"""GitHub Actions workflow commands: annotations on the changed files of a pull request.

Blocking findings are errors; the rest are warnings (medium and up) or notices.
Most severe first, capped: GitHub shows only a handful per step, and a summary
line says how many more the other reports hold.
"""

from __future__ import annotations

from gate.model import Finding, Severity, Status, Verdict
from gate.reports.base import RenderOptions, displayable, verdict_line

MAX_ANNOTATIONS = 50


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(verdict: Verdict, options: RenderOptions) -> str:
    verdict = displayable(verdict)  # no terminal escapes into the job log
    ordered = sorted(verdict.findings, key=lambda f: (f.status is not Status.BLOCKING, -f.severity))
    lines = [_annotation(f) for f in ordered[:MAX_ANNOTATIONS]]
    left = len(ordered) - len(lines)
    if left > 0:
        lines.append(
            f"::notice title=serverless-gate::{left} more findings are not annotated; "
            "see the JSON, SARIF or HTML report"
        )
    command = {"pass": "notice", "fail": "error", "error": "error"}[verdict.decision.value]
    lines.append(f"::{command} title=serverless-gate::{escape_data(verdict_line(verdict))}")
    return "\n".join(lines) + "\n"


def _annotation(finding: Finding) -> str:
    if finding.status is Status.BLOCKING:
        command = "error"
    elif finding.severity >= Severity.MEDIUM and finding.status is Status.ALLOWED:
        command = "warning"
    else:
        command = "notice"
    path = (
        finding.location.path
        if finding.bundle == "."
        else (f"{finding.bundle}/{finding.location.path}")
    )
    properties = [f"file={escape_property(path)}"]
    if finding.location.start_line:
        properties.append(f"line={finding.location.start_line}")
        properties.append(f"endLine={finding.location.end_line or finding.location.start_line}")
    status = finding.status.value if finding.status else "unjudged"
    title = f"{finding.rule_id} ({finding.severity.label}, {status})"
    properties.append(f"title={escape_property(title)}")
    return f"::{command} {','.join(properties)}::{escape_data(finding.message)}"
