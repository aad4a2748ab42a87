"""Function-role wildcards through `gate check` with the real scanners: they block under the
default policy, and checkov's reports of the same concern are folded into them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunGate
from tests.serverless.test_roles import IAM
from tests.test_integration import check_copies

pytestmark = pytest.mark.slow


def blocking(report: dict[str, Any]) -> list[tuple[str, str, str, int, str]]:
    return [
        (f["scanner"], f["rule_id"], f["severity"], f["start_line"], f["resource"])
        for f in report["findings"]
        if f["status"] == "blocking"
    ]


def folded(report: dict[str, Any], rule_id: str, resource: str) -> set[str]:
    return {
        reporter["rule_id"]
        for f in report["findings"]
        if (f["rule_id"], f["resource"]) == (rule_id, resource)
        for reporter in f["also_reported_by"]
    }


MISSED = {
    # checkov reads only the legacy provider.iamRoleStatements: nothing to fold.
    "serverless-v3-wildcard": [("GATE-IAC-001", "high", 12, "resize")],
    # checkov misses wildcard actions in a SAM function's inline Policies.
    "sam-inline-wildcard": [
        ("GATE-IAC-001", "high", 29, "AWS::Serverless::Function.OrdersFunction")
    ],
}


def test_role_wildcards_block_and_fold_checkovs_reports(run_gate: RunGate, tmp_path: Path) -> None:
    """The fixture bundles in one run, each judged on its own findings."""
    code, own, output = check_copies(run_gate, tmp_path, IAM, "cfn-role-policies", *MISSED)
    assert code == 1 and not any(o["errors"] for o in own.values()), output
    assert {s["status"] for s in own["cfn-role-policies"]["scanners"]} == {"ok"}, output
    for bundle, expected in MISSED.items():
        _wildcards_checkov_misses_block(own[bundle], expected)
    _checkov_findings_on_the_same_role_are_folded(own["cfn-role-policies"])


def _wildcards_checkov_misses_block(
    report: dict[str, Any], expected: list[tuple[str, str, int, str]]
) -> None:
    assert blocking(report) == [("serverless", *e) for e in expected]
    _, _, _, _, resource = blocking(report)[0]
    assert folded(report, "GATE-IAC-001", resource) == set()
    narrowed = [f for f in report["findings"] if f["rule_id"] == "GATE-SLS-011"]
    assert [f["status"] for f in narrowed] == ["allowed"]


def _checkov_findings_on_the_same_role_are_folded(report: dict[str, Any]) -> None:
    assert blocking(report) == [
        ("serverless", "GATE-IAC-001", "critical", 37, "AWS::IAM::Policy.WorkerPolicy"),
        ("serverless", "GATE-IAC-001", "high", 24, "AWS::IAM::Role.WorkerRole"),
        ("serverless", "GATE-IAC-002", "high", 46, "AWS::IAM::ManagedPolicy.WorkerManagedPolicy"),
    ]
    assert {"CKV_AWS_62", "CKV_AWS_63", "CKV_AWS_107"} <= folded(
        report, "GATE-IAC-001", "AWS::IAM::Policy.WorkerPolicy"
    )
    assert folded(report, "GATE-IAC-001", "AWS::IAM::Role.WorkerRole") == {
        "CKV_AWS_109",
        "CKV_AWS_111",
    }
    iam_checks = {"CKV_AWS_62", "CKV_AWS_63", *(f"CKV_AWS_{n}" for n in range(107, 112))}
    assert not [f for f in report["findings"] if f["rule_id"] in iam_checks]
