"""One Python module's AWS calls, read with `ast` (the code is never imported or run).

Clients and resources are followed by name through the module: `boto3.client("s3")`,
`boto3.resource("dynamodb").Table(...)`, a session's `client`/`resource`, `.meta.client`,
sub-resources (`Bucket(...).Object(...)`) and collections (`bucket.objects.all()`, and
the loop variable over one), whether stored at module level, in a function or on
`self`, or returned by a function of the module. Names are not scoped: a name bound to
two services anywhere stands for both.

What cannot be followed is said, never guessed: a client whose service is not a literal
makes every service possible (`dynamic`); a client passed to a function, a method the
model does not know or `getattr` make that service's calls incomplete (`partial`).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from gate.rules.calls import models

FACTORIES = {
    "boto3.client": "client",
    "boto3.resource": "resource",
    "boto3.Session": "session",
    "boto3.session.Session": "session",
    "botocore.session.get_session": "session",
    "botocore.session.Session": "session",
}
_SESSION_METHODS = {"client": "client", "create_client": "client", "resource": "resource"}
PARAMETERS = "aws_lambda_powertools.utilities.parameters."
# Powertools' parameter helpers call these for the code.
POWERTOOLS: dict[str, tuple[str, ...]] = {
    "get_secret": ("secretsmanager:GetSecretValue",),
    "get_parameter": ("ssm:GetParameter",),
    "get_parameters": ("ssm:GetParametersByPath",),
    "get_parameters_by_name": ("ssm:GetParameters", "ssm:GetParameter"),
    "get_app_config": ("appconfig:StartConfigurationSession", "appconfig:GetLatestConfiguration"),
}
# Libraries that call AWS themselves: their service (None: any service).
LIBRARIES: dict[str, str | None] = {
    "awswrangler": None,
    "aioboto3": None,
    "aiobotocore": None,
    "pynamodb": "dynamodb",
    "s3fs": "s3",
    "smart_open": "s3",
    "aws_lambda_powertools.utilities.idempotency": "dynamodb",
    "aws_lambda_powertools.utilities.data_masking": "kms",
    f"{PARAMETERS}SSMProvider": "ssm",
    f"{PARAMETERS}SecretsProvider": "secretsmanager",
    f"{PARAMETERS}DynamoDBProvider": "dynamodb",
    f"{PARAMETERS}AppConfigProvider": "appconfig",
    f"{PARAMETERS}get_secrets_by_name": "secretsmanager",
}


@dataclass(frozen=True)
class Handle:
    """What a name holds: a session, a client, a resource or a collection of resources."""

    kind: str
    service: str = ""
    type: str | None = None
    """A resource's type (None: the service resource); a collection's item type."""
    operation: str | None = None
    """A collection's list operation."""


@dataclass(frozen=True)
class Use:
    """One AWS API call in the code."""

    service: str
    label: str
    """As written: `s3.get_object`, `Table.put_item`."""
    file: str
    line: int
    operation: str | None = None
    actions: tuple[str, ...] = ()
    """IAM actions known without the model (a Powertools helper's)."""


@dataclass
class ModuleCalls:
    """What one module calls, and what of it cannot be known."""

    file: str
    uses: list[Use] = field(default_factory=list)
    partial: dict[str, str] = field(default_factory=dict)
    """Service -> why its calls are not all known."""
    dynamic: list[str] = field(default_factory=list)
    """Why any service may be called."""
    names: dict[str, set[Handle]] = field(default_factory=dict)
    returns: dict[str, set[Handle]] = field(default_factory=dict)
    """Function name -> what it returns."""
    aliases: dict[str, str] = field(default_factory=dict)
    """Imported name -> what it is (`b` -> `boto3`, `client` -> `boto3.client`)."""
    constants: dict[str, str] = field(default_factory=dict)


def dotted(node: ast.AST) -> str | None:
    """`self.s3` -> "self.s3"; None for anything but names and attributes."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = dotted(node.value)
        return f"{base}.{node.attr}" if base else None
    return None


class Reader:
    """Follows clients and resources through one module's tree."""

    def __init__(self, calls: ModuleCalls, tree: ast.Module) -> None:
        self.calls = calls
        self.tree = tree

    def canonical(self, node: ast.AST) -> str | None:
        """A name with its imported alias resolved: `b.client` -> `boto3.client`."""
        text = dotted(node)
        if text is None:
            return None
        head, _, rest = text.partition(".")
        base = self.calls.aliases.get(head, head)
        return f"{base}.{rest}" if rest else base

    def literal(self, node: ast.AST | None) -> str | None:
        """A string literal, or a module-level constant bound to one."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return self.calls.constants.get(node.id)
        return None

    def handles(self, node: ast.AST) -> set[Handle]:
        """What an expression evaluates to, as far as AWS clients and resources go."""
        text = dotted(node)
        if text is not None and text in self.calls.names:
            return self.calls.names[text]
        if isinstance(node, ast.Call):
            return self._call_result(node)
        if isinstance(node, ast.Attribute):
            return self._attribute_result(node)
        if isinstance(node, ast.BoolOp):
            return {h for value in node.values for h in self.handles(value)}
        if isinstance(node, ast.IfExp):
            return self.handles(node.body) | self.handles(node.orelse)
        return set()

    def _call_result(self, call: ast.Call) -> set[Handle]:
        name = self.canonical(call.func)
        if name in FACTORIES:
            return self._factory(FACTORIES[name], call)
        if name is not None and name in self.calls.returns:
            return self.calls.returns[name]
        if not isinstance(call.func, ast.Attribute):
            return set()
        method = call.func.attr
        result: set[Handle] = set()
        for handle in self.handles(call.func.value):
            if handle.kind == "session" and method in _SESSION_METHODS:
                result |= self._factory(_SESSION_METHODS[method], call)
            elif handle.kind == "resource":
                member = models.resource_member(handle.service, handle.type, method)
                if member is not None and member.kind == "resource":
                    result.add(Handle("resource", handle.service, member.target))
            elif handle.kind == "collection" and method in models.COLLECTION_METHODS:
                result.add(Handle("resource", handle.service, handle.type))
        return result

    def _attribute_result(self, node: ast.Attribute) -> set[Handle]:
        meta = node.value
        if node.attr == "client" and isinstance(meta, ast.Attribute) and meta.attr == "meta":
            found = self.handles(meta.value)
            return {Handle("client", h.service) for h in found if h.kind == "resource"}
        result = set()
        for handle in self.handles(node.value):
            if handle.kind == "resource":
                member = models.resource_member(handle.service, handle.type, node.attr)
                if member is not None and member.kind == "collection":
                    result.add(
                        Handle("collection", handle.service, member.target, member.operation)
                    )
        return result

    def _factory(self, kind: str, call: ast.Call) -> set[Handle]:
        if kind == "session":
            return {Handle("session")}
        argument = call.args[0] if call.args else None
        for keyword in call.keywords:
            if keyword.arg == "service_name":
                argument = keyword.value
        service = self.literal(argument)
        if service is None:
            why = f"{self.calls.file}:{call.lineno}: a {kind} whose service is not a literal"
            if why not in self.calls.dynamic:
                self.calls.dynamic.append(why)
            return set()
        if kind == "resource" and not models.has_resources(service):
            return set()
        return {Handle(kind, service)}
