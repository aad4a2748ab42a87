"""Serverless Framework `serverless.yml` as `FunctionView`s.

A function's `runtime`, `timeout` (default 6 s) and `tracing` fall back to the
provider's (`provider.runtime`, `provider.timeout`, `provider.tracing.lambda`); its
environment is `provider.environment` with its own `environment` over it. Entries are
`url` (`true`, or a map whose `authorizer: aws_iam` authenticates) and `http` /
`httpApi` events, authorized when they name an `authorizer`; `private: true` (an API
key) is not authentication, and `provider.endpointType: PRIVATE` makes REST events
unreachable from the internet. `${...}` variables are never resolved.
"""

from __future__ import annotations

from typing import Any

from gate.bundle.discovery.declared import as_mapping
from gate.model import Function
from gate.rules.iac.view import (
    HTTP,
    MISSING,
    REST,
    URL,
    Entry,
    FunctionView,
    Setting,
    YamlSource,
    unset,
)
from gate.safeyaml import PathKey

DEFAULT_TIMEOUT = 6
_EVENT_KINDS = {"http": REST, "httpApi": HTTP}


def serverless_view(source: YamlSource, function: Function) -> FunctionView:
    """The view of a function the `serverless.yml` declares."""
    own: PathKey = ("functions", function.resource)

    def setting(key: str, provider: PathKey, default: Any = None) -> Setting:
        return source.setting((*own, key), ("provider", *provider)) or unset(function, default)

    environment = source.environment(
        ((*own, "environment"), None), (("provider", "environment"), "provider")
    )
    return FunctionView(
        function=function,
        runtime=setting("runtime", ("runtime",)),
        timeout=setting("timeout", ("timeout",), DEFAULT_TIMEOUT),
        tracing=setting("tracing", ("tracing", "lambda")),
        reserved=source.setting((*own, "reservedConcurrency")) or unset(function),
        variables=tuple(environment.variables),
        entries=tuple(_url(source, function, own) + _events(source, function, own)),
        unread_environment=tuple(environment.unread),
    )


def _url(source: YamlSource, function: Function, own: PathKey) -> list[Entry]:
    url = source.at((*own, "url"))
    if url is MISSING or url is False or url is None:
        return []
    authorizer = as_mapping(url).get("authorizer")
    public = str(authorizer).lower() != "aws_iam"
    line = source.line((*own, "url", "authorizer") if authorizer else (*own, "url"))
    return [Entry(URL, "function URL (url)", source.path, line, function.resource, public)]


def _events(source: YamlSource, function: Function, own: PathKey) -> list[Entry]:
    events = source.at((*own, "events"))
    private = str(source.at(("provider", "endpointType"))).upper() == "PRIVATE"
    entries = []
    for index, event in enumerate(events if isinstance(events, list) else []):
        for key, spec in as_mapping(event).items():
            if key not in _EVENT_KINDS:
                continue
            method, route, authorizer = _route(spec)
            if method == "OPTIONS":
                continue
            kind = _EVENT_KINDS[key]
            public = authorizer is None and not (kind == REST and private)
            label = f"{key} event ({method} {route})"
            line = source.line((*own, "events", index, key))
            entries.append(Entry(kind, label, source.path, line, function.resource, public))
    return entries


def _route(spec: Any) -> tuple[str, str, Any]:
    """Method, path and authorizer of an `http`/`httpApi` event: `GET /x`, `*` or a map."""
    if isinstance(spec, str):
        method, _, path = spec.strip().partition(" ")
        return method.upper() if path else "ANY", path or spec, None
    spec = as_mapping(spec)
    method = str(spec.get("method", "ANY")).upper()
    return method, str(spec.get("path", "/")), spec.get("authorizer")
