"""GitHub Actions workflow commands: annotations on the changed files of a pull request.

GitHub shows at most ten annotations of each kind per step and drops the rest. Blocking
findings come first, as errors, most severe first, with the verdict as the last error;
blocking findings beyond that are counted in one notice. Findings that do not block are
notices, only where notices remain, and what does not fit is counted in one line: the
JSON, SARIF and HTML reports hold every finding.
"""

from __future__ import annotations

from gate.model import Finding, Status
from gate.reports.base import STATUS_LABEL, RenderOptions, displayable, verdict_line
from gate.verdict import Verdict

PER_KIND = 10
"""Annotations GitHub shows per step of each kind (error, warning, notice)."""


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(verdict: Verdict, options: RenderOptions) -> str:
    verdict = displayable(verdict)  # no terminal escapes into the job log
    ordered = sorted(verdict.findings, key=lambda f: -f.severity)
    blocking = [f for f in ordered if f.status is Status.BLOCKING]
    others = [f for f in ordered if f.status is not Status.BLOCKING]
    failing = verdict.decision.value != "pass"
    errors = blocking[: PER_KIND - failing]  # the verdict is an error too
    lines = [_annotation(f, "error") for f in errors]
    summaries = []
    if len(blocking) > len(errors):
        summaries.append(f"{len(blocking) - len(errors)} more blocking findings are not annotated")
    room = PER_KIND - len(summaries) - (not failing)  # a pass is said as a notice
    notices = others[:room] if len(others) <= room else others[: room - 1]
    if len(notices) < len(others):
        summaries.append(
            f"{len(others) - len(notices)} findings below the threshold are not annotated"
        )
    lines += [_annotation(f, "notice") for f in notices]
    lines += [
        f"::notice title=serverless-gate::{text}; see the JSON, SARIF or HTML report"
        for text in summaries
    ]
    command = "error" if failing else "notice"
    lines.append(f"::{command} title=serverless-gate::{escape_data(verdict_line(verdict))}")
    return "\n".join(lines) + "\n"


def _annotation(finding: Finding, command: str) -> str:
    path = (
        finding.location.path
        if finding.bundle == "."
        else (f"{finding.bundle}/{finding.location.path}")
    )
    properties = [f"file={escape_property(path)}"]
    if finding.location.start_line:
        properties.append(f"line={finding.location.start_line}")
        properties.append(f"endLine={finding.location.end_line or finding.location.start_line}")
    status = STATUS_LABEL[finding.status] if finding.status else "unjudged"
    title = f"{finding.rule_id} ({finding.severity.label}, {status})"
    properties.append(f"title={escape_property(title)}")
    return f"::{command} {','.join(properties)}::{escape_data(finding.message)}"
