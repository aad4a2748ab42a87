"""The IaC gap rules through `gate check` with the real scanners: what blocks under the
default policy, and checkov's reports of the same concerns folded into the gate's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunGate
from tests.serverless.test_iac import IAC
from tests.serverless.test_iac_secrets import fake_secrets
from tests.test_integration import check_copies

pytestmark = pytest.mark.slow


def folded(report: dict[str, Any], rule_id: str) -> set[str]:
    return {
        reporter["rule_id"]
        for f in report["findings"]
        if f["rule_id"] == rule_id
        for reporter in f["also_reported_by"]
    }


FOLDED = {
    "cfn-endpoints": {"GATE-IAC-010": {"CKV_AWS_258"}, "GATE-IAC-011": {"CKV_AWS_59"}},
    "terraform-gaps": {
        "GATE-IAC-010": {"CKV_AWS_258"},
        "GATE-IAC-011": {"CKV_AWS_59", "CKV_AWS_309"},
        "GATE-IAC-012": {"CKV_SECRET_14"},
        "GATE-IAC-015": {"CKV_AWS_50"},
    },
}


def test_the_gap_rules_block_and_fold_checkovs_reports(run_gate: RunGate, tmp_path: Path) -> None:
    """The fixture bundles in one run: each blocks on its own findings, every scanner ran,
    no fake secret is shown."""
    code, own, output = check_copies(run_gate, tmp_path, IAC, "sam-url-none", *FOLDED)
    assert code == 1 and not any(o["errors"] for o in own.values()), output
    assert {s["status"] for s in own["sam-url-none"]["scanners"]} == {"ok"}, output
    _sam_function_url_without_auth_blocks(own["sam-url-none"])
    for bundle, expected in FOLDED.items():
        _checkov_reports_of_the_same_concern_are_folded(own[bundle], expected, bundle)
    for secret in fake_secrets():
        assert secret not in output


def _sam_function_url_without_auth_blocks(report: dict[str, Any]) -> None:
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


def _checkov_reports_of_the_same_concern_are_folded(
    report: dict[str, Any], expected: dict[str, set[str]], bundle: str
) -> None:
    assert any(f["status"] == "blocking" for f in report["findings"]), bundle
    for rule_id, checks in expected.items():
        assert folded(report, rule_id) == checks, (bundle, rule_id)
    left = {f["rule_id"] for f in report["findings"] if f["scanner"] == "checkov"}
    assert not left & set().union(*expected.values()), bundle
