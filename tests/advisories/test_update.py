"""`gate db update`'s import: zips, directories and URLs in; one validated snapshot out,
replaced atomically, never half-written."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

from gate.advisories import update
from gate.advisories.osv import AdvisoryDatabase, read_snapshot
from gate.advisories.update import import_records, public_url, update_cache
from gate.errors import AdvisoryError
from tests.advisories.fakes import (
    PYPI_RECORDS,
    closed_port_url,
    file_server,
    fixture_records,
    make_zip,
)

REAL_VULNS = Path(__file__).resolve().parents[1] / "assets" / "advisories" / "pypa-tree"
PYPI_IDS = ["PYSEC-2018-28", "PYSEC-2023-192", "PYSEC-2023-212", "PYSEC-2023-74"]


@pytest.fixture
def target(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "advisories" / "osv-pypi.json.gz"


def _leftovers(target: Path) -> list[str]:
    return sorted(p.name for p in target.parent.iterdir() if p != target)


def test_all_zip_keeps_the_pypi_records(tmp_path: Path, target: Path) -> None:
    archive = make_zip(tmp_path / "all.zip", fixture_records())
    done = update_cache(str(archive), target)
    assert (done.records, done.skipped, done.date) == (4, 1, "2023-10-25")
    assert done.origin == str(archive)
    snapshot = read_snapshot(target)
    assert snapshot.meta["from"] == str(archive) and snapshot.date == "2023-10-25"
    db = snapshot.database("cache:test")
    assert [a.id for a in db] == PYPI_IDS
    assert [a.id for a in db.query("requests", "2.19.0")] == ["PYSEC-2018-28", "PYSEC-2023-74"]
    urllib3 = db.get("PYSEC-2023-192")
    assert urllib3 is not None and urllib3.severity[0][0] == "CVSS_V3"
    assert _leftovers(target) == []
    assert target.stat().st_mode & 0o077 == 0


def test_directory_like_the_pypa_tree(tmp_path: Path, target: Path) -> None:
    vulns = tmp_path / "vulns"
    for package in ("requests", "urllib3"):
        shutil.copytree(REAL_VULNS / package, vulns / package)
    (vulns / "README.md").write_text("not a record\n")
    done = update_cache(str(vulns), target)
    assert done.records == len(list(vulns.rglob("*.yaml")))
    assert done.date == "2023-10-25"
    db = AdvisoryDatabase.load(target)
    assert {"PYSEC-2018-28", "PYSEC-2023-212"} <= {a.id for a in db}


def test_an_invalid_record_imports_nothing(tmp_path: Path, target: Path) -> None:
    update_cache(str(make_zip(tmp_path / "good.zip", fixture_records())), target)
    before = target.read_bytes()
    records = fixture_records()
    records["PYSEC-2023-74.json"]["affected"][0]["versions"] = [2.1]
    bad = make_zip(tmp_path / "bad.zip", records)
    with pytest.raises(AdvisoryError) as caught:
        update_cache(str(bad), target)
    assert str(caught.value) == (
        f"{bad}!PYSEC-2023-74.json: invalid OSV record: "
        "affected[].versions[] must be a string, not float"
    )
    assert target.read_bytes() == before
    assert _leftovers(target) == []


def test_an_unparsable_record_names_the_member(tmp_path: Path, target: Path) -> None:
    bad = make_zip(tmp_path / "all.zip", {**fixture_records(), "GHSA-xxxx.json": "{oops"})
    with pytest.raises(AdvisoryError, match=r"all\.zip!GHSA-xxxx\.json: cannot parse"):
        update_cache(str(bad), target)
    assert not target.exists()


def test_nothing_for_pypi_is_refused(tmp_path: Path, target: Path) -> None:
    npm_only = {"GHSA-35jh-r3h4-6jhm.json": fixture_records()["GHSA-35jh-r3h4-6jhm.json"]}
    with pytest.raises(AdvisoryError, match="no PyPI advisories found"):
        update_cache(str(make_zip(tmp_path / "npm.zip", npm_only)), target)
    assert not target.parent.exists()


def test_missing_source(tmp_path: Path, target: Path) -> None:
    with pytest.raises(AdvisoryError, match="advisory database not found"):
        update_cache(str(tmp_path / "nowhere.zip"), target)


def test_url_is_downloaded_first(tmp_path: Path, target: Path) -> None:
    served = tmp_path / "served" / "PyPI"
    served.mkdir(parents=True)
    make_zip(served / "all.zip", fixture_records())
    with file_server(tmp_path / "served") as base:
        done = update_cache(f"{base}/PyPI/all.zip?token=secret", target)
        with pytest.raises(AdvisoryError) as missing:
            update_cache(f"{base}/PyPI/nothing.zip", target)
    assert done.origin == f"{base}/PyPI/all.zip"
    assert read_snapshot(target).meta["from"] == f"{base}/PyPI/all.zip"
    assert done.records == 4
    assert str(missing.value) == (
        f"{base}/PyPI/nothing.zip: download failed: HTTP 404 File not found"
    )


def test_url_errors_are_one_line(target: Path) -> None:
    url = closed_port_url("/all.zip")
    with pytest.raises(AdvisoryError) as refused:
        update_cache(url, target)
    assert str(refused.value) == f"{url}: download failed: Connection refused"


def test_download_is_capped(tmp_path: Path, target: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_zip(tmp_path / "all.zip", fixture_records())
    monkeypatch.setattr(update, "MAX_DOWNLOAD_BYTES", 100)
    with file_server(tmp_path) as base, pytest.raises(AdvisoryError, match="download cap"):
        update_cache(f"{base}/all.zip", target)


def test_public_url_drops_credentials() -> None:
    assert public_url("https://user:pw@mirror.example:8443/PyPI/all.zip?sig=x#f") == (
        "https://mirror.example:8443/PyPI/all.zip"
    )


def test_a_failed_write_leaves_the_old_snapshot(
    tmp_path: Path, target: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    update_cache(str(PYPI_RECORDS), target)
    before = target.read_bytes()

    def fail(self: Path, other: Path) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "replace", fail)
    with pytest.raises(AdvisoryError, match="cannot write the snapshot: No space left"):
        update_cache(str(make_zip(tmp_path / "all.zip", fixture_records())), target)
    assert target.read_bytes() == before
    assert _leftovers(target) == []


def test_concurrent_updates_leave_one_whole_snapshot(tmp_path: Path, target: Path) -> None:
    dated = {f"2025-0{n}-01": tmp_path / f"all-{n}.zip" for n in range(1, 5)}
    sources = [make_zip(path, fixture_records(f"{date}T00:00:00Z")) for date, path in dated.items()]
    errors: list[BaseException] = []

    def run(source: Path) -> None:
        try:
            update_cache(str(source), target)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(source,)) for source in sources]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    snapshot = read_snapshot(target)
    assert snapshot.date in dated
    assert snapshot.meta["from"] == str(dated[snapshot.date])
    assert len(snapshot.database("cache:test")) == 4
    assert _leftovers(target) == []


def test_the_snapshot_round_trips_the_records(target: Path) -> None:
    import_records(PYPI_RECORDS, "fixtures", target)
    direct = AdvisoryDatabase.load(PYPI_RECORDS)
    cached = AdvisoryDatabase.load(target)
    for advisory in direct:
        copy = cached.get(advisory.id)
        assert copy is not None
        assert (copy.aliases, copy.severity, copy.affected) == (
            advisory.aliases,
            advisory.severity,
            advisory.affected,
        )
    meta = json.loads(json.dumps(read_snapshot(target).meta))
    assert set(meta) == {"from", "date", "imported", "records"}


def test_only_http_urls_are_fetched(target: Path) -> None:
    with pytest.raises(AdvisoryError) as caught:
        update_cache("ftp://user:pw@mirror.example/PyPI/all.zip", target)
    assert str(caught.value) == (
        "ftp://mirror.example/PyPI/all.zip: only http:// and https:// URLs are downloaded"
    )


def test_undated_records_are_refused(tmp_path: Path, target: Path) -> None:
    records = fixture_records()
    for record in records.values():
        del record["modified"]
    with pytest.raises(AdvisoryError, match="no record has a `modified` date"):
        update_cache(str(make_zip(tmp_path / "all.zip", records)), target)
    assert not target.exists()
