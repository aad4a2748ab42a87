"""Advisories without a CVSS score of their own: rated by what the advisory data carries
(its database's label, or the rating of a record it aliases), else by the policy."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gate.advisories.parse import parse_record
from gate.advisories.records import Advisory
from gate.advisories.severity import rated_severity, rating
from gate.advisories.snapshot import trim_record
from gate.model import Severity
from tests.conftest import RunGate, only_scanners

AFFECTED = [
    {
        "package": {"ecosystem": "PyPI", "name": "requests"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "2.3.0"}, {"fixed": "2.31.0"}]}],
    }
]
# CVE-2023-32681 as the PyPA database holds it: no score (abridged).
PYSEC = {
    "id": "PYSEC-2023-74",
    "details": "Requests has been leaking Proxy-Authorization headers to destination servers.",
    "aliases": ["CVE-2023-32681", "GHSA-j8r2-6x86-q33q"],
    "modified": "2023-06-05T01:13:00Z",
    "affected": AFFECTED,
}
# The same bug as GitHub's database publishes it in OSV form: a label and a CVSS vector.
GHSA = {
    "id": "GHSA-j8r2-6x86-q33q",
    "summary": "Unintended leak of Proxy-Authorization header in requests",
    "aliases": ["CVE-2023-32681"],
    "modified": "2023-11-08T04:00:00Z",
    "database_specific": {"severity": "MODERATE", "cwe_ids": ["CWE-200"]},
    "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N"}],
    "affected": AFFECTED,
}


def record(raw: dict[str, Any]) -> Advisory:
    advisory = parse_record(raw, "test")
    assert advisory is not None
    return advisory


def lookup(*records: dict[str, Any]) -> Callable[[str], Advisory | None]:
    known = {r["id"]: record(r) for r in records}
    return known.get


def test_a_record_without_a_score_takes_its_aliases_rating() -> None:
    vectors, label = rating(record(PYSEC), lookup(PYSEC, GHSA))
    assert vectors == [("CVSS_V3", GHSA["severity"][0]["score"])]  # type: ignore[index]
    assert rated_severity(vectors, label) is Severity.MEDIUM  # 6.1


def test_a_database_label_rates_a_record_without_any_vector() -> None:
    labelled = {k: v for k, v in GHSA.items() if k != "severity"}
    vectors, label = rating(record(PYSEC), lookup(PYSEC, labelled))
    assert (vectors, label) == ([], "MODERATE")
    assert rated_severity(vectors, label) is Severity.MEDIUM


@pytest.mark.parametrize(
    ("label", "severity"),
    [
        ("CRITICAL", Severity.CRITICAL),
        ("HIGH", Severity.HIGH),
        ("moderate", Severity.MEDIUM),
        ("LOW", Severity.LOW),
        ("UNKNOWN", None),
    ],
)
def test_database_labels(label: str, severity: Severity | None) -> None:
    own = {**PYSEC, "database_specific": {"severity": label}}
    assert rated_severity(*rating(record(own), lookup(own))) is severity


def test_a_record_rated_nowhere_is_unscored() -> None:
    assert rating(record(PYSEC), lookup(PYSEC)) == ([], None)


def test_an_alias_that_is_another_records_alias_only_does_not_rate() -> None:
    """Only a record whose own id is the alias speaks for it."""
    other = {**GHSA, "id": "GHSA-zzzz-zzzz-zzzz", "aliases": ["GHSA-j8r2-6x86-q33q"]}
    assert rating(record(PYSEC), {"GHSA-j8r2-6x86-q33q": record(other)}.get) == ([], None)


def test_the_snapshot_keeps_the_database_label() -> None:
    trimmed = trim_record(GHSA)
    assert trimmed["database_specific"] == {"severity": "MODERATE"}
    assert record(trimmed).rated == "MODERATE"


def audit(
    run_gate: RunGate, tmp_path: Path, policy_file: Callable[[str], Path], *records: dict[str, Any]
) -> dict[str, Any]:
    database = tmp_path / "osv"
    database.mkdir()
    for raw in records:
        (database / f"{raw['id']}.json").write_text(json.dumps(raw), "utf-8")
    bundle = tmp_path / "fn"
    bundle.mkdir()
    (bundle / "requirements.txt").write_text("requests==2.30.0\n", "utf-8")
    result = run_gate(
        "check",
        str(bundle),
        "--advisory-db",
        str(database),
        "--policy",
        str(policy_file(only_scanners("pip-audit"))),
        "--format",
        "json",
    )
    report: dict[str, Any] = json.loads(result.stdout)
    report["exit"] = result.code
    return report


@pytest.mark.slow
def test_requests_cve_2023_32681_is_medium_not_the_unscored_default(
    run_gate: RunGate, tmp_path: Path, policy_file: Callable[[str], Path]
) -> None:
    report = audit(run_gate, tmp_path, policy_file, PYSEC, GHSA)
    [finding] = report["findings"]
    assert (finding["severity"], finding["status"]) == ("medium", "allowed")
    assert "unscored" not in finding["message"]
    assert report["exit"] == 0


@pytest.mark.slow
def test_an_advisory_rated_nowhere_says_it_is_unscored(
    run_gate: RunGate, tmp_path: Path, policy_file: Callable[[str], Path]
) -> None:
    report = audit(run_gate, tmp_path, policy_file, PYSEC)
    [finding] = report["findings"]
    assert (finding["severity"], finding["status"]) == ("high", "blocking")
    assert "unscored" in finding["message"] and "unscored_severity (high)" in finding["message"]
    assert report["exit"] == 1
