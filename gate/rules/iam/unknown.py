"""GATE-IAC-004: an action in a function's role that IAM, as the gate's data knows it,
does not have: a likely typo (`sts:GetCallerIdentify`, `bedrock-runtime:InvokeModel` for
`bedrock:InvokeModel`), or an action newer than the gate's data.

An Allow of a misspelled action grants nothing (the function fails at run time, or the
real grant is elsewhere); a Deny of one denies nothing, a guardrail that is not there.
Neither blocks by default: the gate's data ages, and a new action is not a problem.
"""

from __future__ import annotations

from functools import cache

from gate.rules import awsdata
from gate.rules.findings import RawFinding
from gate.rules.iam.policy import (
    ALL_ACTIONS,
    Statement,
    is_service_wildcard,
    is_wildcard,
    matches,
    wildcard_scope,
)

UNKNOWN_ACTION = "GATE-IAC-004"


def is_known(action: str) -> bool:
    """Whether IAM has `action` (`s3:GetObject`), or any action a pattern (`s3:Get*`,
    `s3:*`, `*`, `*:Get*`) matches; case-insensitive, as IAM is."""
    if is_service_wildcard(action):
        service = action.lower().partition(":")[0]
        # `s3:*` is known; `nosuchservice:*` names a service IAM does not have.
        return ":" not in action or is_wildcard(service) or service in _actions_by_service()
    return bool(known_actions(action))


def known_actions(action: str) -> list[str]:
    """The actions, as the gate's data spells them, that `action` names or matches;
    [] for a pattern of every action of every service and for what IAM does not have.
    A pattern is matched as IAM does, over the whole `service:name` (so `s3*` and
    `*:GetObject` match across services)."""
    if wildcard_scope(action) == ALL_ACTIONS:
        return []
    service, sep, name = action.lower().partition(":")
    by_service = _actions_by_service()
    if sep and not is_wildcard(service):
        names = by_service.get(service, {})
        if is_wildcard(name):
            return [spelled for known, spelled in names.items() if matches(name, known)]
        return [names[name]] if name in names else []
    if not is_wildcard(action):
        return []
    return [
        spelled
        for names in by_service.values()
        for spelled in names.values()
        if matches(action, spelled)
    ]


def granted_scope(action: str) -> str | None:
    """`wildcard_scope`, or else the first service every action of which, as the gate's
    data knows them, the pattern matches (`iam*`, `s3:*Object*`... when it covers all of
    `s3`): such a pattern grants that service's future actions too."""
    scope = wildcard_scope(action)
    if scope is not None or not is_wildcard(action):
        return scope
    matched = {a.lower() for a in known_actions(action)}
    for service, names in _actions_by_service().items():
        if names and all(f"{service}:{name}" in matched for name in names):
            return service
    return None


def restrictable(actions: list[str]) -> bool:
    """Whether IAM can limit any of `actions` (as the data spells them) to resources."""
    data = awsdata.actions()
    return any(data.get(a.partition(":")[0], {}).get(a.partition(":")[2]) for a in actions)


@cache
def _actions_by_service() -> dict[str, dict[str, str]]:
    """service -> lower-case action name -> the action as the data spells it."""
    return {
        prefix.lower(): {name.lower(): f"{prefix}:{name}" for name in sorted(names)}
        for prefix, names in sorted(awsdata.actions().items())
    }


def unknown_actions(statement: Statement, who: str) -> list[RawFinding]:
    """GATE-IAC-004 for each action or NotAction of an inline statement IAM does not know."""
    if statement.place.origin != "inline":
        return []
    written = [(a, statement.line_of(a)) for a in statement.actions]
    written += [(a, statement.line) for a in statement.not_actions]
    return [
        _finding(statement, action, line, who) for action, line in written if not is_known(action)
    ]


def _finding(statement: Statement, action: str, line: int | None, who: str) -> RawFinding:
    deny = not statement.allows
    effect = "denies" if deny else "allows"
    consequence = (
        "a Deny of an action IAM does not have denies nothing"
        if deny
        else "an Allow of it grants nothing"
    )
    return RawFinding(
        UNKNOWN_ACTION,
        f"{who} {effect} `{action}`, an IAM action the gate's data does not know: a likely "
        f"typo, or an action newer than the gate's data; {consequence}. Check the name "
        "in the AWS Service Authorization Reference.",
        statement.place.path,
        line,
        resource=statement.place.resource,
        anchor=f"{statement.place.resource} {statement.effect} unknown {action}",
        severity="medium" if deny else None,
    )


def unread_policy(statement: Statement, who: str) -> RawFinding:
    """GATE-IAC-004 for a policy the gate could not read: it may grant anything, so it
    is rated high (blocks under the default policy), not low as an unknown action is.
    CloudFormation refuses such a document at deploy time, so blocking costs nothing."""
    return RawFinding(
        UNKNOWN_ACTION,
        f"{who} has a policy the gate could not read ({statement.unreadable}): it may "
        "grant any action, and no rule here judged it. Write the policy document as a map "
        "(or a JSON string that parses) so its grants can be checked.",
        statement.place.path,
        statement.line,
        resource=statement.place.resource,
        anchor=f"{statement.place.resource} unreadable policy {statement.line}",
        severity="high",
    )
