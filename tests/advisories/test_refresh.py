"""`advisories.source: refresh` (the default): the cache refreshed from osv.dev's PyPI export
at most once a day, taken only when it parses and is not smaller or older than the data in
use, served here by a local HTTP server (no network in tests)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any, ClassVar

import pytest

from gate.advisories.osv import read_snapshot
from gate.advisories.refresh import refresh
from gate.advisories.update import update_cache
from tests.advisories.fakes import closed_port_url, fixture_records, make_zip, serving
from tests.conftest import RunGate, only_scanners

NOW = dt.datetime(2026, 12, 6, 12, tzinfo=dt.timezone.utc)


class _Counted(SimpleHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        super().do_GET()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def osv(root: Path) -> Iterator[tuple[str, list[str]]]:
    """Serve `root`; yields the URL of `root/PyPI/all.zip` and the paths requested."""
    _Counted.hits = []
    with serving(partial(_Counted, directory=str(root))) as base:
        yield f"{base}/PyPI/all.zip", _Counted.hits


def served(tmp_path: Path, records: dict[str, Any]) -> Path:
    root = tmp_path / "served"
    (root / "PyPI").mkdir(parents=True, exist_ok=True)
    make_zip(root / "PyPI" / "all.zip", records)
    return root


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    """A cache holding two of the fixture records, dated 2024-01-01."""
    target = tmp_path / "cache" / "advisories" / "osv-pypi.json.gz"
    two = dict(list(fixture_records("2024-01-01T00:00:00Z").items())[:2])
    update_cache(str(make_zip(tmp_path / "two.zip", two)), target)
    return target


def test_a_newer_larger_export_replaces_the_cache_once_a_day(tmp_path: Path, cache: Path) -> None:
    root = served(tmp_path, fixture_records("2026-12-01T00:00:00Z"))
    with osv(root) as (url, hits):
        done = refresh(cache, url, NOW)
        assert done is not None and (done.changed, done.problem) == (True, None)
        assert read_snapshot(cache).date == "2026-12-01"
        assert len(read_snapshot(cache).records) == 4
        assert refresh(cache, url, NOW + dt.timedelta(hours=23)) is None  # not due yet
        assert refresh(cache, url, NOW + dt.timedelta(hours=25)) is not None
    assert hits == ["/PyPI/all.zip", "/PyPI/all.zip"]


@pytest.mark.parametrize(
    ("records", "why"),
    [
        ({"PYSEC-1.json": "{not json"}, "PYSEC-1.json"),  # does not parse
        ("smaller", "fewer or older"),
        ("older", "fewer or older"),
    ],
)
def test_an_export_that_is_broken_smaller_or_older_is_not_taken(
    tmp_path: Path, cache: Path, records: Any, why: str
) -> None:
    if records == "smaller":
        records = dict(list(fixture_records("2026-12-01T00:00:00Z").items())[:1])
    elif records == "older":
        records = fixture_records("2023-01-01T00:00:00Z")
    before = cache.read_bytes()
    with osv(served(tmp_path, records)) as (url, _):
        done = refresh(cache, url, NOW)
    assert done is not None and not done.changed
    assert done.problem is not None and why in done.problem
    assert cache.read_bytes() == before
    assert sorted(p.name for p in cache.parent.iterdir()) == ["last-refresh", cache.name]


def test_without_a_cache_the_built_in_data_is_the_floor(tmp_path: Path) -> None:
    target = tmp_path / "cache" / "advisories" / "osv-pypi.json.gz"
    with osv(served(tmp_path, fixture_records("2026-12-01T00:00:00Z"))) as (url, _):
        done = refresh(target, url, NOW)
    assert done is not None and done.problem is not None and "fewer or older" in done.problem
    assert not target.exists()


def test_an_unreachable_source_is_tried_once_a_day(tmp_path: Path, cache: Path) -> None:
    url = closed_port_url("/PyPI/all.zip")
    done = refresh(cache, url, NOW)
    assert done is not None and done.problem is not None and "download failed" in done.problem
    assert refresh(cache, url, NOW + dt.timedelta(hours=1)) is None


BUNDLE = {
    "app.py": "def handler(event, context):\n    return 1\n",
    "requirements.txt": "requests==2.19.0\n",
}


def check(run_gate: RunGate, tmp_path: Path, *extra: str) -> dict[str, Any]:
    bundle = tmp_path / "fn"
    bundle.mkdir(exist_ok=True)
    for name, text in BUNDLE.items():
        (bundle / name).write_text(text)
    policy = tmp_path / "gate.yml"
    policy.write_text(only_scanners("pip-audit"))
    result = run_gate("check", str(bundle), "--policy", str(policy), "--format", "json", *extra)
    assert result.code in (0, 1), result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


@pytest.mark.slow
def test_gate_check_refreshes_by_default_and_never_with_offline(
    run_gate: RunGate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cache a run refreshes is the test's own (GATE_CACHE_DIR, tests/conftest.py).
    monkeypatch.delenv("GATE_OFFLINE")
    # More advisories than the built-in snapshot's 2651, and newer.
    records = fixture_records("2099-01-01T00:00:00Z")
    many = {
        f"{i}-{name}": r | {"id": f"{r['id']}-{i}"}
        for i in range(700)
        for name, r in records.items()
    }
    with osv(served(tmp_path, many)) as (url, hits):
        monkeypatch.setenv("GATE_ADVISORY_URL", url)
        offline = check(run_gate, tmp_path, "--offline")
        assert hits == []
        assert offline["advisories"]["source"].startswith("builtin:")
        refreshed = check(run_gate, tmp_path)
        assert hits == ["/PyPI/all.zip"]
    assert refreshed["advisories"]["source"] == f"cache:{url}"
    assert refreshed["advisories"]["date"] == "2099-01-01"
    assert "advisories-not-refreshed" not in {w["code"] for w in refreshed["warnings"]}


def test_a_failed_refresh_is_a_warning_and_the_audit_goes_on(
    run_gate: RunGate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GATE_OFFLINE")
    monkeypatch.setenv("GATE_ADVISORY_URL", closed_port_url("/PyPI/all.zip"))
    report = check(run_gate, tmp_path)
    [warning] = [w for w in report["warnings"] if w["code"] == "advisories-not-refreshed"]
    assert "download failed" in warning["message"]
    assert report["advisories"]["source"].startswith("builtin:")
    assert any(f["rule_id"] == "PYSEC-2018-28" for f in report["findings"])
