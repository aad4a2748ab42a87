"""Which vulnerability service a run's audit asks, as `advisories.source` says: the
offline database, pip-audit's live OSV service, or the live one while it answers.

Imported only inside the worker process that runs pip-audit, as the services are.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from gate.advisories.service import LIVE_ADVICE, OfflineVulnerabilityService
from gate.advisories.sources import AdvisorySettings, offline_database
from gate.errors import AdvisoryError


@contextmanager
def open_service(settings: AdvisorySettings) -> Iterator[Any]:
    """The vulnerability service for `settings.source`: offline, live (pip-audit's OSV
    service; failures are errors) or auto (live if it answers, else offline). Each has
    `query`, `advisory_for` and `describe`."""

    @cache
    def offline() -> OfflineVulnerabilityService:
        choice = offline_database(settings)
        return OfflineVulnerabilityService(choice.database, choice.cache_error)

    if settings.source == "offline":
        yield offline()
        return
    from gate.advisories.live import AutoVulnerabilityService, LiveVulnerabilityService

    with tempfile.TemporaryDirectory(prefix="gate-osv-") as http_cache:
        if settings.source == "live":
            yield LiveVulnerabilityService(
                settings.osv_url, settings.timeout_s, Path(http_cache), LIVE_ADVICE
            )
        elif settings.source == "auto":
            probe = LiveVulnerabilityService(
                settings.osv_url, settings.probe_timeout_s, Path(http_cache)
            )
            yield AutoVulnerabilityService(probe, offline, settings.timeout_s)
        else:
            raise AdvisoryError(f"advisories.source {settings.source!r}: not offline, live or auto")
