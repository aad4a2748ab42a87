"""A Chalice project's `.chalice/config.json`, read as Chalice reads it: where it looks a
function's settings up, and the settings that decide who may invoke the function and
what it may do, with the policy files they name (part of its `exposure`)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path, PurePosixPath
from typing import Any

from gate.bundle.discovery.declared import as_mapping, join_path, leaves_bundle
from gate.safeyaml import PathKey

CONFIG = (".chalice", "config.json")
"""Where a project's deployed configuration is, relative to the project."""
API_AND_ROLE = (
    *("api_gateway_endpoint_type", "api_gateway_endpoint_vpce", "api_gateway_policy_file"),
    *("api_gateway_stage", "api_gateway_custom_domain", "websocket_api_custom_domain"),
    *("manage_iam_role", "iam_role_arn", "autogen_policy", "iam_policy_file"),
)
"""The settings that make a function's API (endpoint type, resource policy, stage,
domains) and its role (made or given, its policy written or generated)."""
POLICY_SETTINGS = ("iam_policy_file", "api_gateway_policy_file")
"""The settings that name a policy file, relative to `.chalice/`."""


def read_config(path: Path) -> Any:
    """`.chalice/config.json` as Chalice reads it, with `json` (`0e0` is the number 0.0,
    false, where YAML would read a string); None if it is not JSON, or writes a key
    twice (readers differ on which one wins)."""

    def unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [key for key, _ in pairs]
        if len(set(keys)) != len(keys):
            raise ValueError("a key written twice")
        return dict(pairs)

    try:
        return json.loads(path.read_bytes(), object_pairs_hook=unique)
    except (OSError, ValueError, RecursionError):
        return None


def setting_places(config: dict[str, Any], name: str) -> list[PathKey]:
    """Where Chalice looks up a setting of the function `name`, as key paths into the
    config: the top level, the function's `lambda_functions` entry, and the same two in
    each stage."""
    places: list[PathKey] = [(), ("lambda_functions", name)]
    for stage in as_mapping(config.get("stages")):
        places += [("stages", stage), ("stages", stage, "lambda_functions", name)]
    return places


def value_at(data: Any, path: PathKey) -> Any:
    """The value at `path` in parsed JSON; None where a step is missing."""
    for key in path:
        data = as_mapping(data).get(str(key))
    return data


def config_exposure(root: Path, project: str, name: str) -> tuple[dict[str, Any], list[str]]:
    """What the config of the project at `project` (relative to `root`) says of the API
    and role of its function `name`: the stages it names, the `API_AND_ROLE` settings at
    each place Chalice looks them up, and the content of each policy file they name or
    Chalice reads by default (`policy-<stage>.json`); with the files that is read from
    (the config, whether or not it is there yet, and those policy files)."""
    config_file = PurePosixPath(project, *CONFIG).as_posix()
    config = as_mapping(read_config(root / config_file))
    settings = {
        ".".join(map(str, place)): {k: found[k] for k in API_AND_ROLE if k in found}
        for place in setting_places(config, name)
        if (found := as_mapping(value_at(config, place)))
    }
    folder = PurePosixPath(project, CONFIG[0])
    named = {
        join_path(folder, str(found[key]))
        for found in settings.values()
        for key in POLICY_SETTINGS
        if found.get(key) is not None
    }
    defaults = {p.relative_to(root).as_posix() for p in (root / folder).glob("policy-*.json")}
    policies = {path: _policy_content(root, path) for path in sorted(named | defaults)}
    written = {"stages": sorted(as_mapping(config.get("stages"))), "settings": settings}
    files = [config_file, *(p for p in policies if not leaves_bundle(p))]
    return {**written, "policies": policies}, files


def _policy_content(root: Path, path: str) -> Any:
    """A policy file's content as Chalice reads it (JSON); the digest of its bytes when
    it is not JSON; None when it is not in the bundle (never read outside it)."""
    if leaves_bundle(path) or not (root / path).is_file():
        return None
    data = read_config(root / path)
    if data is not None:
        return data
    try:
        return hashlib.sha256((root / path).read_bytes()).hexdigest()
    except OSError:
        return None
