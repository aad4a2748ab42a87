"""Waivers: reading them from the policy, and applying them to findings.

A waiver names what it covers (one rule id, and optionally path, resource, fingerprint;
or, deliberately, a `rules_matching` pattern that must be scoped by path or resource),
why (a reason of at least 8 characters), and until when (at most max_waiver_days
ahead, checked for every environment's waivers). The schema refuses globs in `rule`,
`*`-only patterns and scopes that match everything, so no waiver waives everything.
Past its date a waiver no longer applies and the findings it covered are judged
again; the report warns about waivers that expired, expire soon, or match nothing.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from gate.errors import PolicyError
from gate.model import Finding, Reporter, Status, Waiver, Warning_
from gate.policy.model import WaiverRule
from gate.safeyaml import Position

EXPIRING_WITHIN_DAYS = 14
# Findings that a waiver can cover: the ones the policy would report as problems.
_WAIVABLE = (Status.BLOCKING, Status.ALLOWED)

PositionOf = Callable[..., Position | None]


def read_waivers(
    raw: Sequence[dict[str, Any]],
    position_of: PositionOf,
    shown: str,
    today: datetime.date,
    max_days: int,
) -> tuple[WaiverRule, ...]:
    """Waivers from the (schema-valid) policy; one expiring too far ahead is a PolicyError."""
    waivers = []
    for index, entry in enumerate(raw):
        rule = entry.get("rule") or entry["rules_matching"]
        expires = _date(entry["expires"])
        position = position_of(index)
        where = f"{shown}:{position[0]}" if position else shown
        if (expires - today).days > max_days:
            at = position_of(index, "expires") or position
            place = f"{shown}:{at[0]}:{at[1]}" if at else shown
            raise PolicyError(
                f"{place}: waiver of {rule} expires {expires.isoformat()}, "
                f"{(expires - today).days} days ahead; max_waiver_days allows {max_days}"
            )
        waivers.append(
            WaiverRule(
                rule=rule,
                reason=entry["reason"],
                expires=expires,
                path=entry.get("path"),
                resource=entry.get("resource"),
                fingerprint=entry.get("fingerprint"),
                approved_by=entry.get("approved_by"),
                where=where,
                matching="rules_matching" in entry,
            )
        )
    return tuple(waivers)


def _date(value: Any) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def apply_waivers(
    findings: Sequence[Finding],
    waivers: Sequence[WaiverRule],
    today: datetime.date,
    bundles: int = 1,
) -> tuple[list[Finding], list[Warning_]]:
    """Findings with active waivers applied, and warnings about the waivers themselves;
    `bundles`: how many bundles the run checks (gate.policy.model `_path_matches`)."""
    alone = bundles <= 1
    active = [w for w in waivers if w.expires >= today]
    used: set[int] = set()
    widened: dict[int, tuple[WaiverRule, Finding]] = {}
    repeated: Counter[int] = Counter()
    """Findings a fingerprint waiver, already spent on one, did not waive, by waiver."""
    result = []
    for finding in findings:
        covering = [w for w in active if finding.status in _WAIVABLE and w.covers(finding, alone)]
        # A waiver by fingerprint names one finding: a second copy of the same problem
        # (the statement pasted elsewhere in the file) is new, as a baseline holds.
        waiver = next((w for w in covering if w.fingerprint is None or id(w) not in used), None)
        if waiver is None and covering:
            repeated[id(covering[0])] += 1
        if waiver is not None:
            used.add(id(waiver))
            if waiver.widened(finding, alone):
                widened.setdefault(id(waiver), (waiver, finding))
            finding = replace(
                finding,
                status=Status.WAIVED,
                waiver=Waiver(waiver.reason, waiver.expires.isoformat(), waiver.approved_by),
            )
        result.append(finding)
    wider = [
        Warning_(
            "waiver-widened",
            f"{waiver.describe()} waives {finding.rule_id} in {finding.location.path!r}, which "
            "its path did not match before the policy's paths were read as .gitignore "
            "globs: check it waives only what you mean",
        )
        for waiver, finding in widened.values()
    ]
    wider += [
        Warning_(
            "waiver-repeated",
            f"{waiver.describe()} names one finding by its fingerprint, and {count} more "
            f"{'has' if count == 1 else 'have'} it: {'that one is' if count == 1 else 'they are'}"
            " judged as new",
        )
        for waiver in waivers
        if (count := repeated[id(waiver)])
    ]
    return result, _waiver_warnings(waivers, used, today, result, alone) + wider


def _waiver_warnings(
    waivers: Sequence[WaiverRule],
    used: set[int],
    today: datetime.date,
    findings: Sequence[Finding] = (),
    alone: bool = True,
) -> list[Warning_]:
    warnings = []
    for waiver in waivers:
        days = (waiver.expires - today).days
        if days < 0:
            warnings.append(
                Warning_(
                    "waiver-expired",
                    f"{waiver.describe()} expired on {waiver.expires.isoformat()}; "
                    "the findings it covered are judged again",
                )
            )
            continue
        weaker = _weaker_claim(waiver, findings, alone)
        if weaker is not None:  # it matched, if only what the gate folded away
            warnings.append(weaker)
        if id(waiver) not in used:
            if weaker is None:
                warnings.append(Warning_("waiver-unused", _unused(waiver, findings, alone)))
        elif days <= EXPIRING_WITHIN_DAYS:
            warnings.append(
                Warning_(
                    "waiver-expiring",
                    f"{waiver.describe()} expires on {waiver.expires.isoformat()} (in {days} days)",
                )
            )
    return warnings


def _unused(waiver: WaiverRule, findings: Sequence[Finding], alone: bool) -> str:
    """Why a waiver matched nothing: in a run of several bundles, a `path` that matches
    only inside a bundle is said to need the bundle's id."""
    inside = next((f for f in findings if not alone and waiver.covers(f)), None)
    if inside is None:
        return f"{waiver.describe()} matched no finding; remove it"
    return (
        f"{waiver.describe()} matched no finding: this run checks several bundles, so its "
        f"path is read from the run's folder, and {inside.location.path!r} of bundle "
        f"{inside.bundle!r} is {inside.bundle}/{inside.location.path}; to waive it there, "
        "start the path with the bundle's folder"
    )


def _weaker_claim(waiver: WaiverRule, findings: Sequence[Finding], alone: bool) -> Warning_ | None:
    """A waiver that matches another scanner's weaker claim the gate folded into a stronger
    finding (bandit's B602 into a proven taint, GATE-SLS-001), and not that finding: it
    did match, but waiving the weaker claim does not waive the stronger one."""
    for finding in findings:
        if waiver.covers(finding, alone):
            continue
        for other in finding.also_reported_by:
            named = replace(finding, scanner=other.scanner, rule_id=other.rule_id)
            if waiver.covers(named, alone):
                return Warning_("waiver-covers-weaker-claim", _weaker(waiver, finding, other))
    return None


def _weaker(waiver: WaiverRule, finding: Finding, other: Reporter) -> str:
    line = finding.location.start_line
    place = f"{finding.location.path}:{line}" if line else finding.location.path
    status = finding.status.value if finding.status is not None else "unjudged"
    return (
        f"{waiver.describe()} matches {other.scanner} {other.rule_id} at {place}, which the "
        f"gate reports as the stronger finding {finding.rule_id} ({finding.title}); the "
        f"waiver covers only the weaker claim, so {finding.rule_id} there stays "
        f"{status}. To waive it, write the waiver for rule {finding.rule_id}."
    )
