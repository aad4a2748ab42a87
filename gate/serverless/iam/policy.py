"""IAM policy statements as the function-role rules see them, read from any IaC syntax.

Every syntax (SAM, CloudFormation, serverless.yml, Terraform) ends up here as a
JSON-shaped policy document; `document_statements` turns one into `Statement`s that
remember where they are written, so a finding can point at the line of an action.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

DocPath = tuple[str | int, ...]
Locator = Callable[[DocPath, str | None], int | None]
"""Where a part of a policy document is: (path inside the document, its literal text) ->
line. YAML readers use the path, Terraform readers search for the text."""


@dataclass(frozen=True)
class Place:
    """Where a statement is written, and what wrote it."""

    path: str
    """The IaC file, relative to the bundle root."""
    resource: str
    """The resource as checkov names it (`AWS::IAM::Role.WorkerRole`, `resize`,
    `aws_iam_role_policy.storage`)."""
    origin: str = "inline"
    """`inline` (written in the bundle), `managed:<name>` (an AWS managed policy) or
    `sam:<template>` (a SAM policy template): only inline statements are judged on their
    wording; the others are AWS's own."""


@dataclass(frozen=True)
class Statement:
    """One statement of a policy the function's role gets."""

    effect: str
    """`Allow` or `Deny`."""
    actions: tuple[str, ...]
    not_actions: tuple[str, ...]
    resources: tuple[str, ...]
    """As written; an expression (`!GetAtt T.Arn`, `${aws_s3_bucket.b.arn}`) is kept as text."""
    place: Place
    line: int | None
    conditional: bool = False
    """It has a `Condition`: the resource wildcard may be narrowed there."""
    action_lines: tuple[int | None, ...] = ()
    """The line of each action, parallel to `actions`."""
    not_resources: tuple[str, ...] = ()
    """`NotResource`: every resource but these."""

    @property
    def allows(self) -> bool:
        """Anything but a plain `Deny` may allow: an Effect built by an expression
        (`!If [c, Allow, Deny]`) must not hide the statement from the rules."""
        return self.effect.strip().lower() != "deny"

    @property
    def any_resource(self) -> bool:
        """`Resource: "*"`, or `NotResource` (every resource but a few)."""
        return "*" in self.resources or bool(self.not_resources)

    def line_of(self, action: str) -> int | None:
        """The line of one of the statement's actions, else of the statement."""
        for known, line in zip(self.actions, self.action_lines, strict=False):
            if known == action and line is not None:
                return line
        return self.line


@dataclass(frozen=True)
class Grants:
    """Everything a function's role is granted, as far as the IaC says."""

    role: str
    """Identifies the role: functions with the same `role` share it."""
    statements: tuple[Statement, ...] = ()
    unknown: tuple[str, ...] = field(default_factory=tuple)
    """Policies whose grants the gate does not know (a customer managed policy ARN, a
    role defined outside the bundle, a policy built by an expression)."""


Found = tuple[list["Statement"], list[str]]
"""Statements read, and the policies that could not be (described for a message)."""


def combine(parts: Iterable[Found]) -> Found:
    """The statements and the unknown policies of several policies together."""
    statements: list[Statement] = []
    unknown: list[str] = []
    for found, missing in parts:
        statements += found
        unknown += missing
    return statements, unknown


def document_statements(document: Any, place: Place, locate: Locator) -> list[Statement]:
    """The statements of one policy document (`{"Statement": [...]}` or a bare list)."""
    base: DocPath = ("Statement",) if isinstance(document, dict) else ()
    raw = document.get("Statement") if isinstance(document, dict) else document
    if isinstance(raw, dict):
        return [_statement(raw, base, place, locate)]
    return [
        _statement(item, (*base, index), place, locate)
        for index, item in enumerate(raw if isinstance(raw, list) else [])
        if isinstance(item, dict)
    ]


def _statement(item: dict[str, Any], path: DocPath, place: Place, locate: Locator) -> Statement:
    raw = item.get("Action")
    listed = isinstance(raw, list)
    found = [(i, a) for i, value in enumerate(as_list(raw)) for a in action_strings(value)]
    action_lines = tuple(
        locate((*path, "Action", i) if listed else (*path, "Action"), action) for i, action in found
    )
    first = action_lines[0] if action_lines else None
    return Statement(
        effect=str(item.get("Effect", "Allow")),
        actions=tuple(action for _, action in found),
        not_actions=tuple(a for v in as_list(item.get("NotAction")) for a in action_strings(v)),
        resources=_resources(item.get("Resource")),
        place=place,
        line=locate(path, None) or first,
        conditional=bool(item.get("Condition")),
        action_lines=action_lines,
        not_resources=as_strings(item.get("NotResource")),
    )


def as_list(value: Any) -> list[Any]:
    """YAML's one-or-many: `Action: s3:GetObject` or a list of actions."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _resources(value: Any) -> tuple[str, ...]:
    """The resources as written; `*` too when an expression has it as a whole part
    (`!Join ['', ['*']]`), so an expression does not hide a wildcard."""
    written = as_strings(value)
    hidden = "*" not in written and "*" in action_strings(value)
    return (*written, "*") if hidden else written


def action_strings(value: Any) -> list[str]:
    """The actions one entry of `Action` may stand for. An action built by an intrinsic
    function (`!Join ['', ['*']]`, `{"Fn::If": [...]}`; the YAML loader keeps a tag's
    value without the tag) is not evaluated: every string in it is judged as an action,
    so a wildcard in it is found and the rest is at worst an unknown action. Nothing in
    it is left out unseen."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict):
        return [a for v in value.values() for a in action_strings(v)]
    if isinstance(value, list):
        return [a for v in value for a in action_strings(v)]
    return [str(value)] if value is not None and not isinstance(value, bool) else []


def as_strings(value: Any) -> tuple[str, ...]:
    """A string or a list of them; anything else (an intrinsic function) as its text."""
    return tuple(item if isinstance(item, str) else repr(item) for item in as_list(value))


def role_users(users: list[str]) -> str:
    """Whom a role's finding concerns, to begin its message: `The role of function X`."""
    if len(users) == 1:
        return f"The role of function {users[0]}"
    return f"The role shared by functions {', '.join(users)}"


def is_service_wildcard(action: str) -> bool:
    """`*` or `service:*`: every action of one service, or of all of them."""
    return action == "*" or (":" in action and action.split(":", 1)[1] == "*")


def is_wildcard(action: str) -> bool:
    """`*`, `s3:*`, `s3:Get*`: more than one action."""
    return "*" in action or "?" in action


def matches(pattern: str, action: str) -> bool:
    """IAM's case-insensitive action matching, with `*` and `?`."""
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())
