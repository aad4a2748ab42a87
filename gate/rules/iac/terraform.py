"""Terraform `aws_lambda_function` (and `awscc_lambda_function`) as `FunctionView`s.

One directory of `.tf` files is one module, read whole: a function's URL or API may be
declared in another file than the function. Entries are what reaches the
function (gate.bundle.discovery.reach): `aws_lambda_function_url`
(`authorization_type = "NONE"`; the Cloud Control provider's `awscc_lambda_url`,
`auth_type`), an `aws_api_gateway_method` an `aws_api_gateway_integration` of the
function serves (`authorization = "NONE"`), and an `aws_apigatewayv2_route` whose
`target` names an `aws_apigatewayv2_integration` of the function (no
`authorization_type`, or `NONE`).
Defaults: timeout 3 s, no tracing, no reserved concurrency (`-1`). Expressions
(`var.x`, `local.y`) are never evaluated: a value that needs one is not judged.
python-hcl2 gives line numbers of blocks only; an attribute's line is found in the
block's text.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from gate.bundle.discovery.declared import as_mapping
from gate.bundle.discovery.terraform_defined import module_files, overridden
from gate.bundle.discovery.terraform_values import ModuleValues
from gate.model import Function
from gate.rules.context import BundleContext
from gate.rules.iac.view import (
    HTTP,
    REST,
    URL,
    Entry,
    FunctionView,
    Setting,
    Variable,
    unset,
)

DEFAULT_TIMEOUT = 3
_UNRESERVED = (-1, "${-1}", "-1")


class Block:
    """One `resource` block of the module, and where it is."""

    def __init__(
        self, address: str, path: str, body: dict[str, Any], lines: list[str], values: ModuleValues
    ) -> None:
        self.address = address
        self.path = path
        self.body = body
        self._lines = lines
        self.values = values
        """What the module gives its locals and variables."""

    def value(self, key: str, body: dict[str, Any] | None = None) -> Any:
        """An attribute's value (python-hcl2 wraps each in a one-item list)."""
        value = (self.body if body is None else body).get(key)
        return value[0] if isinstance(value, list) and len(value) == 1 else value

    def nested(self, *keys: str) -> dict[str, Any]:
        """A nested block (`tracing_config`, `environment`), or an empty one."""
        body = self.body
        for key in keys:
            body = as_mapping(self.value(key, body))
        return body

    def line(self, key: str | None = None) -> int | None:
        """The line of the first `key = ...` in the block; the block's own line without one."""
        start = self.body.get("__start_line__")
        if key is None or not isinstance(start, int):
            return start if isinstance(start, int) else None
        end = self.body.get("__end_line__", start)
        assignment = re.compile(rf'^\s*"?{re.escape(key)}"?\s*=')
        for number in range(start, min(end, len(self._lines)) + 1):
            if assignment.match(self._lines[number - 1]):
                return number
        return start

    def may_be_none(self, key: str, unset: bool = False) -> bool:
        """Whether an auth attribute may be deployed as `NONE`: any value the module
        gives it, or one only the deploy works out (a variable the caller sets, a
        function's result), which may be NONE as well; `unset` when it is not set."""
        value = self.value(key)
        if value is None:
            return unset
        return any(
            str(one).upper() == "NONE" or not isinstance(one, str) or "${" in one
            for one in self.values.resolve(value)
        )


def module_blocks(context: BundleContext, directory: str) -> dict[str, Block]:
    """Every resource block of the module in `directory`, by address: an override file's
    merged into the block it overrides, as Terraform merges it (override files last), at
    the place of the block it overrides."""
    blocks: dict[str, Block] = {}
    values = context.terraform_values(directory)
    for path in module_files(context.root / directory):
        relative = path.relative_to(context.root).as_posix()
        parsed = context.terraform(relative)
        if parsed is None:
            continue
        lines = path.read_text("utf-8", "replace").splitlines()
        for group in parsed.get("resource", []):
            for kind, named in as_mapping(group).items():
                for name, body in as_mapping(named).items():
                    address = f"{kind}.{name}"
                    if address in blocks:
                        blocks[address].body = overridden(blocks[address].body, as_mapping(body))
                    else:
                        blocks[address] = Block(address, relative, as_mapping(body), lines, values)
    return blocks


def module_of(function: Function) -> str:
    """The module (directory) a Terraform function is declared in."""
    return PurePosixPath(function.iac_file).parent.as_posix()


def terraform_view(blocks: dict[str, Block], function: Function) -> FunctionView:
    """The view of a function of the module `blocks` come from (it must be one of them)."""
    block = blocks[function.resource]

    def setting(key: str, default: Any = None) -> Setting:
        value = block.value(key)
        return unset(function, default) if value is None else Setting(value, block.line(key))

    reserved = setting("reserved_concurrent_executions")
    tracing = block.value("mode", block.nested("tracing_config"))
    return FunctionView(
        function=function,
        runtime=setting("runtime"),
        timeout=setting("timeout", DEFAULT_TIMEOUT),
        tracing=unset(function) if tracing is None else Setting(tracing, block.line("mode")),
        reserved=unset(function) if reserved.value in _UNRESERVED else reserved,
        variables=tuple(_variables(block)),
        entries=tuple(_entries(blocks, function)),
        unread_environment=_unread_environment(block),
    )


def _variables(block: Block) -> list[Variable]:
    variables = block.nested("environment", "variables")
    return [
        Variable(str(name), _literal(value), block.line(str(name)))
        for name, value in variables.items()
        if not str(name).startswith("__")
    ]


def _unread_environment(block: Block) -> tuple[str, ...]:
    """Where the function's `environment` is written as something other than a literal
    map (`variables = local.env`, a `dynamic` block): any variable may be set there."""
    dynamic = block.body.get("dynamic")
    if isinstance(dynamic, list) and any(
        isinstance(d, dict) and "environment" in d for d in dynamic
    ):
        return (f"{block.path}:{block.line('dynamic') or block.line()}",)
    environment = block.value("environment")
    if environment is None:
        return ()
    variables = block.value("variables", environment) if isinstance(environment, dict) else None
    if isinstance(environment, dict) and (variables is None or isinstance(variables, dict)):
        return ()
    return (f"{block.path}:{block.line('variables') or block.line()}",)


def _literal(value: Any) -> str | None:
    """A value as written; `${...}` expressions stay in and are judged as references."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    return str(value)


def _entries(blocks: dict[str, Block], function: Function) -> list[Entry]:
    """The function's URLs, and the REST API methods and HTTP API routes that reach it
    (discovery's walk, `Function.reached_by`: a method an integration of the function
    serves, a route whose target is one, an API made by quick create)."""
    entries = []
    for address in function.reached_by:
        reaching = blocks.get(address)
        if reaching is None:
            continue
        kind = address.split(".", 1)[0]
        if kind in _URL_AUTH:
            key, checkov = _URL_AUTH[kind]
            public = reaching.may_be_none(key)
            entries.append(
                Entry(URL, address, reaching.path, reaching.line(key), address, public, checkov)
            )
        elif kind == "aws_api_gateway_method" and reaching.value("http_method") != "OPTIONS":
            entries.append(_method(function, reaching))
        elif kind == "aws_apigatewayv2_route":
            entries.append(_route(function, reaching))
        elif kind in _QUICK_APIS and reaching.value("target") is not None:
            entries.append(_quick_created(function, reaching))
    return entries


_URL_AUTH = {
    "aws_lambda_function_url": ("authorization_type", ("CKV_AWS_258",)),
    "awscc_lambda_url": ("auth_type", ()),
}
"""A function URL's resource types (aws, and the Cloud Control provider's), with the
attribute naming its authentication and the checkov checks that report it."""


_QUICK_APIS = ("aws_apigatewayv2_api", "awscc_apigatewayv2_api")
"""HTTP API types that quick create makes with a `target`: API Gateway adds the route."""


def _quick_created(function: Function, api: Block) -> Entry:
    """An HTTP API made by quick create: API Gateway makes its route (`route_key`,
    `$default` by default) with no authorization, and nothing in the module can add one."""
    label = f"{api.address} (quick create: {api.value('route_key') or '$default'})"
    return Entry(HTTP, label, api.path, api.line("target"), function.resource, True)


def _method(function: Function, method: Block) -> Entry:
    """A REST API method an integration of the function serves."""
    public = method.may_be_none("authorization")
    checkov = ("CKV_AWS_59", "CKV2_AWS_70")
    line = method.line("authorization")
    return Entry(
        REST, method.address, method.path, line, function.resource, public, checkov, method.address
    )


def _route(function: Function, route: Block) -> Entry:
    """An HTTP API route whose target is an integration of the function."""
    auth = route.value("authorization_type")
    public = route.may_be_none("authorization_type", unset=True)
    line = route.line("authorization_type") if auth else route.line()
    label = f"{route.address} ({route.value('route_key')})"
    return Entry(
        HTTP, label, route.path, line, function.resource, public, ("CKV_AWS_309",), route.address
    )
