"""The offline advisory database: OSV records for PyPI packages, indexed by package name.

Three sources load the same way: a directory tree of OSV records (`.json`, `.yaml`, `.yml`),
a zip of them (osv.dev's per-ecosystem `all.zip`), and the compact gzip-compressed JSON
snapshot that ships with the gate (`data/pypa-advisory-db.json.gz`, built by
`scripts/build_advisory_snapshot.py`). This module never imports pip-audit.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from packaging.utils import canonicalize_name

from gate.advisories.parse import parse_record, timestamp_date
from gate.advisories.records import Advisory, Affected, Event, VersionRange
from gate.errors import AdvisoryError

__all__ = [
    "SNAPSHOT_NAME",
    "Advisory",
    "AdvisoryDatabase",
    "Affected",
    "Event",
    "VersionRange",
]

SNAPSHOT_NAME = "pypa-advisory-db.json.gz"
RECORD_SUFFIXES = (".json", ".yaml", ".yml")
# One OSV record is a few kilobytes; the cap stops a hostile zip from inflating in memory.
MAX_RECORD_BYTES = 8 << 20
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class AdvisoryDatabase:
    """OSV advisories for PyPI packages, looked up by canonical package name."""

    def __init__(self, advisories: Iterable[Advisory], *, source: str, date: str | None) -> None:
        self.source = source
        """Where the data came from: `builtin:pypa-advisory-db@<commit>`, `dir:<path>`,
        `zip:<path>` or `snapshot:<path>`."""
        self.date = date
        """ISO date (YYYY-MM-DD) of the data, when known."""
        newest: dict[str, Advisory] = {}
        for advisory in advisories:
            kept = newest.get(advisory.id)
            if kept is None or (advisory.modified or "") > (kept.modified or ""):
                newest[advisory.id] = advisory
        self._advisories = tuple(sorted(newest.values(), key=lambda a: a.id))
        self._by_package: dict[str, list[Advisory]] = {}
        self._by_name: dict[str, Advisory] = {}
        for advisory in self._advisories:
            for package in sorted(advisory.packages):
                self._by_package.setdefault(package, []).append(advisory)
            for alias in advisory.aliases:
                self._by_name.setdefault(alias, advisory)
        self._by_name.update(newest)

    @property
    def count(self) -> int:
        """How many advisories the database holds."""
        return len(self._advisories)

    def __len__(self) -> int:
        return len(self._advisories)

    def __iter__(self) -> Iterator[Advisory]:
        return iter(self._advisories)

    def query(self, name: str, version: str) -> list[Advisory]:
        """The advisories affecting `version` of package `name` (any spelling), by id."""
        package = canonicalize_name(name)
        candidates = self._by_package.get(package, ())
        return [advisory for advisory in candidates if advisory.affects(package, version)]

    def get(self, vuln_id: str) -> Advisory | None:
        """The advisory with this id, or else with this alias (CVE, GHSA)."""
        return self._by_name.get(vuln_id)

    def age_days(self, today: dt.date) -> int | None:
        """Days between the data's date and `today`; None when the date is unknown."""
        if self.date is None:
            return None
        return (today - dt.date.fromisoformat(self.date)).days

    @classmethod
    def load(cls, path: Path) -> AdvisoryDatabase:
        """Load a directory of OSV records, a zip of them, or a `.json.gz` snapshot."""
        if not path.exists():
            raise AdvisoryError(f"advisory database not found: {path}")
        if path.is_dir():
            return _from_advisories(_read_directory(path), f"dir:{path}", str(path))
        if path.name.lower().endswith(".json.gz"):
            return _from_snapshot(_read_bytes(path), f"snapshot:{path}", str(path))
        if path.suffix.lower() == ".zip":
            return _from_advisories(_read_zip(path), f"zip:{path}", str(path))
        raise AdvisoryError(
            f"{path}: not an advisory database (expected a directory of OSV records, "
            "a .zip of them, or a .json.gz snapshot)"
        )

    @classmethod
    def builtin(cls) -> AdvisoryDatabase:
        """The PyPA advisory database snapshot shipped with the gate (loaded once)."""
        return _builtin()


@cache
def _builtin() -> AdvisoryDatabase:
    resource = files("gate.advisories") / "data" / SNAPSHOT_NAME
    try:
        data = resource.read_bytes()
    except OSError as exc:
        raise AdvisoryError(f"the built-in advisory snapshot is unreadable: {exc}") from None
    return _from_snapshot(data, "builtin:pypa-advisory-db", f"built-in {SNAPSHOT_NAME}")


def _from_advisories(
    advisories: Iterable[Advisory], source: str, where: str, date: str | None = None
) -> AdvisoryDatabase:
    found = list(advisories)
    if not found:
        raise AdvisoryError(f"no advisories found in {where}")
    if date is None:
        dates = [d for d in (timestamp_date(a.modified) for a in found) if d is not None]
        date = max(dates, default=None)
    return AdvisoryDatabase(found, source=source, date=date)


def _from_snapshot(data: bytes, source: str, where: str) -> AdvisoryDatabase:
    try:
        document = json.loads(gzip.decompress(data))
    except (OSError, EOFError, ValueError, zlib.error) as exc:
        raise AdvisoryError(
            f"{where}: not a readable advisory snapshot: {_one_line(exc)}"
        ) from None
    meta = document.get("meta") if isinstance(document, dict) else None
    records = document.get("records") if isinstance(document, dict) else None
    if not isinstance(meta, dict) or not isinstance(records, list):
        raise AdvisoryError(f"{where}: not an advisory snapshot (no `meta` and `records`)")
    date = meta.get("date")
    if date is not None and (not isinstance(date, str) or timestamp_date(date) != date):
        raise AdvisoryError(f"{where}: snapshot date {date!r} is not YYYY-MM-DD")
    commit = meta.get("commit")
    if source.startswith("builtin:") and isinstance(commit, str):
        source = f"{source}@{commit[:8]}"
    advisories = _parse_all((raw, f"{where} (record {n})") for n, raw in enumerate(records))
    return _from_advisories(advisories, source, where, date)


def _parse_all(items: Iterable[tuple[object, str]]) -> Iterator[Advisory]:
    for raw, origin in items:
        advisory = parse_record(raw, origin)
        if advisory is not None:
            yield advisory


def _read_directory(root: Path) -> Iterator[Advisory]:
    return _parse_all(
        (_decode(_read_bytes(p), p.name, str(p)), str(p)) for p in _record_files(root)
    )


def _record_files(root: Path) -> list[Path]:
    found: list[Path] = []
    # Hidden entries are skipped so a clone's .git and .github/workflows/*.yml stay out.
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found.extend(
            Path(folder) / name
            for name in names
            if not name.startswith(".") and name.lower().endswith(RECORD_SUFFIXES)
        )
    return sorted(found)


def _read_zip(path: Path) -> Iterator[Advisory]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = sorted(
                (info for info in archive.infolist() if _is_record_member(info)),
                key=lambda info: info.filename,
            )
            items = [
                (_zip_member(archive, info, path), f"{path}!{info.filename}") for info in members
            ]
    except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:
        raise AdvisoryError(f"{path}: unreadable zip: {_one_line(exc)}") from None
    return _parse_all(items)


def _is_record_member(info: zipfile.ZipInfo) -> bool:
    parts = info.filename.split("/")
    return (
        not info.is_dir()
        and info.filename.lower().endswith(RECORD_SUFFIXES)
        and not any(part.startswith(".") for part in parts)
    )


def _zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> object:
    origin = f"{path}!{info.filename}"
    if info.file_size > MAX_RECORD_BYTES:
        raise AdvisoryError(f"{origin}: {info.file_size} bytes is too large for an OSV record")
    return _decode(archive.read(info), info.filename, origin)


def _read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_RECORD_BYTES and not path.name.endswith(".gz"):
            raise AdvisoryError(f"{path}: too large for an OSV record")
        return path.read_bytes()
    except OSError as exc:
        raise AdvisoryError(f"{path}: unreadable: {exc.strerror or exc}") from None


def _decode(data: bytes, name: str, origin: str) -> object:
    try:
        if name.lower().endswith(".json"):
            return json.loads(data)
        return yaml.load(data, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader, C or Python
    except (ValueError, yaml.YAMLError) as exc:
        raise AdvisoryError(f"{origin}: cannot parse: {_one_line(exc)}") from None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__
