"""What AWS's own policies grant, for the common ones: AWS managed policies and SAM policy
templates. A policy not listed here is unknown, and the rules say so rather than guess.

Managed policies list their main grants (a `*FullAccess` policy's supporting statements
for other services are left out). SAM templates are scoped by AWS to the resource their
parameter names, so only their actions matter here; the lists follow
aws-sam-translator's policy_templates.json.
"""

from __future__ import annotations

import re

from gate.serverless.iam.policy import Place, Statement

_LOGS = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
_VPC = (
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSubnets",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
)
_XRAY = (
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:GetSamplingStatisticSummaries",
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

MANAGED_POLICIES: dict[str, tuple[str, ...]] = {
    "AdministratorAccess": ("*",),
    "AmazonS3FullAccess": ("s3:*", "s3-object-lambda:*"),
    "AmazonS3ReadOnlyAccess": ("s3:Get*", "s3:List*", "s3:Describe*"),
    "AmazonDynamoDBFullAccess": ("dynamodb:*", "dax:*"),
    "AmazonDynamoDBReadOnlyAccess": (
        "dynamodb:BatchGetItem",
        "dynamodb:Describe*",
        "dynamodb:List*",
        "dynamodb:GetItem",
        "dynamodb:Query",
        "dynamodb:Scan",
        "dynamodb:PartiQLSelect",
    ),
    "AmazonSQSFullAccess": ("sqs:*",),
    "AmazonSNSFullAccess": ("sns:*",),
    "AmazonKinesisFullAccess": ("kinesis:*",),
    "AmazonEventBridgeFullAccess": ("events:*", "schemas:*", "scheduler:*", "pipes:*"),
    "AWSStepFunctionsFullAccess": ("states:*",),
    "AWSLambda_FullAccess": ("lambda:*",),
    "SecretsManagerReadWrite": ("secretsmanager:*",),
    "AmazonSSMReadOnlyAccess": ("ssm:Describe*", "ssm:Get*", "ssm:List*"),
    "AmazonSSMFullAccess": ("ssm:*",),
    "CloudWatchLogsFullAccess": ("logs:*",),
    "CloudWatchFullAccess": ("cloudwatch:*", "logs:*"),
    "IAMFullAccess": ("iam:*",),
    "AWSLambdaBasicExecutionRole": _LOGS,
    "AWSLambdaVPCAccessExecutionRole": (*_LOGS, *_VPC),
    "AWSLambdaSQSQueueExecutionRole": (*_LOGS, *_SQS_POLL),
    "AWSLambdaKinesisExecutionRole": (*_LOGS, *_KINESIS_READ),
    "AWSLambdaDynamoDBExecutionRole": (*_LOGS, *_DDB_STREAM),
    "AWSXRayDaemonWriteAccess": _XRAY,
    "AWSXrayWriteOnlyAccess": _XRAY,
}
NOT_ACTION_POLICIES: dict[str, tuple[str, ...]] = {
    # Allow everything but these: as broad as AdministratorAccess for a function.
    "PowerUserAccess": ("iam:*", "organizations:*", "account:*"),
}

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


def managed_statements(name: str, path: str, resource: str, line: int | None) -> list[Statement]:
    """What an AWS managed policy grants (on every resource); [] if it is not in the table."""
    place = Place(path, resource, f"managed:{name}")
    if name in NOT_ACTION_POLICIES:
        return [Statement("Allow", (), NOT_ACTION_POLICIES[name], ("*",), place, line)]
    if name not in MANAGED_POLICIES:
        return []
    actions = MANAGED_POLICIES[name]
    return [
        Statement("Allow", actions, (), ("*",), place, line, action_lines=(line,) * len(actions))
    ]


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
