"""The offline advisory database: OSV records for PyPI packages, indexed by package name.

Three sources load the same way: a directory tree of OSV records (`.json`, `.yaml`, `.yml`),
a zip of them (osv.dev's per-ecosystem `all.zip`), and the compact gzip-compressed JSON
snapshot that ships with the gate (`data/pypa-advisory-db.json.gz`, built by
`scripts/build_advisory_snapshot.py`) or that `gate db update` writes to the cache. This
module never imports pip-audit.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml
from packaging.utils import canonicalize_name

from gate.advisories.parse import parse_record, timestamp_date
from gate.advisories.records import Advisory, Affected, Event, VersionRange
from gate.errors import AdvisoryError
from gate.safefile import read_regular

__all__ = [
    "SNAPSHOT_NAME",
    "Advisory",
    "AdvisoryDatabase",
    "Affected",
    "Event",
    "Snapshot",
    "VersionRange",
    "builtin_snapshot",
    "raw_records",
    "read_snapshot",
]

SNAPSHOT_NAME = "pypa-advisory-db.json.gz"
RECORD_SUFFIXES = (".json", ".yaml", ".yml")
# One OSV record is a few kilobytes; the caps stop a hostile zip from inflating in memory.
MAX_RECORD_BYTES = 8 << 20
MAX_ZIP_RECORDS_BYTES = 2 << 30
MAX_SNAPSHOT_BYTES = 512 << 20
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class AdvisoryDatabase:
    """OSV advisories for PyPI packages, looked up by canonical package name.

    The records are indexed on the first look-up, so a run that asks about no package
    pays only for reading the data, not for parsing every record."""

    def __init__(
        self,
        advisories: Iterable[Advisory],
        *,
        source: str,
        date: str | None,
        count: int | None = None,
    ) -> None:
        self.source = source
        """Where the data came from: `builtin:pypa-advisory-db@<commit>`, `dir:<path>`,
        `zip:<path>`, `snapshot:<path>` or `cache:<origin>` (what `gate db update` imported)."""
        self.date = date
        """ISO date (YYYY-MM-DD) of the data, when known."""
        self._pending = advisories
        self._count = count

    @cached_property
    def _advisories(self) -> tuple[Advisory, ...]:
        newest: dict[str, Advisory] = {}
        for advisory in self._pending:
            kept = newest.get(advisory.id)
            if kept is None or (advisory.modified or "") > (kept.modified or ""):
                newest[advisory.id] = advisory
        return tuple(sorted(newest.values(), key=lambda a: a.id))

    @cached_property
    def _by_package(self) -> dict[str, list[Advisory]]:
        by_package: dict[str, list[Advisory]] = {}
        for advisory in self._advisories:
            for package in sorted(advisory.packages):
                by_package.setdefault(package, []).append(advisory)
        return by_package

    @cached_property
    def _by_name(self) -> dict[str, Advisory]:
        by_name: dict[str, Advisory] = {}
        for advisory in self._advisories:
            for alias in advisory.aliases:
                by_name.setdefault(alias, advisory)
        by_name.update((advisory.id, advisory) for advisory in self._advisories)
        return by_name

    @property
    def count(self) -> int:
        """How many advisories the database holds (the snapshot's own count while nothing
        has been looked up)."""
        if self._count is not None and "_advisories" not in self.__dict__:
            return self._count
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
        if path.name.lower().endswith(".json.gz") and path.is_file():
            return read_snapshot(path).database(f"snapshot:{path}")
        if path.is_file() and path.suffix.lower() != ".zip":
            raise AdvisoryError(
                f"{path}: not an advisory database (expected a directory of OSV records, "
                "a .zip of them, or a .json.gz snapshot)"
            )
        kind = "dir" if path.is_dir() else "zip"
        return _from_advisories(_parse_all(raw_records(path)), f"{kind}:{path}", str(path))

    @classmethod
    def builtin(cls) -> AdvisoryDatabase:
        """The PyPA advisory database snapshot shipped with the gate (loaded once)."""
        return _builtin()


@dataclass(frozen=True)
class Snapshot:
    """A decoded `.json.gz` snapshot: its `meta` and its records, not parsed yet."""

    meta: dict[str, object]
    records: list[object]
    where: str
    """The file, for messages."""
    date: str | None
    """The data's date from `meta` (YYYY-MM-DD), when it has one."""

    def database(self, source: str) -> AdvisoryDatabase:
        """Parse the records; raises `AdvisoryError` naming the first malformed one."""
        return _from_advisories(self, source, self.where, self.date)

    def __iter__(self) -> Iterator[Advisory]:
        """The records parsed, in order; raises `AdvisoryError` naming a malformed one."""
        items = ((raw, f"{self.where} (record {n})") for n, raw in enumerate(self.records))
        return _parse_all(items)


def read_snapshot(path: Path) -> Snapshot:
    """The snapshot at `path`, checked as far as its `meta`."""
    return _decode_snapshot(_read_bytes(path), str(path))


@cache
def builtin_snapshot() -> Snapshot:
    """The snapshot shipped with the gate (read once)."""
    resource = files("gate.advisories") / "data" / SNAPSHOT_NAME
    try:
        data = resource.read_bytes()
    except OSError as exc:
        raise AdvisoryError(f"the built-in advisory snapshot is unreadable: {exc}") from None
    return _decode_snapshot(data, f"built-in {SNAPSHOT_NAME}")


@cache
def _builtin() -> AdvisoryDatabase:
    meta = _builtin_meta()
    commit = meta.get("commit")
    suffix = f"@{commit[:8]}" if isinstance(commit, str) else ""
    source = f"builtin:pypa-advisory-db{suffix}"
    records, date = meta.get("records"), meta.get("date")
    if not isinstance(date, str) or timestamp_date(date) != date or not isinstance(records, int):
        return builtin_snapshot().database(source)
    # The shipped data was checked when it was built (a test holds its `meta` to its
    # records): decoding waits for the first look-up, so a run that asks about no package
    # (its `describe`) reads only the head of the file, and parsing for each package's
    # records, so a run parses only the records of the packages it asks about.
    return _BuiltinDatabase(_BuiltinRecords(), source=source, date=date, count=records)


class _BuiltinRecords:
    """The built-in snapshot's records, decoded when first iterated."""

    def __iter__(self) -> Iterator[Advisory]:
        return iter(builtin_snapshot())


class _BuiltinDatabase(AdvisoryDatabase):
    """The built-in snapshot, whose records are parsed when a look-up needs them: those
    naming the package asked about, or the id (or alias) asked for. What it answers is
    what parsing every record answers: of several records with one id, the newest."""

    def query(self, name: str, version: str) -> list[Advisory]:
        package = canonicalize_name(name)
        found = self._newest(self._raw.by_package.get(package, ()))
        return [
            advisory
            for advisory in sorted(found, key=lambda a: a.id)
            if package in advisory.packages and advisory.affects(package, version)
        ]

    def get(self, vuln_id: str) -> Advisory | None:
        by_id = self._newest(self._raw.by_id.get(vuln_id, ()))
        if by_id:
            return by_id[0]
        aliased = [
            a for a in self._newest(self._raw.by_alias.get(vuln_id, ())) if vuln_id in a.aliases
        ]
        return min(aliased, key=lambda a: a.id) if aliased else None

    @cached_property
    def _raw(self) -> _RawIndex:
        return _RawIndex(builtin_snapshot())

    def _newest(self, indexes: Iterable[int]) -> list[Advisory]:
        """The advisories of the ids the records at `indexes` carry, each parsed from the
        newest record of its id."""
        snapshot, newest = builtin_snapshot(), dict[str, Advisory]()
        ids = {self._raw.ids[n] for n in indexes}
        for n in sorted(n for i in ids for n in self._raw.by_id.get(i, ())):
            advisory = parse_record(snapshot.records[n], f"{snapshot.where} (record {n})")
            kept = newest.get(advisory.id) if advisory is not None else None
            if advisory is not None and (
                kept is None or (advisory.modified or "") > (kept.modified or "")
            ):
                newest[advisory.id] = advisory
        return list(newest.values())


class _RawIndex:
    """Which raw records of a snapshot name each package, id and alias (read, not parsed)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.ids: list[str | None] = []
        self.by_package: dict[str, list[int]] = {}
        self.by_id: dict[str | None, list[int]] = {}
        self.by_alias: dict[str, list[int]] = {}
        for n, raw in enumerate(snapshot.records):
            record = raw if isinstance(raw, dict) else {}
            identity = record.get("id") if isinstance(record.get("id"), str) else None
            self.ids.append(identity)
            self.by_id.setdefault(identity, []).append(n)
            for alias in _strings(record.get("aliases")):
                self.by_alias.setdefault(alias, []).append(n)
            for affected in record.get("affected") or ():
                package = affected.get("package") if isinstance(affected, dict) else None
                named = package.get("name") if isinstance(package, dict) else None
                if isinstance(named, str):
                    self.by_package.setdefault(canonicalize_name(named), []).append(n)


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _builtin_meta() -> dict[str, object]:
    """The built-in snapshot's `meta`, read from the head of the file (the builder
    writes it first): decoding the whole snapshot costs a tenth of a second."""
    resource = files("gate.advisories") / "data" / SNAPSHOT_NAME
    try:
        with resource.open("rb") as raw:
            head = zlib.decompressobj(wbits=31).decompress(raw.read(_META_BYTES), _META_BYTES)
        text = head.decode("utf-8", "replace")
        start = re.match(r'\s*\{\s*"meta"\s*:\s*', text)
        meta, _ = json.JSONDecoder().raw_decode(text, start.end()) if start else (None, 0)
    except (OSError, ValueError, zlib.error):
        meta = None
    return meta if isinstance(meta, dict) else builtin_snapshot().meta


# Enough of the snapshot, compressed and not, to hold its `meta`.
_META_BYTES = 1 << 16


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


def _decode_snapshot(data: bytes, where: str) -> Snapshot:
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
    return Snapshot(meta, records, where, date)


def _parse_all(items: Iterable[tuple[object, str]]) -> Iterator[Advisory]:
    for raw, origin in items:
        advisory = parse_record(raw, origin)
        if advisory is not None:
            yield advisory


def raw_records(path: Path, label: str | None = None) -> Iterator[tuple[object, str]]:
    """The decoded OSV records of a directory tree or a zip, each with where it came from
    (under `label` instead of `path` when given: a download's URL). Not validated yet."""
    if not path.exists():
        raise AdvisoryError(f"advisory database not found: {label or path}")
    if path.is_dir():
        return _read_directory(path, label)
    if path.suffix.lower() == ".zip" and path.is_file():
        return iter(_read_zip(path, label or str(path)))
    raise AdvisoryError(
        f"{label or path}: not OSV records (expected a directory of them or a .zip of them)"
    )


def _read_directory(root: Path, label: str | None) -> Iterator[tuple[object, str]]:
    for path in _record_files(root):
        origin = f"{label}/{path.relative_to(root).as_posix()}" if label else str(path)
        yield _decode(_read_bytes(path), path.name, origin), origin


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


def _read_zip(path: Path, label: str) -> list[tuple[object, str]]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = sorted(
                (info for info in archive.infolist() if _is_record_member(info)),
                key=lambda info: info.filename,
            )
            if sum(info.file_size for info in members) > MAX_ZIP_RECORDS_BYTES:
                raise AdvisoryError(f"{label}: too large uncompressed for a zip of OSV records")
            return [_zip_member(archive, info, f"{label}!{info.filename}") for info in members]
    except (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:
        raise AdvisoryError(f"{label}: unreadable zip: {_one_line(exc)}") from None


def _is_record_member(info: zipfile.ZipInfo) -> bool:
    parts = info.filename.split("/")
    return (
        not info.is_dir()
        and info.filename.lower().endswith(RECORD_SUFFIXES)
        and not any(part.startswith(".") for part in parts)
    )


def _zip_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, origin: str) -> tuple[object, str]:
    if info.file_size > MAX_RECORD_BYTES:
        raise AdvisoryError(f"{origin}: {info.file_size} bytes is too large for an OSV record")
    return _decode(archive.read(info), info.filename, origin), origin


def _read_bytes(path: Path) -> bytes:
    """A record or snapshot file: a regular file of bounded size (a FIFO or a device in
    the database is refused, never waited on)."""
    limit = MAX_SNAPSHOT_BYTES if path.name.endswith(".gz") else MAX_RECORD_BYTES
    try:
        return read_regular(path, limit)
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
