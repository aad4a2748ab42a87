"""Which versions an OSV record affects, evaluated the way OSV specifies."""

from __future__ import annotations

import pytest
from packaging.version import Version

from gate.advisories.osv import Advisory, AdvisoryDatabase, Event, VersionRange


@pytest.mark.parametrize(
    ("advisory_id", "package", "version", "expected"),
    [
        # DEMO-2024-1: [1.0, 1.5) and [2.0, 2.2) in one range (events out of order),
        # [3.0, 3.1] in another, plus the explicit versions 0.5 and 0.9-weird.
        ("DEMO-2024-1", "demo-pkg", "0.4", False),
        ("DEMO-2024-1", "demo-pkg", "0.5", True),
        ("DEMO-2024-1", "Demo_Pkg", "0.5", True),
        ("DEMO-2024-1", "demo.pkg", "1.0", True),
        ("DEMO-2024-1", "demo-pkg", "1.00", True),
        ("DEMO-2024-1", "demo-pkg", "1.0rc1", False),
        ("DEMO-2024-1", "demo-pkg", "1.4.9", True),
        ("DEMO-2024-1", "demo-pkg", "1.5", False),
        ("DEMO-2024-1", "demo-pkg", "1.9", False),
        ("DEMO-2024-1", "demo-pkg", "2.0", True),
        ("DEMO-2024-1", "demo-pkg", "2.1.post1", True),
        ("DEMO-2024-1", "demo-pkg", "2.2", False),
        ("DEMO-2024-1", "demo-pkg", "2.9", False),
        ("DEMO-2024-1", "demo-pkg", "3.0", True),
        ("DEMO-2024-1", "demo-pkg", "3.1", True),
        ("DEMO-2024-1", "demo-pkg", "3.1.post1", False),
        ("DEMO-2024-1", "demo-pkg", "4.0", False),
        ("DEMO-2024-1", "demo-pkg", "0.9-weird", True),
        ("DEMO-2024-1", "demo-pkg", "1.2-weird", False),
        ("DEMO-2024-1", "other-pkg", "1.2", False),
        # DEMO-2024-2: introduced "0" is the very beginning, before any pre-release.
        ("DEMO-2024-2", "zero-pkg", "0.dev0", True),
        ("DEMO-2024-2", "zero-pkg", "0.2.9", True),
        ("DEMO-2024-2", "zero-pkg", "0.3", False),
        # DEMO-2024-3: its range ends at an unparseable version, so only the list counts.
        ("DEMO-2024-3", "odd-pkg", "1.0", True),
        ("DEMO-2024-3", "odd-pkg", "1.0.0", True),
        ("DEMO-2024-3", "odd-pkg", "0.1", False),
        ("DEMO-2024-3", "odd-pkg", "weird-1", True),
        ("DEMO-2024-3", "odd-pkg", "weird-2", False),
        # DEMO-2024-4: a SEMVER range; `limit` is ignored.
        ("DEMO-2024-4", "semver-pkg", "0.9", False),
        ("DEMO-2024-4", "semver-pkg", "1.0.0a0", True),
        ("DEMO-2024-4", "semver-pkg", "1.1.5", True),
        ("DEMO-2024-4", "semver-pkg", "1.2.0", False),
        ("DEMO-2024-4", "zero-pkg", "5.0", True),
        ("DEMO-2024-4", "zero-pkg", "0.1", False),
    ],
)
def test_affects(
    demo_db: AdvisoryDatabase, advisory_id: str, package: str, version: str, expected: bool
) -> None:
    advisory = demo_db.get(advisory_id)
    assert advisory is not None
    assert advisory.affects(package, version) is expected


def _range(*events: tuple[str, str]) -> VersionRange:
    return VersionRange("ECOSYSTEM", tuple(Event(kind, version) for kind, version in events))


def test_range_introduced_and_fixed_at_the_same_version_is_empty() -> None:
    empty = _range(("introduced", "1.0"), ("fixed", "1.0"))
    assert not empty.contains(Version("1.0"))
    assert not empty.contains(Version("2.0"))


def test_range_without_fix_stays_open() -> None:
    assert _range(("introduced", "1.0")).contains(Version("99"))
    assert not _range(("introduced", "1.0")).contains(Version("0.9"))


def test_range_with_an_unparseable_bound_is_never_matched() -> None:
    assert not _range(("introduced", "0"), ("fixed", "2019-09-12x")).contains(Version("1.0"))


def test_range_without_events_matches_nothing() -> None:
    assert not _range().contains(Version("1.0"))


def test_query_indexes_by_canonical_name(demo_db: AdvisoryDatabase) -> None:
    assert [a.id for a in demo_db.query("Zero_Pkg", "0.1")] == ["DEMO-2024-2"]
    assert [a.id for a in demo_db.query("zero-pkg", "5.0")] == ["DEMO-2024-4"]
    assert demo_db.query("zero-pkg", "1.0") == []
    assert demo_db.query("unknown-pkg", "1.0") == []


def test_withdrawn_and_foreign_records_are_not_indexed(demo_db: AdvisoryDatabase) -> None:
    assert demo_db.get("DEMO-2023-9") is None
    assert demo_db.get("NPM-2024-1") is None
    assert demo_db.query("demo-pkg", "9.0") == []
    assert demo_db.query("left-pad", "1.0") == []


def test_fixed_versions_sorted_and_parseable_only(demo_db: AdvisoryDatabase) -> None:
    def fixes(advisory_id: str, package: str) -> tuple[str, ...]:
        advisory = demo_db.get(advisory_id)
        assert advisory is not None
        return advisory.fixed_versions(package)

    assert fixes("DEMO-2024-1", "Demo-Pkg") == ("1.5", "2.2")
    assert fixes("DEMO-2024-1", "zero-pkg") == ()
    assert fixes("DEMO-2024-2", "zero-pkg") == ("0.3",)
    assert fixes("DEMO-2024-3", "odd-pkg") == ()
    assert fixes("DEMO-2024-4", "semver-pkg") == ("1.2.0",)


def test_get_by_alias(demo_db: AdvisoryDatabase) -> None:
    by_cve = demo_db.get("CVE-2024-0001")
    assert by_cve is not None and by_cve.id == "DEMO-2024-1"
    by_ghsa = demo_db.get("GHSA-aaaa-bbbb-cccc")
    assert by_ghsa is by_cve


def test_description_is_one_line(demo_db: AdvisoryDatabase) -> None:
    def description(advisory_id: str) -> str:
        advisory = demo_db.get(advisory_id)
        assert advisory is not None
        return advisory.description

    assert description("DEMO-2024-1") == "Demo package lets anyone in"
    assert description("DEMO-2024-2") == "Zero-pkg before 0.3 evaluates untrusted input."


def test_description_falls_back_when_empty() -> None:
    bare = Advisory("X-1", (), "", "", None, None, (), (), ())
    assert bare.description == "N/A"


@pytest.mark.parametrize(
    ("events", "bounds", "covered"),
    [
        # Affected before 2.20.0: a range up to it (excluded), or up to 2.19.1 included.
        ((("introduced", "0"), ("fixed", "2.20.0")), ("2.19.0", "2.20", False), True),
        ((("introduced", "0"), ("fixed", "2.20.0")), (None, "2.19.1", True), True),
        ((("introduced", "0"), ("fixed", "2.20.0")), ("2.19.0", "2.20.0", True), False),
        ((("introduced", "0"), ("fixed", "2.20.0")), ("2.19.0", "2.21", False), False),
        # From 2.3.0 on: a range reaching below it is not covered, nor one without a floor.
        ((("introduced", "2.3.0"), ("fixed", "2.31.0")), ("2.3.0", "2.31", False), True),
        ((("introduced", "2.3.0"), ("fixed", "2.31.0")), ("2.2", "2.30", False), False),
        ((("introduced", "2.3.0"), ("fixed", "2.31.0")), (None, "2.30", False), False),
        # A fix inside the range breaks it, though the versions after it are affected again.
        ((("introduced", "0"), ("fixed", "1.5"), ("introduced", "1.6")), ("1.0", "2", False),
         False),
        ((("introduced", "0"), ("fixed", "1.5"), ("introduced", "1.6")), ("1.6", "2", False),
         True),
        ((("introduced", "1.0"), ("last_affected", "1.4")), ("1.0", "1.4", True), True),
        ((("introduced", "1.0"), ("last_affected", "1.4")), ("1.0", "1.5", False), False),
    ],
)  # fmt: skip
def test_a_range_covers_every_version_between_bounds_it_holds_whole(
    events: tuple[tuple[str, str], ...], bounds: tuple[str | None, str, bool], covered: bool
) -> None:
    """Every version from a floor to a ceiling is affected only when one stretch of the
    range, from an `introduced` to the next `fixed` or `last_affected`, holds them all."""
    floor, ceiling, inclusive = bounds
    lowest = Version(floor) if floor else None
    assert _range(*events).covers(lowest, Version(ceiling), inclusive) is covered
