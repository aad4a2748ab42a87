"""The advisory data a check's dependency audit reads: where it comes from (refreshed
first, offline under --offline), and what the report says of it (unreachable, passed
over, older than the policy allows)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from gate.errors import AdvisoryError
from gate.model import Warning_
from gate.policy.model import Policy
from gate.scan.options import CheckOptions
from gate.scan.workers import WorkerOutcome
from gate.scanners.base import Scanner


def advisory_settings(
    options: CheckOptions, policy: Policy, scanners: list[Scanner]
) -> tuple[dict[str, Any], list[Warning_]]:
    """How the pip-audit worker finds advisories, resolved here: the worker cannot see the
    cache directory (its environment is scrubbed and its HOME is temporary). Under
    `refresh` the cache is refreshed first (gate.advisories.refresh) and the audit is
    offline; --offline makes every source offline."""
    from gate.advisories import refresh
    from gate.advisories.sources import advisory_settings, cache_snapshot_path

    db = _advisory_db(options, policy)
    source = policy.advisory_source
    offline = options.offline or refresh.offline_forced()
    warnings = []
    if source == "refresh" and not offline and db is None and _audits(scanners):
        done = refresh.refresh(cache_snapshot_path(), refresh.export_url())
        if done is not None and done.problem is not None:
            warnings.append(
                Warning_(
                    "advisories-not-refreshed",
                    f"the advisory database was not refreshed: {done.problem}; the audit "
                    "uses the data already here (tried again in a day)",
                )
            )
    if source == "refresh" or offline:
        source = "offline"
    return advisory_settings(source, db).to_json(), warnings


def _audits(scanners: list[Scanner]) -> bool:
    return any(s.name == "pip-audit" for s in scanners)


def _advisory_db(options: CheckOptions, policy: Policy) -> str | None:
    chosen = options.advisory_db or policy.advisory_db
    if chosen is None:
        return None
    path = Path(chosen)
    if not path.exists():
        raise AdvisoryError(
            f"{chosen}: advisory database not found (a directory or .zip of OSV records)"
        )
    return str(path.resolve())


def advisory_info(outcome: WorkerOutcome | None) -> dict[str, Any]:
    if outcome is None or outcome.payload is None:
        return {}
    database = outcome.payload.get("output", {}).get("database")
    return dict(database) if isinstance(database, dict) else {}


def advisory_warnings(
    info: dict[str, Any], policy: Policy, options: CheckOptions
) -> list[Warning_]:
    """What the report says about the advisory data: `auto` found the live service
    unreachable, the cache was passed over, or the data is older than the policy allows."""
    warnings = []
    if isinstance(info.get("live_error"), str):
        warnings.append(
            Warning_(
                "advisories-offline",
                f"advisories.source auto: {info['live_error']}; the offline database "
                f"{info.get('source')} dated {info.get('date')} was used instead",
            )
        )
    if isinstance(info.get("cache_error"), str):
        warnings.append(
            Warning_(
                "advisories-cache-unusable",
                f"{info['cache_error']}; the built-in snapshot was used "
                "(`gate db update --from URL_OR_FILE` rewrites the cache)",
            )
        )
    return warnings + _stale_advisories(info, policy, options)


def _stale_advisories(
    info: dict[str, Any], policy: Policy, options: CheckOptions
) -> list[Warning_]:
    from gate.advisories.refresh import offline_forced

    date = info.get("date")
    if not isinstance(date, str):
        return []
    age = ((options.today or datetime.date.today()) - datetime.date.fromisoformat(date)).days
    if age <= policy.advisory_max_age_days:
        return []
    if options.offline or offline_forced():
        remedy = (
            "this run was offline (--offline or GATE_OFFLINE), so the gate did not refresh "
            "it: run `gate db update` where the network reaches osv.dev or "
            "GATE_ADVISORY_URL, or pass a newer OSV export with --advisory-db"
        )
    else:
        remedy = (
            "let the gate refresh it (advisories.source: refresh, where the network reaches "
            "osv.dev or GATE_ADVISORY_URL), run `gate db update`, or pass a newer OSV export "
            "with --advisory-db"
        )
    return [
        Warning_(
            "advisories-stale",
            f"advisory database {info.get('source')} is from {date} ({age} days old, policy "
            f"allows {policy.advisory_max_age_days}); vulnerabilities published since are not "
            f"known: {remedy}",
        )
    ]
