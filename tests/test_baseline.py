"""Baselines: what the repository already had does not block; what a change adds does."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gate.model import Bundle, Finding, Function, Location, Severity, Status
from gate.policy.baseline import (
    Baseline,
    BaselineError,
    Recorded,
    apply_baseline,
    identities,
    read_baseline,
)
from tests.conftest import RunGate, only_scanners

HANDLER = """\
import subprocess


def handler(event, context):
    command = event["command"]
    subprocess.call(command, shell=True)
    return {"ok": True}
"""
NEW_SINK = "    subprocess.check_output(command + ' --verbose', shell=True)\n"


def finding(
    anchor: str, status: Status = Status.BLOCKING, severity: Severity = Severity.HIGH
) -> Finding:
    return Finding(
        "bandit",
        "B602",
        "t",
        "m",
        severity,
        "b",
        Location("app.py", 1, 1),
        anchor=anchor,
        status=status,
    )


def recorded(f: Finding) -> Recorded:
    return Recorded(
        f.fingerprint, f.scanner, f.rule_id, f.bundle, f.location.path, f.title, f.severity
    )


def test_each_recorded_finding_matches_one_finding() -> None:
    old = finding("subprocess.call(command, shell=True)")
    baseline = Baseline("b.json", (recorded(old),))
    marked, info = apply_baseline([old, old], baseline, ())
    assert [f.status for f in marked] == [Status.BASELINED, Status.BLOCKING]
    assert info == {"source": "b.json", "matched": 1, "fixed": []}


def test_a_finding_more_severe_than_recorded_is_new_and_the_record_not_fixed() -> None:
    # The same statement, once fed a literal (low), now fed event data (high).
    low = finding("subprocess.call('', shell=True)", Status.ALLOWED, Severity.LOW)
    high = finding("subprocess.call('', shell=True)")
    marked, info = apply_baseline([high], Baseline("b.json", (recorded(low),)), ())
    assert [f.status for f in marked] == [Status.BLOCKING]
    assert info == {"source": "b.json", "matched": 0, "fixed": []}


def test_each_finding_takes_the_record_of_its_own_severity() -> None:
    low, high = (finding("os.system(cmd)", severity=s) for s in (Severity.LOW, Severity.HIGH))
    baseline = Baseline("b.json", (recorded(high), recorded(low)))
    marked, _ = apply_baseline([low, high], baseline, ())
    assert [f.status for f in marked] == [Status.BASELINED, Status.BASELINED]


def test_a_record_without_a_severity_matches_as_before() -> None:
    high = finding("os.system(cmd)")
    old = Recorded(high.fingerprint, "bandit", "B602", "b", "app.py", "t")
    marked, _ = apply_baseline([high], Baseline("b.json", (old,)), ())
    assert [f.status for f in marked] == [Status.BASELINED]


def test_recorded_findings_no_longer_reported_are_fixed() -> None:
    gone = finding("os.system(cmd)")
    marked, info = apply_baseline([], Baseline("b.json", (recorded(gone),)), ())
    assert marked == []
    assert [f["fingerprint"] for f in info["fixed"]] == [gone.fingerprint]


def test_a_waived_finding_stays_waived_and_is_not_fixed() -> None:
    waived = finding("eval(x)", Status.WAIVED)
    marked, info = apply_baseline([waived], Baseline("b.json", (recorded(waived),)), ())
    assert marked[0].status is Status.WAIVED
    assert info["fixed"] == [] and info["matched"] == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [("{", "invalid JSON"), ('{"schema": "gate-report/1"}', "not a gate-baseline/1 file")],
)
def test_an_unusable_baseline_is_one_clear_error(
    run_gate: RunGate, tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(text, "utf-8")
    with pytest.raises(BaselineError, match=message):
        read_baseline(path)
    result = run_gate("check", str(tmp_path), "--baseline", str(path))
    assert result.code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert str(path) in result.stderr


def test_baselined_findings_survive_moves_and_new_ones_block(
    run_gate: RunGate, tmp_path: Path, policy_file: Callable[[str], Path]
) -> None:
    bundle = tmp_path / "fn"
    bundle.mkdir()
    app = bundle / "app.py"
    app.write_text(HANDLER, "utf-8")
    policy = str(policy_file(only_scanners("bandit")))
    baseline = tmp_path / "baseline.json"
    created = run_gate(
        "baseline", "create", str(bundle), "--policy", policy, "--output", str(baseline)
    )
    assert created.code == 0, created.stderr
    assert "findings recorded" in created.stdout

    # Twenty lines above the finding, and the line itself reformatted.
    moved = (
        "\n".join(f"# note {n}" for n in range(20))
        + "\n"
        + HANDLER.replace(
            "subprocess.call(command, shell=True)", "subprocess.call( command,  shell=True )"
        )
    )
    app.write_text(moved, "utf-8")
    checked = run_gate(
        "check", str(bundle), "--policy", policy, "--baseline", str(baseline), "--format", "json"
    )
    assert checked.code == 0, checked.stdout
    report = json.loads(checked.stdout)
    statuses = {(f["rule_id"], f["start_line"]): f["status"] for f in report["findings"]}
    assert statuses[("B602", 26)] == "baselined"
    assert report["baseline"]["matched"] >= 1

    # A change that adds a new sink: only the new one blocks.
    app.write_text(moved.replace("    return", NEW_SINK + "    return"), "utf-8")
    checked = run_gate(
        "check", str(bundle), "--policy", policy, "--baseline", str(baseline), "--format", "json"
    )
    assert checked.code == 1
    blocking = [f for f in json.loads(checked.stdout)["findings"] if f["status"] == "blocking"]
    assert [(f["rule_id"], f["start_line"]) for f in blocking] == [("B602", 27)]

    # Fixing the old one lists it as fixed.
    app.write_text(HANDLER.replace("    subprocess.call(command, shell=True)\n", ""), "utf-8")
    checked = run_gate(
        "check", str(bundle), "--policy", policy, "--baseline", str(baseline), "--format", "json"
    )
    fixed = json.loads(checked.stdout)["baseline"]["fixed"]
    assert [(f["rule_id"], f["path"]) for f in fixed] == [("B602", "app.py")]


def test_a_recorded_finding_that_reaches_another_function_is_new() -> None:
    """A recorded admin role given to a second (public) function is new there; one that
    reaches only functions it reached when recorded stays baselined."""
    from dataclasses import replace

    old = replace(finding("Action: '*'"), functions=("Admin",))
    record = replace(recorded(old), functions=("Admin",))
    marked, _ = apply_baseline(
        [replace(old, functions=("Admin", "Orders"))], Baseline("b", (record,)), ()
    )
    assert [f.status for f in marked] == [Status.BLOCKING]
    marked, _ = apply_baseline([old], Baseline("b", (record,)), ())
    assert [f.status for f in marked] == [Status.BASELINED]
    # A baseline written before functions were recorded matches as before.
    marked, _ = apply_baseline(
        [replace(old, functions=("Orders",))], Baseline("b", (recorded(old),)), ()
    )
    assert [f.status for f in marked] == [Status.BASELINED]


def test_a_function_rebuilt_under_a_recorded_name_is_new() -> None:
    """A recorded finding matches a function only while it is what it was: the same name
    given other code (another function renamed after it) or a public event is new; an
    entry written before digests were recorded matches by name."""
    from dataclasses import replace

    admin = Function(
        "Admin", "sam", "template.yaml", 4, "AWS::Serverless::Function.Admin", "python3.12",
        "app.handler", "admin/app.py", "handler", "admin",
    )  # fmt: skip
    old = replace(finding("Action: '*'"), functions=("Admin",))
    recorded_with = replace(recorded(old), functions=("Admin",))
    was = Bundle("b", Path("b"), functions=(admin,))
    record = replace(recorded_with, identities=identities(old, {"b": was}))
    for rebuilt in (replace(admin, code="src"), replace(admin, exposure='{"Events": "Api"}')):
        now = Bundle("b", Path("b"), functions=(rebuilt,))
        marked, _ = apply_baseline([old], Baseline("b", (record,)), (now,))
        assert [f.status for f in marked] == [Status.BLOCKING], rebuilt
        marked, _ = apply_baseline([old], Baseline("b", (recorded_with,)), (now,))
        assert [f.status for f in marked] == [Status.BASELINED], rebuilt
    marked, _ = apply_baseline([old], Baseline("b", (record,)), (was,))
    assert [f.status for f in marked] == [Status.BASELINED]
