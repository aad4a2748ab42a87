"""Least privilege: what a function's role grants against what its code calls (through
boto3, read by gate.rules.calls) and what Lambda itself needs for the
function's wiring (gate.rules.iam.wiring).

- GATE-SLS-010: a statement grants a service that neither the code nor Lambda uses;
- GATE-SLS-011: a wildcard where the calls are known, with the minimal statement;
- GATE-SLS-012: the comparison was not made, because the code may call any service
  (a client whose service is not a literal, a library that calls AWS itself, a handler
  not in the bundle).

A role shared by several functions is compared with the union of their calls, and the
messages name every function that shares it. A service whose calls are only partly known
(a client handed to code the analysis does not follow) is never called unused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from gate.model import Function
from gate.rules.calls import CodeCalls, calls_of
from gate.rules.calls.models import service_of
from gate.rules.context import BundleContext
from gate.rules.findings import RawFinding
from gate.rules.iam.policy import (
    Grants,
    Statement,
    is_wildcard,
    matches,
    role_users,
)
from gate.rules.iam.wiring import RUNTIME, Needs, wiring


@dataclass(frozen=True)
class Usage:
    """What the functions sharing a role use: their code's calls and Lambda's wiring."""

    calls: CodeCalls
    wired: Needs

    def used(self, service: str) -> bool:
        """Called by the code (if only partly known), or used by Lambda for the function."""
        return service in self.calls.services | set(self.calls.partial) | set(self.wired)

    def needed(self, service: str) -> tuple[str, ...] | None:
        """The actions needed of a service; None when they are not all known."""
        wired = self.wired.get(service, ())
        if service in self.calls.partial or wired is None:
            return None
        return tuple(sorted({*self.calls.for_service(service), *wired}))

    def services(self) -> list[str]:
        """The services used, runtime ones (logs, traces, keys) left out."""
        found = self.calls.services | set(self.calls.partial) | set(self.wired)
        return sorted(found - set(RUNTIME))


def least_privilege(context: BundleContext, granted: dict[str, Grants]) -> list[RawFinding]:
    """GATE-SLS-010..012 for every role of the bundle's functions."""
    roles: dict[str, list[Function]] = {}
    for function in context.functions:
        roles.setdefault(granted[function.name].role, []).append(function)
    findings: list[RawFinding] = []
    for functions in roles.values():
        usage = Usage(calls_of(context, functions), _wiring(context, functions))
        who = role_users([f.name for f in functions])
        for function in functions:
            findings += _compare(granted[function.name], usage, who, function)
    return findings


def _wiring(context: BundleContext, functions: list[Function]) -> Needs:
    union: Needs = {}
    for function in functions:
        for service, actions in wiring(context, function).items():
            known = union.get(service, ())
            union[service] = None if known is None or actions is None else (*known, *actions)
    return union


def _compare(grants: Grants, usage: Usage, who: str, function: Function) -> list[RawFinding]:
    allowed = [s for s in grants.statements if s.allows]
    if usage.calls.dynamic:
        worth = any(_wildcards(s) or _unused(s, usage) for s in allowed)
        return [_not_checked(function, usage, who)] if worth else []
    findings = []
    for statement in allowed:
        unused = _unused(statement, usage)
        if unused and statement.place.origin.startswith("managed:"):
            findings.append(_unused_finding(statement, unused, usage, who))  # detached whole
        else:
            findings += [_unused_finding(statement, [s], usage, who) for s in unused]
    for statement in allowed:
        narrowed = _narrowed(statement, usage, who, grants)
        if narrowed is not None:
            findings.append(narrowed)
    return findings


def _wildcards(statement: Statement) -> list[str]:
    if statement.place.origin.startswith("sam:"):
        return []
    return [a for a in statement.actions if is_wildcard(a)]


def _unused(statement: Statement, usage: Usage) -> list[str]:
    """Services the statement grants that nothing uses; for a managed policy, only when
    none of its services is used (a managed policy is detached whole)."""
    services = list(dict.fromkeys(service_of(a) for a in statement.actions if a != "*"))
    unused = [s for s in services if not usage.used(s)]
    if statement.place.origin.startswith("managed:"):
        # Lambda's own logs, traces and keys do not make a policy about a service used.
        main = [s for s in services if s not in RUNTIME] or services
        return [] if any(usage.used(s) for s in main) else unused
    return unused


def _unused_finding(
    statement: Statement, services: list[str], usage: Usage, who: str
) -> RawFinding:
    actions = [a for a in statement.actions if service_of(a) in services]
    shown = ", ".join(actions[:6]) + (f" and {len(actions) - 6} more" if len(actions) > 6 else "")
    service = services[0] if len(services) == 1 else f"{', '.join(services[:-1])} or {services[-1]}"
    origin = statement.place.origin
    if origin == "inline":
        fix = f"Remove {', '.join(actions)} from this statement."
    else:
        kind, _, name = origin.partition(":")
        fix = f"Remove the {'SAM policy template' if kind == 'sam' else 'managed policy'} {name}."
    files = ", ".join(usage.calls.files) or "none"
    return RawFinding(
        "GATE-SLS-010",
        f"{who} is granted {shown}, but no {service} call was found in its code "
        f"({files}) and Lambda does not use {service} for its event sources or destinations. "
        + fix,
        statement.place.path,
        statement.line_of(actions[0]),
        resource=statement.place.resource,
        anchor=f"{statement.place.resource} unused {services[0]} {actions[0]}",
    )


def _narrowed(statement: Statement, usage: Usage, who: str, grants: Grants) -> RawFinding | None:
    wild = _wildcards(statement)
    if not wild:
        return None
    replacement = [a for a in statement.actions if not is_wildcard(a)]
    if statement.place.origin.startswith("managed:"):
        # The managed policy gives way whole: keep only what the code calls of the rest.
        replacement = [a for a in replacement if a in usage.calls.actions]
    kept: dict[str, str] = {}  # a service's wildcard kept -> why its needs are not known
    for action in wild:
        for service in usage.services() if action == "*" else [service_of(action)]:
            needed = usage.needed(service)
            if needed is not None:
                replacement += [n for n in needed if matches(action, n)]
            elif usage.used(service):
                why = usage.calls.partial.get(service, f"Lambda's own use of {service}")
                kept[action if action != "*" else f"{service}:*"] = why
    if "*" in wild and not _grants_logs(grants, statement):
        replacement += RUNTIME["logs"] or ()
    actions = sorted({*replacement, *kept})
    if set(actions) == set(statement.actions) or (not actions and "*" not in wild):
        return None  # nothing narrower to say; services nothing uses are GATE-SLS-010's
    notes = [f"{action} kept: its calls are not all known ({why})" for action, why in kept.items()]
    unused = sorted({s for a in wild for s in _unused(statement, usage)})
    if unused:
        notes.append(f"{', '.join(unused)} never called (GATE-SLS-010)")
    if grants.unknown:
        notes.append(f"the role also has {', '.join(grants.unknown)}, not known to the gate")
    return _narrow_finding(statement, wild, actions, notes, usage, who)


def _grants_logs(grants: Grants, but: Statement) -> bool:
    """Another statement lets the function write its logs."""
    return any(
        s.allows and any(matches(a, "logs:PutLogEvents") for a in s.actions)
        for s in grants.statements
        if s is not but
    )


def _narrow_finding(
    statement: Statement,
    wild: list[str],
    actions: list[str],
    notes: list[str],
    usage: Usage,
    who: str,
) -> RawFinding:
    calls = [
        f"{a} ({usage.calls.actions[a][0].split()[0]})" for a in actions if a in usage.calls.actions
    ]
    if actions:
        fix = f"Minimal statement: {_statement_text(statement, actions)}"
    else:
        fix = (
            "Remove this statement: the code calls no AWS API and Lambda's own needs are "
            "granted elsewhere"
        )
    return RawFinding(
        "GATE-SLS-011",
        f"{who} allows {', '.join(wild)}, but its code calls "
        f"{', '.join(calls) or 'none of it'}. {fix}" + "".join(f"; {n}" for n in notes) + ".",
        statement.place.path,
        statement.line_of(wild[0]),
        resource=statement.place.resource,
        anchor=f"{statement.place.resource} narrow {','.join(wild)}",
    )


def _statement_text(statement: Statement, actions: list[str]) -> str:
    """The statement to write instead: JSON for Terraform, YAML flow style otherwise.
    A resource written as an expression (`!GetAtt T.Arn`) is left as it is now."""
    resources: list[str] = list(statement.resources)
    if not resources or not all(r == "*" or r.startswith("arn:") for r in resources):
        resources = ["<as now>"]
    resource = json.dumps(resources[0] if len(resources) == 1 else resources)
    if statement.place.path.endswith(".tf"):
        return f'{{"Effect": "Allow", "Action": {json.dumps(actions)}, "Resource": {resource}}}'
    return f"{{Effect: Allow, Action: [{', '.join(actions)}], Resource: {resource}}}"


def _not_checked(function: Function, usage: Usage, who: str) -> RawFinding:
    reasons = "; ".join(usage.calls.dynamic[:3])
    return RawFinding(
        "GATE-SLS-012",
        f"{who} was not compared with its code's calls: the code may call any AWS service "
        f'({reasons}). Name the service in the code (`boto3.client("s3")`) to have its '
        "wildcards and unused grants checked.",
        function.iac_file,
        function.line,
        resource=function.resource,
        anchor=f"{function.resource} least-privilege not checked",
    )
