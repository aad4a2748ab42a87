"""Serverless Framework `serverless.yml`: functions, provider defaults, package
artifacts and layers. `${...}` variables are never resolved."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from gate.discovery.declared import Declared, as_mapping, as_text, join_path, local_path
from gate.safeyaml import YamlDocument


def read_serverless(
    relative: str, document: YamlDocument
) -> tuple[list[Declared] | None, list[str]]:
    """The functions of a Serverless Framework service, and what in it is not resolved."""
    service = as_mapping(document.data)
    provider = as_mapping(service.get("provider"))
    here = PurePosixPath(relative).parent
    package = as_mapping(service.get("package"))
    layers = {
        _serverless_layer_ref(str(name)): join_path(here, str(as_mapping(layer).get("path", ".")))
        for name, layer in as_mapping(service.get("layers")).items()
    }
    functions = service.get("functions")
    problems = []
    if isinstance(functions, str):
        problems.append(f"{relative}: functions come from {functions!r}, which is not resolved")
    found = []
    for name, spec in as_mapping(functions).items():
        spec = as_mapping(spec)
        artifact = as_mapping(spec.get("package")).get("artifact", package.get("artifact"))
        code: str | None
        elsewhere: str | None
        if "image" in spec:
            code, elsewhere = None, "a container image"
        elif isinstance(artifact, str):
            code, elsewhere = local_path(here, artifact)
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
                handler=as_text(spec.get("handler")),
                code=code,
                code_elsewhere=elsewhere,
                layers=[layers[r] for r in _serverless_layer_refs(spec) if r in layers],
            )
        )
    return found, problems


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
