#!/usr/bin/env python3
"""Build the gate's built-in advisory snapshot from the PyPA advisory database.

Usage:

    python scripts/build_advisory_snapshot.py SRC OUT --commit SHA --date YYYY-MM-DD

SRC is the `vulns/` directory of https://github.com/pypa/advisory-database (OSV records in
YAML, one per advisory; `.json` records are read too). OUT is written as gzip-compressed JSON:

    {"meta": {"source", "url", "commit", "date", "license", "records"}, "records": [...]}

Records are trimmed and written by `gate.advisories.snapshot` (the same writer `gate db
update` uses): only what the gate reads is kept, withdrawn records and records without a
PyPI entry are dropped, and the output is deterministic, so a rebuild is byte-identical.

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
import re
import sys
from collections import Counter
from pathlib import Path

# The script runs from a checkout where `gate` is not installed.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from gate.advisories.osv import AdvisoryDatabase, raw_records
from gate.advisories.snapshot import collect, shorten, write_snapshot

__all__ = ["build", "main", "shorten"]

SOURCE = "PyPA advisory-database"
URL = "https://github.com/pypa/advisory-database"
LICENSE = "CC-BY-4.0"


def build(src: Path, out: Path, commit: str, date: str) -> tuple[int, Counter[str]]:
    """Build the snapshot; returns the record count and what was dropped."""
    records, dropped = collect(raw_records(src))
    meta = {
        "source": SOURCE,
        "url": URL,
        "commit": commit,
        "date": date,
        "license": LICENSE,
        "records": len(records),
    }
    write_snapshot({"meta": meta, "records": records}, out, mode=0o644)
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
