"""Raw OSV records (decoded JSON or YAML) to `Advisory` objects, checked on the way.

Malformed records raise `AdvisoryError` naming where they came from; withdrawn records and
records without a PyPI entry yield None.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from packaging.utils import canonicalize_name

from gate.advisories.records import (
    ECOSYSTEM,
    EVENT_KINDS,
    RANGE_TYPES,
    Advisory,
    Affected,
    Event,
    VersionRange,
)
from gate.errors import AdvisoryError


def osv_timestamp(value: object) -> str | None:
    """An RFC 3339 string from a record's timestamp; YAML hands over unquoted ones as
    datetimes (naive ones are taken as UTC). Raises ValueError for any other type."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo is None else value.astimezone(dt.timezone.utc)
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00Z"
    raise _Invalid(f"timestamp must be a string, not {type(value).__name__}")


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def timestamp_date(value: str | None) -> str | None:
    """The YYYY-MM-DD part of an RFC 3339 timestamp, or None if it has none."""
    if value is None or not _DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None


def parse_record(raw: object, origin: str) -> Advisory | None:
    """An `Advisory` from one decoded OSV record; None when it is withdrawn or has no PyPI
    entry. Raises `AdvisoryError` naming `origin` when the record is malformed."""
    try:
        return _Reader().record(raw)
    except _Invalid as exc:
        raise AdvisoryError(f"{origin}: invalid OSV record: {exc}") from None


def _rated(raw: object) -> str | None:
    """`database_specific.severity` when it is a label the gate knows; anything else in
    that free-form object is the database's own business."""
    label = raw.get("severity") if isinstance(raw, dict) else None
    return label.strip().upper() if isinstance(label, str) and label.strip() else None


class _Invalid(ValueError):
    """A structural problem in a record."""


class _Reader:
    """Walks one record. A container reached twice can only come from a YAML alias; refusing
    it keeps the walk linear in the size of the file (no alias bombs)."""

    def __init__(self) -> None:
        self._seen: set[int] = set()

    def record(self, raw: object) -> Advisory | None:
        data = self._mapping(raw, "record")
        ident = data.get("id")
        if not isinstance(ident, str) or not ident.strip():
            raise _Invalid("no `id`")
        if data.get("withdrawn") is not None:
            return None
        affected = tuple(self._affected(data.get("affected")))
        if not affected:
            return None
        return Advisory(
            id=ident.strip(),
            aliases=tuple(self._strings(data.get("aliases"), "aliases")),
            summary=self._text(data.get("summary"), "summary"),
            details=self._text(data.get("details"), "details"),
            published=osv_timestamp(data.get("published")),
            modified=osv_timestamp(data.get("modified")),
            severity=tuple(self._severity(data.get("severity"))),
            affected=affected,
            references=tuple(self._references(data.get("references"))),
            rated=_rated(data.get("database_specific")),
        )

    def _affected(self, raw: object) -> Iterator[Affected]:
        for item in self._list(raw, "affected"):
            entry = self._mapping(item, "affected[]")
            package = self._mapping(entry.get("package"), "affected[].package")
            if package.get("ecosystem") != ECOSYSTEM:
                continue
            name = package.get("name")
            if not isinstance(name, str) or not name.strip():
                raise _Invalid("affected[].package has no `name`")
            yield Affected(
                package=canonicalize_name(name),
                versions=tuple(self._strings(entry.get("versions"), "affected[].versions")),
                ranges=tuple(self._ranges(entry.get("ranges"))),
            )

    def _ranges(self, raw: object) -> Iterator[VersionRange]:
        for item in self._list(raw, "affected[].ranges"):
            entry = self._mapping(item, "affected[].ranges[]")
            kind = entry.get("type")
            if not isinstance(kind, str):
                raise _Invalid("affected[].ranges[] has no `type`")
            if kind in RANGE_TYPES:
                yield VersionRange(kind, tuple(self._events(entry.get("events"))))

    def _events(self, raw: object) -> Iterator[Event]:
        for item in self._list(raw, "events"):
            event = self._mapping(item, "events[]")
            # `limit` and unknown keys are ignored: that can only widen what counts as affected.
            for kind in EVENT_KINDS:
                if kind in event:
                    yield Event(kind, self._version(event[kind], f"events[].{kind}"))

    def _severity(self, raw: object) -> Iterator[tuple[str, str]]:
        for item in self._list(raw, "severity"):
            entry = self._mapping(item, "severity[]")
            kind, score = entry.get("type"), entry.get("score")
            if not isinstance(kind, str) or not isinstance(score, str):
                raise _Invalid("severity[] needs string `type` and `score`")
            yield kind, score

    def _references(self, raw: object) -> Iterator[str]:
        for item in self._list(raw, "references"):
            url = self._mapping(item, "references[]").get("url")
            if not isinstance(url, str):
                raise _Invalid("references[] has no `url`")
            yield url

    def _strings(self, raw: object, where: str) -> Iterator[str]:
        for item in self._list(raw, where):
            yield self._version(item, f"{where}[]")

    @staticmethod
    def _version(value: object, where: str) -> str:
        # Unquoted YAML such as 1.10 arrives as the float 1.1: refuse rather than guess.
        if not isinstance(value, str):
            raise _Invalid(f"{where} must be a string, not {type(value).__name__}")
        return value

    @staticmethod
    def _text(value: object, where: str) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise _Invalid(f"`{where}` must be a string")
        return value

    def _mapping(self, value: object, where: str) -> dict[str, object]:
        if not isinstance(value, dict):
            raise _Invalid(f"{where} must be a mapping")
        self._claim(value, where)
        return value

    def _list(self, value: object, where: str) -> list[object]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise _Invalid(f"{where} must be a list")
        self._claim(value, where)
        return value

    def _claim(self, value: object, where: str) -> None:
        if id(value) in self._seen:
            raise _Invalid(f"{where} repeats another part of the record (YAML alias)")
        self._seen.add(id(value))
