"""Severity from an advisory's CVSS vectors.

OSV lists vectors under `severity` as (type, vector) pairs; pip-audit results carry none, so
the gate scores them here. When an advisory has vectors of several CVSS versions, the newest
version present wins, since an older one is usually a stale copy from NVD.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from cvss import CVSS2, CVSS3, CVSS4
from cvss.exceptions import CVSSError

from gate.model import Severity

if TYPE_CHECKING:
    from gate.advisories.records import Advisory

# The labels GitHub's advisory database (and OSV's `database_specific`) rates with.
_LABELS = {
    "CRITICAL": Severity.CRITICAL,
    "HIGH": Severity.HIGH,
    "MODERATE": Severity.MEDIUM,
    "MEDIUM": Severity.MEDIUM,
    "LOW": Severity.LOW,
}


def _v2(vector: str) -> float:
    return float(CVSS2(vector).scores()[0])


def _v3(vector: str) -> float:
    return float(CVSS3(vector).scores()[0])


def _v4(vector: str) -> float:
    return float(CVSS4(vector).base_score)


# OSV severity type -> (CVSS major version, base score of a vector).
_SCORERS: dict[str, tuple[int, Callable[[str], float]]] = {
    "CVSS_V2": (2, _v2),
    "CVSS_V3": (3, _v3),
    "CVSS_V4": (4, _v4),
}


def _base_score(kind: str, vector: str) -> tuple[int, float] | None:
    scorer = _SCORERS.get(kind)
    if scorer is None or not isinstance(vector, str):
        return None
    version, compute = scorer
    try:
        return version, compute(vector.strip())
    # The library raises CVSSError for bad vectors; the rest guards its arithmetic on odd input.
    except (CVSSError, ValueError, KeyError, IndexError, ArithmeticError):
        return None


def score(vectors: Iterable[tuple[str, str]]) -> float | None:
    """The highest base score among the vectors of the newest CVSS version present.

    Vectors the library rejects and non-CVSS types are ignored; None if nothing scores.
    """
    scored = [s for s in (_base_score(kind, vector) for kind, vector in vectors) if s is not None]
    if not scored:
        return None
    newest = max(version for version, _ in scored)
    return max(value for version, value in scored if version == newest)


def band(base_score: float) -> Severity:
    """The gate's severity for a CVSS base score: 9.0 critical, 7.0 high, 4.0 medium, else low."""
    if base_score >= 9.0:
        return Severity.CRITICAL
    if base_score >= 7.0:
        return Severity.HIGH
    if base_score >= 4.0:
        return Severity.MEDIUM
    return Severity.LOW


def cvss_severity(vectors: Iterable[tuple[str, str]]) -> Severity | None:
    """The severity band of `score(vectors)`, or None when no vector scores."""
    base = score(vectors)
    return None if base is None else band(base)


def label_severity(label: str | None) -> Severity | None:
    """The gate's severity for a database's own label (`MODERATE` -> medium), or None."""
    return _LABELS.get(label.strip().upper()) if label else None


def rating(
    advisory: Advisory, lookup: Callable[[str], Advisory | None]
) -> tuple[list[tuple[str, str]], str | None]:
    """What rates `advisory`: its CVSS vectors and its database's label, or, where it has
    neither, those of the records it names as aliases that `lookup` (by id) knows (a PyPA
    record without a score whose GitHub alias carries one)."""
    records = [advisory]
    for alias in advisory.aliases:
        other = lookup(alias)
        if other is not None and other.id == alias:
            records.append(other)
    for record in records:
        if score(record.severity) is not None:
            return list(record.severity), record.rated
    for record in records:
        if label_severity(record.rated) is not None:
            return [], record.rated
    return [], None


def rated_severity(vectors: Iterable[tuple[str, str]], label: str | None) -> Severity | None:
    """The severity of an advisory from its CVSS vectors, else its database's label; None
    when it carries neither (the policy's `unscored_severity` decides then)."""
    return cvss_severity(vectors) or label_severity(label)
