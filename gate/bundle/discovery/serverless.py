"""Serverless Framework `serverless.yml`: functions, provider defaults, package
artifacts and layers. `${...}` variables are not resolved, but for the files that bring
in the `functions` section. A service of another
cloud (`provider.name` other than `aws`) is out of scope: warned, never read."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from gate.bundle.discovery.cloudformation import TemplateResources
from gate.bundle.discovery.declared import (
    Declared,
    Read,
    Reference,
    Unresolved,
    as_mapping,
    as_text,
    deep_merge,
    join_path,
    local_path,
    may_hold_python,
)
from gate.bundle.discovery.dockerfile import build_settings
from gate.bundle.discovery.npm import local_spec
from gate.bundle.discovery.references import AWS_BUILD_IMAGES, FILE_SOURCE, unquoted
from gate.bundle.discovery.template_inputs import TemplateInputs
from gate.model import Warning_
from gate.safeyaml import YamlDocument


def read_serverless(relative: str, document: YamlDocument, load: Loader) -> Read:
    """The functions of a Serverless Framework service. `load` reads a file its
    `functions` section includes."""
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
    package = mapping_of(relative, service.get("package"), load, "package")
    declared_layers = {
        str(name): mapping_of(relative, layer, load, f"layer {name}")
        for name, layer in mapping_of(relative, service.get("layers"), load, "layers").items()
    }
    layers = {
        _serverless_layer_ref(name): _layer_code(relative, here, name, layer, load)
        for name, layer in declared_layers.items()
    }
    python = {
        layers[_serverless_layer_ref(name)]
        for name, layer in declared_layers.items()
        if may_hold_python(layer.get("compatibleRuntimes"))
    }
    specs = _functions(relative, service.get("functions"), load)
    # What the gate cannot resolve here (a file named through another variable, one
    # outside the bundle) is left to the reference checks and the rules' resolver.
    resources = _resolved_or_empty(relative, service.get("resources"), load, "resources")
    _refuse_overrides(relative, resources, specs, load)
    custom = _custom(relative, service, load)
    plugin = mapping_of(relative, custom.get("pythonRequirements"), load, "pythonRequirements")
    if plugin.get("layer") not in (None, False, "false") and _REQUIREMENTS_LAYER not in as_mapping(
        resources.get("Resources")
    ):
        # serverless-python-requirements' layer of the requirements the audit reads.
        layers = {**layers, _REQUIREMENTS_LAYER: ""}
    template = TemplateResources(
        as_mapping(resources.get("Resources")),
        TemplateInputs.of(resources, {}),
        [_function_logical_id(str(n)) for n in specs],
    )
    found = []
    for name, spec in specs.items():
        own_package = mapping_of(relative, spec.get("package"), load, f"function {name}'s package")
        artifact = own_package.get("artifact", package.get("artifact"))
        code: str | None
        elsewhere: str | None
        dockerfile = None
        building: list[str] = []
        if "image" in spec:
            code, elsewhere, dockerfile, building = _image(
                relative, here, spec["image"], provider, load
            )
        elif isinstance(artifact, str):
            code, elsewhere = local_path(here, artifact)
        elif artifact is not None:
            code, elsewhere = None, Unresolved(f"a package.artifact ({artifact!r})")
        else:
            code, elsewhere = here.as_posix() or ".", None
        reached = template.reaching(_function_logical_id(str(name)))
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
                dockerfile=dockerfile,
                unfollowed=building
                + _untied_layers(spec if "layers" in spec else provider, layers),
                # The function's own layers, else the provider's (the Framework's
                # `functionObject.layers || provider.layers`).
                layers=[
                    layers[r]
                    for r in _serverless_layer_refs(spec if "layers" in spec else provider)
                    if layers.get(r)
                ],
                reached_by=reached,
                exposure=template.exposure(
                    reached,
                    events=spec.get("events"),
                    url=spec.get("url"),
                    role=spec.get("role"),
                    apis={k: provider.get(k) for k in _PROVIDER_APIS if k in provider},
                ),
            )
        )
    references = python_requirements(relative, plugin, specs)
    programs, unfollowed = build_programs(relative, service.get("plugins"), custom, plugin, load)
    for item in found:
        item.unfollowed += unfollowed
        # The plugin copies `vendor` into the package's root: part of the function's code.
        item.layers += [
            r.path
            for r in references
            if r.what in ("custom.pythonRequirements.vendor", f"functions.{item.name}.vendor")
        ]
    placed = sorted({place for place in layers.values() if place})
    return Read(
        found, references=references + programs, layers=placed, python_layers=sorted(python)
    )


def _image(
    relative: str, here: PurePosixPath, image: Any, provider: dict[str, Any], load: Loader
) -> tuple[str | None, str | None, str | None, list[str]]:
    """A function's container image: (code folder, code elsewhere, Dockerfile, what its
    build settings do besides). An image `provider.ecr.images` builds from a folder of
    the bundle (`path`, its `file`) is that folder, built by its Dockerfile; an image URI
    is elsewhere."""
    name = image.get("name") if isinstance(image, dict) else image
    ecr = mapping_of(relative, as_mapping(provider.get("ecr")).get("images"), load, "ecr images")
    built = as_mapping(ecr.get(name)) if isinstance(name, str) else {}
    path = built.get("path")
    if not isinstance(path, str) or "${" in path:
        if path is not None:
            return None, Unresolved(f"an image built from {path!r}"), None, []
        return None, "a container image", None, []
    file = built.get("file", "Dockerfile")
    folder = join_path(here, path)
    return (
        folder,
        None,
        join_path(PurePosixPath(folder), file if isinstance(file, str) else "Dockerfile"),
        build_settings(f"provider.ecr.images.{name}", built, "buildArgs", _IMAGE_SETTINGS),
    )


# What of an image `provider.ecr.images` builds only names its files, tag and platform.
_IMAGE_SETTINGS = frozenset({"path", "file", "uri", "platform"})


def _layer_code(
    relative: str, here: PurePosixPath, name: str, layer: dict[str, Any], load: Loader
) -> str:
    """Where a layer's code is: its prebuilt archive (`package.artifact`), else its
    `path` (the service's folder by default). One not written out (a `${...}` variable)
    is refused, tied to a function or not: only the deploy locates it, and it ships it."""
    package = mapping_of(relative, layer.get("package"), load, f"layer {name}'s package")
    artifact = package.get("artifact")
    what, written = (
        ("path", layer.get("path", ".")) if artifact is None else ("package.artifact", artifact)
    )
    if not isinstance(written, str) or "${" in written:
        raise ValueError(
            f"{relative}: layer {name}'s {what} is {written!r}, which the gate does not "
            "resolve, and the deploy ships it; write the path out"
        )
    return join_path(here, written)


def python_requirements(
    relative: str, settings: dict[Any, Any], functions: dict[Any, Any]
) -> list[Reference]:
    """What serverless-python-requirements reads besides the code: the requirements file
    it installs (`fileName`, at the service and in each function's `module` folder, as
    its `installRequirementsIfNeeded` joins them) and the folders it copies into the
    package (`vendor`, at the service and per function). A setting written as a variable
    is refused (ValueError): the gate does not resolve it."""
    here = PurePosixPath(relative).parent
    file_name = _plugin_setting(
        relative, "custom.pythonRequirements.fileName", settings, "fileName"
    )
    found = []
    if file_name is not None:
        modules = {"."} | {
            module
            for name, spec in functions.items()
            if (
                module := _plugin_setting(
                    relative, f"functions.{name}.module", as_mapping(spec), "module"
                )
            )
        }
        found += [
            Reference(
                relative, f"fileName {file_name}", join_path(here / module, file_name), "manifest"
            )
            for module in sorted(modules)
        ]
    vendors = [("custom.pythonRequirements.vendor", settings)] + [
        (f"functions.{name}.vendor", as_mapping(spec)) for name, spec in functions.items()
    ]
    for what, where in vendors:
        if (folder := _plugin_setting(relative, what, where, "vendor")) is not None:
            found.append(Reference(relative, what, join_path(here, folder), "folder"))
    return found


# Plugin settings (under `custom`) whose hooks run commands or scripts as the Framework
# packages: serverless-plugin-scripts, serverless-scriptable-plugin (and its old name).
_HOOKED = (("scripts", "hooks"), ("scriptable", "hooks"), ("scriptHooks", ""))


def _local_packages(here: PurePosixPath, load: Loader) -> dict[str, str]:
    """The packages the service's package.json installs from the bundle (a folder or a
    tarball), with the spec (`file:./tools/x`): npm links or unpacks them into
    node_modules, and runs their install scripts."""
    manifest = as_mapping(load(join_path(here, "package.json")))
    return {
        str(name): spec
        for section in ("dependencies", "devDependencies", "optionalDependencies")
        for name, spec in as_mapping(manifest.get(section)).items()
        if local_spec(spec)
    }


_BUILDING = "which the deploy runs while it builds the package"
# Where the Framework looks for a plugin before node_modules (`plugins.localPath`).
_PLUGIN_FOLDER = ".serverless_plugins"
# Build images AWS publishes for Lambda's Python runtimes: what `dockerizePip` runs pip in
# by default, and what nobody outside AWS can change.


def build_programs(
    relative: str, plugins: Any, custom: dict[Any, Any], settings: dict[Any, Any], load: Loader
) -> tuple[list[Reference], list[str]]:
    """The programs `sls package` may run from the bundle while it builds the artifact,
    each of which can write any file into it: a local plugin (a path, a name found in
    `plugins.localPath`, `.serverless_plugins` by default, or one package.json installs
    from a folder of the bundle), and serverless-python-requirements' `pythonBin` given
    as a path and its `dockerFile` (`settings`: its `custom.pythonRequirements`).
    Those are references of kind `program`, judged where the files are known; what the
    gate knows already to be such a part (commands a plugin runs on the Framework's
    hooks, plugins or pip sources it cannot resolve, a build image other than AWS's own)
    is returned as parts of the service's code it cannot follow."""
    here = PurePosixPath(relative).parent
    unfollowed = []
    for section, key in _HOOKED:
        value = custom.get(section)
        hooks = mapping_of(relative, value, load, f"custom.{section}").get(key) if key else value
        if hooks:
            setting = f"{section}.{key}" if key else section
            unfollowed.append(f"custom.{setting}, commands {_BUILDING}")
    folder = _PLUGIN_FOLDER
    plugins = _included(relative, plugins, load)
    if isinstance(plugins, dict):
        folder = _plugin_setting(relative, "plugins.localPath", plugins, "localPath") or folder
        plugins = _included(relative, plugins.get("modules"), load)
    installed = _local_packages(here, load)
    found = []
    for name in plugins if isinstance(plugins, list) else [plugins] if plugins else []:
        if not isinstance(name, str) or "${" in name:
            unfollowed.append(f"plugin {name!r}, which the gate does not resolve, {_BUILDING}")
            continue
        local = name if name.startswith(("./", "../", "/")) else f"{folder}/{name}"
        found.append(Reference(relative, f"plugin {name}", join_path(here, local), "program"))
        if name in installed:
            what = f"plugin {name} (package.json: {installed[name]})"
            path = join_path(here, installed[name].split(":", 1)[-1])
            found.append(Reference(relative, what, path, "program"))
    unfollowed += [
        f"pythonRequirements.{key}, a setting of the plugin that may change what it installs "
        "while the deploy builds the package"
        for key, value in settings.items()
        if key not in _REQUIREMENTS_SETTINGS and value not in (None, False, "", [], {})
    ]
    unfollowed += _pip_arguments(_included(relative, settings.get("pipCmdExtraArgs"), load))
    cache = settings.get("cacheLocation")
    # An absolute path written out is the runner's (a CI cache); a relative one, or one
    # built on a variable (`${env:PWD}/cache`), may be the bundle's own folder.
    if cache is not None and not (
        isinstance(cache, str) and cache.startswith("/") and "${" not in cache
    ):
        unfollowed.append(
            f"pythonRequirements.cacheLocation {cache!r}, whose cached packages the plugin "
            "installs in place of the requirements"
        )
    python = _plugin_setting(relative, "custom.pythonRequirements.pythonBin", settings, "pythonBin")
    if python is not None and "/" in python:  # a bare name is a command on the runner's PATH
        what = f"pythonRequirements.pythonBin {python}"
        found.append(Reference(relative, what, join_path(here, python), "program"))
    if settings.get("dockerizePip") in (None, False, "false"):
        return found, unfollowed
    docker_file = _plugin_setting(
        relative, "custom.pythonRequirements.dockerFile", settings, "dockerFile"
    )
    if docker_file is not None:
        what = f"pythonRequirements.dockerFile {docker_file}"
        found.append(Reference(relative, what, join_path(here, docker_file), "program"))
    image = settings.get("dockerImage")
    if image is not None and not (isinstance(image, str) and image.startswith(AWS_BUILD_IMAGES)):
        unfollowed.append(
            f"pythonRequirements.dockerImage {image!r}, not an AWS build image, whose pip "
            f"installs the dependencies: {_BUILDING}"
        )
    return found, unfollowed


# serverless-python-requirements' settings the gate reads (`build_programs`,
# `python_requirements`), and those that only choose which manifest is installed, how the
# result is packed or what is left out of it. Any other (`dockerRunCmdExtraArgs` mounting
# a folder of the bundle, `dockerEnv`, `dockerExtraFiles`, `dockerSsh`) may change it.
_REQUIREMENTS_SETTINGS = frozenset(
    {
        "fileName", "vendor", "pythonBin", "pipCmdExtraArgs", "cacheLocation", "dockerizePip",
        "dockerImage", "dockerFile", "slim", "slimPatterns", "slimPatternsAppendDefaults",
        "strip", "zip", "layer", "cleanupZipHelper", "invalidateCaches", "usePipenv",
        "usePoetry", "dockerRootless", "useStaticCache", "useDownloadCache",
        "staticCacheMaxVersions", "noDeploy", "requirePoetryLockFile", "poetryWithGroups",
        "poetryWithoutGroups", "poetryOnlyGroups", "installer",
    }
)  # fmt: skip


def _pip_arguments(arguments: Any) -> list[str]:
    """What of serverless-python-requirements' `pipCmdExtraArgs` (each item split at
    spaces, as the plugin splits it) may make its pip install more than the requirements
    the audit reads: packages in files of the bundle (`--find-links ./wheels`, or where a
    setting of it says), an index other than PyPI's (in a requirements file the audit
    reports one, GATE-DEP-002, for a reviewer to accept), or an option the gate does not
    know to change nothing installed (`-r deps.txt`, a prefix pip expands)."""
    from gate.bundle.manifests.indexes import is_pypi, local_source
    from gate.bundle.manifests.pipoptions import install_arguments
    from gate.bundle.manifests.requirements import SOURCE_REASONS
    from gate.redact import url_origin

    if arguments is None:
        return []
    if not isinstance(arguments, list):
        return [f"pythonRequirements.pipCmdExtraArgs {arguments!r}, which the gate does not "
                f"resolve, {_BUILDING}"]  # fmt: skip
    setting = "pythonRequirements.pipCmdExtraArgs"
    unfollowed = []
    for option, value in install_arguments([w for a in arguments for w in str(a).split()]):
        long = {"-i": "--index-url", "-f": "--find-links"}.get(option, option)
        # Only the runner's environment (`${env:X}`, whole) is not the bundle's to choose.
        if value is None:
            unfollowed.append(
                f"{setting} {option!r}, a pip option the gate does not know to leave what is "
                "installed alone"
            )
        elif local_source(value):
            unfollowed.append(
                f"{setting} pointing pip at {value}, packages of the bundle it installs in "
                "place of what the audit looks up"
            )
        elif not is_pypi(value):
            unfollowed.append(
                f"{setting} {option} {url_origin(value)} ({SOURCE_REASONS[long]}); name it in "
                "the requirements file, where the audit reports it (GATE-DEP-002) for a "
                "reviewer to accept"
            )
    return unfollowed


def _plugin_setting(relative: str, what: str, settings: dict[Any, Any], key: str) -> str | None:
    """A plugin's path setting, as written; None if unset. ValueError for a variable."""
    value = settings.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or "${" in value:
        raise ValueError(
            f"{relative}: {what} is {value!r}, which the gate does not resolve, and the "
            "build reads what it names; write the path out"
        )
    return value


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


def _functions(relative: str, functions: Any, load: Loader) -> dict[Any, Any]:
    """The `functions` section: a mapping, or a list of mappings merged in order (as the
    Framework merges them), each written out or included from a file of the bundle
    (`${file(./functions.yml)}`, `${file(./fns.yml):orders}`), and so each function's
    spec. Any other variable there is refused (ValueError): the functions it stands for
    could not be judged."""
    parts = functions if isinstance(functions, list) else [functions]
    merged: dict[Any, Any] = {}
    for part in parts:
        merged = deep_merge([merged, mapping_of(relative, part, load, "functions")])
    return {
        name: mapping_of(relative, spec, load, f"function {name}") for name, spec in merged.items()
    }


def mapping_of(relative: str, value: Any, load: Loader, what: str) -> dict[Any, Any]:
    """A section of the service that is a mapping, written out or included from a file of
    the bundle (a list of such parts is merged, as the Framework merges `functions` and
    `resources`); ValueError for anything else, such as a variable the gate does not
    resolve."""
    value = _included(relative, value, load)
    if isinstance(value, list):  # parts merged in order, each written out or included
        value = deep_merge([mapping_of(relative, item, load, what) for item in value])
    if value is None or value == "":
        return {}
    if not isinstance(value, dict):
        raise ValueError(
            f"{relative}: its {what} is {value!r}, which the gate cannot read as a mapping in "
            "the bundle, so what it declares could not be judged; write it out, or include "
            "a file of the bundle with ${file(...)}"
        )
    return value


def _resolved_or_empty(relative: str, value: Any, load: Loader, what: str) -> dict[Any, Any]:
    """`mapping_of`, or nothing where the section is a variable discovery does not
    resolve (`${file(./${self:custom.dir}/res.yml)}`, a file outside the bundle): the
    reference checks refuse what is missing or ignored, and the rules resolve the rest."""
    try:
        return mapping_of(relative, value, load, what)
    except ValueError:
        return {}


def _custom(relative: str, service: dict[Any, Any], load: Loader) -> dict[Any, Any]:
    """The service's `custom` section, where plugins read their settings (which
    requirements file serverless-python-requirements installs, build hooks, a pip cache):
    one the gate cannot resolve (`${file(./${opt:stage}/custom.yml)}`) is refused where
    the service lists a plugin, and read as empty where none reads it."""
    try:
        return mapping_of(relative, service.get("custom"), load, "custom")
    except ValueError as e:
        if service.get("plugins"):
            raise ValueError(
                f"{e}; its plugins read their settings from it, which only the deploy "
                "resolves: write custom out (or name a file without a variable)"
            ) from e
        return {}


def _included(relative: str, value: Any, load: Loader) -> Any:
    """`value`, or the data a `${file(path)}` or `${file(path):address}` variable that is
    all of it includes (None where the file or address holds nothing)."""
    if not (isinstance(value, str) and (included := _INCLUDED.fullmatch(value.strip()))):
        return value
    named = unquoted(included[1])
    data = None if "${" in named else load(join_path(PurePosixPath(relative).parent, named))
    for key in filter(None, (included[2] or "").split(".")):
        data = as_mapping(data).get(key)
    if data is None:
        raise ValueError(
            f"{relative}: {included[0]} includes nothing the gate can read in the bundle; "
            "the deploy reads it: fix the path"
        )
    return data


Loader = Callable[[str], Any]
"""Reads a YAML or JSON file of the bundle (a path relative to its root): its data, or
None if it is not there. Refuses (BundleError) one it cannot read."""
_INCLUDED = re.compile(r"\$\{" + FILE_SOURCE + r"(?::\s*([\w.-]*)\s*)?\}")


# What of a function a `resources` entry of its generated logical id could change that
# the gate reads from the function's own spec: its role, code, handler, runtime, layers
# and environment.
_OVERRIDDEN = frozenset(
    {"Role", "Code", "Handler", "Runtime", "Layers", "Environment", "PackageType", "ImageConfig"}
)


def _refuse_overrides(
    relative: str, resources: dict[Any, Any], specs: dict[Any, Any], load: Loader
) -> None:
    """Refuse a `resources.Resources` or `resources.extensions` entry that changes what
    the Framework generates for a function (`OrdersLambdaFunction`): the Framework merges
    it into the function it deploys, and the gate judges the function as its spec says."""
    for section in ("Resources", "extensions"):
        entries = mapping_of(relative, resources.get(section), load, f"resources.{section}")
        for name in specs:
            logical = _function_logical_id(str(name))
            changed = sorted(
                _OVERRIDDEN & set(as_mapping(as_mapping(entries.get(logical)).get("Properties")))
            )
            if changed:
                raise ValueError(
                    f"{relative}: resources.{section}.{logical} changes the {', '.join(changed)} "
                    f"of function {name}, which the gate judges as its spec in `functions` "
                    "says; set them there"
                )


def _function_logical_id(name: str) -> str:
    """The logical id the Framework gives a function: `orders-api` ->
    `OrdersDashapiLambdaFunction`."""
    normal = name.replace("-", "Dash").replace("_", "Underscore")
    return normal[:1].upper() + normal[1:] + "LambdaFunction"


def _serverless_layer_ref(name: str) -> str:
    """The CloudFormation name Serverless gives a layer: `deps` -> `DepsLambdaLayer`."""
    return (
        name[:1].upper()
        + name[1:].replace("-", "Dash").replace("_", "Underscore")
        + ("LambdaLayer")
    )


_PROVIDER_APIS = ("httpApi", "apiGateway", "endpointType")
"""The provider's settings that decide who may call every function's `http` and
`httpApi` events: authorizers, resource policy, private endpoints."""
_REQUIREMENTS_LAYER = "PythonRequirementsLambdaLayer"


def _untied_layers(spec: dict[str, Any], layers: dict[str, str]) -> list[str]:
    """A function's `layers` entries that are neither a layer of this service (`Ref`) nor
    a published one (an ARN, a variable the Framework resolves to one, another stack's
    export): a `Ref` to something else, another intrinsic. The gate cannot tell which code
    they deploy."""
    written = spec.get("layers")
    untied = []
    for layer in written if isinstance(written, list) else []:
        if isinstance(layer, str):
            continue
        ref = as_mapping(layer).get("Ref")
        if ref in layers or "Fn::ImportValue" in as_mapping(layer):
            continue
        untied.append(
            f"layer {layer!r}, which the gate cannot tie to a layer of the service or a "
            "published one"
        )
    return untied


def _serverless_layer_refs(spec: dict[str, Any]) -> list[str]:
    layers = spec.get("layers")
    return [
        str(as_mapping(layer).get("Ref"))
        for layer in (layers if isinstance(layers, list) else [])
        if isinstance(layer, dict)
    ]
