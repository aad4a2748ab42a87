"""Files a bundle's IaC makes the deploy read: the gate must read them too, or refuse.

- a nested stack's template (`AWS::Serverless::Application` `Location`,
  `AWS::CloudFormation::Stack` `TemplateURL`), which `sam deploy` and `aws
  cloudformation package` upload from a local path whatever its name;
- a snippet the `AWS::Include` transform pulls into a template (`Fn::Transform` with a
  local `Location`), which CloudFormation inlines before any other transform: the gate
  inlines it too (`with_includes`), so its resources and policies are judged where the
  deploy puts them;
- a Terraform module's local `source`, which Terraform loads from any folder;
- a Serverless Framework file variable, `${file(./x.yml)}`, which the Framework reads
  from disk.

A reference to a path inside the bundle that lies in a folder the gate ignores (build
output, `node_modules`, tool caches: gate.bundle.rules) is refused: the deploy would
read IaC the gate never copied. So is a nested template or snippet that is not in the
bundle, or a nested template named so that checkov does not read it as one. A URL (S3,
HTTPS) is not the bundle's and is not followed; variables are never resolved.
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

from gate.bundle.discovery.declared import (
    Reference,
    as_mapping,
    is_remote,
    join_path,
    leaves_bundle,
)
from gate.bundle.rules import dir_rule
from gate.safeyaml import PathKey, YamlDocument, YamlLoadError, load_yaml

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
_NESTED = {
    "AWS::Serverless::Application": "Location",
    "AWS::CloudFormation::Stack": "TemplateURL",
}
_INCLUDE = "AWS::Include"
# A `file(...)` source and its first parameter, as the Framework's variable parser reads
# it: a string in double quotes (JSON), in single quotes, or bare up to `,` or `)`.
FILE_SOURCE = r"""file\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^'",()\s${}]+)\s*(?:,[^)]*)?\)"""
_FILE_VARIABLE = re.compile(r"\$\{" + FILE_SOURCE)


def unquoted(parameter: str) -> str:
    """A variable's parameter or fallback as the Framework reads it: double quotes as a
    JSON string, single quotes with `\\'` for a quote, bare text as it is."""
    if len(parameter) < 2 or parameter[0] != parameter[-1] or parameter[0] not in "'\"":
        return parameter
    if parameter[0] == '"':
        try:
            value = json.loads(parameter)
        except ValueError:
            return parameter[1:-1]
        return value if isinstance(value, str) else parameter[1:-1]
    return parameter[1:-1].replace("\\'", "'")


def template_references(relative: str, document: YamlDocument) -> list[Reference]:
    """The nested templates and included snippets of a CloudFormation or SAM template."""
    here = PurePosixPath(relative).parent
    data = document.data
    found = []
    for logical_id, resource in as_mapping(as_mapping(data).get("Resources")).items():
        resource = as_mapping(resource)
        key = _NESTED.get(str(resource.get("Type")))
        location = as_mapping(resource.get("Properties")).get(key) if key else None
        if isinstance(location, str) and location and not is_remote(location, "template"):
            what = f"nested stack {logical_id}"
            found.append(Reference(relative, what, join_path(here, location), "template"))
    for include in includes(data, document.tags):
        if _local(location := include.location):
            what = f"AWS::Include of {location}"
            found.append(Reference(relative, what, join_path(here, location), "snippet"))
    return found


def serverless_references(relative: str, data: Any) -> list[Reference]:
    """The files a serverless.yml's `${file(...)}` variables name (literal paths only),
    and the requirements file its python-requirements plugin is told to install."""
    here = PurePosixPath(relative).parent
    found = [
        Reference(relative, f"${{file({name})}}", join_path(here, name), _file_kind(name))
        for text in _strings(data)
        for name in map(unquoted, _FILE_VARIABLE.findall(text))
        if _local(name) and not name.startswith("~") and "${" not in name
    ]
    return found


# A `${file()}` of a script: the Framework `require`s it and calls what it exports while
# it resolves the service, before it packages anything.
_SCRIPT_SUFFIXES = (".js", ".cjs", ".mjs", ".ts")


def _file_kind(name: str) -> str:
    return "program" if name.lower().endswith(_SCRIPT_SUFFIXES) else "file"


SAMCONFIG_FILES = ("samconfig.toml", "samconfig.yaml", "samconfig.yml")
"""What `sam deploy` reads its settings from, beside the template it deploys."""


def samconfig_toml(data: bytes) -> Any:
    """A samconfig.toml's settings; ValueError (with the reason) if it is not TOML."""
    return tomllib.loads(data.decode("utf-8"))


def samconfig_references(relative: str, data: Any) -> list[Reference]:
    """The templates a samconfig names (`template_file`, in any environment and command):
    `sam deploy` deploys that file, whatever its name; and the dependency manifest
    (`manifest`) `sam build` installs in place of each function's requirements.txt."""
    here = PurePosixPath(relative).parent
    found = []
    pending = [data]
    while pending:
        value = pending.pop()
        if isinstance(value, dict):
            named = value.get("template_file")
            if isinstance(named, str) and named:  # `sam deploy` opens it as a path
                what = f"template_file {named}"
                found.append(Reference(relative, what, join_path(here, named), "template"))
            manifest = value.get("manifest")
            if isinstance(manifest, str) and manifest:  # `sam build --manifest`
                what = f"manifest {manifest}"
                found.append(Reference(relative, what, join_path(here, manifest), "manifest"))
            pending += list(value.values())
        elif isinstance(value, list):
            pending += value
    return found


def samconfig_build(relative: str, data: Any) -> list[str]:
    """What a samconfig has `sam build` (or `sam sync`, which builds) do besides building
    each function from the bundle in AWS's build images, in any environment: a build
    image of another's (`build_image`), and any setting of the commands that build
    (`build`, `sync`, and `global`, which is every command's) the gate does not know to
    change nothing of what is built (`container_env_var`, `base_dir`, `cache_dir`,
    `hook_name`...). Each is a part of the bundle's SAM functions the gate cannot follow."""
    found = []
    environments = data.values() if isinstance(data, dict) else []
    for commands in environments:
        for command, settings in commands.items() if isinstance(commands, dict) else []:
            parameters = settings.get("parameters") if isinstance(settings, dict) else None
            if command not in _BUILDING_COMMANDS or not isinstance(parameters, dict):
                continue
            for key, setting in parameters.items():
                if key == "build_image":
                    images = setting if isinstance(setting, list) else [setting]
                    found += [
                        f"{relative} build_image {image!r}, not an AWS build image, which "
                        "the build runs"
                        for image in images
                        if not str(image).rsplit("=", 1)[-1].startswith(AWS_BUILD_IMAGES)
                    ]
                elif key not in _SAM_SETTINGS and setting not in (None, False, "", []):
                    found.append(
                        f"{relative} {command}.{key}, a setting the gate does not know to "
                        "change nothing the build puts in"
                    )
    return found


# AWS's build images for SAM and the Serverless Framework's requirements plugin.
AWS_BUILD_IMAGES = ("public.ecr.aws/sam/build-", "amazon/aws-sam-cli-build-image-")
# The samconfig commands whose settings a build reads.
_BUILDING_COMMANDS = frozenset({"build", "sync", "global"})
# Their settings that the gate reads (`template_file`, `manifest`, `parameter_overrides`)
# or that only name where and how to deploy, or how the build runs (in AWS's images, in
# parallel, from its cache of this very build).
_SAM_SETTINGS = frozenset(
    {
        "template_file", "template", "manifest", "parameter_overrides", "cached",
        "parallel", "use_container", "skip_pull_image", "docker_network", "region",
        "profile", "debug", "beta_features", "stack_name", "s3_bucket", "s3_prefix",
        "resolve_s3", "capabilities", "confirm_changeset", "image_repositories",
        "image_repository", "resolve_image_repos", "tags", "fail_on_empty_changeset",
        "disable_rollback", "role_arn", "notification_arns", "signing_profiles",
        "kms_key_id", "force_upload", "no_execute_changeset", "on_failure",
        "max_wait_duration", "save_params", "watch", "code", "dependency_layer",
        "use_json", "no_beta_features", "terraform_project_root_path", "skip_prepare_infra",
    }
)  # fmt: skip


# How `sam deploy` reads `parameter_overrides` (samcli.cli.types
# CfnParameterOverrideType): `Key=Value` or `ParameterKey=Key,ParameterValue=Value`,
# separated by spaces, a value in double quotes when it holds one.
_OVERRIDE_VALUE = r'"(?:\\.|[^"\\])*"|(?:\\.|[^ "\\]+)+'
_OVERRIDE = re.compile(
    rf'ParameterKey=(?P<long_key>[A-Za-z0-9"]+),ParameterValue=(?P<long_value>{_OVERRIDE_VALUE})'
    rf'|(?P<key>[A-Za-z0-9"]+)=(?P<value>{_OVERRIDE_VALUE})'
)


def parameter_overrides(data: Any) -> dict[str, list[str]]:
    """The values a samconfig's `parameter_overrides` give the template's parameters, in
    any environment and for any command (a string of `Key=Value` pairs, or a list of
    them), by parameter name."""
    found: dict[str, list[str]] = {}
    pending = [data]
    while pending:
        value = pending.pop()
        if not isinstance(value, dict):
            continue
        overrides = value.get("parameter_overrides")
        for text in overrides if isinstance(overrides, list) else [overrides]:
            for match in _OVERRIDE.finditer(text if isinstance(text, str) else ""):
                key = (match["long_key"] or match["key"]).strip('"')
                written = match["long_value"] or match["value"]
                if written.startswith('"') and written.endswith('"') and len(written) > 1:
                    written = re.sub(r"\\(.)", r"\1", written[1:-1])
                found.setdefault(key, []).append(written)
        pending += [inner for inner in value.values() if isinstance(inner, dict)]
    return found


def bundle_overrides(root: Path) -> dict[str, list[str]]:
    """The values the samconfig files under `root` pass templates' parameters, by name,
    all of them together: which stack a samconfig deploys is the deployer's choice
    (`--config-file`, `--template-file`), so each value is one the deploy may use. The
    rules judge each (gate.rules.intrinsics); a function's identity holds them. One that
    cannot be read gives none (discovery refuses it where the deploy reads it)."""
    found: dict[str, list[str]] = {}
    samconfigs = (p for p in root.rglob("samconfig.*") if p.name in SAMCONFIG_FILES)
    for path in sorted(samconfigs):
        for name, values in parameter_overrides(_samconfig_settings(path)).items():
            found[name] = list(dict.fromkeys([*found.get(name, []), *values]))
    return found


def _samconfig_settings(path: Path) -> Any:
    """A samconfig's settings (TOML, or YAML), or None if it cannot be read."""
    try:
        if path.suffix == ".toml":
            return samconfig_toml(path.read_bytes())
        return load_yaml(path.read_bytes(), allow_tags=True, max_bytes=None).data
    except (OSError, ValueError, YamlLoadError):
        return None


def module_references(directory: str, sources: dict[str, str]) -> list[Reference]:
    """The local `source` folders of a Terraform directory's `module` blocks (by name)."""
    here = PurePosixPath(directory)
    return [
        Reference(f"{directory}/", f"module {name!r}", join_path(here, source), "module")
        for name, source in sources.items()
        if source.startswith(("./", "../"))
    ]


def refusal(root: Path, reference: Reference, ignored: Mapping[str, str]) -> str | None:
    """Why `reference` cannot be left as it is (one line naming the IaC file), or None.
    `ignored`: the folders the copy left out, by the built-in rule that did."""
    shown = f"{reference.iac_file}: {reference.what} names {reference.path}"
    if leaves_bundle(reference.path):
        if reference.kind in (*_READ_WHOLE, "folder"):
            return f"{shown}, outside the bundle: the deploy reads it and the gate cannot"
        return None
    rule = ignored_by(root, reference.path, ignored)
    if rule is not None:
        return (
            f"{shown}, in a folder the gate ignores ({rule}): the deploy reads it and the "
            "gate never copied it; move it out of that folder"
        )
    if reference.kind not in _READ_WHOLE:
        return None
    if reference.kind == "manifest":
        return None  # read by the dependency audit where it is (the build skips a missing one)
    path = root / reference.path
    if not path.is_file():
        return f"{shown}, which is not in the bundle: the deploy would read it"
    if reference.kind == "template" and not reference.path.lower().endswith(TEMPLATE_SUFFIXES):
        return (
            f"{shown}, a template checkov does not read by its name; name it "
            f"{', '.join(TEMPLATE_SUFFIXES)}"
        )
    try:
        load_yaml(path.read_bytes(), allow_tags=True)
    except (OSError, YamlLoadError) as e:
        return f"{shown}, which the gate cannot read ({e}): the deploy would read it"
    return None


# How Node.js finds a module the Framework `require`s by path.
_NODE_SUFFIXES = ("", ".js", ".cjs", ".mjs", ".json", ".node")


def bundle_program(root: Path, reference: Reference, ignored: Mapping[str, str]) -> bool:
    """Whether a program the deploy runs (`reference`, of kind `program`) is one the
    gate cannot vouch for: the bundle holds it (in any folder), or it lies outside the
    bundle. A name nothing in the bundle answers to is a package the build installs (a
    plugin from npm)."""
    if leaves_bundle(reference.path) or ignored_by(root, reference.path, ignored) is not None:
        return True
    return any((root / f"{reference.path}{suffix}").exists() for suffix in _NODE_SUFFIXES)


_READ_WHOLE = ("template", "snippet", "manifest")
"""References whose target the gate must read: one it cannot is refused."""


class LeftOutFolders(dict[str, str]):
    """The folders the private copy left out, each with the built-in rule that did, and
    the files the bundle holds in them (`files`: relative path to the bundle's file),
    which discovery may look at where the copy cannot tell (`packages_in`)."""

    def __init__(self, folders: Mapping[str, str], files: Mapping[str, Path]) -> None:
        super().__init__(folders)
        self.files = files

    def packages_in(self, folder: str) -> list[str]:
        """The files left out under `folder` that may be deployment packages: a `.zip`, a
        zip by its content whatever its name, or a link (whose target the copy never
        judged)."""
        return sorted(
            relative
            for relative, path in self.files.items()
            if relative.startswith(f"{folder}/") and _may_be_package(relative, path)
        )


def _may_be_package(relative: str, path: Path) -> bool:
    if relative.lower().endswith(".zip") or path.is_symlink():
        return True
    try:
        return path.is_file() and zipfile.is_zipfile(path)
    except OSError:
        return True  # unreadable: the copy refuses it on its own, and so does this


def ignored_by(root: Path, relative: str, ignored: Mapping[str, str]) -> str | None:
    """The built-in rule that left out `relative` or a folder on the way to it, if any."""
    parts = PurePosixPath(relative).parts
    for depth in range(1, len(parts) + 1):
        folder = PurePosixPath(*parts[:depth])
        rule = ignored.get(folder.as_posix()) or dir_rule(folder.name, root / folder)
        if rule is not None:
            return rule
    return None


@dataclass(frozen=True)
class Include:
    """One `AWS::Include` in a template."""

    at: PathKey
    """The path of the value it sits in, as the document's positions and tags name it
    (keys as text)."""
    keys: tuple[Any, ...]
    """The same path with the keys as loaded (a key may be a number)."""
    location: str
    whole: bool
    """The transform is the value at `at` (`!Transform {Name: AWS::Include, ...}`),
    rather than the `Fn::Transform` key of the mapping there (or, at the root, its
    `Transform` section)."""


def includes(
    data: Any, tags: dict[PathKey, str], at: PathKey = (), keys: tuple[Any, ...] = ()
) -> Iterator[Include]:
    """Every `AWS::Include` transform in `data`, deepest last."""
    if isinstance(data, dict):
        if (
            tags.get(at) == "Transform"
            and (location := _include_location(data, tags, at)) is not None
        ):
            yield Include(at, keys, location, whole=True)
            return
        for key in ("Fn::Transform", "Transform") if at == () else ("Fn::Transform",):
            value = data.get(key)
            for index, transform in enumerate(_as_list(value)):
                place = (*at, key, index) if isinstance(value, list) else (*at, key)
                if (location := _include_location(transform, tags, place)) is not None:
                    yield Include(at, keys, location, whole=False)
        for key, value in data.items():
            yield from includes(value, tags, (*at, str(key)), (*keys, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from includes(value, tags, (*at, index), (*keys, index))


def _include_location(transform: Any, tags: dict[PathKey, str], at: PathKey) -> str | None:
    """The `Location` of an `AWS::Include` transform (at `at`) written as a plain string:
    one written with a short-form intrinsic (`!Ref Snippet`, `!Sub`), which the loader
    reads as its text, is the deploy's value, not a path of the bundle."""
    transform = as_mapping(transform)
    location = as_mapping(transform.get("Parameters")).get("Location")
    if transform.get("Name") != _INCLUDE or not isinstance(location, str):
        return None
    return None if (*at, "Parameters", "Location") in tags else location


def with_includes(document: YamlDocument, root: Path, relative: str) -> YamlDocument:
    """`document` with each local `AWS::Include` replaced by its snippet, as
    CloudFormation inlines it: the mapping holding `Fn::Transform` becomes the snippet,
    or, beside other keys, takes the snippet's keys. Inlined values have no position of
    their own: they are found at the transform. A snippet that cannot be read is left
    as it is (discovery refuses it)."""
    here = PurePosixPath(relative).parent
    data = document.data
    tags = dict(document.tags)
    found = sorted(includes(data, document.tags), key=lambda include: -len(include.at))
    for include in found:
        path = join_path(here, include.location)
        if not _local(include.location) or leaves_bundle(path) or not (root / path).is_file():
            continue
        try:
            snippet = load_yaml((root / path).read_bytes(), allow_tags=True)
        except (OSError, YamlLoadError):
            continue
        data = _replace(data, include.keys, snippet.data, include.whole)
        tags.pop(include.at, None)
        tags.update({(*include.at, *inner): tag for inner, tag in snippet.tags.items()})
    return YamlDocument(data, document.positions, tags)


def _replace(data: Any, keys: tuple[Any, ...], snippet: Any, whole: bool) -> Any:
    """`data` with the value at `keys` replaced by `snippet` (`whole`), or the mapping
    there replaced by, or merged with, it."""
    if keys:
        head, *rest = keys
        copy = list(data) if isinstance(data, list) else dict(data)
        copy[head] = _replace(data[head], tuple(rest), snippet, whole)
        return copy
    if whole:
        return snippet
    kept = {k: v for k, v in data.items() if k != "Fn::Transform"}
    if not kept:
        return snippet
    if not isinstance(snippet, dict):
        return data
    merged = dict(kept)
    for key, value in snippet.items():
        old = merged.get(key)
        both = isinstance(old, dict) and isinstance(value, dict)
        merged[key] = {**old, **value} if both else value  # type: ignore[dict-item]
    return merged


def _local(location: str) -> bool:
    """A path, not S3. CloudFormation substitutes nothing in a `Location` written as a
    plain string: `./p${Stage}.yaml` is that file."""
    return bool(location) and not is_remote(location, "include")


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value] if value is not None else []
