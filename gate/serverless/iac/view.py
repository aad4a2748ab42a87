"""A function's IaC settings read the same way from every syntax, so the IaC rules are
written once: each reader (`iac_sam`, `iac_sls`, `iac_tf`) turns its syntax into a
`FunctionView`, with defaults applied and the line of every value it read."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from gate.model import Function
from gate.safeyaml import PathKey, YamlDocument
from gate.serverless.context import BundleContext
from gate.serverless.intrinsics import literal_value
from gate.serverless.variables import Variables

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


_Source = TypeVar("_Source", bound="YamlSource")
MISSING = object()
"""What `YamlSource.at` returns for a path the document does not have."""


class YamlSource:
    """An IaC YAML file, parsed and as text: the parse reads tags as plain values (`!Ref X`
    arrives as "X"), so whether a value is a reference is read from the text."""

    serverless_variables = True
    """Whether `${self:...}` in a value is a Serverless Framework variable (serverless.yml)."""

    def __init__(self, path: str, document: YamlDocument, text: str) -> None:
        self.path = path
        self.document = document
        self.lines = text.splitlines()

    @classmethod
    def read(cls: type[_Source], context: BundleContext, path: str) -> _Source | None:
        document = context.yaml(path)
        if document is None:
            return None
        try:
            return cls(path, document, (context.root / path).read_text("utf-8", "replace"))
        except OSError:
            return None

    def at(self, path: PathKey) -> Any:
        """The value at `path`, or `MISSING`."""
        data = self.document.data
        for key in path:
            if not isinstance(data, dict) or key not in data:
                return MISSING
            data = data[key]
        return data

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

    def environment(self, *scopes: tuple[PathKey, str | None]) -> list[Variable]:
        """The variables of the maps at each scope's path, the first scope's winning: the
        function's own, then those it inherits, each labelled with where it is shared."""
        found: dict[str, Variable] = {}
        for where, shared in scopes:
            value = self.at(where)
            for name in value if isinstance(value, dict) else {}:
                path = (*where, str(name))
                variable = Variable(str(name), self.literal(path), self.line(path), shared)
                found.setdefault(str(name), variable)
        return list(found.values())

    def literal(self, path: PathKey) -> str | None:
        """The scalar at `path` as written out, or the literal an intrinsic stands for
        within this file (`!Ref` of a parameter's literal `Default`, `!FindInMap` into its
        `Mappings`, `!Join` or `!Sub` of literals: gate.serverless.intrinsics; `${self:...}`
        of the same file: gate.serverless.variables); None for
        anything resolved at deploy time (`!GetAtt`, `!ImportValue`, a parameter without a
        default) or that is not a scalar."""
        value = self.at(path)
        if isinstance(value, dict):
            return literal_value(self.document.data, None, value)
        if isinstance(value, bool) or not isinstance(value, (str, int, float, list)):
            return None
        tag = self._tag(path)
        if tag is None and isinstance(value, str) and self.serverless_variables:
            return Variables(None, self.path, self.document.data).text(value)
        if tag is None and isinstance(value, str):
            return value
        if tag is None:
            return None if isinstance(value, list) else str(value)
        if tag == "Join" and not self._one_line_tag(path):
            return None  # tags inside it are lost by the loader: not read as literals
        return literal_value(self.document.data, tag, value)

    def _tag(self, path: PathKey) -> str | None:
        """The YAML tag (`Ref`, `Join`) the value at `path` is written with, if any."""
        after = self._after(path)
        if not after.startswith("!"):
            return None
        return after[1:].split(" ", 1)[0].split("[", 1)[0].strip() or None

    def _one_line_tag(self, path: PathKey) -> bool:
        """The tagged value is a flow on its key's line with no other tag in it."""
        after = self._after(path)
        return after.count("!") == 1 and after.rstrip().endswith("]")

    def _after(self, path: PathKey) -> str:
        """The text after the key at `path` (or the next line's, if that is empty)."""
        line = self.line(path)
        if line is None or not 0 < line <= len(self.lines):
            return ""
        text = self.lines[line - 1]
        key = str(path[-1])
        after = text[text.find(key) + len(key) :].lstrip("\"' ").removeprefix(":").strip()
        if not after:  # the value starts on the next line
            after = next((t.strip() for t in self.lines[line:] if t.strip()), "")
        return after
