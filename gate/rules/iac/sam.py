"""SAM and CloudFormation templates as `FunctionView`s.

SAM functions take what their own `Properties` leave unset from `Globals.Function`,
merged as SAM merges them (maps key by key, the function's value winning), and the
environment variables of both. Entries are SAM `FunctionUrlConfig` and `Api`/`HttpApi`
events (authorized by the event's `Auth.Authorizer`, else by the `DefaultAuthorizer`
of the API it names, else of `Globals.Api`/`Globals.HttpApi` for the implicit API),
and, for any function, the `AWS::Lambda::Url`, `AWS::ApiGateway::Method` and
`AWS::ApiGatewayV2::Route` resources that reach it (gate.bundle.discovery.reach). An
API the template does not declare (imported, a parameter) is not judged, nor one
without a default authorizer that has an OpenAPI definition (which may declare its
security); a private REST API is not public; an API key alone is not authentication.
"""

from __future__ import annotations

from typing import Any

from gate.bundle.discovery.declared import as_mapping, as_text
from gate.model import Function
from gate.rules.iac.view import (
    HTTP,
    MISSING,
    REST,
    URL,
    Entry,
    Environment,
    FunctionView,
    Setting,
    YamlSource,
    unset,
)
from gate.safeyaml import PathKey

DEFAULT_TIMEOUT = 3
_EVENT_KINDS = {
    "Api": (REST, "RestApiId", "AWS::Serverless::Api", "Api"),
    "HttpApi": (HTTP, "ApiId", "AWS::Serverless::HttpApi", "HttpApi"),
}


class Template(YamlSource):
    """A template's resources and SAM's Globals."""

    serverless_variables = False

    @property
    def resources(self) -> dict[str, Any]:
        return as_mapping(as_mapping(self.document.data).get("Resources"))

    @property
    def globals(self) -> dict[str, Any]:
        return as_mapping(as_mapping(self.document.data).get("Globals"))

    def properties(self, logical_id: str) -> dict[str, Any]:
        return as_mapping(as_mapping(self.resources.get(logical_id)).get("Properties"))

    def kind(self, logical_id: str) -> str | None:
        return as_text(as_mapping(self.resources.get(logical_id)).get("Type"))


def template_view(template: Template, function: Function) -> FunctionView:
    """The view of a function the template declares."""
    logical_id = function.resource.split(".", 1)[1]
    sam = function.iac == "sam"
    own: PathKey = ("Resources", logical_id, "Properties")

    def setting(*keys: str, default: Any = None) -> Setting:
        return _lookup(template, own, keys, sam) or unset(function, default)

    environment = _environment(template, own, sam)
    return FunctionView(
        function=function,
        runtime=setting("Runtime"),
        timeout=setting("Timeout", default=DEFAULT_TIMEOUT),
        tracing=setting("Tracing") if sam else setting("TracingConfig", "Mode"),
        reserved=setting("ReservedConcurrentExecutions"),
        variables=tuple(environment.variables),
        entries=tuple(_entries(template, function, own, sam)),
        unread_environment=tuple(environment.unread),
    )


def _lookup(template: Template, own: PathKey, keys: tuple[str, ...], sam: bool) -> Setting | None:
    """A property as the function sets it, else (SAM) as Globals.Function does."""
    return template.setting(*_places(own, keys, sam))


def _places(own: PathKey, keys: tuple[str, ...], sam: bool) -> list[PathKey]:
    """Where a property of the function may be set: its own, then (SAM) Globals.Function."""
    return [(*own, *keys), ("Globals", "Function", *keys)] if sam else [(*own, *keys)]


def _may_be_none(template: Template, path: PathKey, default: str | None = None) -> bool:
    """Whether an auth setting may be deployed as `NONE`: any value it may stand for
    (a parameter's, either branch of an `!If`), or one only the deploy works out (then
    it may be NONE as well). Unset, it is `default`."""
    if template.at(path) is MISSING:
        return default == "NONE"
    return any(value is None or value.upper() == "NONE" for value in template.deployed(path))


def _environment(template: Template, own: PathKey, sam: bool) -> Environment:
    """The function's environment; SAM adds the Globals' variables it does not set."""
    variables: PathKey = ("Environment", "Variables")
    scopes: list[tuple[PathKey, str | None]] = [((*own, *variables), None)]
    if sam:
        scopes.append((("Globals", "Function", *variables), "Globals.Function"))
    return template.environment(*scopes)


def _entries(template: Template, function: Function, own: PathKey, sam: bool) -> list[Entry]:
    entries = []
    if sam:
        url = _lookup(template, own, ("FunctionUrlConfig",), sam)
        if url is not None:
            keys = ("FunctionUrlConfig", "AuthType")
            where = next(
                (p for p in _places(own, keys, sam) if template.at(p) is not MISSING), None
            )
            public = where is not None and _may_be_none(template, where)
            line = template.line(where) if where else url.line
            entries.append(
                Entry(URL, "FunctionUrlConfig", template.path, line, function.resource, public)
            )
        entries += _events(template, function, own)
    for reaching in function.reached_by:
        kind, _, logical_id = reaching.rpartition(".")
        if kind == "AWS::Lambda::Url":
            entries.append(_url_resource(template, reaching, logical_id))
        elif kind == "AWS::ApiGateway::Method":
            entries += _method(template, reaching, logical_id)
        elif kind == "AWS::ApiGatewayV2::Route":
            entries.append(_route(template, function, logical_id))
        elif kind == "AWS::ApiGatewayV2::Api" and "Target" in template.properties(logical_id):
            entries.append(_quick_created(template, function, logical_id))
    return entries


def _events(template: Template, function: Function, own: PathKey) -> list[Entry]:
    entries = []
    events = as_mapping(template.at((*own, "Events")))
    for name, event in events.items():
        event = as_mapping(event)
        if event.get("Type") not in _EVENT_KINDS:
            continue
        kind, id_key, api_type, globals_key = _EVENT_KINDS[str(event["Type"])]
        properties = as_mapping(event.get("Properties"))
        method = str(properties.get("Method", "ANY")).upper()
        if method == "OPTIONS":  # CORS preflight is never authorized
            continue
        public = _event_public(template, properties, id_key, api_type, globals_key)
        if public is None:
            continue
        label = f"event {name} ({method} {properties.get('Path', '/')})"
        line = template.line((*own, "Events", str(name)))
        entries.append(Entry(kind, label, template.path, line, function.resource, public))
    return entries


def _event_public(
    template: Template, properties: dict[str, Any], id_key: str, api_type: str, globals_key: str
) -> bool | None:
    """Whether an Api/HttpApi event is reachable without authentication; None when its API
    is not in the template (it cannot be judged here)."""
    authorizer = as_mapping(properties.get("Auth")).get("Authorizer")
    if authorizer is not None:
        return str(authorizer).upper() == "NONE"
    api = _merged(as_mapping(template.globals.get(globals_key)), {})
    api_id = properties.get(id_key)
    if isinstance(api_id, dict):
        api_id = api_id.get("Ref")
    if api_id is not None:
        if not isinstance(api_id, str) or template.kind(api_id) != api_type:
            return None
        api = _merged(api, template.properties(api_id))
    endpoint = api.get("EndpointConfiguration")
    if str(as_mapping(endpoint).get("Type", endpoint)).upper() == "PRIVATE":
        return False
    default = as_mapping(api.get("Auth")).get("DefaultAuthorizer")
    if default is None and ("DefinitionBody" in api or "DefinitionUri" in api):
        return None  # its OpenAPI definition may carry the security; it is not read
    return default is None or str(default).upper() == "NONE"


def _merged(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """SAM's Globals merge: maps key by key, recursively; anything else overridden."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def _url_resource(template: Template, resource: str, logical_id: str) -> Entry:
    where = ("Resources", logical_id, "Properties", "AuthType")
    line = template.line(where)
    public = _may_be_none(template, where)
    label = f"AWS::Lambda::Url {logical_id}"
    return Entry(URL, label, template.path, line, resource, public, ("CKV_AWS_258",))


def _method(template: Template, resource: str, logical_id: str) -> list[Entry]:
    properties = template.properties(logical_id)
    method = str(properties.get("HttpMethod", "ANY")).upper()
    if method == "OPTIONS":
        return []
    where = ("Resources", logical_id, "Properties", "AuthorizationType")
    line = template.line(where)
    label = f"AWS::ApiGateway::Method {logical_id} ({method})"
    public = _may_be_none(template, where, default="NONE")
    return [Entry(REST, label, template.path, line, resource, public, ("CKV_AWS_59",))]


def _route(template: Template, function: Function, logical_id: str) -> Entry:
    """An HTTP API route whose target is an integration of the function."""
    properties = template.properties(logical_id)
    where = ("Resources", logical_id, "Properties", "AuthorizationType")
    line = template.line(where)
    label = f"AWS::ApiGatewayV2::Route {logical_id} ({properties.get('RouteKey')})"
    public = _may_be_none(template, where, default="NONE")
    return Entry(HTTP, label, template.path, line, function.resource, public)


def _quick_created(template: Template, function: Function, logical_id: str) -> Entry:
    """An HTTP API made by quick create (`Target`): API Gateway makes its route
    (`RouteKey`, `$default` by default) with no authorization, and nothing in the
    template can add one."""
    route = template.properties(logical_id).get("RouteKey") or "$default"
    line = template.line(("Resources", logical_id, "Properties", "Target"))
    label = f"AWS::ApiGatewayV2::Api {logical_id} (quick create: {route})"
    return Entry(HTTP, label, template.path, line, function.resource, True)
