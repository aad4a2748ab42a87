"""The taint and container-reuse rules are in the serverless rule catalogue, rated, and
explained by `gate explain`."""

from __future__ import annotations

import pytest

from gate.catalogue import serverless_rule
from gate.rules import reuse, taint
from tests.conftest import RunGate

RULE_IDS = [*taint.RULE_IDS, *reuse.RULE_IDS]


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_is_in_the_catalogue(rule_id: str) -> None:
    entry = serverless_rule(rule_id)
    assert set(entry) == {"title", "severity", "cwe", "why", "fix"}
    assert str(entry["cwe"]).startswith("CWE-")
    assert all(len(entry[key]) >= 40 for key in ("why", "fix"))


def test_ratings() -> None:
    assert {serverless_rule(r)["severity"] for r in taint.RULE_IDS} == {"critical"}
    # Below the default policy's threshold (high): a leak risk, not an exploit by itself.
    assert serverless_rule(reuse.STATE)["severity"] == "medium"
    assert serverless_rule(reuse.TMP)["severity"] == "low"


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_gate_explain(run_gate: RunGate, rule_id: str) -> None:
    result = run_gate("explain", rule_id)
    assert result.code == 0, result.stderr
    assert result.stdout.startswith(f"{rule_id} (serverless, ")
    assert serverless_rule(rule_id)["title"] in result.stdout
    assert "How to fix:" in result.stdout
