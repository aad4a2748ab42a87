"""The snapshot shipped with the gate: real PyPA data, attribution, size and speed."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from types import ModuleType

from gate.advisories import osv
from gate.advisories.osv import AdvisoryDatabase
from gate.advisories.parse import timestamp_date

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "gate" / "advisories" / "data" / osv.SNAPSHOT_NAME
COMMIT = "3ccb612573e2511ab5cad7dafecd838605c80cda"
DATE = "2024-10-10"


def test_builtin_identity() -> None:
    db = AdvisoryDatabase.builtin()
    assert db.source == f"builtin:pypa-advisory-db@{COMMIT[:8]}"
    assert db.date == DATE
    assert db.count > 2500
    assert AdvisoryDatabase.builtin() is db


def test_builtin_requests_cve_2018_18074() -> None:
    db = AdvisoryDatabase.builtin()
    hits = {advisory.id: advisory for advisory in db.query("requests", "2.19.0")}
    assert "PYSEC-2018-28" in hits
    advisory = hits["PYSEC-2018-28"]
    assert "CVE-2018-18074" in advisory.aliases
    assert advisory.fixed_versions("requests") == ("2.20.0",)
    assert not advisory.affects("requests", "2.32.3")
    assert "PYSEC-2018-28" not in {a.id for a in db.query("Requests", "2.32.3")}


def test_builtin_last_affected_record() -> None:
    # The only `last_affected` event in the data: py <= 1.11.0 (ReDoS, PYSEC-2022-42969).
    db = AdvisoryDatabase.builtin()
    assert "PYSEC-2022-42969" in {a.id for a in db.query("py", "1.11.0")}
    assert "PYSEC-2022-42969" not in {a.id for a in db.query("py", "1.11.1")}


def test_builtin_counts_before_parsing_what_parsing_finds() -> None:
    # The snapshot's `meta` answers for the data until a look-up parses it: it must agree.
    db = osv._builtin.__wrapped__()
    announced = db.count
    assert "_advisories" not in db.__dict__
    assert announced == len(list(db)) == db.count
    assert db.date == max(d for d in (timestamp_date(a.modified) for a in db) if d)


def test_the_meta_read_from_the_head_of_the_snapshot_is_its_meta() -> None:
    # Describing the data reads only the head of the file: it must be the file's `meta`.
    assert osv._builtin_meta() == osv.builtin_snapshot().meta


def test_snapshot_meta_matches_notice() -> None:
    assert SNAPSHOT.stat().st_size < 1_500_000
    meta = json.loads(gzip.decompress(SNAPSHOT.read_bytes()))["meta"]
    assert meta["commit"] == COMMIT
    assert meta["date"] == DATE
    assert meta["license"] == "CC-BY-4.0"
    for notice in (ROOT / "NOTICE", ROOT / "gate" / "NOTICE"):
        text = notice.read_text()
        assert COMMIT in text and DATE in text, f"{notice} does not name the snapshot"
        assert "CC-BY-4.0" in text and "https://github.com/pypa/advisory-database" in text


def test_shorten_cuts_at_a_word_boundary(builder: ModuleType) -> None:
    text = " ".join(["word"] * 300)
    short = builder.shorten(text)
    assert len(short) <= 600
    assert short.endswith("word…")
    assert builder.shorten("  short text \n") == "short text"
    one_word = builder.shorten("x" * 1000)
    assert len(one_word) == 600 and one_word.endswith("…")


def test_looked_up_by_package_it_answers_what_parsing_every_record_answers() -> None:
    """The built-in data parses only the records a look-up needs; each answer is the one
    the whole parsed database gives, for every package, id and alias it holds."""
    lazy = osv._builtin.__wrapped__()
    snapshot = osv.builtin_snapshot()
    whole = snapshot.database("whole")
    versions = ("0", "1.0", "2.19.0", "99999")
    for package in sorted({p for advisory in whole for p in advisory.packages}):
        for version in versions:
            assert lazy.query(package, version) == whole.query(package, version), package
    for advisory in whole:
        for name in (advisory.id, *advisory.aliases):
            assert lazy.get(name) == whole.get(name), name
    assert lazy.get("PYSEC-0000-0") is None and lazy.query("not-a-package-xyz", "1") == []
    assert "_advisories" not in lazy.__dict__  # it never parsed the whole data
