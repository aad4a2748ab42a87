"""Markdown for `$GITHUB_STEP_SUMMARY` and pull-request comments."""

from __future__ import annotations

from collections import Counter

from gate.model import Finding, Severity, Status, Verdict
from gate.reports.base import (
    RenderOptions,
    function_label,
    function_verdicts,
    issue_source,
    verdict_line,
)

MAX_BYTES = 1 << 20
_ICON = {"pass": "✅", "fail": "❌", "error": "⚠️"}


def render_markdown(verdict: Verdict, options: RenderOptions) -> str:
    parts = [
        f"## {_ICON[verdict.decision.value]} serverless-gate: {verdict.decision.value}",
        "",
        verdict_line(verdict),
        "",
        *_counts(verdict),
        *_functions(verdict),
        *_blocking(verdict.blocking),
        *_notes(verdict),
    ]
    text = "\n".join(parts) + "\n"
    if len(text.encode()) <= MAX_BYTES:
        return text
    note = "\n\n_Cut at 1 MiB: the JSON, SARIF or HTML report has every finding._\n"
    cut = text.encode()[: MAX_BYTES - len(note.encode())].decode("utf-8", "ignore")
    return cut[: cut.rfind("\n")] + note


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _counts(verdict: Verdict) -> list[str]:
    levels = [s.label for s in sorted(Severity, reverse=True)]
    header = "| scanner | status | " + " | ".join(levels) + " | blocking |"
    rows = [header, "|" + "---|" * (len(levels) + 3)]
    for result in verdict.scanners:
        mine = [f for f in verdict.findings if f.scanner == result.scanner]
        counts = Counter(f.severity.label for f in mine)
        blocking = sum(f.status is Status.BLOCKING for f in mine)
        cells = " | ".join(str(counts[level]) for level in levels)
        rows.append(f"| {result.scanner} | {result.status.value} | {cells} | {blocking} |")
    return [*rows, ""]


def _functions(verdict: Verdict) -> list[str]:
    rows = function_verdicts(verdict)
    if not rows:
        return []
    lines = ["| function | findings | blocking |", "|---|---|---|"]
    for bundle, name, total, blocking in rows:
        mark = f"❌ {blocking}" if blocking else "✅ 0"
        lines.append(f"| `{_cell(function_label(verdict, bundle, (name,)))}` | {total} | {mark} |")
    return [*lines, ""]


def _blocking(findings: tuple[Finding, ...]) -> list[str]:
    if not findings:
        return []
    rows = [
        "### Blocking findings",
        "",
        "| severity | rule | function | where | message |",
        "|---|---|---|---|---|",
    ]
    for f in findings:
        where = f.location.path if f.bundle == "." else f"{f.bundle}/{f.location.path}"
        if f.location.start_line:
            where += f":{f.location.start_line}"
        rule = f"[{f.rule_id}]({f.help_uri})" if f.help_uri else f.rule_id
        rows.append(
            f"| {f.severity.label} | {_cell(rule)} | {_cell(', '.join(f.functions)) or '-'} "
            f"| `{_cell(where)}` | {_cell(f.message)} |"
        )
    return [*rows, ""]


def _notes(verdict: Verdict) -> list[str]:
    lines = [f"- **{w.code}**: {_cell(w.message)}" for w in verdict.warnings]
    lines += [
        f"- **error** ({issue_source(issue)}): {_cell(issue.message)}" for issue in verdict.errors
    ]
    return ["### Notes", "", *lines, ""] if lines else []
