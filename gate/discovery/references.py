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
output, `node_modules`, tool caches: gate.staging.rules) is refused: the deploy would
read IaC the gate never copied. So is a nested template or snippet that is not in the
bundle, or a nested template named so that checkov does not read it as one. A URL (S3,
HTTPS) is not the bundle's and is not followed; variables are never resolved.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from gate.discovery.declared import Reference, as_mapping, join_path, leaves_bundle
from gate.safeyaml import PathKey, YamlDocument, YamlLoadError, load_yaml
from gate.staging.rules import dir_rule

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template")
_NESTED = {
    "AWS::Serverless::Application": "Location",
    "AWS::CloudFormation::Stack": "TemplateURL",
}
_INCLUDE = "AWS::Include"
_FILE_VARIABLE = re.compile(r"\$\{file\(\s*([^)$,\s]+)\s*\)")
_URL = re.compile(r"^[a-z0-9]+://", re.IGNORECASE)


def template_references(relative: str, document: YamlDocument) -> list[Reference]:
    """The nested templates and included snippets of a CloudFormation or SAM template."""
    here = PurePosixPath(relative).parent
    data = document.data
    found = []
    for logical_id, resource in as_mapping(as_mapping(data).get("Resources")).items():
        resource = as_mapping(resource)
        key = _NESTED.get(str(resource.get("Type")))
        location = as_mapping(resource.get("Properties")).get(key) if key else None
        if isinstance(location, str) and _local(location):
            what = f"nested stack {logical_id}"
            found.append(Reference(relative, what, join_path(here, location), "template"))
    for _, location, _whole in includes(data, document.tags):
        if _local(location):
            what = f"AWS::Include of {location}"
            found.append(Reference(relative, what, join_path(here, location), "snippet"))
    return found


def serverless_references(relative: str, data: Any) -> list[Reference]:
    """The files a serverless.yml's `${file(...)}` variables name (literal paths only)."""
    here = PurePosixPath(relative).parent
    return [
        Reference(relative, f"${{file({name})}}", join_path(here, name), "file")
        for text in _strings(data)
        for name in _FILE_VARIABLE.findall(text)
        if _local(name) and not name.startswith("~")
    ]


def module_references(directory: str, sources: dict[str, str]) -> list[Reference]:
    """The local `source` folders of a Terraform directory's `module` blocks (by name)."""
    here = PurePosixPath(directory)
    return [
        Reference(f"{directory}/", f"module {name!r}", join_path(here, source), "module")
        for name, source in sources.items()
        if source.startswith(("./", "../"))
    ]


def refusal(root: Path, reference: Reference) -> str | None:
    """Why `reference` cannot be left as it is (one line naming the IaC file), or None."""
    shown = f"{reference.iac_file}: {reference.what} names {reference.path}"
    if leaves_bundle(reference.path):
        if reference.kind in ("template", "snippet"):
            return f"{shown}, outside the bundle: the deploy reads it and the gate cannot"
        return None
    rule = ignored_by(root, reference.path)
    if rule is not None:
        return (
            f"{shown}, in a folder the gate ignores ({rule}): the deploy reads it and the "
            "gate never copied it; move it out of that folder"
        )
    if reference.kind in ("template", "snippet") and not (root / reference.path).is_file():
        return f"{shown}, which is not in the bundle: the deploy would read it"
    if reference.kind == "template" and not reference.path.lower().endswith(TEMPLATE_SUFFIXES):
        return (
            f"{shown}, a template checkov does not read by its name; name it "
            f"{', '.join(TEMPLATE_SUFFIXES)}"
        )
    return None


def ignored_by(root: Path, relative: str) -> str | None:
    """The built-in rule that ignores a folder on the way to `relative`, if any."""
    parts = PurePosixPath(relative).parts
    for depth in range(1, len(parts)):
        folder = PurePosixPath(*parts[:depth])
        rule = dir_rule(folder.name, root / folder)
        if rule is not None:
            return rule
    return None


def includes(
    data: Any, tags: dict[PathKey, str], at: PathKey = ()
) -> Iterator[tuple[PathKey, str, bool]]:
    """Where `data` has an `AWS::Include` transform, with its `Location`, and whether the
    transform is the value at that path (`!Transform {Name: AWS::Include, ...}`, the
    short form) rather than the `Fn::Transform` key of the mapping there (or, at the
    root, its `Transform` section)."""
    if isinstance(data, dict):
        if tags.get(at) == "Transform" and (location := _include_location(data)) is not None:
            yield at, location, True
            return
        for key in ("Fn::Transform", "Transform") if at == () else ("Fn::Transform",):
            for transform in _as_list(data.get(key)):
                if (location := _include_location(transform)) is not None:
                    yield at, location, False
        for key, value in data.items():
            yield from includes(value, tags, (*at, str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from includes(value, tags, (*at, index))


def _include_location(transform: Any) -> str | None:
    transform = as_mapping(transform)
    location = as_mapping(transform.get("Parameters")).get("Location")
    return location if transform.get("Name") == _INCLUDE and isinstance(location, str) else None


def with_includes(document: YamlDocument, root: Path, relative: str) -> YamlDocument:
    """`document` with each local `AWS::Include` replaced by its snippet, as
    CloudFormation inlines it: the mapping holding `Fn::Transform` becomes the snippet,
    or, beside other keys, takes the snippet's keys. Inlined values have no position of
    their own: they are found at the transform. A snippet that cannot be read is left
    as it is (discovery refuses it)."""
    here = PurePosixPath(relative).parent
    data = document.data
    tags = dict(document.tags)
    found = sorted(includes(data, document.tags), key=lambda include: -len(include[0]))
    for at, location, whole in found:
        path = join_path(here, location)
        if not _local(location) or leaves_bundle(path) or not (root / path).is_file():
            continue
        try:
            snippet = load_yaml((root / path).read_bytes(), allow_tags=True)
        except (OSError, YamlLoadError):
            continue
        data = _replace(data, at, snippet.data, whole)
        tags.pop(at, None)
        tags.update({(*at, *inner): tag for inner, tag in snippet.tags.items()})
    return YamlDocument(data, document.positions, tags)


def _replace(data: Any, at: PathKey, snippet: Any, whole: bool) -> Any:
    """`data` with the value at `at` replaced by `snippet` (`whole`), or the mapping
    there replaced by, or merged with, it."""
    if at:
        head, *rest = at
        copy = list(data) if isinstance(data, list) else dict(data)
        copy[head] = _replace(data[head], tuple(rest), snippet, whole)  # type: ignore[index]
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
    return bool(location) and not _URL.match(location) and "${" not in location


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
