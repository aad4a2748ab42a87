"""Applying the policy to what the scanners found: a status for every finding, one decision.

Pure: no I/O, no scanner knowledge beyond the names in the results.
"""

from __future__ import annotations

from dataclasses import replace

from gate.model import (
    Bundle,
    Decision,
    Finding,
    ScanResult,
    ScanStatus,
    Status,
    Verdict,
    Warning_,
)
from gate.policy.model import Policy


def evaluate(
    results: list[ScanResult],
    bundles: list[Bundle],
    policy: Policy,
    warnings: list[Warning_],
    advisories: dict[str, object] | None = None,
) -> Verdict:
    """The verdict of `policy` on the scanners' results."""
    findings = tuple(_judge(finding, policy) for result in results for finding in result.findings)
    all_warnings = list(warnings)
    failed_required = False
    for result in results:
        if result.status in (ScanStatus.ERROR, ScanStatus.TIMEOUT):
            if policy.scanner(result.scanner).required:
                failed_required = True
            else:
                all_warnings.append(
                    Warning_(
                        "scanner-failed",
                        f"{result.scanner} (not required) {result.status.value}: {result.message}",
                    )
                )
    if failed_required:
        decision = Decision.ERROR
    elif any(f.status is Status.BLOCKING for f in findings):
        decision = Decision.FAIL
    else:
        decision = Decision.PASS
    return Verdict(
        decision=decision,
        findings=tuple(sorted(findings, key=_order)),
        scanners=tuple(results),
        bundles=tuple(bundles),
        policy=policy.source,
        warnings=tuple(all_warnings),
        errors=tuple(issue for result in results for issue in result.issues),
        advisories=dict(advisories or {}),
    )


def _judge(finding: Finding, policy: Policy) -> Finding:
    override = policy.severity.get(finding.rule_id)
    if override is not None:
        finding = replace(finding, severity=override)
    if finding.status is not None:  # an inline suppression the scanner already recognised
        return finding
    settings = policy.scanner(finding.scanner)
    if finding.confidence is not None and finding.confidence.rank < settings.min_confidence.rank:
        return replace(finding, status=Status.ALLOWED)
    blocks = settings.fail_on is not None and finding.severity >= settings.fail_on
    return replace(finding, status=Status.BLOCKING if blocks else Status.ALLOWED)


def _order(finding: Finding) -> tuple[int, str, str, int, str]:
    return (
        -finding.severity,
        finding.bundle,
        finding.location.path,
        finding.location.start_line or 0,
        finding.rule_id,
    )
