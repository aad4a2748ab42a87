"""Writing compact advisory snapshots: the built-in one and the one `gate db update` imports.

A snapshot is gzip-compressed JSON, `{"meta": {...}, "records": [...]}`, that
`gate.advisories.osv` reads back. Each record keeps only what the gate reads: id, aliases,
summary, details (cut to 600 characters at a word boundary), published, modified, severity,
the PyPI `affected` entries (package, ECOSYSTEM/SEMVER ranges, versions) and reference URLs.
The output is deterministic: records sorted by id, keys sorted, no timestamp or file name in
the gzip header.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gate.advisories.parse import osv_timestamp, parse_record
from gate.advisories.records import ECOSYSTEM, EVENT_KINDS, RANGE_TYPES
from gate.errors import AdvisoryError

DETAILS_LIMIT = 600
WITHDRAWN = "withdrawn"
NOT_PYPI = "no PyPI entry"


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
            "database_specific": _rating(raw.get("database_specific")),
        }
    )


def _rating(raw: object) -> dict[str, str] | None:
    """Only the severity label of `database_specific`, the one part the gate reads."""
    label = raw.get("severity") if isinstance(raw, dict) else None
    return {"severity": label} if isinstance(label, str) and label.strip() else None


def collect(items: Iterable[tuple[object, str]]) -> tuple[list[dict[str, Any]], Counter[str]]:
    """Validate every `(record, origin)`, keep the PyPI ones trimmed (the newest copy of an
    id), sorted by id, and count what was dropped (`withdrawn`, `no PyPI entry`). Raises
    `AdvisoryError` naming the first malformed record."""
    kept: dict[str, dict[str, Any]] = {}
    dropped: Counter[str] = Counter()
    for raw, origin in items:
        advisory = parse_record(raw, origin)
        if advisory is None:
            withdrawn = isinstance(raw, dict) and raw.get("withdrawn") is not None
            dropped[WITHDRAWN if withdrawn else NOT_PYPI] += 1
            continue
        assert isinstance(raw, dict)  # parse_record accepted it as a mapping
        record = trim_record(raw)
        previous = kept.get(advisory.id)
        if previous is None or record.get("modified", "") > previous.get("modified", ""):
            kept[advisory.id] = record
    return [kept[ident] for ident in sorted(kept)], dropped


def snapshot_bytes(document: dict[str, Any]) -> bytes:
    """`document` as deterministic gzip-compressed JSON."""
    data = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as out:
        out.write(data.encode("utf-8") + b"\n")
    return buffer.getvalue()


def write_snapshot(document: dict[str, Any], out: Path, mode: int = 0o600) -> None:
    """Write `document` to `out` atomically, with permissions `mode`: a reader, or a
    concurrent writer, sees the old file or the new one, never part of one."""
    try:
        out.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        replace_atomically(out, snapshot_bytes(document), mode)
    except OSError as exc:
        raise AdvisoryError(f"{out}: cannot write the snapshot: {exc.strerror or exc}") from None


def replace_atomically(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write `data` to a temp file beside `path`, flush it to disk, rename it over `path`;
    the temp file never outlives a failure."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temp = Path(name)
    try:
        with os.fdopen(handle, "wb") as out:
            os.fchmod(out.fileno(), mode)
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        temp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _sync_directory(path.parent)


def _sync_directory(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
