"""What a template's resources are deployed from besides what each of them writes.

A resource's `Condition` decides whether it is deployed at all, an `Fn::If` which of
two values it takes, a `Ref` or `Fn::Sub` of a parameter the value its `Default`, its
`AllowedValues` or a samconfig's `parameter_overrides` give, an `Fn::FindInMap` the
value a `Mappings` entry holds. The rules judge each of those (gate.rules.intrinsics),
so a function's identity holds them for what reaches it (gate.model `Function.exposure`):
a condition flipped, a default or a samconfig value changed opens a route as surely as
the route's own text. Nothing is evaluated here: each input is recorded as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gate.bundle.discovery.declared import as_mapping

_SUB_NAME = re.compile(r"\$\{([^!}][^}]*)\}")
_SECTIONS = ("Conditions", "Parameters", "Mappings")


@dataclass(frozen=True)
class TemplateInputs:
    """A template's conditions, parameters and mappings, and the values the bundle's
    samconfigs pass its parameters."""

    sections: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """By section (`Conditions`, `Parameters`, `Mappings`), each entry as written."""
    overrides: Mapping[str, Sequence[str]] = field(default_factory=dict)
    """By parameter, the values the bundle's samconfigs pass it (gate.bundle.discovery
    .references `bundle_overrides`)."""

    @classmethod
    def of(cls, template: Any, overrides: Mapping[str, Sequence[str]]) -> TemplateInputs:
        """The inputs of `template` (its long form), with the samconfigs' `overrides`."""
        data = as_mapping(template)
        return cls({s: as_mapping(data.get(s)) for s in _SECTIONS}, overrides)

    def read_by(self, value: Any) -> dict[str, Any]:
        """Each condition, parameter and mapping `value` (long form) reads, directly or
        through the conditions it names, as written; a parameter with the values the
        samconfigs pass it."""
        found: dict[str, dict[str, Any]] = {s: {} for s in _SECTIONS}
        pending = [value]
        while pending:
            for section, name in _inputs_named(pending.pop()):
                entries = self.sections.get(section, {})
                if name in entries and name not in found[section]:
                    found[section][name] = entries[name]
                    if section == "Conditions":  # a condition reads others and parameters
                        pending.append(entries[name])
        found["Parameters"] = {
            name: {"declared": declared, "overrides": list(self.overrides.get(name, ()))}
            for name, declared in found["Parameters"].items()
        }
        return {section: entries for section, entries in found.items() if entries}


def _inputs_named(value: Any) -> Iterator[tuple[str, str]]:
    """The (section, name) of each input `value` names, however deep: a `Condition`
    (a resource's, or the condition function's), an `Fn::If`'s condition, a `Ref`, a
    `${Name}` of an `Fn::Sub`, an `Fn::FindInMap`'s map. Names of other things (a
    resource, `AWS::Region`) are yielded too; the caller keeps the template's own."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, list):
            pending += item
        elif isinstance(item, dict):
            pending += list(item.values())
            for key, inner in item.items():
                yield from _named_by(key, inner)


def _named_by(key: Any, inner: Any) -> Iterator[tuple[str, str]]:
    """The inputs one key of a mapping names with its value."""
    first = inner[0] if isinstance(inner, list) and inner else inner
    if key in ("Condition", "Fn::If") and isinstance(first, str):
        yield "Conditions", first
    elif key == "Ref" and isinstance(inner, str):
        yield "Parameters", inner
    elif key == "Fn::Sub" and isinstance(first, str):
        yield from (("Parameters", m[1].strip()) for m in _SUB_NAME.finditer(first))
    elif key == "Fn::FindInMap" and isinstance(first, str):
        yield "Mappings", first
