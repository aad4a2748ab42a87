"""The values a Terraform module gives its own expressions, as far as its files say.

Terraform evaluates `local.NAME` from the module's `locals` blocks and `var.NAME` from the
variable's `default` and the `terraform.tfvars` and `*.auto.tfvars` files it loads on its
own; a reference to one instance of a resource (`aws_iam_role.fn[0].arn`,
`aws_iam_role.fn["a"].arn`) is a reference to that resource. A rule that read these as
opaque text would let a role or a policy hide behind them. Nothing is evaluated beyond
that: functions, conditionals and other modules' outputs stay as written, and a
variable the caller sets (`-var`, a parent module) is the deployer's.

python-hcl2 writes every expression as an interpolation (`"${local.role_arn}"`) and every
attribute as a one-item list (unwrapped with `tf_value`).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from gate.bundle.discovery.hcl import made_by_terraform

MAX_VALUES = 64
"""At most this many alternatives per expression (any one wildcard is enough to judge);
past it, the last stands for the rest, unresolved (`_capped`)."""
_MAX_DEPTH = 8
"""Locals naming locals: deeper than this is not followed (a cycle, or a trick)."""

_NAMED = re.compile(r"\$\{(local|var)\.([A-Za-z_][\w-]*)\}")
_REFERENCE = re.compile(
    r"(?<![\w.])(?!(?:data|var|local|path|module|each|count|self|terraform)\.)"
    r"([a-z][a-z0-9_]*\.[A-Za-z_][\w-]*)"
)
"""A resource (`type.name`) an expression names, wherever in it (`one(x.y[*].arn)`,
`values(x.y)[*].arn`): not a data source, variable, local or module."""
_INSTANCE = re.compile(r"(\b[a-z][a-z0-9_]*\.[A-Za-z_][\w-]*)\[[^\]\[]*\]")
"""`type.name[index]` in a reference: the index of one instance of a resource."""


def tf_value(body: dict[str, Any], key: str) -> Any:
    """An attribute's value: python-hcl2 wraps each in a one-item list."""
    value = body.get(key)
    return value[0] if isinstance(value, list) and len(value) == 1 else value


@dataclass
class ModuleValues:
    """The locals and variables of one module (a directory of `.tf` files)."""

    locals: dict[str, Any] = field(default_factory=dict)
    variables: dict[str, list[Any]] = field(default_factory=dict)
    """Each variable's default, then each value a tfvars file of the module gives it."""

    @classmethod
    def read(cls, parsed_files: list[dict[str, Any]], tfvars: list[dict[str, Any]]) -> ModuleValues:
        """From the module's `.tf` files and its auto-loaded tfvars files, as parsed."""
        values = cls()
        for parsed in parsed_files:
            for block in parsed.get("locals", []) or []:
                if isinstance(block, dict):
                    values.locals.update(
                        {k: tf_value(block, k) for k in block if not k.startswith("__")}
                    )
            for group in parsed.get("variable", []) or []:
                for name, body in group.items() if isinstance(group, dict) else []:
                    if isinstance(body, dict) and "default" in body:
                        values.variables.setdefault(str(name), []).append(tf_value(body, "default"))
        for assigned in tfvars:
            for name in assigned:
                if not name.startswith("__"):
                    values.variables.setdefault(name, []).append(tf_value(assigned, name))
        return values

    def resolve(self, value: Any) -> list[Any]:
        """Every value `value` may stand for: each `local.X` and `var.X` in it replaced by
        what the module gives it (a whole expression by the value itself, one inside a
        longer text by its text), and instance indexes dropped from references. A
        variable the module gives no value stays as written."""
        return self._resolve(value, 0)

    def whole(self, value: Any, depth: int = 0) -> list[Any]:
        """Every value `value` stands for when it is one whole `local.X` or `var.X`,
        followed through such references but never written into a text (as `resolve`
        does): what the module gives it, as written. A variable the module gives no value
        stays as written."""
        whole = _NAMED.fullmatch(value) if isinstance(value, str) else None
        found = self._named(whole[1], whole[2]) if whole is not None else []
        if not found or depth >= _MAX_DEPTH:
            return [value]
        return [v for one in found for v in self.whole(one, depth + 1)]

    def texts(self, value: Any) -> list[str]:
        """Every string in `value` (a block's body, a list), however deep, as each text it
        may stand for (`resolve`; the items of a list it stands for too)."""
        found: dict[str, None] = {}
        seen: set[str] = set()
        pending = [value]
        while pending:
            item = pending.pop()
            if isinstance(item, dict):
                pending += list(item.values())
            elif isinstance(item, list):
                pending += item
            elif isinstance(item, str) and item not in seen:
                seen.add(item)
                for one in self.resolve(item):
                    if isinstance(one, str):
                        found[one] = None
                    else:
                        pending.append(one)
        return list(found)

    def read_by(self, value: Any) -> dict[str, list[Any]]:
        """Each local and variable `value` names anywhere in its expressions (also inside
        one `resolve` leaves as written: `var.open ? "NONE" : "AWS_IAM"`), and each that
        their values name, with what the module gives it: a default or a tfvars value
        changed changes what `value` deploys."""
        found: dict[str, list[Any]] = {}
        pending = [value]
        while pending:
            for kind, name in _mentioned(pending.pop()):
                if f"{kind}.{name}" not in found:
                    found[f"{kind}.{name}"] = self._named(kind, name)
                    pending.append(found[f"{kind}.{name}"])
        return found

    def _resolve(self, value: Any, depth: int) -> list[Any]:
        if isinstance(value, list):
            choices = [self._resolve(item, depth) for item in value]
            combined = itertools.islice(itertools.product(*choices), MAX_VALUES + 1)
            return _capped([list(c) for c in combined], value)
        if not isinstance(value, str):
            return [value]
        value = _INSTANCE.sub(r"\1", value)
        whole = _NAMED.fullmatch(value)
        if depth < _MAX_DEPTH and whole is not None:
            found = self._named(whole[1], whole[2])
            if found:
                return _capped([v for one in found for v in self._resolve(one, depth + 1)], value)
        if depth >= _MAX_DEPTH or not _NAMED.search(value):
            return [value]
        return self._substituted(value, depth)

    def _substituted(self, text: str, depth: int) -> list[Any]:
        """`text` with each `${local.X}` / `${var.X}` in it written as each of its texts."""
        names = list(dict.fromkeys(m.group(0) for m in _NAMED.finditer(text)))
        options: list[list[str]] = []
        for name in names:
            kind, key = _NAMED.fullmatch(name).groups()  # type: ignore[union-attr]
            texts = [v for v in self._named(kind, key) if isinstance(v, (str, int, float))]
            options.append([str(v) for v in texts] or [name])
        found: list[Any] = []
        for choice in itertools.islice(itertools.product(*options), MAX_VALUES + 1):
            written = text
            for name, replacement in zip(names, choice, strict=True):
                written = written.replace(name, replacement)
            found += self._resolve(written, depth + 1) if written != text else [written]
        return _capped(found, text)

    def _named(self, kind: str, key: str) -> list[Any]:
        if kind == "local":
            return [self.locals[key]] if key in self.locals else []
        return list(self.variables.get(key, []))


_MENTIONED = re.compile(r"(?<![\w.])(local|var)\.([A-Za-z_][\w-]*)")
"""A local or variable named anywhere in an expression."""


def _mentioned(value: Any) -> set[tuple[str, str]]:
    """The (`local` or `var`, name) of each local and variable the strings of `value`
    name, however deep."""
    if isinstance(value, str):
        return {(m[1], m[2]) for m in _MENTIONED.finditer(value)}
    inner = value.values() if isinstance(value, dict) else value if isinstance(value, list) else []
    return {found for item in inner for found in _mentioned(item)}


def _capped(found: list[Any], written: Any) -> list[Any]:
    """At most MAX_VALUES of the values `found` for `written`; past that, the last is
    `written` itself, unresolved: a value left out may be the one Terraform takes (the
    last tfvars file's), so the caller must see that one was not listed."""
    return found if len(found) <= MAX_VALUES else [*found[: MAX_VALUES - 1], written]


def tf_references(value: Any) -> set[str]:
    """Resource addresses (`type.name`) an attribute refers to; data sources are not resources."""
    if isinstance(value, str):
        return set(_REFERENCE.findall(value)) if made_by_terraform(value) else set()
    if isinstance(value, dict):
        return {r for inner in value.values() for r in tf_references(inner)}
    if isinstance(value, list):
        return {r for inner in value for r in tf_references(inner)}
    return set()
