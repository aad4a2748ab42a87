"""CloudFormation intrinsic functions the rules resolve within the template itself.

The gate reads IaC, never evaluates it; but `!FindInMap` into the template's own
`Mappings`, `!Ref` of a parameter with a literal `Default`, and `!Join` / `!Sub` of
literals are the template's own text, and a rule that took them for "resolved at deploy
time" would let them hide what they stand for. Nothing here reaches outside the
template (no `${env:}`, no other file, no account lookups).

A parameter stands for its `Default` and for every value the bundle's samconfig files
pass it (`parameter_overrides`, in any environment and for any command: `sam deploy`
reads them from the project folder), as alternatives: a rule judges each. What the
deployer passes on the command line stays the deployer's.

The YAML loader reads a tag's value without its tag (`!FindInMap [M, a, b]` arrives as
`["M", "a", "b"]`), so the short forms are recognised by shape where that is safe, and
the long forms (`{"Fn::FindInMap": [...]}`) always.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

Overrides = Mapping[str, Sequence[str]]
"""The values the bundle's samconfig files pass a template's parameters, by name."""

NO_OVERRIDES: Overrides = MappingProxyType({})

MAX_VALUES = 256
"""A lookup over a map's every key yields at most this many values (the rest are not
needed to judge a grant: any one wildcard is enough)."""


def is_intrinsic(value: Any) -> bool:
    """Whether `value` is an intrinsic function in its long form (`{"Ref": ...}`,
    `{"Fn::Sub": ...}`)."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return key == "Ref" or (isinstance(key, str) and key.startswith("Fn::"))


def mapping_values(mappings: Any, args: Any) -> list[Any] | None:
    """What `Fn::FindInMap [map, key, key]` may stand for in `mappings`: the one value
    when all three arguments are literal, every value the map holds at the literal keys
    when some are not (an expression picks one of them at deploy time); None when the
    map does not have it (then it is not read as FindInMap). A key the map does not
    have is read as an expression: the loader reads `!Ref AWS::Region` as the string."""
    if not isinstance(mappings, dict) or not isinstance(args, list) or len(args) != 3:
        return None
    if isinstance(args[0], str) and args[0] not in mappings:
        return None
    level: list[Any] = [mappings]
    for key in args:
        nxt: list[Any] = []
        for table in level:
            if not isinstance(table, dict):
                continue
            if isinstance(key, str) and key in table:
                nxt.append(table[key])
            else:  # an expression (`!Ref AWS::Region`: the loader drops the inner tag)
                nxt += list(table.values())
        level = nxt[:MAX_VALUES]
    return level or None


def with_mappings(value: Any, mappings: Any) -> Any:
    """`value` (a policy document) with every `Fn::FindInMap` into `mappings` replaced by
    what it may stand for: the long form by the values, the short form (a list of three
    whose first names a map) by the list with the values added, so that if it was a
    plain list nothing of it is lost."""
    if not isinstance(mappings, dict) or not mappings:
        return value
    if isinstance(value, dict):
        if len(value) == 1 and "Fn::FindInMap" in value:
            found = mapping_values(mappings, value["Fn::FindInMap"])
            if found is not None:
                return found
        return {key: with_mappings(inner, mappings) for key, inner in value.items()}
    if isinstance(value, list):
        items = [with_mappings(inner, mappings) for inner in value]
        if len(value) == 3 and isinstance(value[0], str) and value[0] in mappings:
            items += mapping_values(mappings, value) or []
        return items
    return value


Given = Mapping[str, str | None]
"""One value for each parameter an expression uses: one choice among its alternatives."""


def parameter_values(template: Any, name: str, overrides: Overrides = NO_OVERRIDES) -> list[str]:
    """What parameter `name` of the template may be deployed with: its literal `Default`,
    then each value the bundle's samconfigs pass it; empty when neither says (then it is
    the deployer's). A name the template does not declare is no parameter
    (CloudFormation refuses an override of one)."""
    parameters = _section(template, "Parameters")
    if name not in parameters:
        return []
    default = _scalar(_section(parameters, name).get("Default"))
    written = [default] if default is not None else []
    return list(dict.fromkeys([*written, *(str(v) for v in overrides.get(name, ()))]))


def literal_value(
    template: Any, tag: str | None, value: Any, given: Given | None = None
) -> str | None:
    """The literal a value of the template stands for, when the template alone says it:
    `!Ref` of a parameter with a literal `Default` (or the value `given` for it),
    `!FindInMap` of literal keys into its `Mappings`, `!Join` of literals, `!Sub` without
    a variable (short forms by `tag`, the YAML tag the value was written with; long
    forms by their key). None otherwise."""
    if isinstance(value, dict):
        key, inner = next(iter(value.items())) if len(value) == 1 else ("", None)
        return literal_value(template, _TAGS[key], inner, given) if key in _TAGS else None
    if tag is None:
        return _scalar(value)
    if tag == "Ref" and isinstance(value, str):
        return _parameter(template, value, given)
    if tag == "FindInMap":
        found = mapping_values(_section(template, "Mappings"), value)
        return _scalar(found[0]) if found and len(found) == 1 else None
    if tag == "Join" and isinstance(value, list) and len(value) == 2:
        separator, parts = value
        if isinstance(separator, str) and isinstance(parts, list):
            texts = [literal_value(template, None, part, given) for part in parts]
            if all(text is not None for text in texts):
                return separator.join(t for t in texts if t is not None)
        return None
    if tag == "Sub":
        return _substituted(template, value, given)
    return None


def deployed_values(template: Any, value: Any, overrides: Overrides = NO_OVERRIDES) -> list[str]:
    """Every literal a `Ref` or `Fn::Sub` of the template's parameters may be deployed
    as (`deployed_literals`); empty when one is left to the deploy (`${AWS::Region}`, a
    parameter nobody gives a value)."""
    found = deployed_literals(template, value, overrides)
    return [] if None in found else [text for text in found if text is not None]


def deployed_literals(
    template: Any, value: Any, overrides: Overrides = NO_OVERRIDES
) -> list[str | None]:
    """Every literal a value of the template may be deployed as by the bundle: both
    branches of `Fn::If` (the condition is decided at deploy), one for each choice of
    the values of the parameters in it (`parameter_values`), None for one the template
    alone does not say (`literal_value`)."""
    if isinstance(value, dict) and len(value) == 1 and "Fn::If" in value:
        branches = value["Fn::If"]
        if isinstance(branches, list) and len(branches) == 3:
            both = deployed_literals(template, branches[1], overrides)
            return list(dict.fromkeys(both + deployed_literals(template, branches[2], overrides)))
        return [None]
    choices = _choices(template, _parameter_names(template, value), overrides)
    return list(dict.fromkeys(literal_value(template, None, value, given) for given in choices))


def with_parameters(value: Any, template: Any, overrides: Overrides = NO_OVERRIDES) -> Any:
    """`value` (a policy document) with each `Ref` of a parameter the bundle gives a
    value, and each `Fn::Sub` of such parameters and literals, written out as what the
    deploy makes of it: the one literal, or the list of the alternatives."""
    if isinstance(value, dict):
        if len(value) == 1 and _listed(template, value.get("Ref")):
            # A list parameter's Ref is the list of its comma-separated items.
            items = [
                item.strip()
                for text in parameter_values(template, value["Ref"], overrides)
                for item in text.split(",")
            ]
            if items:
                return list(dict.fromkeys(items))
        if len(value) == 1 and (isinstance(value.get("Ref"), str) or "Fn::Sub" in value):
            written = deployed_values(template, value, overrides)
            if written:
                return written[0] if len(written) == 1 else written
        return {key: with_parameters(inner, template, overrides) for key, inner in value.items()}
    if isinstance(value, list):
        return [with_parameters(inner, template, overrides) for inner in value]
    return value


def literal_values(
    template: Any, value: Any, overrides: Overrides = NO_OVERRIDES
) -> list[str | None]:
    """Every literal a value of the template may stand for (`deployed_literals`); a
    value built from parameters also for whatever the deployer passes instead (None:
    `--parameter-overrides` on the command line is the deployer's)."""
    found = deployed_literals(template, value, overrides)
    if not _parameter_names(template, value):
        return found
    return [*(text for text in found if text is not None), None]


def _choices(template: Any, names: list[str], overrides: Overrides) -> list[Given]:
    """Every way to give each parameter in `names` one of its values (None for one that
    has none), at most MAX_VALUES of them."""
    values: list[list[str | None]] = [
        [*parameter_values(template, name, overrides)] or [None] for name in names
    ]
    combined = itertools.islice(itertools.product(*values), MAX_VALUES)
    return [dict(zip(names, choice, strict=True)) for choice in combined]


def _parameter_names(template: Any, value: Any) -> list[str]:
    """The parameters of the template `value` refers to (`Ref`, or `${Name}` in a
    `Fn::Sub`), however deep, in order."""
    parameters = _section(template, "Parameters")
    found: list[str] = []
    pending = [value]
    while pending:
        item = pending.pop(0)
        if isinstance(item, dict):
            if isinstance(item.get("Ref"), str) and item["Ref"] in parameters:
                found.append(item["Ref"])
            sub = item.get("Fn::Sub")
            text = sub[0] if isinstance(sub, list) and sub else sub
            if isinstance(text, str):
                found += [m[1].strip() for m in _SUB_NAME.finditer(text)]
            pending += list(item.values())
        elif isinstance(item, list):
            pending += item
    return [name for name in dict.fromkeys(found) if name in parameters]


def _listed(template: Any, name: Any) -> bool:
    """Whether `name` is a parameter of a list type (`CommaDelimitedList`, `List<...>`)."""
    if not isinstance(name, str):
        return False
    kind = _section(_section(template, "Parameters"), name).get("Type")
    return isinstance(kind, str) and (kind == "CommaDelimitedList" or kind.startswith("List<"))


def _parameter(template: Any, name: str, given: Given | None) -> str | None:
    """The value of parameter `name`: the one `given`, else its literal `Default`; a
    pseudo parameter's that every rule reads alike (`AWS::Partition`)."""
    if given is not None and name in given:
        return given[name]
    parameters = _section(template, "Parameters")
    if name not in parameters:
        return _PSEUDO.get(name)
    return _scalar(_section(parameters, name).get("Default"))


_PSEUDO = {"AWS::Partition": "aws", "AWS::URLSuffix": "amazonaws.com"}
"""Pseudo parameters whose value in another partition (`aws-cn`, `aws-us-gov`) no rule
tells apart: an AWS managed policy has one name in every partition."""


_SUB_NAME = re.compile(r"\$\{([^!}][^}]*)\}")


def _substituted(template: Any, value: Any, given: Given | None = None) -> str | None:
    """`Fn::Sub` whose every `${Name}` is a parameter with a value (`_parameter`) or, in
    the list form, a literal the map gives; None if one is decided at deploy
    (`${AWS::Region}`, `${Res.Arn}`)."""
    names: dict[str, Any] = {}
    if isinstance(value, list) and len(value) == 2 and isinstance(value[1], dict):
        value, names = value
    if not isinstance(value, str):
        return None
    missing = False

    def one(match: re.Match[str]) -> str:
        nonlocal missing
        name = match[1].strip()
        if name in names:
            found = literal_value(template, None, names[name], given)
        else:
            found = _parameter(template, name, given)
        missing = missing or found is None
        return found or ""

    written = _SUB_NAME.sub(one, value)
    return None if missing else written.replace("${!", "${")


_TAGS = {"Ref": "Ref", "Fn::FindInMap": "FindInMap", "Fn::Join": "Join", "Fn::Sub": "Sub"}


def _section(data: Any, key: str) -> dict[str, Any]:
    found = data.get(key) if isinstance(data, dict) else None
    return found if isinstance(found, dict) else {}


def _scalar(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    return str(value)
