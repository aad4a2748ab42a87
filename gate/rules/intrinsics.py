"""CloudFormation intrinsic functions the rules resolve within the template itself.

The gate reads IaC, never evaluates it; but `!FindInMap` into the template's own
`Mappings`, `!Ref` of a parameter with a literal `Default`, and `!Join` / `!Sub` of
literals are the template's own text, and a rule that took them for "resolved at deploy
time" would let them hide what they stand for. Nothing here reaches outside the
template (no `${env:}`, no other file, no account lookups).

The YAML loader reads a tag's value without its tag (`!FindInMap [M, a, b]` arrives as
`["M", "a", "b"]`), so the short forms are recognised by shape where that is safe, and
the long forms (`{"Fn::FindInMap": [...]}`) always.
"""

from __future__ import annotations

import re
from typing import Any

MAX_VALUES = 256
"""A lookup over a map's every key yields at most this many values (the rest are not
needed to judge a grant: any one wildcard is enough)."""


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


def literal_value(template: Any, tag: str | None, value: Any) -> str | None:
    """The literal a value of the template stands for, when the template alone says it:
    `!Ref` of a parameter with a literal `Default`, `!FindInMap` of literal keys into its
    `Mappings`, `!Join` of literals, `!Sub` without a variable (short forms by `tag`, the
    YAML tag the value was written with; long forms by their key). None otherwise."""
    if isinstance(value, dict):
        key, inner = next(iter(value.items())) if len(value) == 1 else ("", None)
        return literal_value(template, _TAGS[key], inner) if key in _TAGS else None
    if tag is None:
        return _scalar(value)
    if tag == "Ref" and isinstance(value, str):
        parameters = _section(template, "Parameters")
        default = _section(parameters, value).get("Default")
        return _scalar(default)
    if tag == "FindInMap":
        found = mapping_values(_section(template, "Mappings"), value)
        return _scalar(found[0]) if found and len(found) == 1 else None
    if tag == "Join" and isinstance(value, list) and len(value) == 2:
        separator, parts = value
        if isinstance(separator, str) and isinstance(parts, list):
            texts = [literal_value(template, None, part) for part in parts]
            if all(text is not None for text in texts):
                return separator.join(t for t in texts if t is not None)
        return None
    if tag == "Sub":
        return _substituted(template, value)
    return None


def with_parameters(value: Any, template: Any) -> Any:
    """`value` (a policy document) with each `Ref` of a parameter that has a literal
    `Default`, and each `Fn::Sub` of such parameters and literals, written out as what
    the template deploys by default."""
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get("Ref"), str):
            default = _scalar(
                _section(_section(template, "Parameters"), value["Ref"]).get("Default")
            )
            if default is not None:
                return default
        if len(value) == 1 and "Fn::Sub" in value:
            written = _substituted(template, value["Fn::Sub"])
            if written is not None:
                return written
        return {key: with_parameters(inner, template) for key, inner in value.items()}
    if isinstance(value, list):
        return [with_parameters(inner, template) for inner in value]
    return value


def literal_values(template: Any, value: Any) -> list[str | None]:
    """Every literal a value of the template may stand for: both branches of `Fn::If`
    (the condition is decided at deploy), else the one `literal_value` gives ([None]
    where the template alone does not say). A value built from a parameter stands for
    its `Default` and for whatever the deploy passes instead (None: samconfig.toml and
    `--parameter-overrides` are the deployer's)."""
    if isinstance(value, dict) and len(value) == 1 and "Fn::If" in value:
        branches = value["Fn::If"]
        if isinstance(branches, list) and len(branches) == 3:
            return literal_values(template, branches[1]) + literal_values(template, branches[2])
        return [None]
    found = literal_value(template, None, value)
    return [found, None] if found is not None and _parameters_in(template, value) else [found]


def _parameters_in(template: Any, value: Any) -> bool:
    """Whether `value` refers to a parameter of the template (`Ref`, or `${Name}` in a
    `Fn::Sub`), however deep."""
    parameters = _section(template, "Parameters")
    if isinstance(value, dict):
        if value.get("Ref") in parameters:
            return True
        sub = value.get("Fn::Sub")
        text = sub[0] if isinstance(sub, list) and sub else sub
        if isinstance(text, str) and any(
            m[1].strip() in parameters for m in _SUB_NAME.finditer(text)
        ):
            return True
        return any(_parameters_in(template, inner) for inner in value.values())
    if isinstance(value, list):
        return any(_parameters_in(template, inner) for inner in value)
    return False


_SUB_NAME = re.compile(r"\$\{([^!}][^}]*)\}")


def _substituted(template: Any, value: Any) -> str | None:
    """`Fn::Sub` whose every `${Name}` is a parameter with a literal `Default` (or, in the
    list form, a literal the map gives); None if one is decided at deploy (`${AWS::Region}`,
    `${Res.Arn}`)."""
    names: dict[str, Any] = {}
    if isinstance(value, list) and len(value) == 2 and isinstance(value[1], dict):
        value, names = value
    if not isinstance(value, str):
        return None
    parameters = _section(template, "Parameters")
    missing = False

    def one(match: re.Match[str]) -> str:
        nonlocal missing
        name = match[1].strip()
        if name in names:
            found = literal_value(template, None, names[name])
        else:
            found = _scalar(_section(parameters, name).get("Default"))
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
