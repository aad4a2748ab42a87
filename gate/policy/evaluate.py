"""Applying the policy to what the scanners found: a status for every finding, one decision.

Pure: no I/O, no scanner knowledge beyond the names in the results.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace

from gate.model import (
    Bundle,
    Decision,
    Finding,
    ScanIssue,
    ScanResult,
    Severity,
    Status,
    Suppression,
    Warning_,
)
from gate.policy.baseline import Baseline, apply_baseline
from gate.policy.model import Policy, SuppressionMode
from gate.policy.waivers import apply_waivers
from gate.verdict import Budget, Verdict

# Findings that still count against a budget: not waived, suppressed or preexisting.
_COUNTED = (Status.BLOCKING, Status.ALLOWED)


def evaluate(
    results: Sequence[ScanResult],
    bundles: Sequence[Bundle],
    policy: Policy,
    warnings: Sequence[Warning_],
    advisories: dict[str, object] | None = None,
    today: datetime.date | None = None,
    problems: Sequence[ScanIssue] = (),
    baseline: Baseline | None = None,
) -> Verdict:
    """The verdict of `policy` on the scanners' results. `problems` are what the gate
    itself could not check (a function's code missing): any of them is an error. Findings
    a `baseline` recorded do not block (nor, after diff mode's stage, gate.scan.diff,
    those a change did not touch)."""
    judged = [_judge(finding, policy) for result in results for finding in result.findings]
    findings, waiver_warnings = apply_waivers(
        judged, policy.waivers, today or datetime.date.today(), len(bundles)
    )
    baselined = None
    if baseline is not None:
        findings, baselined = apply_baseline(findings, baseline, bundles)
    budgets = _budgets(findings, policy)
    all_warnings = [*warnings, *waiver_warnings, *_optional_failures(results, policy)]
    failed = bool(problems) or _required_failed(results, policy)
    decision = Decision.ERROR if failed else decided(findings, budgets)
    return Verdict(
        decision=decision,
        findings=tuple(sorted(findings, key=_order)),
        scanners=tuple(results),
        bundles=tuple(bundles),
        policy=policy.source,
        warnings=tuple(all_warnings),
        errors=(*problems, *(issue for result in results for issue in result.issues)),
        advisories=dict(advisories or {}),
        budgets=budgets,
        baseline=baselined,
    )


def rejudged(verdict: Verdict, findings: Sequence[Finding], policy: Policy) -> Verdict:
    """`verdict` with `findings` (the same findings, some given another status by a later
    stage) in place of its own: the budgets and the decision worked out again. An error
    stays an error: it never came from the findings."""
    budgets = _budgets(findings, policy)
    decision = verdict.decision
    if decision is not Decision.ERROR:
        decision = decided(findings, budgets)
    return replace(
        verdict, findings=tuple(sorted(findings, key=_order)), budgets=budgets, decision=decision
    )


def _judge(finding: Finding, policy: Policy) -> Finding:
    override = policy.severity.get(finding.rule_id)
    if override is not None:
        finding = replace(finding, severity=override)
    if accepts(finding.suppression, policy.inline_suppressions):
        return replace(finding, status=Status.SUPPRESSED)
    settings = policy.scanner(finding.scanner)
    if finding.confidence is not None and finding.confidence.rank < settings.min_confidence.rank:
        return replace(finding, status=Status.ALLOWED)
    blocks = settings.fail_on is not None and finding.severity >= settings.fail_on
    return replace(finding, status=Status.BLOCKING if blocks else Status.ALLOWED)


def accepts(suppression: Suppression | None, mode: SuppressionMode) -> bool:
    """Whether an inline suppression counts under the policy's `inline_suppressions`."""
    if suppression is None or mode is SuppressionMode.DENY:
        return False
    return mode is SuppressionMode.ALLOW or bool(suppression.reason)


def decided(findings: Iterable[Finding], budgets: Iterable[Budget]) -> Decision:
    """The decision of a run the gate could check: fail when a finding blocks or a budget
    is over, else pass."""
    blocking = any(f.status is Status.BLOCKING for f in findings)
    return Decision.FAIL if blocking or any(b.exceeded for b in budgets) else Decision.PASS


def counted(findings: Iterable[Finding]) -> Counter[Severity]:
    """How many findings of each severity count against a budget."""
    return Counter(f.severity for f in findings if f.status in _COUNTED)


def _budgets(findings: Sequence[Finding], policy: Policy) -> tuple[Budget, ...]:
    counts = counted(findings)
    return tuple(
        Budget(severity, limit, counts[severity])
        for severity, limit in sorted(policy.budgets.items(), reverse=True)
    )


def _required_failed(results: Sequence[ScanResult], policy: Policy) -> bool:
    return any(r.failed and policy.scanner(r.scanner).required for r in results)


def _optional_failures(results: Sequence[ScanResult], policy: Policy) -> list[Warning_]:
    return [
        Warning_(
            "scanner-failed",
            f"{r.scanner} (not required) {r.status.value}: {r.message}",
        )
        for r in results
        if r.failed and not policy.scanner(r.scanner).required
    ]


def _order(finding: Finding) -> tuple[int, str, str, int, str]:
    return (
        -finding.severity,
        finding.bundle,
        finding.location.path,
        finding.location.start_line or 0,
        finding.rule_id,
    )
