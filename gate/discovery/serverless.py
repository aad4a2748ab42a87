"""Serverless Framework `serverless.yml`: functions, provider defaults, package
artifacts and layers. `${...}` variables are never resolved. A service of another
cloud (`provider.name` other than `aws`) is out of scope: warned, never read."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from gate.discovery.declared import (
    Declared,
    Read,
    as_mapping,
    as_text,
    deep_merge,
    join_path,
    local_path,
)
from gate.model import Warning_
from gate.safeyaml import YamlDocument


def read_serverless(relative: str, document: YamlDocument) -> Read:
    """The functions of a Serverless Framework service, and what in it is not resolved."""
    service = as_mapping(document.data)
    provider_name = other_provider(service)
    if provider_name is not None:
        return Read(
            None,
            [
                Warning_(
                    "not-aws",
                    f"{relative}: a Serverless service for provider {provider_name!r}: out "
                    "of scope, its functions are not analysed",
                )
            ],
            out_of_scope=True,
        )
    provider = as_mapping(service.get("provider"))
    here = PurePosixPath(relative).parent
    package = as_mapping(service.get("package"))
    layers = {
        _serverless_layer_ref(str(name)): join_path(here, str(as_mapping(layer).get("path", ".")))
        for name, layer in as_mapping(service.get("layers")).items()
    }
    specs, warnings = _functions(relative, service.get("functions"))
    found = []
    for name, spec in specs.items():
        spec = as_mapping(spec)
        artifact = as_mapping(spec.get("package")).get("artifact", package.get("artifact"))
        code: str | None
        elsewhere: str | None
        if "image" in spec:
            code, elsewhere = None, "a container image"
        elif isinstance(artifact, str):
            code, elsewhere = local_path(here, artifact)
        elif artifact is not None:
            code, elsewhere = None, f"a package.artifact the gate does not resolve ({artifact!r})"
        else:
            code, elsewhere = here.as_posix() or ".", None
        found.append(
            Declared(
                name=str(name),
                iac="serverless",
                iac_file=relative,
                line=document.line_of(("functions", str(name))),
                resource=str(name),
                runtime=as_text(spec.get("runtime", provider.get("runtime"))),
                handler=_plugin_handler(service, as_text(spec.get("handler"))),
                code=code,
                code_elsewhere=elsewhere,
                layers=[layers[r] for r in _serverless_layer_refs(spec) if r in layers],
            )
        )
    return Read(found, warnings)


WSGI_HANDLER = "wsgi_handler.handler"
"""The handler the serverless-wsgi plugin writes at package time, around `custom.wsgi.app`."""


def _plugin_handler(service: dict[str, Any], handler: str | None) -> str | None:
    """The handler as the code in the bundle has it: for serverless-wsgi's generated
    `wsgi_handler.handler`, the application it serves (`custom.wsgi.app`, `app.app`),
    whose module is the function's own code; any other handler as written."""
    plugins = service.get("plugins")
    if isinstance(plugins, dict):
        plugins = plugins.get("modules")
    if handler != WSGI_HANDLER or not isinstance(plugins, list) or "serverless-wsgi" not in plugins:
        return handler
    app = as_mapping(as_mapping(service.get("custom")).get("wsgi")).get("app")
    if not isinstance(app, str) or "${" in app or "." not in app:
        return handler
    return app


def other_provider(service: Any) -> str | None:
    """The name of a service's provider if it is plainly not AWS; None for AWS, or a name
    the gate does not resolve (that is read as AWS: never less checking on a guess)."""
    provider = as_mapping(service).get("provider")
    name = provider if isinstance(provider, str) else as_mapping(provider).get("name")
    if not isinstance(name, str) or "${" in name or name.strip().lower() in ("", "aws"):
        return None
    return name


def _functions(relative: str, functions: Any) -> tuple[dict[Any, Any], list[Warning_]]:
    """The `functions` section: a mapping, or a list of mappings merged in order (as the
    Framework merges them); what is a variable is not resolved and said."""
    parts = functions if isinstance(functions, list) else [functions]
    merged: dict[Any, Any] = {}
    warnings = []
    for part in parts:
        if isinstance(part, dict):
            merged = deep_merge([merged, part])
        elif part not in (None, ""):
            warnings.append(
                Warning_(
                    "iac-not-read",
                    f"{relative}: functions come from {part!r}, which is not resolved",
                )
            )
    return merged, warnings


def _serverless_layer_ref(name: str) -> str:
    """The CloudFormation name Serverless gives a layer: `deps` -> `DepsLambdaLayer`."""
    return (
        name[:1].upper()
        + name[1:].replace("-", "Dash").replace("_", "Underscore")
        + ("LambdaLayer")
    )


def _serverless_layer_refs(spec: dict[str, Any]) -> list[str]:
    layers = spec.get("layers")
    return [
        str(as_mapping(layer).get("Ref"))
        for layer in (layers if isinstance(layers, list) else [])
        if isinstance(layer, dict)
    ]
