"""Live advisory lookups through pip-audit's own OSV service, and `auto`: live when the
service answers the first query in time, else offline for the whole run.

Imported only inside the worker that runs pip-audit (it needs pip-audit and requests).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests
from pip_audit._service.interface import (
    ConnectionError as OsvConnectionError,
)
from pip_audit._service.interface import (
    Dependency,
    ServiceError,
    VulnerabilityResult,
    VulnerabilityService,
)
from pip_audit._service.osv import OsvService

from gate.advisories.parse import parse_record
from gate.advisories.records import Advisory
from gate.advisories.service import OfflineVulnerabilityService
from gate.errors import AdvisoryError

_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\"()\]]+)")


class LiveUnavailable(AdvisoryError):
    """The live service did not answer, or answered with an HTTP error."""


class LiveVulnerabilityService(VulnerabilityService):  # type: ignore[misc]
    """pip-audit's `OsvService`, keeping the records in each answer: pip-audit's results
    carry no CVSS vectors, references or ranges, and the gate needs all three."""

    def __init__(self, url: str, timeout_s: float, http_cache: Path, advice: str = "") -> None:
        self.url = url
        self._advice = advice
        """Appended to a failure's message: what the user can do about it."""
        self._osv = OsvService(cache_dir=http_cache, timeout=timeout_s, osv_url=url)
        self._osv.session.hooks["response"].append(self._keep_records)
        self._by_id: dict[str, Advisory] = {}
        self._by_alias: dict[str, Advisory] = {}

    @property
    def timeout_s(self) -> float:
        return float(self._osv.timeout)

    @timeout_s.setter
    def timeout_s(self, value: float) -> None:
        self._osv.timeout = value

    def query(self, spec: Dependency) -> tuple[Dependency, list[VulnerabilityResult]]:
        """pip-audit's answer for `spec`; raises `LiveUnavailable` when there is none."""
        try:
            answer: tuple[Dependency, list[VulnerabilityResult]] = self._osv.query(spec)
        except (ServiceError, requests.RequestException) as exc:
            reason = _reason(exc, self.timeout_s)
            message = f"live advisory lookup at {self.url} failed: {reason}{self._advice}"
            raise LiveUnavailable(message) from exc
        return answer

    def advisory_for(self, vuln_id: str) -> Advisory | None:
        """The record behind a result's id or alias, from the answers seen so far."""
        return self._by_id.get(vuln_id) or self._by_alias.get(vuln_id)

    def describe(self) -> dict[str, Any]:
        # Live data is as of now: dated today, it is never stale.
        today = dt.datetime.now(dt.timezone.utc).date().isoformat()
        return {"mode": "live", "source": f"live:{self.url}", "date": today, "records": None}

    def _keep_records(self, response: requests.Response, *args: object, **kwargs: object) -> None:
        if not response.ok:
            return
        body = response.json()
        records = body.get("vulns") if isinstance(body, dict) else None
        for raw in records or []:
            advisory = parse_record(raw, f"{self.url} answer")
            if advisory is None:
                continue
            self._by_id[advisory.id] = advisory
            for alias in advisory.aliases:
                self._by_alias.setdefault(alias, advisory)


class AutoVulnerabilityService(VulnerabilityService):  # type: ignore[misc]
    """Live if the first query is answered within the probe's deadline, else offline for
    the whole run; once live answered, a later failure is an error (a run is never half
    live, half offline)."""

    def __init__(
        self,
        live: LiveVulnerabilityService,
        offline: Callable[[], OfflineVulnerabilityService],
        timeout_s: float,
    ) -> None:
        self._live = live
        self._offline = offline
        self._timeout_s = timeout_s
        self.active: LiveVulnerabilityService | OfflineVulnerabilityService | None = None
        self.fallback: str | None = None
        """Why live was given up, when it was."""

    def query(self, spec: Dependency) -> tuple[Dependency, list[VulnerabilityResult]]:
        if self.active is not None:
            return self.active.query(spec)
        if spec.is_skipped():
            return spec, []
        try:
            answer = self._live.query(spec)
        except LiveUnavailable as exc:
            self.fallback = str(exc)
            self.active = self._offline()
            return self.active.query(spec)
        self._live.timeout_s = self._timeout_s
        self.active = self._live
        return answer

    def advisory_for(self, vuln_id: str) -> Advisory | None:
        return self.active.advisory_for(vuln_id) if self.active is not None else None

    def describe(self) -> dict[str, Any]:
        if self.active is self._live:
            return self._live.describe()
        # Nothing was looked up, or live was unreachable: say what offline data stood in.
        offline = self.active if self.active is not None else self._offline()
        info = offline.describe()
        if self.fallback is not None:
            info["live_error"] = self.fallback
        return info


def _reason(exc: BaseException, timeout_s: float) -> str:
    """What went wrong, in a few words, from requests' long nested messages."""
    cause = exc.__cause__ if isinstance(exc, ServiceError) and exc.__cause__ else exc
    if isinstance(cause, (requests.Timeout, OsvConnectionError)):
        return f"no answer within {timeout_s:g}s"
    if isinstance(cause, requests.HTTPError) and cause.response is not None:
        return f"HTTP {cause.response.status_code}"
    if isinstance(cause, requests.exceptions.SSLError):
        return "TLS error (a proxy's CA certificate goes in REQUESTS_CA_BUNDLE or SSL_CERT_FILE)"
    found = _ERRNO.search(str(cause))
    return found.group(1).strip() if found else type(cause).__name__
