"""What every report format shares."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from gate.model import Budget, Severity, Status, Verdict


@dataclass(frozen=True)
class RenderOptions:
    """How a report is to be rendered."""

    color: bool = False
    """Console only: ANSI colour (on a terminal, unless NO_COLOR is set)."""
    quiet: bool = False
    """Console only: blocking findings and the verdict line, nothing else."""


def summary(verdict: Verdict) -> dict[str, object]:
    """Counts for the report's summary block: every severity and status, zeros included."""
    by_severity = Counter(f.severity.label for f in verdict.findings)
    by_status = Counter(f.status.value for f in verdict.findings if f.status is not None)
    return {
        "total": len(verdict.findings),
        "blocking": by_status[Status.BLOCKING.value],
        "by_severity": {s.label: by_severity[s.label] for s in sorted(Severity, reverse=True)},
        "by_status": {s.value: by_status[s.value] for s in Status},
        "budgets": {
            b.severity.label: {"limit": b.limit, "count": b.count, "exceeded": b.exceeded}
            for b in verdict.budgets
        },
    }


def budget_text(budget: Budget) -> str:
    return f"{budget.count} {budget.severity.label} findings, budget {budget.limit}"


def verdict_line(verdict: Verdict) -> str:
    """One line that says what the gate decided and why."""
    blocking = verdict.blocking
    if verdict.decision.value == "error":
        failed = [s.scanner for s in verdict.scanners if s.failed]
        return f"ERROR: the gate could not decide: {', '.join(failed) or 'a scanner'} failed"
    over = [budget_text(b) for b in verdict.budgets if b.exceeded]
    if over and not blocking:
        return f"FAIL: over budget ({'; '.join(over)})"
    if blocking:
        levels = Counter(f.severity.label for f in blocking)
        detail = ", ".join(
            f"{levels[s.label]} {s.label}"
            for s in sorted(Severity, reverse=True)
            if levels[s.label]
        )
        budgets = f"; over budget ({'; '.join(over)})" if over else ""
        total = len(verdict.findings)
        return f"FAIL: {len(blocking)} blocking finding(s) ({detail}) of {total}{budgets}"
    return f"PASS: no blocking findings ({len(verdict.findings)} reported, none at the threshold)"
