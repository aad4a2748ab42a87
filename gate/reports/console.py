"""The console report: findings grouped by severity then file, the verdict last."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from itertools import groupby

from rich.console import Console
from rich.text import Text

import gate
from gate.model import Finding, Severity, Status
from gate.reports.base import (
    STATUS_LABEL,
    RenderOptions,
    budget_text,
    by_function,
    coverage,
    displayable,
    function_verdicts,
    issue_source,
    verdict_line,
)
from gate.verdict import FileAccount, Verdict

_SEVERITY_STYLE = {
    Severity.CRITICAL: "bold white on red",
    Severity.HIGH: "bold red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "cyan",
    Severity.INFO: "dim",
}
_Out = Callable[..., None]
_DECISION_STYLE = {"pass": "bold green", "fail": "bold red", "error": "bold magenta"}


def render_console(verdict: Verdict, options: RenderOptions) -> str:
    verdict = displayable(verdict)  # nothing from a bundle may drive the terminal
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        force_terminal=options.color,
        no_color=not options.color,
        color_system="standard" if options.color else None,
        highlight=False,
        emoji=False,
        width=options.width or 10_000,
    )

    def out(text: Text | str = "", whole: bool = False) -> None:
        """Print wrapped to the width; `whole` keeps one line (the verdict)."""
        if whole or not options.width:
            console.print(text, markup=False, soft_wrap=True)
        else:
            console.print(text, markup=False, overflow="fold")

    if not options.quiet:
        _header(verdict, out)
    shown = verdict.blocking if options.quiet else verdict.findings
    groups = by_function(verdict, shown)
    for label, in_function in groups:
        if len(groups) > 1 or label:
            out(Text(f"── {f'function {label}' if label else 'not part of any function'}"))
        _by_severity(in_function, out)
    if not options.quiet:
        _footer(verdict, out)
    out(Text(verdict_line(verdict), style=_DECISION_STYLE[verdict.decision.value]), whole=True)
    return buffer.getvalue()


def _by_severity(findings: list[Finding], out: _Out) -> None:
    for severity, group in groupby(findings, key=lambda f: f.severity):
        out(Text(severity.label.upper(), style=_SEVERITY_STYLE[severity]))
        for path, in_file in groupby(group, key=lambda f: (f.bundle, f.location.path)):
            out(Text(f"  {_display_path(*path)}", style="bold"))
            for finding in in_file:
                out(_finding_line(finding))


def _header(verdict: Verdict, out: _Out) -> None:
    bundles = ", ".join(b.id for b in verdict.bundles)
    out(f"serverless-gate {gate.__version__} · policy {verdict.policy.source} · {bundles}")
    if verdict.git:
        where = f"on {verdict.git.branch}" if verdict.git.branch else "detached"
        dirty = " with uncommitted changes" if verdict.git.dirty else ""
        out(f"git {verdict.git.commit[:12]} {where}{dirty}")
    parts = []
    for s in verdict.scanners:
        version = f" {s.version}" if s.version else ""
        took = "" if s.status.value == "skipped" else f" {s.duration_s:.1f}s"
        parts.append(f"{s.scanner}{version} {s.status.value}{took}")
    out(" · ".join(parts))
    functions = function_verdicts(verdict)
    if functions:
        blocked = sum(1 for row in functions if row.blocking)
        noun = "function" if len(functions) == 1 else "functions"
        out(f"{len(functions)} {noun}, {blocked} with blocking findings")
        # Coverage: the functions whose code was not analysed, by why.
        unread = Counter(
            coverage(f)["code"].partition(": ")[0] if f.left_out else coverage(f)["code"]
            for b in verdict.bundles
            for f in b.functions
        )
        unread.pop("python", None)
        if unread:
            shown = ", ".join(
                f"{why.removeprefix('not analysed: ')} {unread[why]}" for why in sorted(unread)
            )
            out(f"functions whose code was not analysed: {shown}")
    advisories = verdict.advisories
    if advisories:
        out(f"advisories: {advisories.get('source')} dated {advisories.get('date')}")
    out()


def _finding_line(finding: Finding) -> Text:
    line = Text("    ")
    where = f"{finding.location.start_line}" if finding.location.start_line else "-"
    line.append(f"{where:>5}  ")
    line.append(finding.rule_id, style="bold")
    line.append(f"  {finding.message}")
    if finding.location.resource:
        line.append(f"  [{finding.location.resource}]", style="dim")
    status = STATUS_LABEL[finding.status] if finding.status else "unjudged"
    if finding.status is Status.WAIVED and finding.waiver:
        status = f"waived until {finding.waiver.expires}: {finding.waiver.reason}"
    elif finding.status is Status.SUPPRESSED and finding.suppression:
        status = (
            f"suppressed by {finding.suppression.kind}: {finding.suppression.reason or 'no reason'}"
        )
    line.append(f"  ({status})", style="bold red" if finding.status is Status.BLOCKING else "dim")
    return line


def _display_path(bundle: str, path: str) -> str:
    return path if bundle == "." else f"{bundle}/{path}"


def files_line(files: FileAccount) -> str:
    """The one-line summary of the file account."""
    packages = len({(d.name, d.version) for d in files.distributions})
    parts = [
        f"{files.scanned} scanned",
        f"{files.excluded} excluded",
        f"{files.third_party} third-party ({packages} packages)",
        f"{files.ignored} ignored",
    ]
    if files.not_analysed:
        parts.append(f"{files.not_analysed} not analysed")
    if files.out_of_scope:
        parts.append(f"{files.out_of_scope} out of scope")
    return "files: " + ", ".join(parts)


def _footer(verdict: Verdict, out: _Out) -> None:
    if verdict.findings:
        out()
    for budget in verdict.budgets:
        style = "bold red" if budget.exceeded else "dim"
        state = "over budget" if budget.exceeded else "within budget"
        out(Text(f"budget: {budget_text(budget)}: {state}", style=style))
    if verdict.baseline is not None:
        fixed = verdict.baseline["fixed"]
        count = len(fixed) if isinstance(fixed, list) else 0
        out(
            Text(
                f"baseline: {verdict.baseline['matched']} findings in {verdict.baseline['source']} "
                f"do not block; {count} recorded there are fixed",
                style="dim",
            )
        )
    if verdict.diff is not None:
        diff = verdict.diff
        out(
            Text(
                f"diff: {diff['changed_files']} files changed since "
                f"{str(diff['merge_base'])[:12]} (merge base with {diff['base']}); "
                f"{diff['preexisting']} findings the change did not touch do not block",
                style="dim",
            )
        )
    if verdict.files is not None:
        out(Text(files_line(verdict.files), style="dim"))
    for warning in verdict.warnings:
        out(Text(f"warning: [{warning.code}] {warning.message}", style="yellow"))
    for scanner in verdict.scanners:
        if scanner.failed:
            out(Text(f"error: {scanner.scanner}: {scanner.message}", style="magenta"))
    for issue in verdict.errors:
        place = _display_path(issue.bundle or ".", issue.path) if issue.path else issue.bundle
        out(Text(f"error: {issue_source(issue)}: {place}: {issue.message}", style="magenta"))
