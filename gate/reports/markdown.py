"""Markdown for `$GITHUB_STEP_SUMMARY` and pull-request comments."""

from __future__ import annotations

from collections import Counter

from gate.model import Finding, Severity, Status
from gate.reports.base import (
    RenderOptions,
    displayable,
    function_label,
    function_verdicts,
    issue_source,
    markdown_text,
    verdict_line,
    web_link,
)
from gate.verdict import Verdict

MAX_BYTES = 1 << 20
_ICON = {"pass": "✅", "fail": "❌", "error": "⚠️"}


def render_markdown(verdict: Verdict, options: RenderOptions) -> str:
    verdict = displayable(verdict)
    parts = [
        f"## {_ICON[verdict.decision.value]} serverless-gate: {verdict.decision.value}",
        "",
        _cell(verdict_line(verdict)),
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
    """Text from the verdict as Markdown that shows it literally, on one line."""
    return markdown_text(text)


def _code(text: str) -> str:
    """Text shown as code: a `<code>` element, whose content can be escaped (a code
    span's cannot, and a backtick in the text would end it)."""
    return f"<code>{_cell(text)}</code>"


def _link(text: str, uri: str | None) -> str:
    link = web_link(uri)
    if link is None:
        return _cell(text)
    return f"[{_cell(text)}]({link})"  # web_link percent-encodes brackets and parentheses


def _counts(verdict: Verdict) -> list[str]:
    levels = [s.label for s in sorted(Severity, reverse=True)]
    header = "| scanner | status | " + " | ".join(levels) + " | blocking |"
    rows = [header, "|" + "---|" * (len(levels) + 3)]
    for result in verdict.scanners:
        mine = [f for f in verdict.findings if f.scanner == result.scanner]
        counts = Counter(f.severity.label for f in mine)
        blocking = sum(f.status is Status.BLOCKING for f in mine)
        cells = " | ".join(str(counts[level]) for level in levels)
        rows.append(f"| {_cell(result.scanner)} | {result.status.value} | {cells} | {blocking} |")
    return [*rows, ""]


def _functions(verdict: Verdict) -> list[str]:
    rows = function_verdicts(verdict)
    if not rows:
        return []
    lines = [
        "| function | IaC | code | dependencies | findings | blocking |",
        "|---|---|---|---|---|---|",
    ]
    for row in rows:
        mark = f"❌ {row.blocking}" if row.blocking else "✅ 0"
        label = function_label(verdict, row.bundle, (row.function.name,))
        shown = row.coverage
        manifests = ", ".join(_code(m) for m in shown["dependencies"]) or "none found"
        lines.append(
            f"| {_code(label)} | {_code(shown['iac'])} | {_cell(shown['code'])} "
            f"| {manifests} | {row.findings} | {mark} |"
        )
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
        rows.append(
            f"| {f.severity.label} | {_link(f.rule_id, f.help_uri)} "
            f"| {_cell(', '.join(f.functions)) or '-'} | {_code(where)} | {_cell(f.message)} |"
        )
    return [*rows, ""]


def _notes(verdict: Verdict) -> list[str]:
    lines = [f"- **{_cell(w.code)}**: {_cell(w.message)}" for w in verdict.warnings]
    lines += [
        f"- **error** ({_cell(issue_source(issue))}): {_cell(issue.message)}"
        for issue in verdict.errors
    ]
    return ["### Notes", "", *lines, ""] if lines else []
