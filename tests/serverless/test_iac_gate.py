"""The IaC gap rules through `gate check` with the real scanners: what blocks under the
default policy, and checkov's reports of the same concerns folded into the gate's."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunGate
from tests.serverless.test_iac import IAC
from tests.serverless.test_iac_secrets import fake_secrets
from tests.test_integration import check_json

pytestmark = pytest.mark.slow


def gate_check(run_gate: RunGate, tmp_path: Path, bundle: str) -> tuple[int, dict[str, Any], str]:
    """`gate check` on a copy of a fixture bundle, with its JSON report checked."""
    copy = tmp_path / bundle
    shutil.copytree(IAC / bundle, copy)
    return check_json(run_gate, copy)


def folded(report: dict[str, Any], rule_id: str) -> set[str]:
    return {
        reporter["rule_id"]
        for f in report["findings"]
        if f["rule_id"] == rule_id
        for reporter in f["also_reported_by"]
    }


def test_sam_function_url_without_auth_blocks(run_gate: RunGate, tmp_path: Path) -> None:
    code, report, output = gate_check(run_gate, tmp_path, "sam-url-none")
    assert code == 1, output
    assert {s["status"] for s in report["scanners"]} == {"ok"}, output
    blocking = [f for f in report["findings"] if f["status"] == "blocking"]
    assert [(f["scanner"], f["rule_id"]) for f in blocking] == [("serverless", "GATE-IAC-010")]
    url = blocking[0]
    assert url["severity"] == "high"
    assert (url["path"], url["start_line"]) == ("template.yaml", 15)
    assert url["functions"] == ["StatusFunction"]
    # checkov has no check of SAM's FunctionUrlConfig, so nothing overlaps the URL finding;
    # its concurrency check on the same function is folded into GATE-IAC-017.
    assert folded(report, "GATE-IAC-010") == set()
    assert folded(report, "GATE-IAC-017") == {"CKV_AWS_115"}
    assert "CKV_AWS_115" not in {f["rule_id"] for f in report["findings"]}


@pytest.mark.parametrize(
    ("bundle", "expected"),
    [
        (
            "cfn-endpoints",
            {"GATE-IAC-010": {"CKV_AWS_258"}, "GATE-IAC-011": {"CKV_AWS_59"}},
        ),
        (
            "terraform-gaps",
            {
                "GATE-IAC-010": {"CKV_AWS_258"},
                "GATE-IAC-011": {"CKV_AWS_59", "CKV_AWS_309"},
                "GATE-IAC-012": {"CKV_SECRET_14"},
                "GATE-IAC-015": {"CKV_AWS_50"},
            },
        ),
    ],
)
def test_checkov_reports_of_the_same_concern_are_folded(
    run_gate: RunGate, tmp_path: Path, bundle: str, expected: dict[str, set[str]]
) -> None:
    code, report, output = gate_check(run_gate, tmp_path, bundle)
    assert code == 1, output
    for rule_id, checks in expected.items():
        assert folded(report, rule_id) == checks, rule_id
    left = {f["rule_id"] for f in report["findings"] if f["scanner"] == "checkov"}
    assert not left & set().union(*expected.values())
    for secret in fake_secrets():
        assert secret not in output
