"""What a Terraform function is tied to beyond its own block: its role and what refers
to it or its role (`related`), and what reaches it through any chain (`reached_by`,
gate.bundle.discovery.reach), with the content of each (`exposure`)."""

from __future__ import annotations

from typing import Any

from gate.bundle.discovery.declared import exposure_of
from gate.bundle.discovery.hcl import made_by_terraform
from gate.bundle.discovery.reach import TERRAFORM_LINKS, Written, named, reaching
from gate.bundle.discovery.terraform_defined import overridden
from gate.bundle.discovery.terraform_values import ModuleValues, tf_references, tf_value

Blocks = list[tuple[str, str, str, str, dict[str, Any]]]
"""A module's blocks: (section, type, name, file, body)."""
FUNCTIONS = ("aws_lambda_function", "awscc_lambda_function")
"""Function types: other functions sharing a role are not related to each other."""


class ModuleResources:
    """A module's resource blocks, each read once for the walk (`Written`)."""

    def __init__(self, blocks: Blocks, values: ModuleValues) -> None:
        self.values = values
        self.bodies: dict[str, dict[str, Any]] = {}
        for section, kind, name, _, body in blocks:
            if section == "resource":  # an override file's block over the one it overrides
                address = f"{kind}.{name}"
                self.bodies[address] = overridden(self.bodies.get(address), body)
        self.kinds = {address: address.split(".", 1)[0] for address in self.bodies}
        self.written = {
            address: self._written(address, body) for address, body in self.bodies.items()
        }

    def _written(self, address: str, body: dict[str, Any]) -> Written:
        attributes = [key for key in body if not key.startswith("__")]
        texts = {key: frozenset(self.values.texts(tf_value(body, key))) for key in attributes}
        names = {key: frozenset(tf_references(list(found))) for key, found in texts.items()}
        return Written(self.kinds[address], names, texts)

    def related(self, address: str, body: dict[str, Any]) -> set[str]:
        """The function's role and the resources that refer to the function or its role,
        through the module's locals and variables too (`function_name = local.fn`)."""
        role = tf_references(self.values.texts(tf_value(body, "role")))
        own = {address} | {r for r in role if r.startswith(("aws_", "awscc_"))}
        return (own | self._pointing(own, body)) - {address}

    def reached_by(self, address: str, body: dict[str, Any]) -> set[str]:
        """What reaches the function: what refers to it, and what joins that through
        `TERRAFORM_LINKS`."""
        start = named(address, lambda own: self._pointing(own, body), self.kinds)
        return reaching(start, self.written, TERRAFORM_LINKS) - {address}

    def exposure(self, body: dict[str, Any], reached: set[str]) -> str:
        """The function's role as written and the content of each resource that reaches
        it: every attribute as written and every text it may stand for (a variable's
        default, a local), line numbers left out."""
        return exposure_of(
            role=self.values.texts(tf_value(body, "role")),
            reached_by={a: self._content(self.bodies[a]) for a in sorted(reached)},
        )

    def _content(self, body: dict[str, Any]) -> Any:
        return [_without_lines(body), sorted(self.values.texts(body))]

    def _pointing(self, own: set[str], body: dict[str, Any]) -> set[str]:
        """The resources (not functions) that refer to one of `own`, or name the function
        by its literal name (`function_name = "orders"`)."""
        values = self.values
        names = {
            n for n in values.texts(tf_value(body, "function_name")) if not made_by_terraform(n)
        }
        return {
            address
            for address, written in self.written.items()
            if written.kind not in FUNCTIONS
            and (
                written.named(written.names.keys()) & own
                or written.texts.get("function_name", frozenset()) & names
            )
        }


def _without_lines(value: Any) -> Any:
    """`value` without python-hcl2's line markers (`__start_line__`): moving a block
    within its file does not change what it says."""
    if isinstance(value, dict):
        return {k: _without_lines(v) for k, v in value.items() if not str(k).startswith("__")}
    if isinstance(value, list):
        return [_without_lines(v) for v in value]
    return value
