#!/usr/bin/env python3
"""Build the gate's built-in advisory snapshot from the PyPA advisory database.

Usage:

    python scripts/build_advisory_snapshot.py SRC OUT --commit SHA --date YYYY-MM-DD

SRC is the `vulns/` directory of https://github.com/pypa/advisory-database (OSV records in
YAML, one per advisory; `.json` records are read too). OUT is written as gzip-compressed JSON:

    {"meta": {"source", "url", "commit", "date", "license", "records"}, "records": [...]}

Each record keeps only what the gate reads: id, aliases, summary, details (cut to 600
characters at a word boundary), published, modified, severity, the PyPI `affected` entries
(package, ECOSYSTEM/SEMVER ranges, versions) and reference URLs. Withdrawn records and
records without a PyPI entry are dropped. The output is deterministic: records sorted by id,
keys sorted, no timestamp or file name in the gzip header, so a rebuild is byte-identical.

The shipped `gate/advisories/data/pypa-advisory-db.json.gz` was built with
`--commit 3ccb612573e2511ab5cad7dafecd838605c80cda --date 2024-10-10` (the commit's date).
The data is CC-BY-4.0; keep NOTICE and gate/NOTICE in step when the snapshot changes.
"""

# To regenerate, from the repository root, with a checkout of the advisory database:
#   git -C advisory-database log -1 --format='%H %cs'   # -> the commit and date to pass
#   python scripts/build_advisory_snapshot.py advisory-database/vulns \
#       gate/advisories/data/pypa-advisory-db.json.gz \
#       --commit <sha> --date <YYYY-MM-DD>
# then update the commit and date in NOTICE, gate/NOTICE and the docstring above.

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

# The script runs from a checkout where `gate` is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gate.advisories.osv import AdvisoryDatabase
from gate.advisories.parse import osv_timestamp, parse_record
from gate.advisories.records import ECOSYSTEM, EVENT_KINDS, RANGE_TYPES

DETAILS_LIMIT = 600
RECORD_SUFFIXES = (".json", ".yaml", ".yml")
SOURCE = "PyPA advisory-database"
URL = "https://github.com/pypa/advisory-database"
LICENSE = "CC-BY-4.0"
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def shorten(text: str, limit: int = DETAILS_LIMIT) -> str:
    """`text` cut to at most `limit` characters at a word boundary, with an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    head = cut.rsplit(maxsplit=1)[0]
    # A single enormous word (a URL) is cut mid-word rather than dropped.
    return (head if len(head) > limit // 2 else cut).rstrip() + "…"


def _compact(mapping: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in mapping.items() if value not in (None, "", [])}


def _trim_affected(entry: dict[str, Any]) -> dict[str, Any]:
    ranges = [
        {
            "type": item["type"],
            "events": [
                {kind: event[kind]}
                for event in item.get("events") or []
                for kind in EVENT_KINDS
                if kind in event
            ],
        }
        for item in entry.get("ranges") or []
        if item["type"] in RANGE_TYPES
    ]
    package = {"ecosystem": ECOSYSTEM, "name": entry["package"]["name"]}
    return _compact({"package": package, "ranges": ranges, "versions": entry.get("versions")})


def trim_record(raw: dict[str, Any]) -> dict[str, Any]:
    """The fields of a (validated) OSV record that the gate reads."""
    affected = [
        _trim_affected(entry)
        for entry in raw.get("affected") or []
        if entry["package"].get("ecosystem") == ECOSYSTEM
    ]
    return _compact(
        {
            "id": raw["id"],
            "aliases": raw.get("aliases"),
            "summary": (raw.get("summary") or "").strip(),
            "details": shorten(raw.get("details") or ""),
            "published": osv_timestamp(raw.get("published")),
            "modified": osv_timestamp(raw.get("modified")),
            "severity": [
                {"type": s["type"], "score": s["score"]} for s in raw.get("severity") or []
            ],
            "affected": affected,
            "references": [{"url": ref["url"]} for ref in raw.get("references") or []],
        }
    )


def _read(path: Path) -> Any:
    data = path.read_bytes()
    return json.loads(data) if path.suffix == ".json" else yaml.load(data, Loader=_LOADER)


def collect(src: Path) -> tuple[list[dict[str, Any]], Counter[str]]:
    """Trimmed records under `src`, sorted by id, and counts of what was dropped."""
    records: list[dict[str, Any]] = []
    dropped: Counter[str] = Counter()
    paths = sorted(p for p in src.rglob("*") if p.suffix in RECORD_SUFFIXES and p.is_file())
    for path in paths:
        raw = _read(path)
        if parse_record(raw, str(path)) is None:
            dropped["withdrawn" if raw.get("withdrawn") else "no PyPI entry"] += 1
            continue
        records.append(trim_record(raw))
    records.sort(key=lambda record: str(record["id"]))
    return records, dropped


def write_snapshot(document: dict[str, Any], out: Path) -> None:
    """Write `document` as deterministic gzip-compressed JSON."""
    data = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    with (
        out.open("wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as compressed,
    ):
        compressed.write(data.encode("utf-8") + b"\n")


def build(src: Path, out: Path, commit: str, date: str) -> tuple[int, Counter[str]]:
    """Build the snapshot; returns the record count and what was dropped."""
    records, dropped = collect(src)
    meta = {
        "source": SOURCE,
        "url": URL,
        "commit": commit,
        "date": date,
        "license": LICENSE,
        "records": len(records),
    }
    write_snapshot({"meta": meta, "records": records}, out)
    return len(records), dropped


def _commit(text: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{40}", text):
        raise argparse.ArgumentTypeError("expected a full 40-character commit hash")
    return text


def _date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError("expected YYYY-MM-DD") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0] if __doc__ else "")
    parser.add_argument("src", type=Path, help="the vulns/ directory of the advisory database")
    parser.add_argument("out", type=Path, help="the .json.gz snapshot to write")
    parser.add_argument("--commit", type=_commit, required=True, help="advisory-database commit")
    parser.add_argument("--date", type=_date, required=True, help="that commit's date")
    args = parser.parse_args(argv)
    if not args.src.is_dir():
        parser.error(f"{args.src} is not a directory")
    count, dropped = build(args.src, args.out, args.commit, args.date)
    loaded = AdvisoryDatabase.load(args.out)  # the gate must be able to read what we wrote
    size = args.out.stat().st_size
    skipped = ", ".join(f"{n} {why}" for why, n in sorted(dropped.items())) or "none"
    print(f"{args.out}: {count} records ({loaded.count} load), {size} bytes; dropped: {skipped}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
