"""Which offline data an audit uses: the newer of the built-in snapshot and the cache, a
named database over both, and the built-in one when the cache cannot be trusted."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gate.advisories import sources
from gate.advisories.sources import AdvisorySettings, advisory_settings, offline_database
from gate.advisories.update import update_cache
from gate.model import PolicySource
from gate.policy.model import Policy
from gate.scan.advisories import advisory_warnings
from gate.scan.options import CheckOptions
from tests.advisories.fakes import PYPI_RECORDS, fixture_records, make_zip

BUILTIN_DATE = "2024-10-10"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where the cache snapshot goes, under a GATE_CACHE_DIR in tmp_path."""
    monkeypatch.setenv("GATE_CACHE_DIR", str(tmp_path / "gate-cache"))
    return sources.cache_snapshot_path()


def _import(tmp_path: Path, modified: str | None = None) -> None:
    archive = make_zip(tmp_path / "all.zip", fixture_records(modified))
    update_cache(str(archive), sources.cache_snapshot_path())


def test_settings_name_the_cache_only_when_it_exists(cache: Path, tmp_path: Path) -> None:
    assert advisory_settings("offline", None).cache is None
    _import(tmp_path)
    assert advisory_settings("auto", None) == AdvisorySettings(source="auto", cache=str(cache))
    assert advisory_settings("offline", "/x/osv").cache is None
    settings = advisory_settings("live", None)
    assert AdvisorySettings.from_json(json.loads(json.dumps(settings.to_json()))) == settings


def test_no_cache_uses_the_builtin(cache: Path) -> None:
    choice = offline_database(advisory_settings("offline", None))
    assert choice.database.source.startswith("builtin:")
    assert choice.cache_error is None


def test_older_cache_leaves_the_builtin_in_use(cache: Path, tmp_path: Path) -> None:
    _import(tmp_path)  # the fixture records are from 2023
    choice = offline_database(advisory_settings("offline", None))
    assert choice.database.source.startswith("builtin:")
    assert choice.database.date == BUILTIN_DATE
    assert choice.cache_error is None


def test_newer_cache_is_used(cache: Path, tmp_path: Path) -> None:
    _import(tmp_path, "2025-01-15T08:00:00Z")
    choice = offline_database(advisory_settings("offline", None))
    assert choice.database.source == f"cache:{tmp_path / 'all.zip'}"
    assert (choice.database.date, choice.database.count) == ("2025-01-15", 4)


def test_same_date_keeps_the_builtin(cache: Path, tmp_path: Path) -> None:
    _import(tmp_path, f"{BUILTIN_DATE}T23:00:00Z")
    assert offline_database(advisory_settings("offline", None)).database.source.startswith(
        "builtin:"
    )


def test_a_named_database_wins_over_both(cache: Path, tmp_path: Path) -> None:
    _import(tmp_path, "2025-01-15T08:00:00Z")
    choice = offline_database(advisory_settings("offline", str(PYPI_RECORDS)))
    assert choice.database.source == f"dir:{PYPI_RECORDS}"


def _not_gzip(path: Path) -> None:
    path.write_bytes(b"not gzip")


def _bad_record(path: Path) -> None:
    # A sound, newer header on a bad record: the date alone would have chosen it.
    document = {"meta": {"date": "2025-02-01"}, "records": [{"id": 7}]}
    path.write_bytes(gzip.compress(json.dumps(document).encode()))


def _world_writable(path: Path) -> None:
    path.chmod(0o666)


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (_not_gzip, "not a readable advisory snapshot"),
        (_bad_record, "(record 0): invalid OSV record: no `id`"),
        (_world_writable, "writable by another user, so not trusted"),
    ],
)
def test_an_unusable_cache_falls_back_to_the_builtin(
    cache: Path, tmp_path: Path, damage: Callable[[Path], None], reason: str
) -> None:
    _import(tmp_path, "2025-01-15T08:00:00Z")
    damage(cache)
    choice = offline_database(advisory_settings("offline", None))
    assert choice.database.source.startswith("builtin:")
    assert choice.cache_error is not None
    assert choice.cache_error.startswith(str(cache)) and reason in choice.cache_error


def test_the_report_warns_about_live_and_cache_trouble() -> None:
    policy = Policy(PolicySource("builtin:default", "0" * 64), {}, advisory_max_age_days=9999)
    info = {
        "mode": "offline",
        "source": "builtin:pypa-advisory-db@3ccb6125",
        "date": BUILTIN_DATE,
        "live_error": "live advisory lookup at https://api.osv.dev/v1/query failed: timed out",
        "cache_error": "/c/osv-pypi.json.gz: not a readable advisory snapshot: bad gzip",
    }
    warnings = advisory_warnings(info, policy, CheckOptions())
    assert [(w.code, w.message) for w in warnings] == [
        (
            "advisories-offline",
            "advisories.source auto: live advisory lookup at https://api.osv.dev/v1/query "
            "failed: timed out; the offline database builtin:pypa-advisory-db@3ccb6125 dated "
            "2024-10-10 was used instead",
        ),
        (
            "advisories-cache-unusable",
            "/c/osv-pypi.json.gz: not a readable advisory snapshot: bad gzip; the built-in "
            "snapshot was used (`gate db update --from URL_OR_FILE` rewrites the cache)",
        ),
    ]
    live = {"mode": "live", "date": "2099-01-01"}
    assert advisory_warnings(live, policy, CheckOptions()) == []


@pytest.mark.parametrize("offline", [True, False])
def test_stale_advisories_say_what_kept_them_old(
    offline: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GATE_OFFLINE", raising=False)
    policy = Policy(PolicySource("builtin:default", "0" * 64), {}, advisory_max_age_days=30)
    info = {"mode": "offline", "source": "builtin:x", "date": BUILTIN_DATE}
    (stale,) = advisory_warnings(info, policy, CheckOptions(offline=offline))
    assert stale.code == "advisories-stale"
    assert ("this run was offline" in stale.message) is offline
    assert ("let the gate refresh it" in stale.message) is not offline
