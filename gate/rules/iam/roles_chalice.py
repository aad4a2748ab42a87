"""What a Chalice function's role is granted, from the project's `.chalice/config.json`.

Chalice looks a setting up in the function's entry of a stage's `lambda_functions`, then
the stage, then the top-level `lambda_functions` entry, then the top level, passing over
null values, and judges what it finds by its truth (`0` is false). Per stage:

- `manage_iam_role: false`: the function runs with `iam_role_arn`, a role made outside
  the project: a policy the gate does not know;
- `autogen_policy: false`: the policy is the file `iam_policy_file` names in `.chalice/`
  (by default `policy-<stage>.json`), judged like any inline policy;
- otherwise Chalice writes the policy itself from the AWS calls it finds in the code:
  nothing the project wrote to judge.

Every stage the config names is judged, and any other stage (which takes the top-level
settings, and whose default policy file may be any `policy-*.json`), so the worst is
found whichever is deployed.
"""

from __future__ import annotations

import posixpath
from pathlib import PurePosixPath
from typing import Any

from gate.bundle.discovery.chalice_config import CONFIG, read_config
from gate.bundle.discovery.declared import as_mapping, join_path, leaves_bundle
from gate.model import Function
from gate.rules.context import BundleContext
from gate.rules.iam.policy import Grants, Place, Statement, document_statements

DEFAULT_STAGE = "dev"


def chalice_grants(context: BundleContext, function: Function) -> Grants:
    """The policies of every stage of the function's project, as its config makes them."""
    project = posixpath.dirname(function.iac_file)
    config_file = posixpath.join(project, *CONFIG)
    if not (context.root / config_file).is_file():
        return Grants(f"{project or '.'}:chalice-generated")
    config = read_config(context.root / config_file)
    if not isinstance(config, dict):
        return Grants(config_file, unknown=(f"{config_file} (not readable)",))
    statements: list[Statement] = []
    unknown: list[str] = []
    roles: list[str] = []
    # Every stage the config names, and any other (`chalice deploy --stage prod`), which
    # takes the top-level settings: its default policy file is `policy-<stage>.json`, so
    # every such file of the project may be deployed.
    stages: list[str | None] = [*map(str, as_mapping(config.get("stages"))), None]
    for stage in stages:
        setting = _lookup(config, stage, function.resource)
        if not setting("manage_iam_role", True):
            arn = setting("iam_role_arn", None)
            roles.append(f"{config_file}:{arn}")
            unknown.append(f"role {arn!r} (made outside the project, stage {stage or 'any'})")
        elif not setting("autogen_policy", True):
            folder = PurePosixPath(project, CONFIG[0])
            named = setting("iam_policy_file", None if stage is None else f"policy-{stage}.json")
            files = (
                [join_path(folder, str(named))]
                if named is not None
                else sorted(
                    p.relative_to(context.root).as_posix()
                    for p in (context.root / folder).glob("policy-*.json")
                )
                or [join_path(folder, f"policy-{DEFAULT_STAGE}.json")]
            )
            for policy_file in files:
                roles.append(policy_file)
                found = None if leaves_bundle(policy_file) else _policy(context, policy_file)
                if found is None:
                    unknown.append(f"{policy_file} (not in the bundle or not readable)")
                statements += found or []
        else:
            roles.append(f"{project or '.'}:chalice-generated")
    return Grants(" or ".join(dict.fromkeys(roles)), tuple(statements), tuple(unknown))


def _lookup(config: dict[str, Any], stage: str | None, name: str) -> Any:
    """Chalice's order for a setting of one function in one stage (None: a stage the
    config does not name)."""
    staged = as_mapping(as_mapping(config.get("stages")).get(stage)) if stage else {}
    places = [
        as_mapping(as_mapping(staged.get("lambda_functions")).get(name)),
        staged,
        as_mapping(as_mapping(config.get("lambda_functions")).get(name)),
        config,
    ]

    def setting(key: str, default: Any) -> Any:
        # As Chalice's `_chain_lookup`: a null value is no setting; what is found is
        # judged by its truth (`"autogen_policy": 0` is off), as its deployer does.
        return next((place[key] for place in places if place.get(key) is not None), default)

    return setting


def _policy(context: BundleContext, policy_file: str) -> list[Statement] | None:
    """The statements of a policy file, read as Chalice reads it (JSON), with lines where
    the gate's YAML reader places them; None if it is missing. One the deploy reads and
    the gate cannot (not JSON, a key written twice) raises ValueError: its grants would
    go unjudged."""
    if not (context.root / policy_file).is_file():
        return None
    data = read_config(context.root / policy_file)
    if not isinstance(data, dict):
        raise ValueError(
            f"{policy_file}: a policy Chalice deploys that is not a JSON object with each "
            "key written once, so the gate cannot judge it; fix it"
        )
    document = context.yaml(policy_file)
    place = Place(policy_file, posixpath.basename(policy_file))
    return document_statements(
        data, place, lambda inner, _text: document.line_of(tuple(inner)) if document else None
    )
