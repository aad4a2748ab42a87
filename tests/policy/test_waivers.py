"""Waivers in every state, inline suppressions in every mode, and budgets."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest

from gate.errors import PolicyError
from gate.model import (
    Bundle,
    Decision,
    Finding,
    Location,
    ScanResult,
    ScanStatus,
    Severity,
    Status,
    Suppression,
)
from gate.policy.evaluate import evaluate
from gate.policy.load import load_policy
from gate.verdict import Verdict

TODAY = datetime.date(2026, 11, 29)
BUNDLE = Bundle("fn", Path("/fn"))
WritePolicy = Callable[[str], Path]


def finding(rule: str, severity: Severity = Severity.HIGH, **extra: object) -> Finding:
    scanner = "bandit" if rule.startswith("B") else "checkov"
    location = extra.pop("location", Location("src/app.py", 3, 3))
    return Finding(
        scanner=scanner,
        rule_id=rule,
        title=rule,
        message=rule,
        severity=severity,
        bundle="fn",
        location=location,  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )


def verdict(policy_file: WritePolicy, text: str, *findings: Finding) -> Verdict:
    policy = load_policy(policy_file(text), today=TODAY)
    results = [ScanResult("bandit", ScanStatus.OK, findings=findings)]
    return evaluate(results, [BUNDLE], policy, [], today=TODAY)


def waiver(rule: str, expires: str, **scope: str) -> str:
    key = "rules_matching" if "*" in rule else "rule"
    lines = [f"  - {key}: {rule}", "    reason: tracked in SEC-123", f"    expires: {expires}"]
    lines += [f"    {key}: '{value}'" for key, value in scope.items()]
    return "\n".join(lines) + "\n"


def test_active_waiver_waives_with_its_reason(policy_file: WritePolicy) -> None:
    text = "version: 1\nwaivers:\n" + waiver("B602", "2027-03-01", approved_by="security")
    result = verdict(policy_file, text, finding("B602"))
    (waived,) = result.findings
    assert waived.status is Status.WAIVED
    assert waived.waiver is not None
    assert (waived.waiver.reason, waived.waiver.expires) == ("tracked in SEC-123", "2027-03-01")
    assert waived.waiver.approved_by == "security"
    assert result.decision is Decision.PASS
    assert result.warnings == ()


def test_expired_waiver_no_longer_applies(policy_file: WritePolicy) -> None:
    text = "version: 1\nwaivers:\n" + waiver("B602", "2026-11-28")
    result = verdict(policy_file, text, finding("B602"))
    assert result.findings[0].status is Status.BLOCKING
    assert result.decision is Decision.FAIL
    (warning,) = result.warnings
    assert warning.code == "waiver-expired"
    assert "waiver of B602" in warning.message and "gate.yml:3" in warning.message


def test_waiver_expiring_soon_warns(policy_file: WritePolicy) -> None:
    text = "version: 1\nwaivers:\n" + waiver("B602", "2026-12-10")
    result = verdict(policy_file, text, finding("B602"))
    assert result.findings[0].status is Status.WAIVED
    assert [w.code for w in result.warnings] == ["waiver-expiring"]
    assert "in 11 days" in result.warnings[0].message


def test_unused_waiver_warns(policy_file: WritePolicy) -> None:
    text = "version: 1\nwaivers:\n" + waiver("B999", "2027-03-01")
    result = verdict(policy_file, text, finding("B602"))
    assert result.findings[0].status is Status.BLOCKING
    assert [w.code for w in result.warnings] == ["waiver-unused"]


@pytest.mark.parametrize(
    ("scope", "covered"),
    [
        ({"path": "src/*.py"}, True),
        ({"path": "fn/src/app.py"}, True),
        ({"path": "tests/**"}, False),
        ({"resource": "AWS::Serverless::Function.*"}, True),
        ({"resource": "AWS::IAM::Role.*"}, False),
    ],
)
def test_waiver_scope(policy_file: WritePolicy, scope: dict[str, str], covered: bool) -> None:
    located = Location("src/app.py", 3, 3, "AWS::Serverless::Function.Orders")
    text = "version: 1\nwaivers:\n" + waiver("CKV_AWS_*", "2027-03-01", **scope)
    result = verdict(policy_file, text, finding("CKV_AWS_116", location=located))
    assert (result.findings[0].status is Status.WAIVED) is covered


@pytest.mark.parametrize(("path", "covered"), [("src/*.py", False), ("fn/src/*.py", True)])
def test_in_a_run_of_several_bundles_a_waiver_path_starts_with_the_bundle(
    policy_file: WritePolicy, path: str, covered: bool
) -> None:
    """With two bundles, `src/*.py` could be either bundle's folder: only `fn/src/*.py`
    waives fn's finding, and the unused waiver says how to write it."""
    policy = load_policy(
        policy_file("version: 1\nwaivers:\n" + waiver("B602", "2027-03-01", path=path)), today=TODAY
    )
    results = [ScanResult("bandit", ScanStatus.OK, findings=(finding("B602"),))]
    bundles = [BUNDLE, Bundle("other", Path("/other"))]
    result = evaluate(results, bundles, policy, [], today=TODAY)
    assert (result.findings[0].status is Status.WAIVED) is covered
    unused = [w.message for w in result.warnings if w.code == "waiver-unused"]
    assert unused == ([] if covered else [unused[0]])
    assert covered or "fn/src/app.py; to waive it there, start the path" in unused[0]


@pytest.mark.parametrize(("path", "widened"), [("src", True), ("src/*.py", False)])
def test_a_waiver_path_that_now_waives_more_is_warned(
    policy_file: WritePolicy, path: str, widened: bool
) -> None:
    """`path: src` matched no file as an fnmatch glob; as a .gitignore glob it covers the
    folder's files: a wider waiver is a quieter gate, said once."""
    text = "version: 1\nwaivers:\n" + waiver("B602", "2027-03-01", path=path)
    result = verdict(policy_file, text, finding("B602"), finding("B602"))
    assert all(f.status is Status.WAIVED for f in result.findings)
    codes = [w.code for w in result.warnings]
    assert codes == (["waiver-widened"] if widened else [])
    if widened:
        assert "'src/app.py'" in result.warnings[0].message


def test_waiver_by_fingerprint_and_by_alias(policy_file: WritePolicy) -> None:
    target = finding("B602")
    other = finding("B602", location=Location("src/other.py", 9, 9))
    advisory = finding("PYSEC-2018-28", aliases=("CVE-2018-18074",))
    text = (
        "version: 1\nwaivers:\n"
        + waiver("B602", "2027-03-01", fingerprint=target.fingerprint)
        + waiver("CVE-2018-18074", "2027-03-01")
    )
    result = verdict(policy_file, text, target, other, advisory)
    statuses = {(f.rule_id, f.location.path): f.status for f in result.findings}
    assert statuses == {
        ("B602", "src/app.py"): Status.WAIVED,
        ("B602", "src/other.py"): Status.BLOCKING,
        ("PYSEC-2018-28", "src/app.py"): Status.WAIVED,
    }


def test_a_waiver_by_fingerprint_waives_one_copy_of_the_problem(
    policy_file: WritePolicy,
) -> None:
    # The waived statement pasted again elsewhere in the file has the same fingerprint
    # (its line is not part of it): the copy is new, as a baseline entry matches once.
    target = finding("B602")
    copy = finding("B602", location=Location("src/app.py", 40, 40))
    text = "version: 1\nwaivers:\n" + waiver("B602", "2027-03-01", fingerprint=target.fingerprint)
    result = verdict(policy_file, text, target, copy)
    assert [f.status for f in result.findings] == [Status.WAIVED, Status.BLOCKING]
    assert [w.code for w in result.warnings] == ["waiver-repeated"]


def test_waiver_beyond_max_waiver_days_is_refused(policy_file: WritePolicy) -> None:
    text = "version: 1\nmax_waiver_days: 30\nwaivers:\n" + waiver("B602", "2027-03-01")
    with pytest.raises(PolicyError, match=r"gate.yml:6:5: waiver of B602 expires 2027-03-01"):
        load_policy(policy_file(text), today=TODAY)


def test_environment_waivers_replace_the_base_ones(policy_file: WritePolicy) -> None:
    text = (
        "version: 1\nwaivers:\n"
        + waiver("B602", "2027-03-01")
        + "environments:\n  prod:\n    waivers: []\n"
    )
    path = policy_file(text)
    assert len(load_policy(path, today=TODAY).waivers) == 1
    assert load_policy(path, "prod", today=TODAY).waivers == ()


NOSEC_WITH_REASON = Suppression("nosec", "command is a constant")
BARE_NOSEC = Suppression("nosec", None)
SKIP_WITH_REASON = Suppression("checkov:skip", "bucket serves public assets")
METADATA_SKIP = Suppression("Metadata.checkov.skip", None)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("allow", [Status.SUPPRESSED] * 4),
        (
            "require-reason",
            [Status.SUPPRESSED, Status.BLOCKING, Status.SUPPRESSED, Status.BLOCKING],
        ),
        ("deny", [Status.BLOCKING] * 4),
    ],
)
def test_inline_suppression_modes(
    policy_file: WritePolicy, mode: str, expected: list[Status]
) -> None:
    findings = [
        finding("B602", suppression=NOSEC_WITH_REASON),
        finding("B605", suppression=BARE_NOSEC),
        finding("CKV_AWS_53", suppression=SKIP_WITH_REASON),
        finding("CKV_AWS_54", suppression=METADATA_SKIP),
    ]
    result = verdict(policy_file, f"version: 1\ninline_suppressions: {mode}\n", *findings)
    by_rule = {f.rule_id: f.status for f in result.findings}
    assert [by_rule[rule] for rule in ("B602", "B605", "CKV_AWS_53", "CKV_AWS_54")] == expected


def test_default_mode_requires_a_reason(policy_file: WritePolicy) -> None:
    result = verdict(policy_file, "version: 1\n", finding("B602", suppression=BARE_NOSEC))
    assert result.findings[0].status is Status.BLOCKING


def test_budget_fails_below_the_threshold(policy_file: WritePolicy) -> None:
    text = "version: 1\nfail_on: high\nbudgets: {medium: 2}\n"
    mediums = [finding(f"B3{i:02d}", Severity.MEDIUM) for i in range(3)]
    result = verdict(policy_file, text, *mediums)
    assert all(f.status is Status.ALLOWED for f in result.findings)
    assert result.decision is Decision.FAIL
    (budget,) = result.budgets
    assert (budget.severity, budget.limit, budget.count, budget.exceeded) == (
        Severity.MEDIUM,
        2,
        3,
        True,
    )


def test_waived_findings_do_not_count_against_a_budget(policy_file: WritePolicy) -> None:
    text = "version: 1\nbudgets: {medium: 2}\nwaivers:\n" + waiver("B300", "2027-01-01")
    mediums = [finding(f"B3{i:02d}", Severity.MEDIUM) for i in range(3)]
    result = verdict(policy_file, text, *mediums)
    assert result.decision is Decision.PASS
    assert result.budgets[0].count == 2
