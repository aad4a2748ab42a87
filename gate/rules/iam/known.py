"""What AWS's own policies grant: AWS managed policies and SAM policy templates. A policy
not listed here is unknown, and the rules say so rather than guess.

AWS managed policies are judged by their real documents, every one AWS publishes, from
package data (data/aws-managed-policies.zip, built by
scripts/build_managed_policies.py; NOTICE says where from and of which date). A managed
policy is attached and detached whole, so its Allow statements are read as one
statement: one attachment is one problem. SAM templates are scoped by AWS to the
resource their parameter names, so only their actions matter here; the lists follow
aws-sam-translator's policy_templates.json.
"""

from __future__ import annotations

import functools
import json
import re
import zipfile
from importlib import resources
from typing import Any

from gate.rules.iam.policy import Place, Statement

MANAGED_DATA = "aws-managed-policies.zip"

_VPC = (
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
)
_KINESIS_READ = (
    "kinesis:DescribeStream",
    "kinesis:DescribeStreamSummary",
    "kinesis:GetRecords",
    "kinesis:GetShardIterator",
    "kinesis:ListShards",
    "kinesis:ListStreams",
    "kinesis:SubscribeToShard",
)
_DDB_STREAM = (
    "dynamodb:DescribeStream",
    "dynamodb:GetRecords",
    "dynamodb:GetShardIterator",
    "dynamodb:ListStreams",
)
_SQS_POLL = ("sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes")

_S3_READ = (
    "s3:GetObject",
    "s3:ListBucket",
    "s3:GetBucketLocation",
    "s3:GetObjectVersion",
    "s3:GetLifecycleConfiguration",
)
_S3_WRITE = ("s3:PutObject", "s3:PutObjectAcl", "s3:PutLifecycleConfiguration")
_DDB_READ = (
    "dynamodb:GetItem",
    "dynamodb:Scan",
    "dynamodb:Query",
    "dynamodb:BatchGetItem",
    "dynamodb:DescribeTable",
)
_DDB_WRITE = ("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem")
_SSM_READ = (
    "ssm:DescribeParameters",
    "ssm:GetParameters",
    "ssm:GetParameter",
    "ssm:GetParametersByPath",
)

SAM_TEMPLATES: dict[str, tuple[str, ...]] = {
    "S3ReadPolicy": _S3_READ,
    "S3WritePolicy": _S3_WRITE,
    "S3CrudPolicy": (*_S3_READ, *_S3_WRITE, "s3:DeleteObject"),
    "DynamoDBReadPolicy": _DDB_READ,
    "DynamoDBWritePolicy": _DDB_WRITE,
    "DynamoDBCrudPolicy": (
        *_DDB_READ,
        *_DDB_WRITE,
        "dynamodb:DeleteItem",
        "dynamodb:ConditionCheckItem",
    ),
    "DynamoDBStreamReadPolicy": _DDB_STREAM,
    "SQSSendMessagePolicy": ("sqs:SendMessage*",),
    "SQSPollerPolicy": (
        *_SQS_POLL,
        "sqs:ChangeMessageVisibility",
        "sqs:ChangeMessageVisibilityBatch",
        "sqs:DeleteMessageBatch",
    ),
    "SNSPublishMessagePolicy": ("sns:Publish",),
    "SNSCrudPolicy": (
        "sns:ListSubscriptionsByTopic",
        "sns:CreateTopic",
        "sns:SetTopicAttributes",
        "sns:Subscribe",
        "sns:Publish",
    ),
    "LambdaInvokePolicy": ("lambda:InvokeFunction",),
    "KMSDecryptPolicy": ("kms:Decrypt",),
    "KMSEncryptPolicy": ("kms:Encrypt",),
    "SSMParameterReadPolicy": _SSM_READ,
    "SSMParameterWithSlashPrefixReadPolicy": _SSM_READ,
    "AWSSecretsManagerGetSecretValuePolicy": ("secretsmanager:GetSecretValue",),
    "StepFunctionsExecutionPolicy": ("states:StartExecution",),
    "EventBridgePutEventsPolicy": ("events:PutEvents",),
    "KinesisStreamReadPolicy": _KINESIS_READ,
    "FirehoseWritePolicy": ("firehose:PutRecord", "firehose:PutRecordBatch"),
    "SESSendBouncePolicy": ("ses:SendBounce",),
    "CloudWatchPutMetricPolicy": ("cloudwatch:PutMetricData",),
    "VPCAccessPolicy": (*_VPC[:2], "ec2:DeleteNetworkInterface", "ec2:DetachNetworkInterface"),
}

_MANAGED_ARN = re.compile(r"^arn:.*?:iam::aws:policy/(?:[\w+=,.@-]+/)*([\w+=,.@-]+)$")


def managed_policy_name(value: str) -> str | None:
    """`arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole` (any partition)
    -> `AWSLambdaBasicExecutionRole`; None for anything that is not an AWS managed ARN."""
    found = _MANAGED_ARN.match(value)
    return found[1] if found else None


@functools.cache
def _managed_archive() -> zipfile.ZipFile:
    """The managed policies, one member each: a run reads only those its bundle attaches."""
    return zipfile.ZipFile(
        resources.files("gate.rules.iam").joinpath(f"data/{MANAGED_DATA}").open("rb")
    )


def managed_meta() -> dict[str, Any]:
    """Where the managed policies come from: `{"source", "url", "version", "date", ...}`."""
    meta: dict[str, Any] = json.loads(_managed_archive().read("meta.json"))
    return meta


@functools.cache
def managed_policy(name: str) -> dict[str, Any] | None:
    """An AWS managed policy, `{"path", "version", "updated", "statements"}`; None if AWS
    has none of that name."""
    try:
        data = _managed_archive().read(f"policies/{name}.json")
    except KeyError:
        return None
    policy: dict[str, Any] = json.loads(data)
    return policy


def managed_policy_names() -> list[str]:
    return [
        n.removeprefix("policies/").removesuffix(".json")
        for n in _managed_archive().namelist()
        if n.startswith("policies/")
    ]


def managed_actions(name: str) -> tuple[str, ...]:
    """The actions an AWS managed policy allows by name (`Action`), in its order."""
    policy = managed_policy(name) or {"statements": []}
    allows = [s for s in policy["statements"] if s.get("Effect") == "Allow"]
    return tuple(dict.fromkeys(a for s in allows for a in _as_list(s.get("Action"))))


def managed_statements(name: str, path: str, resource: str, line: int | None) -> list[Statement]:
    """What an AWS managed policy allows, as one statement at the line that attaches it;
    [] if AWS has no managed policy of that name."""
    if "/" in name or not name:
        return []
    policy = managed_policy(name)
    if policy is None:
        return []
    allows = [s for s in policy["statements"] if s.get("Effect") == "Allow"]

    def merged(key: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v for s in allows for v in _as_list(s.get(key))))

    actions = merged("Action")
    return [
        Statement(
            "Allow",
            actions,
            merged("NotAction"),
            merged("Resource"),
            Place(path, resource, f"managed:{name}"),
            line,
            conditional=bool(allows) and all("Condition" in s for s in allows),
            action_lines=(line,) * len(actions),
            not_resources=merged("NotResource"),
        )
    ]


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def template_statements(name: str, path: str, resource: str, line: int | None) -> list[Statement]:
    """What a SAM policy template grants, on the resource its parameter names; [] if it is
    not in the table."""
    if name not in SAM_TEMPLATES:
        return []
    place = Place(path, resource, f"sam:{name}")
    actions = SAM_TEMPLATES[name]
    return [
        Statement(
            "Allow",
            actions,
            (),
            (f"<{name} parameter>",),
            place,
            line,
            action_lines=(line,) * len(actions),
        )
    ]
