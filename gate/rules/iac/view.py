"""A function's IaC settings read the same way from every syntax, so the IaC rules are
written once: each reader (`iac_sam`, `iac_sls`, `iac_tf`) turns its syntax into a
`FunctionView`, with defaults applied and the line of every value it read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from gate.bundle.discovery.declared import deep_merge
from gate.model import Function
from gate.rules.context import BundleContext
from gate.rules.iam.policy import strings as strings
from gate.rules.intrinsics import NO_OVERRIDES, deployed_literals, literal_values
from gate.rules.variables import Candidates, Variables
from gate.safeyaml import PathKey, YamlDocument

URL = "url"
REST = "rest"
HTTP = "http"


@dataclass(frozen=True)
class Setting:
    """One property of a function, as its IaC sets it."""

    value: Any
    """What the IaC says, as written (a reference stays as the reader sees it, so rules can
    tell "set to something unresolved" from "unset"); the syntax's default when it is
    left unset, None when there is no default."""
    line: int | None
    """Where it is set; the function's own line when it is left to the default."""


@dataclass(frozen=True)
class Variable:
    """An environment variable of a function."""

    name: str
    literal: str | None
    """The value as the file writes it, interpolations (`${ssm:...}`, `${var.x}`) and all;
    None for a tagged value (`!Ref`, `!Sub`), a long-form intrinsic (`Fn::GetAtt`) or
    anything else that is not a scalar: those are resolved at deploy time."""
    line: int | None
    shared: str | None = None
    """Where a variable every function inherits is set (`Globals.Function`, `provider`);
    None for the function's own."""
    reference: str | None = None
    """The resource a `!Ref` or `!GetAtt` value names (`Table` for `!GetAtt Table.Arn`):
    functions whose variables name one table or bucket share it."""


@dataclass(frozen=True)
class Entry:
    """A way to invoke the function over HTTPS: a function URL or an API Gateway route."""

    kind: str
    """`url`, `rest` (API Gateway REST API) or `http` (API Gateway HTTP API)."""
    label: str
    """How the IaC names it, for messages: `FunctionUrlConfig`, `event GetOrder (GET /x)`."""
    path: str
    """The IaC file that declares it (a Terraform module may split one over files)."""
    line: int | None
    resource: str
    """The resource a finding about it is on: the URL or method resource when that is
    the function's (it points at the function), else the function's own."""
    public: bool
    """Reachable without authentication (AuthType NONE, no authorizer)."""
    checkov: tuple[str, ...] = ()
    """checkov checks that report this entry's missing authentication."""
    checkov_resource: str | None = None
    """The resource checkov reports them on, when it is not `resource` (a Terraform
    method or route that does not point at the function itself)."""


@dataclass(frozen=True)
class FunctionView:
    """What the IaC rules need of one function."""

    function: Function
    runtime: Setting
    timeout: Setting
    """Seconds; the syntax's default when unset (3, or 6 for serverless.yml)."""
    tracing: Setting
    """`Active`, `PassThrough`, `Disabled`, true/false (serverless.yml), or None when
    unset (no active tracing)."""
    reserved: Setting
    """Reserved concurrent executions; None when unset or unreserved (Terraform's -1): the
    function draws on the account's shared pool."""
    variables: tuple[Variable, ...]
    entries: tuple[Entry, ...]
    unread_environment: tuple[str, ...] = ()
    """Where the function's environment is written so that the gate cannot read it."""

    @property
    def path(self) -> str:
        return self.function.iac_file

    @property
    def resource(self) -> str:
        return self.function.resource


def unset(function: Function, default: Any = None) -> Setting:
    """A setting the IaC leaves to its default, pointing at the function."""
    return Setting(default, function.line)


def as_int(value: Any) -> int | None:
    """A number as the IaC writes it (`30`, `"30"`); None for anything that needs resolving."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


_Source = TypeVar("_Source", bound="YamlSource")
MISSING = object()
"""What `YamlSource.at` returns for a path the document does not have."""
UNREAD = object()
"""A map written so that the gate cannot read it (an intrinsic, an unresolved variable)."""


@dataclass(frozen=True)
class Environment:
    """A function's environment as its IaC writes it."""

    variables: list[Variable]
    unread: list[str]
    """Where a map of variables is written so that the gate cannot read it (`file:line`):
    any variable may be set there."""


class YamlSource:
    """An IaC YAML file as parsed, with the line and the tag (`!Ref`, `!Sub`) of every
    value: the loader reads `!Ref X` as "X", and the document keeps its tags apart."""

    serverless_variables = True
    """Whether `${self:...}` in a value is a Serverless Framework variable (serverless.yml)."""

    def __init__(
        self, path: str, document: YamlDocument, context: BundleContext | None = None
    ) -> None:
        self.path = path
        self.document = document
        self.context = context

    @classmethod
    def read(cls: type[_Source], context: BundleContext, path: str) -> _Source | None:
        document = context.yaml(path)
        return None if document is None else cls(path, document, context)

    def at(self, path: PathKey) -> Any:
        """The value at `path`, or `MISSING`."""
        return self.document.value_at(path, MISSING)

    def line(self, path: PathKey) -> int | None:
        return self.document.line_of(path)

    def setting(self, *paths: PathKey) -> Setting | None:
        """The value at the first of `paths` the document has (a function's own setting
        before the defaults it inherits), with its line; None if it has none of them."""
        for path in paths:
            value = self.at(path)
            if value is not MISSING:
                return Setting(value, self.line(path))
        return None

    def environment(self, *scopes: tuple[PathKey, str | None]) -> Environment:
        """The variables of the maps at each scope's path, the first scope's winning: the
        function's own, then those it inherits, each labelled with where it is shared. A
        variable that may stand for several values (`Fn::If`, a stage's) is one
        `Variable` per value. A map the gate cannot read (an intrinsic, a variable that
        does not resolve to one) is named in `unread`."""
        found: dict[str, list[Variable]] = {}
        unread: list[str] = []
        for where, shared in scopes:
            value = self._mapping(where)
            if value is MISSING:
                continue
            if not isinstance(value, dict):
                unread.append(f"{self.path}:{self.line(where) or '?'}")
                continue
            written = value is self.at(where)  # not resolved from a variable
            for name in value:
                path = (*where, str(name))
                line = self.line(path if written else where)
                literals = self.literals(path) if written else self._variable(value[name])
                named = referenced(self._long_form(path)) if written else None
                variables = [Variable(str(name), v, line, shared, named) for v in literals]
                found.setdefault(str(name), variables)
        return Environment([v for each in found.values() for v in each], unread)

    def _mapping(self, path: PathKey) -> Any:
        """The value at `path`, a serverless variable standing for it (or for a map on
        the way) resolved; `MISSING` where there is none, `UNREAD` where the map is
        written with an intrinsic."""
        data = self.document.data
        for depth, key in enumerate(path):
            if self._tagged(path[:depth]):
                return UNREAD
            if isinstance(data, str) and self.serverless_variables and "${" in data:
                data = self._variables().resolve(data)
            if isinstance(data, list) and all(isinstance(d, dict) for d in data):
                data = deep_merge(data)  # serverless.yml `functions: [{a: ...}, {b: ...}]`
            if not isinstance(data, dict):
                return UNREAD if data is not None and depth else MISSING
            if key not in data:
                return MISSING
            data = data[key]
        if self._tagged(path):
            return UNREAD
        if isinstance(data, str) and self.serverless_variables and "${" in data:
            return self._variables().resolve(data)
        return data

    def _tagged(self, path: PathKey) -> bool:
        return bool(path) and path in self.document.tags

    def literals(self, path: PathKey) -> list[str | None]:
        """What the scalar at `path` may stand for: the value as written, or the
        literals an intrinsic stands for within this file (`!Ref` of a parameter's
        literal `Default`, `!FindInMap` into its `Mappings`, `!Join` or `!Sub` of
        literals, both branches of `!If`: gate.rules.intrinsics), or a
        serverless.yml variable's (gate.rules.variables); [None] for anything
        resolved at deploy time (`!GetAtt`, `!ImportValue`, a parameter without a
        default) or that is not a scalar."""
        value = self._long_form(path)
        if isinstance(value, dict):
            overrides = self.context.parameter_overrides() if self.context else NO_OVERRIDES
            return literal_values(self.document.data, value, overrides)
        if isinstance(value, str) and self.serverless_variables:
            return self._variable(value)
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return [None]
        return [str(value)]

    def deployed(self, path: PathKey) -> list[str | None]:
        """What the value at `path` may be deployed as by the bundle: `literals` without
        the deployer's own choice of a parameter (gate.rules.intrinsics
        `deployed_literals`); None for what only the deploy works out."""
        value = self._long_form(path)
        if isinstance(value, dict):
            overrides = self.context.parameter_overrides() if self.context else NO_OVERRIDES
            return deployed_literals(self.document.data, value, overrides)
        return self.literals(path)

    def literal(self, path: PathKey) -> str | None:
        """The one literal the value at `path` stands for (`literals`), or None."""
        found = self.literals(path)
        return found[0] if len(found) == 1 else None

    def _variable(self, value: Any) -> list[str | None]:
        """What a serverless.yml value stands for, every candidate of it."""
        if not isinstance(value, str) or "${" not in value or not self.serverless_variables:
            scalar = isinstance(value, (str, int, float)) and not isinstance(value, bool)
            return [str(value) if scalar else None]
        found = self._variables().resolve(value)
        if isinstance(found, Candidates):
            return [str(v) for v in found] or [None]
        scalar = isinstance(found, (str, int, float)) and not isinstance(found, bool)
        return [str(found) if scalar else None]

    def _variables(self) -> Variables:
        if self.context is None:
            return Variables(None, self.path, self.document.data)
        return Variables.for_file(self.context, self.path, self.document.data)

    def _long_form(self, path: PathKey) -> Any:
        value = self.at(path)
        return None if value is MISSING else self.document.long_form(path, value)


def referenced(value: Any) -> str | None:
    """The logical id a `{"Ref": X}` or `{"Fn::GetAtt": "X.Attr"}` names, else None."""
    if not isinstance(value, dict) or len(value) != 1:
        return None
    ((key, target),) = value.items()
    if key == "Fn::GetAtt":
        target = target[0] if isinstance(target, list) and target else target
        target = target.split(".", 1)[0] if isinstance(target, str) else None
    elif key != "Ref":
        return None
    return target if isinstance(target, str) and target else None
