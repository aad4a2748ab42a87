"""Loading advisory databases from a directory, a zip and a snapshot, and refusing bad ones."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import shutil
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from gate.advisories.osv import AdvisoryDatabase
from gate.errors import AdvisoryError

DEMO_IDS = ["DEMO-2024-1", "DEMO-2024-2", "DEMO-2024-3", "DEMO-2024-4"]
COMMIT = "0123456789abcdef0123456789abcdef01234567"
PROBES = [
    (package, version)
    for package in ("demo-pkg", "zero-pkg", "odd-pkg", "semver-pkg")
    for version in ("0.1", "0.5", "1.0", "1.2", "2.1", "3.1", "5.0", "weird-1", "0.9-weird")
]


def _answers(db: AdvisoryDatabase) -> list[list[str]]:
    return [[a.id for a in db.query(package, version)] for package, version in PROBES]


def test_directory(demo_db: AdvisoryDatabase, osv_dir: Path) -> None:
    assert demo_db.source == f"dir:{osv_dir}"
    assert [a.id for a in demo_db] == DEMO_IDS
    assert demo_db.count == len(demo_db) == 4
    # The newest `modified` among indexed records; withdrawn and npm-only ones are newer.
    assert demo_db.date == "2024-06-02"


def test_directory_record_fields(demo_db: AdvisoryDatabase) -> None:
    first = demo_db.get("DEMO-2024-1")
    assert first is not None
    assert first.aliases == ("CVE-2024-0001", "GHSA-aaaa-bbbb-cccc")
    assert first.severity == (("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),)
    assert first.references == (
        "https://example.invalid/advisories/DEMO-2024-1",
        "https://example.invalid/demo/commit/abc123",
    )
    assert first.packages == frozenset({"demo-pkg"})
    yaml_record = demo_db.get("DEMO-2024-2")
    assert yaml_record is not None
    # Unquoted YAML timestamps come back as the same RFC 3339 text JSON would give.
    assert yaml_record.published == "2024-06-01T08:00:00Z"
    assert yaml_record.modified == "2024-06-02T10:00:00Z"


def test_directory_skips_hidden_entries(osv_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "vulns"
    shutil.copytree(osv_dir, root)
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "ci.yml").write_text("on: push\njobs: {}\n")
    (root / ".draft.json").write_text("not json")
    (root / "README.md").write_text("# not a record\n")
    assert [a.id for a in AdvisoryDatabase.load(root)] == DEMO_IDS


def test_zip_like_osv_all_zip(osv_dir: Path, demo_db: AdvisoryDatabase, tmp_path: Path) -> None:
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w") as out:
        for record in sorted(osv_dir.rglob("*.*")):
            out.write(record, record.name)
        out.writestr("__MACOSX/._DEMO-2024-1.json", b"\x00\x05junk")
    db = AdvisoryDatabase.load(archive)
    assert db.source == f"zip:{archive}"
    assert [a.id for a in db] == DEMO_IDS
    assert db.date == demo_db.date
    assert _answers(db) == _answers(demo_db)


def test_snapshot_round_trip(
    osv_dir: Path, demo_db: AdvisoryDatabase, builder: ModuleType, tmp_path: Path
) -> None:
    out = tmp_path / "snapshot.json.gz"
    count, dropped = builder.build(osv_dir, out, COMMIT, "2024-10-10")
    assert count == 4
    assert dict(dropped) == {"withdrawn": 1, "no PyPI entry": 1}
    db = AdvisoryDatabase.load(out)
    assert db.source == f"snapshot:{out}"
    assert db.date == "2024-10-10"
    assert [a.id for a in db] == DEMO_IDS
    assert _answers(db) == _answers(demo_db)
    snapshot_first, dir_first = db.get("DEMO-2024-1"), demo_db.get("DEMO-2024-1")
    assert snapshot_first is not None and dir_first is not None
    assert snapshot_first.severity == dir_first.severity
    assert snapshot_first.references == dir_first.references


def test_snapshot_is_deterministic(osv_dir: Path, builder: ModuleType, tmp_path: Path) -> None:
    first, second = tmp_path / "a.json.gz", tmp_path / "sub" / "b.json.gz"
    builder.build(osv_dir, first, COMMIT, "2024-10-10")
    builder.build(osv_dir, second, COMMIT, "2024-10-10")
    assert first.read_bytes() == second.read_bytes()
    document = json.loads(gzip.decompress(first.read_bytes()))
    assert document["meta"] == {
        "source": "PyPA advisory-database",
        "url": "https://github.com/pypa/advisory-database",
        "commit": COMMIT,
        "date": "2024-10-10",
        "license": "CC-BY-4.0",
        "records": 4,
    }


def test_age_days(demo_db: AdvisoryDatabase) -> None:
    assert demo_db.age_days(dt.date(2024, 6, 12)) == 10
    undated = AdvisoryDatabase(list(demo_db), source="test", date=None)
    assert undated.age_days(dt.date(2024, 6, 12)) is None


def test_duplicate_ids_keep_the_newest(osv_dir: Path, tmp_path: Path) -> None:
    root = tmp_path / "vulns"
    shutil.copytree(osv_dir, root)
    newer = json.loads((osv_dir / "DEMO-2024-1.json").read_text())
    newer["modified"] = "2024-07-01T00:00:00Z"
    newer["summary"] = "Newer copy"
    (root / "zz-copy.json").write_text(json.dumps(newer))
    db = AdvisoryDatabase.load(root)
    kept = db.get("DEMO-2024-1")
    assert kept is not None and kept.summary == "Newer copy"
    assert db.count == 4


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(AdvisoryError, match="advisory database not found"):
        AdvisoryDatabase.load(tmp_path / "nowhere")


def test_unsupported_file(tmp_path: Path) -> None:
    path = tmp_path / "advisories.txt"
    path.write_text("hello")
    with pytest.raises(AdvisoryError, match="not an advisory database"):
        AdvisoryDatabase.load(path)


BAD_RECORDS = [
    ("list.json", "[1, 2]", "record must be a mapping"),
    ("noid.json", '{"summary": "no id"}', "no `id`"),
    ("broken.json", '{"id": ', "cannot parse"),
    ("broken.yaml", "id: [unclosed\n", "cannot parse"),
    ("affected.json", '{"id": "X-1", "affected": {"package": 1}}', "affected must be a list"),
    (
        "noname.json",
        '{"id": "X-1", "affected": [{"package": {"ecosystem": "PyPI"}}]}',
        "no `name`",
    ),
    (
        "events.json",
        '{"id": "X-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"},'
        ' "ranges": [{"type": "ECOSYSTEM", "events": "introduced"}]}]}',
        "events must be a list",
    ),
    (
        "float.yaml",
        "id: X-1\naffected:\n- package: {name: a, ecosystem: PyPI}\n  versions: [1.10]\n",
        "must be a string, not float",
    ),
    (
        "alias.yaml",
        "id: X-1\naffected:\n- &entry {package: {name: a, ecosystem: PyPI}, versions: ['1']}\n"
        "- *entry\n",
        "YAML alias",
    ),
]


@pytest.mark.parametrize(("name", "content", "message"), BAD_RECORDS)
def test_invalid_record_names_the_file(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    (tmp_path / name).write_text(content)
    with pytest.raises(AdvisoryError) as caught:
        AdvisoryDatabase.load(tmp_path)
    assert name in str(caught.value)
    assert message in str(caught.value)


def test_invalid_record_in_zip_names_the_member(tmp_path: Path) -> None:
    archive = tmp_path / "all.zip"
    with zipfile.ZipFile(archive, "w") as out:
        out.writestr("BAD-1.json", "[]")
    with pytest.raises(AdvisoryError, match=r"all\.zip!BAD-1\.json: invalid OSV record"):
        AdvisoryDatabase.load(archive)


def test_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(AdvisoryError, match="no advisories found in"):
        AdvisoryDatabase.load(tmp_path)


def test_no_pypi_records(osv_dir: Path, tmp_path: Path) -> None:
    shutil.copy(osv_dir / "NPM-2024-1.json", tmp_path)
    shutil.copy(osv_dir / "DEMO-2023-9.json", tmp_path)
    with pytest.raises(AdvisoryError, match=f"no advisories found in {tmp_path}"):
        AdvisoryDatabase.load(tmp_path)


def test_unreadable_zip(tmp_path: Path) -> None:
    path = tmp_path / "all.zip"
    path.write_bytes(b"not a zip")
    with pytest.raises(AdvisoryError, match="unreadable zip"):
        AdvisoryDatabase.load(path)


def _gz(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "db.json.gz"
    path.write_bytes(gzip.compress(json.dumps(document).encode()))
    return path


def test_unreadable_snapshot(tmp_path: Path) -> None:
    path = tmp_path / "db.json.gz"
    path.write_bytes(b"not gzip")
    with pytest.raises(AdvisoryError, match="not a readable advisory snapshot"):
        AdvisoryDatabase.load(path)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"records": []}, "not an advisory snapshot"),
        ({"meta": {"date": "yesterday"}, "records": []}, "is not YYYY-MM-DD"),
        ({"meta": {}, "records": []}, "no advisories found"),
        ({"meta": {}, "records": [{"id": 5}]}, r"\(record 0\): invalid OSV record"),
    ],
)
def test_invalid_snapshot(tmp_path: Path, document: object, message: str) -> None:
    with pytest.raises(AdvisoryError, match=message):
        AdvisoryDatabase.load(_gz(tmp_path, document))
