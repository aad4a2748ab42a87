"""`gate rules` and `gate explain`: every rule, its effective severity, and what to do."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gate.catalogue import GATE_RULES
from tests.conftest import RunGate

POLICIES = Path(__file__).resolve().parent.parent / "gate" / "policies"


def listed(output: str) -> dict[str, tuple[str, str]]:
    rows = [line.split(None, 3) for line in output.splitlines()]
    return {row[0]: (row[1], row[2]) for row in rows}


def test_rules_lists_every_rule_of_every_scanner(run_gate: RunGate) -> None:
    result = run_gate("rules")
    assert result.code == 0, result.stderr
    rules = listed(result.stdout)
    checkov_ids = json.loads((POLICIES / "checkov-checks.json").read_text())
    assert set(checkov_ids) <= set(rules)
    assert rules["CKV_AWS_45"] == ("checkov", "critical")
    assert rules["CKV_AWS_116"] == ("checkov", "low")
    assert rules["B602"] == ("bandit", "high")
    assert set(GATE_RULES) <= set(rules)


def test_rules_show_the_policy_overrides(
    run_gate: RunGate, policy_file: Callable[[str], Path]
) -> None:
    policy = policy_file("version: 1\nseverity:\n  B602: low\n  CKV_AWS_11*: info\n")
    result = run_gate("rules", "--scanner", "bandit", "--policy", str(policy))
    rules = listed(result.stdout)
    assert {scanner for scanner, _ in rules.values()} == {"bandit"}
    assert rules["B602"] == ("bandit", "low")
    checkov = listed(run_gate("rules", "--scanner", "checkov", "--policy", str(policy)).stdout)
    assert checkov["CKV_AWS_116"] == ("checkov", "info")


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("CKV_AWS_45", "checkov, critical"),
        ("CKV_AWS_117", "checkov, low"),
        ("CKV_AZURE_10", "checkov"),  # rated and explained by its category
        ("B602", "bandit, high"),
        ("GATE-DEP-001", "pip-audit, medium"),
    ],
)
def test_explain_says_why_and_how_to_fix(run_gate: RunGate, rule: str, expected: str) -> None:
    result = run_gate("explain", rule)
    assert result.code == 0, result.stderr
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"{rule} ({expected}")
    why = result.stdout.split("Why it matters: ", 1)[1].split("\n", 1)[0]
    fix = result.stdout.split("How to fix: ", 1)[1].strip()
    assert len(why) > 20 and len(fix) > 20


@pytest.mark.parametrize("advisory", ["PYSEC-2018-28", "CVE-2018-18074", "GHSA-x84v-xcm2-53pg"])
def test_explain_an_advisory_by_any_of_its_ids(run_gate: RunGate, advisory: str) -> None:
    result = run_gate("explain", advisory)
    assert result.code == 0, result.stderr
    assert result.stdout.startswith("PYSEC-2018-28 (pip-audit, high")
    assert "package: requests (fixed in 2.20.0)" in result.stdout


def test_explain_unknown_rule(run_gate: RunGate) -> None:
    result = run_gate("explain", "CKV_NOPE_1")
    assert result.code == 2
    assert result.stderr.strip() == (
        "gate: error: CKV_NOPE_1: unknown rule id; `gate rules` lists them all"
    )


def test_db_info_describes_the_builtin_snapshot(run_gate: RunGate) -> None:
    result = run_gate("db", "info")
    assert result.code == 0, result.stderr
    lines = dict(line.split(":", 1) for line in result.stdout.splitlines())
    assert lines["source"].strip().startswith("builtin:pypa-advisory-db@")
    assert lines["date"].strip() == "2024-10-10"
    assert int(lines["records"]) > 2000
    assert "stale" in lines["age"]


def test_db_info_reads_another_database(run_gate: RunGate) -> None:
    osv = Path(__file__).resolve().parent / "assets" / "osv"
    result = run_gate("db", "info", "--advisory-db", str(osv))
    assert result.code == 0, result.stderr
    assert f"dir:{osv}" in result.stdout
    missing = run_gate("db", "info", "--advisory-db", str(osv / "missing"))
    assert missing.code == 2
    assert len(missing.stderr.strip().splitlines()) == 1
