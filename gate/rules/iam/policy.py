"""IAM policy statements as the function-role rules see them, read from any IaC syntax.

Every syntax (SAM, CloudFormation, serverless.yml, Terraform) ends up here as a
JSON-shaped policy document; `document_statements` turns one into `Statement`s that
remember where they are written, so a finding can point at the line of an action.
"""

from __future__ import annotations

import fnmatch
import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator
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
    unreadable: str | None = None
    """Why the gate could not read this policy (a string that is not JSON); it stands
    for whatever that policy grants, and is reported as such."""

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
    """The statements of one policy document (`{"Statement": [...]}`, a bare list, or
    either written as a JSON string, as CloudFormation takes a Json property). Every
    branch of an `Fn::If` is read, so the worse one is judged whichever is deployed; a
    document the gate cannot read is a statement that says so (`unreadable`)."""
    found: list[Statement] = []
    for at, value in alternatives(document, ()):
        if isinstance(value, str):
            value, why = json_document(value)
            if why is not None:
                found.append(unreadable(place, locate(at, None), why))
                continue
        base: DocPath = (*at, "Statement") if isinstance(value, dict) else at
        raw = value.get("Statement") if isinstance(value, dict) else value
        for path, item in items(raw, base):
            if not isinstance(item, dict):
                continue
            found.append(_statement(item, path, place, locate))
            unworked = _unworked_actions(item)
            if unworked:
                why = f"its actions include {unworked}, a value only the deploy works out"
                found.append(unreadable(place, locate(path, None), why))
    return found


_DEPLOY_VALUES = ("Ref", "Fn::Sub", "Fn::ImportValue", "Fn::GetAtt")
"""Intrinsics whose value the rules work out only from the template's own parameters
and mappings (gate.rules.intrinsics); one left as written is the deploy's."""


def _unworked_actions(statement: dict[str, Any]) -> str | None:
    """An expression left in an `Allow`'s actions (a `Ref` of a parameter nobody gives a
    value, an import from another stack, a Terraform variable the caller sets), shown;
    None if there is none. It may be any action, `*` too, so the statement is also a
    policy the gate could not read."""
    if statement.get("Effect", "Allow") != "Allow":
        return None
    for key in ("Action", "NotAction"):
        pending = list(as_list(statement.get(key)))  # a copy: the document is shared
        while pending:
            value = pending.pop()
            if isinstance(value, list):
                pending += value
            elif isinstance(value, dict) and len(value) == 1:
                ((name, inner),) = value.items()
                if name in _DEPLOY_VALUES and inner != NO_VALUE:
                    return json.dumps(value, default=str)[:80]
                pending += inner if isinstance(inner, list) else [inner]
            elif isinstance(value, str) and "${" in value:  # Terraform's, or a variable's
                return json.dumps(value)[:80]
    return None


MAX_JSON_DOCUMENT = 1 << 20
"""IAM caps a policy far below this; a longer string is not a policy document."""


def json_document(text: str) -> tuple[Any, str | None]:
    """A policy document written as a JSON string, or why it cannot be read."""
    if not text.strip():
        return [], None
    if len(text) > MAX_JSON_DOCUMENT:
        return None, f"a string of {len(text)} characters, longer than any policy"
    try:
        parsed = json.loads(text, object_pairs_hook=unique_keys)
    except DuplicateKey as e:
        return None, f"a JSON policy document with the key {e} twice (which one counts?)"
    except (ValueError, RecursionError):
        return None, "a string that is not a JSON policy document"
    if not isinstance(parsed, (dict, list)):
        return None, "a JSON string that is not a policy document"
    return parsed, None


class DuplicateKey(ValueError):
    """A JSON object names one key twice: `json` keeps the last, another reader the first."""


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose keys are all different (`object_pairs_hook`)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise DuplicateKey(repr(key))
        found[key] = value
    return found


def unreadable(place: Place, line: int | None, why: str) -> Statement:
    """A policy the gate could not read: it may grant anything, so it is reported."""
    return Statement("Allow", (), (), (), place, line, unreadable=why)


NO_VALUE = "AWS::NoValue"


def alternatives(value: Any, path: DocPath) -> list[tuple[DocPath, Any]]:
    """What a value in a place that takes one item (a policy, a document, a statement)
    may be deployed as, with its path: both branches of `Fn::If` (the YAML loader reads
    `!If [c, a, b]` as the list `[c, a, b]`; one item is never a list otherwise), none
    for `AWS::NoValue`, else the value itself."""
    if value == NO_VALUE or value == {"Ref": NO_VALUE}:
        return []
    branches = _if_branches(value, single=True)
    if branches is None:
        return [(path, value)]
    return [found for at, branch in branches for found in alternatives(branch, (*path, *at))]


def items(value: Any, path: DocPath) -> list[tuple[DocPath, Any]]:
    """The items of a place that takes a list (`Policies`, `Statement`, a bare list of
    statements), each with its path: every branch of an `Fn::If`, whether it chooses
    the whole list or one item, and nothing for `AWS::NoValue`."""
    if value == NO_VALUE or value == {"Ref": NO_VALUE}:
        return []
    branches = _if_branches(value, single=False)
    if branches is not None:
        return [found for at, branch in branches for found in items(branch, (*path, *at))]
    if not isinstance(value, list):
        return alternatives(value, path) if value is not None else []
    found: list[tuple[DocPath, Any]] = []
    for index, item in enumerate(value):
        for at, alternative in alternatives(item, (*path, index)):
            found += (
                items(alternative, at) if isinstance(alternative, list) else [(at, alternative)]
            )
    return found


def _if_branches(value: Any, *, single: bool) -> list[tuple[DocPath, Any]] | None:
    """The two branches of an `Fn::If` (long form, or the short form's list where
    `single`, or where both branches are lists or `AWS::NoValue`), else None."""
    if isinstance(value, dict) and len(value) == 1 and "Fn::If" in value:
        args = value["Fn::If"]
        if isinstance(args, list) and len(args) == 3:
            return [(("Fn::If", 1), args[1]), (("Fn::If", 2), args[2])]
        return None
    if not (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)):
        return None
    if single or all(isinstance(b, list) or b == NO_VALUE for b in value[1:]):
        return [((1,), value[1]), ((2,), value[2])]
    return None


def _statement(item: dict[str, Any], path: DocPath, place: Place, locate: Locator) -> Statement:
    raw = item.get("Action")
    listed = isinstance(raw, list)
    found = [(i, a) for i, value in enumerate(as_list(raw)) for a in action_strings(value)]
    found += [(1, piece) for piece in split_pieces(raw)]
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
    so a wildcard in it is found and the rest is at worst an unknown action; a string a
    `Fn::Split` cuts is judged in its pieces as well. Nothing in it is left out unseen."""
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, dict):
        return [a for v in value.values() for a in action_strings(v)]
    if isinstance(value, list):
        return [a for v in value for a in action_strings(v)] + split_pieces(value)
    return [str(value)] if value is not None and not isinstance(value, bool) else []


def split_pieces(value: Any) -> list[str]:
    """The pieces `Fn::Split` makes of a `[delimiter, text]` pair (its tag gone, a short
    form reads as that list; the text may be the alternatives a parameter stands for):
    the actions the deploy grants, judged besides the text."""
    if not (isinstance(value, list) and len(value) == 2):
        return []
    delimiter, text = value
    texts = text if isinstance(text, list) else [text]
    if not (isinstance(delimiter, str) and delimiter):
        return []
    return [
        piece
        for one in texts
        if isinstance(one, str) and delimiter in one
        for piece in one.split(delimiter)
        if piece.strip()
    ]


def strings(value: Any) -> Iterator[str]:
    """Every string in a parsed value, however deeply nested."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from strings(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from strings(inner)


def as_strings(value: Any) -> tuple[str, ...]:
    """A string or a list of them; anything else (an intrinsic function) as its text."""
    return tuple(item if isinstance(item, str) else repr(item) for item in as_list(value))


def role_users(users: list[str]) -> str:
    """Whom a role's finding concerns, to begin its message: `The role of function X`."""
    if len(users) == 1:
        return f"The role of function {users[0]}"
    return f"The role shared by functions {', '.join(users)}"


def is_service_wildcard(action: str) -> bool:
    """A pattern that grants every action of a service, or of all of them: `*`, `s3:*`,
    and any spelling IAM's globbing reads the same way (`**`, `?*`, `*:*`, `iam:*?`)."""
    return wildcard_scope(action) is not None


ALL_ACTIONS = "*"
"""What `wildcard_scope` returns for a pattern that matches every action of every service."""


def wildcard_scope(action: str) -> str | None:
    """Whom a pattern grants everything of: `ALL_ACTIONS`, the service (`s3` for `s3:**`),
    or None for a pattern narrower than a whole service (`s3:Get*`) or no pattern.

    IAM matches an action against the pattern as a glob (`*` any run, `?` one character),
    so a part made only of `*` and `?`, with at least one `*`, matches every name there is
    (a service or action name has at least a few characters), and every future one."""
    service, colon, name = action.strip().partition(":")
    if not colon:
        return ALL_ACTIONS if _matches_any_name(service) else None
    if not _matches_any_name(name):
        return None
    return ALL_ACTIONS if _matches_any_name(service) else service.lower()


def _matches_any_name(part: str) -> bool:
    """Only `*` and `?`, with at least one `*`."""
    return "*" in part and not part.strip("*?")


def is_wildcard(action: str) -> bool:
    """`*`, `s3:*`, `s3:Get*`: more than one action."""
    return "*" in action or "?" in action


def matches(pattern: str, action: str) -> bool:
    """IAM's case-insensitive action matching, with `*` and `?` (and nothing else: `[`
    is a plain character to IAM, not a set as it is to fnmatch)."""
    return glob(pattern).fullmatch(action) is not None


@functools.lru_cache(maxsize=4096)
def glob(pattern: str) -> re.Pattern[str]:
    """IAM's glob `pattern` as a case-insensitive regular expression (fnmatch's, whose
    atomic groups keep a pattern of many `*` from backtracking exponentially)."""
    return re.compile(fnmatch.translate(pattern.replace("[", "[[]")), re.IGNORECASE)
