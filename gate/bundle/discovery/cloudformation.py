"""SAM and CloudFormation: `AWS::Serverless::Function` (with `Globals.Function`),
`AWS::Lambda::Function`, their layers, and the resources related to each function."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any

from gate.bundle.discovery.declared import (
    Declared,
    Read,
    Unresolved,
    as_mapping,
    as_text,
    exposure_of,
    is_remote,
    join_path,
    local_path,
    may_hold_python,
    where,
)
from gate.bundle.discovery.dockerfile import build_settings
from gate.bundle.discovery.inline import (
    INLINE_FILE,
    describe,
    inline_place,
    inline_source,
    unread_language,
)
from gate.bundle.discovery.reach import (
    TEMPLATE_LINKS,
    Written,
    holds_function,
    named,
    reaching,
    texts_of,
    untied,
)
from gate.bundle.discovery.template_inputs import TemplateInputs
from gate.safeyaml import YamlDocument

FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
_INLINE = "inline code in the template"
_SUB_REFERENCE = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")


def read_template(
    relative: str, document: YamlDocument, overrides: Mapping[str, Sequence[str]]
) -> Read:
    """The functions of a SAM or CloudFormation template (its long form); None if it has
    no `Resources`. `overrides`: the values the bundle's samconfigs pass its parameters."""
    resources = document.data.get("Resources") if isinstance(document.data, dict) else None
    if not isinstance(resources, dict):
        return Read(None)
    globals_ = as_mapping(as_mapping(document.data.get("Globals")).get("Function"))
    here = PurePosixPath(relative).parent
    layers, unfollowed = _template_layers(resources, here)
    refs = TemplateResources(resources, TemplateInputs.of(document.data, overrides))
    apis = {k: v for k, v in as_mapping(document.data.get("Globals")).items() if k in _SAM_APIS}
    found = []
    tied: set[str] = set()  # the layers the template's functions name
    for logical_id, resource in resources.items():
        resource = as_mapping(resource)
        kind = resource.get("Type")
        if kind not in FUNCTION_TYPES:
            continue
        properties = as_mapping(resource.get("Properties"))
        if kind == "AWS::Serverless::Function":
            properties = with_globals(globals_, properties)
            code, elsewhere = _sam_code(properties, resource, here)
        else:
            code, elsewhere = _cfn_code(properties, here)
            if _made(resource):  # `sam build` builds AWS::Lambda::Function the same way
                code, elsewhere = None, Unresolved(_MADE)
        tied |= logical_ids(properties.get("Layers"))
        reached = refs.reaching(str(logical_id))
        item = Declared(
            name=str(logical_id),
            iac="sam" if kind == "AWS::Serverless::Function" else "cloudformation",
            iac_file=relative,
            line=document.line_of(("Resources", str(logical_id))),
            resource=f"{kind}.{logical_id}",
            # An intrinsic (`!Ref Runtime`) is the deploy's to decide: no runtime, so the
            # code is analysed as Python may be.
            runtime=as_text(properties.get("Runtime")),
            handler=as_text(properties.get("Handler")),
            code=code,
            code_elsewhere=elsewhere,
            layers=[layers[r] for r in logical_ids(properties.get("Layers")) if r in layers],
            unfollowed=_untied_layers(
                document, str(logical_id), kind == "AWS::Serverless::Function", resources
            )
            + [
                f"layer {r}: {unfollowed[r]}"
                for r in logical_ids(properties.get("Layers"))
                if r in unfollowed
            ]
            + _other_workflow(resource)
            + _image_build(properties, resource),
            dockerfile=_dockerfile(properties, resource, here),
            related=_cfn_related(str(logical_id), properties, refs),
            reached_by=reached,
            exposure=refs.exposure(
                reached,
                **{k: properties.get(k) for k in _EXPOSURE},
                condition=resource.get("Condition"),
                apis=apis,
            ),
        )
        if elsewhere == _INLINE:
            _inline(item, properties, kind == "AWS::Serverless::Function")
        found.append(item)
    declared = {
        str(logical_id): as_mapping(as_mapping(resource).get("Properties"))
        for logical_id, resource in resources.items()
        if as_mapping(resource).get("Type") in LAYER_TYPES
    }
    return Read(
        found,
        layers=sorted(set(layers.values())),
        python_layers=sorted(
            layers[name]
            for name, properties in declared.items()
            if name in layers and may_hold_python(properties.get("CompatibleRuntimes"))
        ),
        # Whatever runtimes a layer lists: Lambda does not hold a function to them.
        lost=[
            f"{where(relative, document.line_of(('Resources', name)))}: layer {name}: "
            f"{unfollowed[name]}"
            for name in sorted(declared.keys() - tied)
            if isinstance(unfollowed.get(name), Unresolved)
        ],
    )


def _untied_layers(
    document: YamlDocument, logical_id: str, serverless: bool, resources: dict[str, Any]
) -> list[str]:
    """The function's layers (its `Layers`, after SAM's `Globals.Function`) that are
    neither a layer resource of this template nor a published layer (an ARN, an export of
    another stack): a parameter without an ARN for its default (a nested stack's, which
    the parent passes), an attribute of another resource, a condition. The gate cannot
    tell which code they deploy."""
    own = document.long_form(("Resources", logical_id, "Properties", "Layers"))
    shared = document.long_form(("Globals", "Function", "Layers")) if serverless else None
    written: Any = own if own is not None else shared
    if isinstance(own, list) and isinstance(shared, list):
        written = shared + own
    if written is None:
        return []
    parameters = as_mapping(document.data.get("Parameters"))
    return [
        f"layer {_shown(layer)}, which the gate cannot tie to a layer of the bundle or a "
        "published one"
        for layer in (written if isinstance(written, list) else [written])
        if not _tied(layer, resources, parameters)
    ]


def _tied(layer: Any, resources: dict[str, Any], parameters: dict[str, Any]) -> bool:
    """Whether a `Layers` item is a layer resource of the template, or a published layer."""
    if isinstance(layer, str):
        return layer.startswith("arn:")
    if not isinstance(layer, dict) or len(layer) != 1:
        return False
    ((function, argument),) = layer.items()
    if function == "Fn::ImportValue":
        return True  # another stack's layer: its own gate check judges it
    if function == "Fn::Sub":
        template = argument[0] if isinstance(argument, list) and argument else argument
        if not isinstance(template, str):
            return False
        if template.startswith("arn:"):
            return True
        # `!Sub ${DepsLayer}` is the layer resource's ARN, as `!Ref DepsLayer` is.
        whole = re.fullmatch(r"\$\{([A-Za-z0-9]+)\}", template)
        function, argument = ("Ref", whole[1]) if whole else (function, argument)
    if function != "Ref" or not isinstance(argument, str):
        return False
    if as_mapping(resources.get(argument)).get("Type") in LAYER_TYPES:
        return True  # followed, or said unfollowed, by the template's layers
    default = as_mapping(parameters.get(argument)).get("Default")
    return isinstance(default, str) and default.startswith("arn:")


def _shown(layer: Any) -> str:
    if isinstance(layer, dict) and len(layer) == 1:
        ((function, argument),) = layer.items()
        return f"{function.removeprefix('Fn::')} {argument}"
    return repr(layer)


LAYER_TYPES = ("AWS::Serverless::LayerVersion", "AWS::Lambda::LayerVersion")


def unexpanded(document: YamlDocument) -> tuple[tuple[Any, ...], str] | None:
    """The key path of the first part of a template (read in its long form, with the
    snippets the gate could inline in place) that only the deploy expands, and
    what it is: a `Fn::ForEach` loop (`AWS::LanguageExtensions`), a `Fn::Transform` (a
    macro, or an `AWS::Include` the gate could not inline, from S3), or a template
    `Transform` other than AWS's own. The gate, its scanners and rules read a template
    as written, so what those make (functions, roles, policies) would go unchecked."""
    transforms = document.data.get("Transform") if isinstance(document.data, dict) else None
    for name in transforms if isinstance(transforms, list) else [transforms]:
        if name is not None and name not in AWS_TRANSFORMS:
            return ("Transform",), f"the macro {name!r}"
    resources = as_mapping(as_mapping(document.data).get("Resources"))
    path = _expanded_by_the_deploy(document.data, resources)
    if path is None:
        return None
    if isinstance(path[-1], str) and path[-1].startswith("Fn::ForEach"):
        return path, "a Fn::ForEach loop"
    if as_mapping(document.value_at(path)).get("Name") == "AWS::Include":
        return path, "an AWS::Include of a snippet the gate cannot read (from S3, or a parameter)"
    return path, "a Fn::Transform macro"


# Transforms AWS runs whose output the gate reads as written: SAM's (read as SAM), the
# language extensions (their loops refused), and two that add nothing of the bundle.
AWS_TRANSFORMS = (
    "AWS::Serverless-2016-10-31",
    "AWS::LanguageExtensions",
    "AWS::SecretsManager-2020-07-23",
    "AWS::CodeDeployBlueGreen",
)


def _read_include(path: tuple[Any, ...], transform: Any, resources: dict[str, Any]) -> bool:
    """Whether a `Fn::Transform` at `path` is an `AWS::Include` the gate reads or judges
    elsewhere: a local file (inlined, or refused by the reference checks when it cannot
    be), or an API's definition from anywhere, which declares no resource, role or
    function."""
    transform = as_mapping(transform)
    location = as_mapping(transform.get("Parameters")).get("Location")
    if transform.get("Name") != "AWS::Include":
        return False
    if _api_definition(path, resources):
        return True  # wherever it is (S3, a parameter): an API's definition
    return isinstance(location, str) and not is_remote(location, "include")


def _api_definition(path: tuple[Any, ...], resources: dict[str, Any]) -> bool:
    """Whether `path` is (or is inside) an API resource's definition property."""
    if len(path) < 4 or path[0] != "Resources" or path[2] != "Properties":
        return False
    kind = as_mapping(resources.get(path[1])).get("Type")
    return isinstance(kind, str) and _API_DEFINITIONS.get(kind) == path[3]


_API_DEFINITIONS = {
    "AWS::Serverless::Api": "DefinitionBody",
    "AWS::Serverless::HttpApi": "DefinitionBody",
    "AWS::ApiGateway::RestApi": "Body",
    "AWS::ApiGatewayV2::Api": "Body",
}


def _expanded_by_the_deploy(
    data: Any, resources: dict[str, Any], at: tuple[Any, ...] = ()
) -> tuple[Any, ...] | None:
    if isinstance(data, dict):
        for key, value in data.items():
            loop = isinstance(key, str) and key.startswith("Fn::ForEach")
            macro = key == "Fn::Transform" and not _read_include((*at, key), value, resources)
            if loop or macro:
                return (*at, key)
            if (inner := _expanded_by_the_deploy(value, resources, (*at, key))) is not None:
                return inner
    elif isinstance(data, list):
        for index, value in enumerate(data):
            if (inner := _expanded_by_the_deploy(value, resources, (*at, index))) is not None:
                return inner
    return None


def with_globals(globals_: dict[str, Any], own: dict[str, Any]) -> dict[str, Any]:
    """A SAM function's properties with `Globals.Function` applied as SAM applies it: a
    list set in both is the globals' items and then the function's (`Layers`), a map in
    both is merged key by key the same way, anything else is the function's own."""
    merged = dict(globals_)
    for key, value in own.items():
        earlier = merged.get(key)
        if isinstance(earlier, list) and isinstance(value, list):
            merged[key] = earlier + value
        elif isinstance(earlier, dict) and isinstance(value, dict):
            merged[key] = with_globals(earlier, value)
        else:
            merged[key] = value
    return merged


def _inline(item: Declared, properties: dict[str, Any], sam: bool) -> None:
    """A function whose code is inline: staged (see gate/bundle/discovery/inline.py) when it is
    a literal string, else said to be unreadable."""
    value = properties.get("InlineCode") if sam else as_mapping(properties.get("Code"))["ZipFile"]
    source = inline_source(value)
    item.code_elsewhere = None
    if unread_language(item):
        return
    if source is None:
        item.inline_unread = f"its inline code is {describe(value)}, not a literal string"
    elif (reference := _SUB_REFERENCE.search(source)) is not None:
        # `!Sub` arrives as its text: a parameter or resource value would go into the code.
        item.inline_unread = (
            f"its inline code substitutes {reference[0]} (a parameter "
            "or resource value), so it is not a literal string"
        )
    else:
        item.code, item.inline = inline_place(item.iac_file, item.name), {INLINE_FILE: source}


def _sam_code(
    properties: dict[str, Any], resource: dict[str, Any], here: PurePosixPath
) -> tuple[str | None, str | None]:
    if properties.get("PackageType") == "Image":
        context = as_mapping(resource.get("Metadata")).get("DockerContext")
        if isinstance(context, str):
            return join_path(here, context), None
        return None, "a container image without Metadata.DockerContext"
    if "InlineCode" in properties:
        return None, _INLINE
    if _made(resource):
        return None, Unresolved(_MADE)
    uri = properties.get("CodeUri", ".")
    if isinstance(uri, str):
        return local_path(here, uri)
    return None, _not_local(uri)


def _cfn_code(properties: dict[str, Any], here: PurePosixPath) -> tuple[str | None, str | None]:
    code = properties.get("Code")
    if isinstance(code, str):  # a local path, for `aws cloudformation package`
        return local_path(here, code)
    code = as_mapping(code)
    if "ZipFile" in code:
        return None, _INLINE
    if "ImageUri" in code:
        return None, "a container image"
    return None, _not_local(code)


def _not_local(value: Any) -> str:
    """Why a code location that is not a path is not in the bundle."""
    if isinstance(value, dict) and ({"Bucket", "Key", "S3Bucket", "S3Key"} & value.keys()):
        return "code in S3"
    return Unresolved(f"a code location the gate does not resolve ({type(value).__name__})")


_MADE = "what its Makefile builds (Metadata.BuildMethod makefile)"


def _dockerfile(
    properties: dict[str, Any], resource: dict[str, Any], here: PurePosixPath
) -> str | None:
    """The Dockerfile `sam build` builds an image function from (`Metadata.Dockerfile`,
    in `Metadata.DockerContext`), as a bundle path; None for a zip function."""
    metadata = as_mapping(resource.get("Metadata"))
    context = metadata.get("DockerContext")
    if properties.get("PackageType") != "Image" or not isinstance(context, str):
        return None
    dockerfile = metadata.get("Dockerfile", "Dockerfile")
    return join_path(here / context, dockerfile if isinstance(dockerfile, str) else "Dockerfile")


def _image_build(properties: dict[str, Any], resource: dict[str, Any]) -> list[str]:
    """What an image function's `Docker*` metadata has `sam build` do besides building
    its Dockerfile."""
    metadata = as_mapping(resource.get("Metadata"))
    docker = {k: v for k, v in metadata.items() if str(k).startswith("Docker")}
    if properties.get("PackageType") != "Image":
        return []
    return build_settings("Metadata", docker, "DockerBuildArgs", _SAM_IMAGE_SETTINGS)


# What of an image function's metadata only names its files, tag and stage.
_SAM_IMAGE_SETTINGS = frozenset({"Dockerfile", "DockerContext", "DockerTag", "DockerBuildTarget"})


def _made(resource: dict[str, Any]) -> bool:
    """Whether `sam build` makes the resource's code by running the Makefile in its code
    folder, which deploys what it writes from any file it can reach: the program decides
    the code, not CodeUri or ContentUri."""
    build = as_mapping(resource.get("Metadata")).get("BuildMethod")
    return isinstance(build, str) and build.lower() == "makefile"


_PIP_WORKFLOW = re.compile(r"python3\.\d+", re.IGNORECASE)


def _other_workflow(resource: dict[str, Any]) -> list[str]:
    """A `Metadata.BuildMethod` other than pip's for a Python runtime (and other than a
    Makefile, whose code the gate does not look for at all): `sam build` picks the
    workflow by it before the runtime, and npm's, esbuild's, uv's and the others run
    what the code folder tells them to (a package.json's install scripts, uv's own
    sources) while they build the artifact."""
    build = as_mapping(resource.get("Metadata")).get("BuildMethod")
    if (
        build is None
        or (isinstance(build, str) and _PIP_WORKFLOW.fullmatch(build))
        or _made(resource)
    ):
        return []
    return [f"Metadata.BuildMethod {build!r}, a build workflow other than pip's"]


def _template_layers(
    resources: dict[str, Any], here: PurePosixPath
) -> tuple[dict[str, str], dict[str, str]]:
    """Layer resources whose content is in the bundle (logical id -> path), and those
    whose content the gate cannot follow (logical id -> why)."""
    layers, unfollowed = {}, {}
    for logical_id, resource in resources.items():
        resource = as_mapping(resource)
        if _made(resource):  # `sam build` builds AWS::Lambda::LayerVersion the same way
            unfollowed[str(logical_id)] = _MADE
            continue
        for why in _other_workflow(resource):
            unfollowed[str(logical_id)] = why
        if resource.get("Type") not in LAYER_TYPES:
            continue
        properties = as_mapping(resource.get("Properties"))
        key = "ContentUri" if resource.get("Type") == "AWS::Serverless::LayerVersion" else "Content"
        content = properties.get(key)
        if isinstance(content, str):
            local, elsewhere = local_path(here, content)
        else:
            local, elsewhere = None, _not_local(content)
        if local is not None:
            layers[str(logical_id)] = local
        elif isinstance(elsewhere, Unresolved):
            unfollowed[str(logical_id)] = Unresolved(f"its content is {elsewhere}")
    return layers, unfollowed


class TemplateResources:
    """Each resource's type and the logical ids its properties refer to, read once per
    template (every function of it asks)."""

    def __init__(
        self,
        resources: dict[str, Any],
        inputs: TemplateInputs | None = None,
        functions: Iterable[str] | None = None,
    ) -> None:
        """`inputs`: what the template deploys its resources from besides their text;
        `functions`: the logical ids of the template's functions, when not its resources
        of `FUNCTION_TYPES` (a Serverless service's)."""
        self.resources = resources
        self.inputs = inputs or TemplateInputs()
        """What the template deploys its resources from besides their text."""
        self.kinds = {str(k): str(as_mapping(v).get("Type")) for k, v in resources.items()}
        if functions is None:
            functions = (k for k, kind in self.kinds.items() if kind in FUNCTION_TYPES)
        self.functions = tuple(functions)
        self.refers = {
            str(k): logical_ids(as_mapping(v).get("Properties"))
            for k, v in resources.items()
            if self.kinds[str(k)] not in FUNCTION_TYPES
        }
        self.written = {str(k): self._written(str(k), v) for k, v in resources.items()}

    @cached_property
    def function_names(self) -> set[str]:
        """The names the template's functions are deployed under, as written."""
        return {
            name
            for f in self.functions
            if isinstance(name := _properties(self.resources.get(f)).get("FunctionName"), str)
        }

    def _written(self, logical_id: str, resource: Any) -> Written:
        """`resource` as the walk reads it: the logical ids each property refers to, and
        whether it names a function as text."""
        properties = _properties(resource)
        names = {
            str(key): frozenset(logical_ids(value) & self.kinds.keys())
            for key, value in properties.items()
        }
        holds = holds_function(texts_of(properties), self.function_names)
        return Written(self.kinds[logical_id], names, holds_function=holds)

    def reaching(self, logical_id: str) -> set[str]:
        """What reaches the function `logical_id` (`Type.LogicalId`): what refers to it,
        what may invoke a function of the template but refers to none (`untied`), and
        what joins those through `TEMPLATE_LINKS`."""
        start = named(logical_id, self.naming, self.kinds) | self.untied
        found = reaching(start, self.written, TEMPLATE_LINKS) - {logical_id}
        return {f"{self.kinds[r]}.{r}" for r in found}

    @cached_property
    def untied(self) -> set[str]:
        """The resources that may invoke a function but refer to none of the template's
        (gate.bundle.discovery.reach `untied`)."""
        starts = (named(f, self.naming, self.kinds) for f in self.functions)
        return untied(starts, self.written)

    def naming(self, own: set[str]) -> set[str]:
        """The resources (not functions) that refer to one of `own`."""
        return {other for other, refers in self.refers.items() if refers & own}

    def content(self, reached: set[str]) -> dict[str, Any]:
        """Each resource of `reached` (`Type.LogicalId`) whole: its `Condition` and other
        attributes beside its `Properties`."""
        return {
            address: self.resources.get(address.rpartition(".")[2]) for address in sorted(reached)
        }

    def exposure(self, reached: set[str], **own: Any) -> str:
        """A function's exposure (gate.model `Function.exposure`): `own` (what its
        definition says invokes and empowers it) and the content of each resource of
        `reached`, with every condition, parameter (and its samconfig values) and
        mapping any of them reads (`TemplateInputs.read_by`)."""
        written = {**own, "reached_by": self.content(reached)}
        return exposure_of(**written, deployed_from=self.inputs.read_by(written))


# The properties that say what invokes a function and what it may do.
_EXPOSURE = ("Events", "FunctionUrlConfig", "Role", "Policies")
_SAM_APIS = ("Api", "HttpApi")
"""SAM's `Globals` sections that set what an implicit API's events (and every API's) take."""


def _cfn_related(logical_id: str, properties: dict[str, Any], refs: TemplateResources) -> set[str]:
    """The function's role, and resources that point at the function or its role
    (permissions, URLs, log groups, event source mappings, role policies)."""
    kinds = refs.kinds
    own = {logical_id} | {r for r in logical_ids(properties.get("Role")) if r in kinds}
    pointing = refs.naming(own)
    return {f"{kinds[r]}.{r}" for r in (own | pointing) - {logical_id}}


def _properties(resource: Any) -> dict[str, Any]:
    """A resource's `Properties` (none when it is not a mapping)."""
    return as_mapping(as_mapping(resource).get("Properties"))


def logical_ids(value: Any) -> set[str]:
    """Logical ids a value refers to: `!Ref X`, `!GetAtt X.Arn`, `${X}` in `!Sub`, and their
    long forms. Short-form tags arrive as plain strings, so every string is a candidate."""
    found: set[str] = set()
    if isinstance(value, str):
        found.add(value.split(".", 1)[0])
        found.update(_SUB_REFERENCE.findall(value))
    elif isinstance(value, dict):
        for key, inner in value.items():
            if key == "Fn::GetAtt" and isinstance(inner, list) and inner:
                found.add(str(inner[0]))
            else:
                found |= logical_ids(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= logical_ids(inner)
    return found
