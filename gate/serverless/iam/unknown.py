"""GATE-IAC-004: an action in a function's role that IAM, as the gate's data knows it,
does not have: a likely typo (`sts:GetCallerIdentify`, `bedrock-runtime:InvokeModel` for
`bedrock:InvokeModel`), or an action newer than the gate's data.

An Allow of a misspelled action grants nothing (the function fails at run time, or the
real grant is elsewhere); a Deny of one denies nothing, a guardrail that is not there.
Neither blocks by default: the gate's data ages, and a new action is not a problem.
"""

from __future__ import annotations

import fnmatch
from functools import cache

from gate.serverless.findings import RawFinding
from gate.serverless.iam.policy import Statement

UNKNOWN_ACTION = "GATE-IAC-004"


def is_known(action: str) -> bool:
    """Whether IAM has `action` (`s3:GetObject`), or any action a pattern (`s3:Get*`,
    `s3:*`, `*`) matches; case-insensitive, as IAM is."""
    return action == "*" or bool(known_actions(action))


def known_actions(action: str) -> list[str]:
    """The actions, as the gate's data spells them, that `action` names or matches;
    [] for `*` (every service) and for what IAM does not have."""
    service, sep, name = action.lower().partition(":")
    names = _actions_by_service().get(service)
    if not sep or not name or names is None:
        return []
    if "*" in name or "?" in name:
        return [spelled for known, spelled in names.items() if fnmatch.fnmatchcase(known, name)]
    return [names[name]] if name in names else []


@cache
def _actions_by_service() -> dict[str, dict[str, str]]:
    """service -> lower-case action name -> the action as the data spells it."""
    from policy_sentry.querying.all import get_all_actions

    grouped: dict[str, dict[str, str]] = {}
    for action in sorted(get_all_actions()):
        service, _, name = action.partition(":")
        grouped.setdefault(service.lower(), {})[name.lower()] = action
    return grouped


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
