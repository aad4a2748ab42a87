"""A waiver of a claim the gate folded into a stronger finding (bandit's B602 into the
proven taint GATE-SLS-001): it matched, so it is not "unused"; the warning says what
happened and which rule to waive, and the stronger finding stays as it was judged."""

from __future__ import annotations

import datetime

from gate.model import Finding, Location, Reporter, Severity, Status
from gate.policy.model import WaiverRule
from gate.policy.waivers import apply_waivers

TODAY = datetime.date(2026, 11, 29)
EXPIRES = datetime.date(2027, 3, 1)


def taint(path: str = "src/app.py", line: int = 5) -> Finding:
    return Finding(
        scanner="serverless",
        rule_id="GATE-SLS-001",
        title="Event data reaches a shell command",
        message="event data reaches subprocess.call()",
        severity=Severity.CRITICAL,
        bundle="fn",
        location=Location(path, line, line),
        also_reported_by=(Reporter("bandit", "B602"),),
        status=Status.BLOCKING,
    )


def bandit(line: int) -> Finding:
    return Finding(
        scanner="bandit",
        rule_id="B602",
        title="subprocess popen with shell equals true",
        message="shell=True",
        severity=Severity.HIGH,
        bundle="fn",
        location=Location("src/other.py", line, line),
        status=Status.BLOCKING,
    )


def waiver(rule: str = "B602", path: str | None = None) -> WaiverRule:
    return WaiverRule(rule, "tracked in SEC-123", EXPIRES, path=path, where="gate.yml:4")


def test_a_waiver_of_only_the_folded_claim_says_so_and_the_finding_stays_blocking() -> None:
    findings, warnings = apply_waivers([taint()], [waiver(path="src/app.py")], TODAY)
    assert [f.status for f in findings] == [Status.BLOCKING]
    assert [w.code for w in warnings] == ["waiver-covers-weaker-claim"]
    message = warnings[0].message
    for text in (
        "waiver of B602 on src/app.py (gate.yml:4)",
        "bandit B602 at src/app.py:5",
        "GATE-SLS-001",
        "stays blocking",
        "write the waiver for rule GATE-SLS-001",
    ):
        assert text in message, message


def test_a_waiver_used_elsewhere_still_says_what_it_did_not_waive() -> None:
    findings, warnings = apply_waivers([taint(), bandit(9)], [waiver()], TODAY)
    assert [f.status for f in findings] == [Status.BLOCKING, Status.WAIVED]
    assert [w.code for w in warnings] == ["waiver-covers-weaker-claim"]


def test_a_waiver_of_the_stronger_finding_waives_it_quietly() -> None:
    findings, warnings = apply_waivers([taint()], [waiver("GATE-SLS-001")], TODAY)
    assert [f.status for f in findings] == [Status.WAIVED]
    assert warnings == []


def test_a_waiver_scoped_elsewhere_is_still_unused() -> None:
    _, warnings = apply_waivers([taint()], [waiver(path="src/other.py")], TODAY)
    assert [w.code for w in warnings] == ["waiver-unused"]


def test_an_expired_waiver_of_a_folded_claim_only_says_it_expired() -> None:
    old = WaiverRule("B602", "tracked in SEC-123", datetime.date(2026, 1, 1), where="gate.yml:4")
    _, warnings = apply_waivers([taint()], [old], TODAY)
    assert [w.code for w in warnings] == ["waiver-expired"]
