"""The decision: thresholds, confidence, overrides and scanner failures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gate.model import (
    Bundle,
    Confidence,
    Decision,
    Finding,
    Location,
    ScanResult,
    ScanStatus,
    Severity,
    Status,
)
from gate.policy.evaluate import evaluate
from gate.policy.load import builtin_policy, load_policy

BUNDLE = Bundle("fn", Path("/fn"))


def finding(scanner: str, rule: str, severity: Severity, **extra: object) -> Finding:
    return Finding(
        scanner=scanner,
        rule_id=rule,
        title=rule,
        message=rule,
        severity=severity,
        bundle="fn",
        location=Location("app.py", 3, 3),
        **extra,  # type: ignore[arg-type]
    )


def ok(scanner: str, *findings: Finding) -> ScanResult:
    return ScanResult(scanner, ScanStatus.OK, "1.0", 0.1, None, findings)


def statuses(
    results: list[ScanResult],
    policy_text: str | None = None,
    write: Callable[[str], Path] | None = None,
) -> dict[str, Status | None]:
    policy = load_policy(write(policy_text)) if write and policy_text else builtin_policy("default")
    verdict = evaluate(results, [BUNDLE], policy, [])
    return {f.rule_id: f.status for f in verdict.findings}


def test_findings_at_or_above_threshold_block() -> None:
    results = [
        ok(
            "bandit",
            finding("bandit", "B602", Severity.HIGH),
            finding("bandit", "B101", Severity.LOW),
        ),
        ok("checkov", finding("checkov", "CKV_SECRET_2", Severity.CRITICAL)),
    ]
    verdict = evaluate(results, [BUNDLE], builtin_policy("default"), [])
    assert verdict.decision is Decision.FAIL
    assert {f.rule_id: f.status for f in verdict.findings} == {
        "CKV_SECRET_2": Status.BLOCKING,
        "B602": Status.BLOCKING,
        "B101": Status.ALLOWED,
    }
    assert [f.rule_id for f in verdict.findings] == ["CKV_SECRET_2", "B602", "B101"]


def test_nothing_at_threshold_passes() -> None:
    verdict = evaluate(
        [ok("bandit", finding("bandit", "B101", Severity.MEDIUM))],
        [BUNDLE],
        builtin_policy("default"),
        [],
    )
    assert verdict.decision is Decision.PASS


def test_scanner_threshold_and_overrides(policy_file: Callable[[str], Path]) -> None:
    text = (
        "version: 1\nfail_on: high\nscanners:\n  checkov: {fail_on: low}\n"
        "  bandit: {fail_on: never}\nseverity:\n  CKV_AWS_11*: info\n  B3*: critical\n"
    )
    results = [
        ok(
            "checkov",
            finding("checkov", "CKV_AWS_116", Severity.LOW),
            finding("checkov", "CKV_AWS_117", Severity.LOW),
        ),
        ok("bandit", finding("bandit", "B301", Severity.MEDIUM)),
    ]
    assert statuses(results, text, policy_file) == {
        "CKV_AWS_116": Status.ALLOWED,  # overridden down to info, below checkov's `low`
        "CKV_AWS_117": Status.ALLOWED,
        "B301": Status.ALLOWED,  # raised to critical, but bandit never blocks here
    }


def test_low_confidence_is_allowed(policy_file: Callable[[str], Path]) -> None:
    text = "version: 1\nscanners:\n  bandit: {min_confidence: medium}\n"
    results = [
        ok(
            "bandit",
            finding("bandit", "B602", Severity.HIGH, confidence=Confidence.LOW),
            finding("bandit", "B605", Severity.HIGH, confidence=Confidence.MEDIUM),
        )
    ]
    assert statuses(results, text, policy_file) == {"B602": Status.ALLOWED, "B605": Status.BLOCKING}


def test_required_scanner_failure_is_an_error_even_with_blocking_findings() -> None:
    results = [
        ok("bandit", finding("bandit", "B602", Severity.HIGH)),
        ScanResult("checkov", ScanStatus.TIMEOUT, message="timed out"),
    ]
    verdict = evaluate(results, [BUNDLE], builtin_policy("default"), [])
    assert verdict.decision is Decision.ERROR
    assert verdict.decision.exit_code == 2


def test_optional_scanner_failure_warns(policy_file: Callable[[str], Path]) -> None:
    policy = load_policy(policy_file("version: 1\nscanners:\n  checkov: {required: false}\n"))
    verdict = evaluate(
        [ScanResult("checkov", ScanStatus.ERROR, message="boom")], [BUNDLE], policy, []
    )
    assert verdict.decision is Decision.PASS
    assert [w.code for w in verdict.warnings] == ["scanner-failed"]


def test_a_later_stage_rejudges_the_verdict_and_an_error_stays_one() -> None:
    """Diff mode's stage marks findings preexisting after the verdict is made: the
    decision and budgets follow the findings' new statuses; an error never came from
    them and stays."""
    from dataclasses import replace

    from gate.policy.evaluate import rejudged

    policy = builtin_policy("default")
    verdict = evaluate(
        [ok("bandit", finding("bandit", "B602", Severity.HIGH))], [BUNDLE], policy, []
    )
    assert verdict.decision is Decision.FAIL
    earlier = [replace(f, status=Status.PREEXISTING) for f in verdict.findings]
    assert rejudged(verdict, earlier, policy).decision is Decision.PASS
    failed = replace(verdict, decision=Decision.ERROR)
    assert rejudged(failed, earlier, policy).decision is Decision.ERROR
