"""The value objects: ordering, parsing and fingerprints."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gate.model import Finding, Location, Severity
from gate.settings import SeverityMap


def test_severity_is_ordered_and_parsed() -> None:
    assert Severity.INFO < Severity.LOW < Severity.MEDIUM < Severity.HIGH < Severity.CRITICAL
    assert Severity.parse(" High ") is Severity.HIGH
    assert Severity.LOW.lowered() is Severity.INFO
    assert Severity.INFO.lowered() is Severity.INFO
    with pytest.raises(ValueError, match="unknown severity"):
        Severity.parse("severe")


def test_info_is_a_rating_not_a_missing_one() -> None:
    # Regression: `rating or default` turned a deliberate `info` into the default.
    ratings = SeverityMap.from_mapping({"CKV_AWS_117": "info"}, default="medium")
    assert ratings.get("CKV_AWS_117") is Severity.INFO
    assert (ratings.get("CKV_AWS_117") or Severity.HIGH) is Severity.INFO


def test_fingerprint_ignores_lines_but_not_place() -> None:
    finding = Finding(
        scanner="bandit",
        rule_id="B602",
        title="t",
        message="m",
        severity=Severity.HIGH,
        bundle="fn",
        location=Location("app.py", 10, 10),
        anchor="subprocess.run(cmd, shell=True)",
    )
    moved = replace(finding, location=Location("app.py", 30, 31))
    reformatted = replace(finding, anchor="subprocess.run(cmd,   shell=True)")
    elsewhere = replace(finding, location=Location("other.py", 10, 10))
    assert finding.fingerprint == moved.fingerprint == reformatted.fingerprint
    assert finding.fingerprint != elsewhere.fingerprint
