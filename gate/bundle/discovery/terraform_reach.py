"""What a Terraform function is tied to beyond its own block: its role and what refers
to it or its role (`related`), and what reaches it through any chain (`reached_by`,
gate.bundle.discovery.reach), with the content of each (`exposure`)."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from gate.bundle.discovery.declared import exposure_of
from gate.bundle.discovery.hcl import made_by_terraform
from gate.bundle.discovery.reach import (
    TERRAFORM_LINKS,
    Written,
    holds_function,
    named,
    reaching,
    untied,
)
from gate.bundle.discovery.terraform_defined import overridden
from gate.bundle.discovery.terraform_values import ModuleValues, tf_references, tf_value

Blocks = list[tuple[str, str, str, str, dict[str, Any]]]
"""A module's blocks: (section, type, name, file, body)."""
FUNCTIONS = ("aws_lambda_function", "awscc_lambda_function")
"""Function types: other functions sharing a role are not related to each other."""


class ModuleResources:
    """A module's resource blocks, each read once for the walk (`Written`)."""

    def __init__(
        self, blocks: Blocks, values: ModuleValues, calling: dict[str, Any] | None = None
    ) -> None:
        """`calling`: what in the modules that call this one may reach its functions,
        by `folder/address`, with its content (`reaching_called` of each)."""
        self.values = values
        self.calling = calling or {}
        self.bodies: dict[str, dict[str, Any]] = {}
        for section, kind, name, _, body in blocks:
            if section == "resource":  # an override file's block over the one it overrides
                address = f"{kind}.{name}"
                self.bodies[address] = overridden(self.bodies.get(address), body)
        self.kinds = {address: address.split(".", 1)[0] for address in self.bodies}
        self.function_names = {
            name
            for address, body in self.bodies.items()
            if self.kinds[address] in FUNCTIONS
            for name in self._literal_names(body)
        }
        """The names the module's functions are deployed under, as written."""
        self.written = {
            address: self._written(address, body) for address, body in self.bodies.items()
        }

    def _written(self, address: str, body: dict[str, Any]) -> Written:
        attributes = [key for key in body if not key.startswith("__")]
        texts = {key: frozenset(self.values.texts(tf_value(body, key))) for key in attributes}
        names = {key: frozenset(tf_references(list(found))) for key, found in texts.items()}
        holds = holds_function(set().union(*texts.values()), self.function_names)
        return Written(self.kinds[address], names, texts, holds)

    def related(self, address: str, body: dict[str, Any]) -> set[str]:
        """The function's role and the resources that refer to the function or its role,
        through the module's locals and variables too (`function_name = local.fn`)."""
        role = tf_references(self.values.texts(tf_value(body, "role")))
        own = {address} | {r for r in role if r.startswith(("aws_", "awscc_"))}
        return (own | self._pointing(own, body)) - {address}

    def reached_by(self, address: str, body: dict[str, Any]) -> set[str]:
        """What reaches the function: what refers to it, what may invoke a function of
        the module but refers to none (`untied`), what joins those through
        `TERRAFORM_LINKS`, and what reaches it from the modules that call this one
        (`calling`, as `folder/address`)."""
        start = self._start(address, body) | self.untied
        found = reaching(start, self.written, TERRAFORM_LINKS) - {address}
        return found | set(self.calling)

    def reaching_called(self, folder: str) -> dict[str, Any]:
        """What in this module (in `folder`) may reach a function of a module it calls:
        what may invoke a function but refers to none of this module's (`untied`: one
        naming a module's output among them) and what joins that, by `folder/address`,
        with the content of each and what this module gives the locals and variables it
        names."""
        chain = reaching(self.untied, self.written, TERRAFORM_LINKS)
        return {
            f"{folder}/{a}": [
                self._content(self.bodies[a]),
                _without_lines(self.values.read_by([self.bodies[a]])),
            ]
            for a in sorted(chain)
        }

    @cached_property
    def untied(self) -> set[str]:
        """The resources that may invoke a function but refer to none of the module's
        (gate.bundle.discovery.reach `untied`)."""
        functions = (a for a, kind in self.kinds.items() if kind in FUNCTIONS)
        return untied((self._start(f, self.bodies[f]) for f in functions), self.written)

    def _start(self, address: str, body: dict[str, Any]) -> set[str]:
        """Where the walk from the function `address` starts (reach `named`)."""
        return named(address, lambda own: self._pointing(own, body), self.kinds)

    def exposure(self, body: dict[str, Any], reached: set[str]) -> str:
        """The function's role as written and the content of each resource that reaches
        it: every attribute as written and every text it may stand for (a variable's
        default, a local), line numbers left out; and what the module gives each local
        and variable any of them names (`ModuleValues.read_by`)."""
        role = tf_value(body, "role")
        # A calling module's content comes resolved in its own values (`calling`).
        bodies = [role, *(self.bodies[a] for a in sorted(reached) if a not in self.calling)]
        return exposure_of(
            role=self.values.texts(role),
            reached_by={
                a: self.calling[a] if a in self.calling else self._content(self.bodies[a])
                for a in sorted(reached)
            },
            values=_without_lines(self.values.read_by(bodies)),
        )

    def _content(self, body: dict[str, Any]) -> Any:
        return [_without_lines(body), sorted(self.values.texts(body))]

    def _pointing(self, own: set[str], body: dict[str, Any]) -> set[str]:
        """The resources (not functions) that refer to one of `own`, or name the function
        by its literal name (`function_name = "orders"`)."""
        names = self._literal_names(body)
        return {
            address
            for address, written in self.written.items()
            if written.kind not in FUNCTIONS
            and (
                written.named(written.names.keys()) & own
                or written.texts.get("function_name", frozenset()) & names
            )
        }

    def _literal_names(self, function: dict[str, Any]) -> set[str]:
        """The name `function` is deployed under, each text it may be (not one Terraform
        makes: `${...}`)."""
        texts = self.values.texts(tf_value(function, "function_name"))
        return {n for n in texts if not made_by_terraform(n)}


def _without_lines(value: Any) -> Any:
    """`value` without python-hcl2's line markers (`__start_line__`): moving a block
    within its file does not change what it says."""
    if isinstance(value, dict):
        return {k: _without_lines(v) for k, v in value.items() if not str(k).startswith("__")}
    if isinstance(value, list):
        return [_without_lines(v) for v in value]
    return value
