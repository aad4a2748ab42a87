"""CVSS vectors to the gate's severity bands."""

from __future__ import annotations

import pytest

from gate.advisories.severity import band, cvss_severity, score
from gate.model import Severity

V3_CRITICAL = ("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")  # 9.8
V3_HIGH = ("CVSS_V3", "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N")  # 7.5
V3_MEDIUM = ("CVSS_V3", "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N")  # 5.9
V3_LOW = ("CVSS_V3", "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N")  # 1.8
V4_CRITICAL = ("CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")  # 9.3
V4_MEDIUM = ("CVSS_V4", "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:N/SC:N/SI:N/SA:N")  # 6.9
V2_HIGH = ("CVSS_V2", "AV:N/AC:L/Au:N/C:P/I:P/A:P")  # 7.5


@pytest.mark.parametrize(
    ("vectors", "expected"),
    [
        ([V3_CRITICAL], Severity.CRITICAL),
        ([V3_HIGH], Severity.HIGH),
        ([V3_MEDIUM], Severity.MEDIUM),
        ([V3_LOW], Severity.LOW),
        ([V4_CRITICAL], Severity.CRITICAL),
        ([V4_MEDIUM], Severity.MEDIUM),
        ([V2_HIGH], Severity.HIGH),
        ([V3_LOW, V3_CRITICAL, V3_MEDIUM], Severity.CRITICAL),
        # The newest CVSS version present decides, even when an older one scores higher.
        ([V2_HIGH, V4_MEDIUM], Severity.MEDIUM),
        ([V3_CRITICAL, V4_MEDIUM], Severity.MEDIUM),
        ([V2_HIGH, V3_LOW], Severity.LOW),
    ],
)
def test_cvss_severity(vectors: list[tuple[str, str]], expected: Severity) -> None:
    assert cvss_severity(vectors) is expected


@pytest.mark.parametrize(
    "vectors",
    [
        [],
        [("CVSS_V3", "junk")],
        [("CVSS_V3", "CVSS:3.1/AV:N")],
        [("CVSS_V3", "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H")],
        [("CVSS_V4", "CVSS:4.0/AV:N")],
        [("CVSS_V4", "")],
        [("CVSS_V2", "AV:N/AC:L")],
        [("Ubuntu", "high")],
        [("CVSS_V3", V4_CRITICAL[1])],
    ],
)
def test_unscorable_vectors(vectors: list[tuple[str, str]]) -> None:
    assert cvss_severity(vectors) is None
    assert score(vectors) is None


def test_junk_beside_a_valid_vector_is_ignored() -> None:
    # A broken V4 vector does not make the family "present": the V3 one decides.
    vectors = [("CVSS_V4", "CVSS:4.0/nonsense"), ("CVSS_V3", "junk"), V3_HIGH]
    assert score(vectors) == 7.5
    assert cvss_severity(vectors) is Severity.HIGH


def test_score_accepts_any_iterable() -> None:
    assert score(iter([V3_CRITICAL])) == 9.8
    assert score(v for v in [V4_CRITICAL]) == 9.3


@pytest.mark.parametrize(
    ("base", "expected"),
    [
        (10.0, Severity.CRITICAL),
        (9.0, Severity.CRITICAL),
        (8.9, Severity.HIGH),
        (7.0, Severity.HIGH),
        (6.9, Severity.MEDIUM),
        (4.0, Severity.MEDIUM),
        (3.9, Severity.LOW),
        (0.0, Severity.LOW),
    ],
)
def test_bands(base: float, expected: Severity) -> None:
    assert band(base) is expected
