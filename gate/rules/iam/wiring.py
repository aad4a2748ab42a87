"""What Lambda itself does with a function's role, beyond the function's code: write its
logs and traces, decrypt with KMS, attach to a VPC, poll its event sources (SQS,
Kinesis, DynamoDB streams, Kafka, MQ) and send to its dead-letter queue and
destinations. A grant used this way is not "never called", whatever the code does.

The wiring is read from the function's IaC: SAM `Events`, `DeadLetterQueue`,
`EventInvokeConfig`; CloudFormation `DeadLetterConfig` and event source mappings or
invoke configs pointing at the function; serverless.yml `events`, `onError`,
`destinations`; Terraform `dead_letter_config` and related event source mappings and
invoke configs; for Chalice, any source its decorators can poll. A target whose
service cannot be told counts as every service it could be.
"""

from __future__ import annotations

import re
from typing import Any

from gate.bundle.discovery.cloudformation import logical_ids
from gate.bundle.discovery.declared import as_mapping
from gate.model import Function
from gate.rules.context import BundleContext
from gate.rules.iam.known import managed_actions

Needs = dict[str, tuple[str, ...] | None]
"""Service -> the IAM actions needed (None: used, the actions are not known)."""

_LOGS = managed_actions("AWSLambdaBasicExecutionRole")
_VPC = tuple(a for a in managed_actions("AWSLambdaVPCAccessExecutionRole") if a not in _LOGS)
RUNTIME: Needs = {
    "logs": _LOGS,
    "xray": ("xray:PutTraceSegments", "xray:PutTelemetryRecords"),
    # Keys encrypting the environment, queues, tables or objects the function uses.
    "kms": None,
}
_POLLED: Needs = {
    "sqs": tuple(a for a in managed_actions("AWSLambdaSQSQueueExecutionRole") if a not in _LOGS),
    "kinesis": tuple(a for a in managed_actions("AWSLambdaKinesisExecutionRole") if a not in _LOGS),
    "dynamodb": tuple(
        a for a in managed_actions("AWSLambdaDynamoDBExecutionRole") if a not in _LOGS
    ),
    "kafka": None,
    "mq": None,
}
_SENT: Needs = {
    "sqs": ("sqs:SendMessage",),
    "sns": ("sns:Publish",),
    "lambda": ("lambda:InvokeFunction",),
    "events": ("events:PutEvents",),
    "s3": ("s3:PutObject", "s3:ListBucket"),
}
CHALICE_POLLED = ("sqs", "kinesis", "dynamodb")
"""What Chalice's event decorators (`on_sqs_message`, `on_kinesis_record`,
`on_dynamodb_record`) make Lambda poll."""
_SAM_EVENTS = {"SQS": "sqs", "Kinesis": "kinesis", "DynamoDB": "dynamodb", "MSK": "kafka"}
_SAM_EVENTS |= {"SelfManagedKafka": "kafka", "MQ": "mq"}
_SAM_TARGETS = {"SQS": "sqs", "SNS": "sns", "Lambda": "lambda", "EventBridge": "events"}
_SAM_TARGETS |= {"S3": "s3"}
_SERVICE_TYPES = {
    "SQS::Queue": "sqs",
    "SNS::Topic": "sns",
    "Kinesis::Stream": "kinesis",
    "DynamoDB::Table": "dynamodb",
    "Lambda::Function": "lambda",
    "Serverless::Function": "lambda",
    "Events::EventBus": "events",
    "S3::Bucket": "s3",
    "MSK::Cluster": "kafka",
}
_TF_TYPES = {
    "aws_sqs_queue": "sqs",
    "aws_sns_topic": "sns",
    "aws_kinesis_stream": "kinesis",
    "aws_dynamodb_table": "dynamodb",
    "aws_lambda_function": "lambda",
    "aws_cloudwatch_event_bus": "events",
    "aws_s3_bucket": "s3",
    "aws_msk_cluster": "kafka",
}
_TF_SOURCE_MAPPINGS = ("aws_lambda_event_source_mapping", "awscc_lambda_event_source_mapping")
"""An event source Lambda polls for the function (aws, and the Cloud Control provider's:
the same `event_source_arn`)."""
_ARN_SERVICE = re.compile(r"arn:[^:]*:([a-z0-9-]+):")
_TF_REFERENCE = re.compile(r"\$\{(aws_[a-z0-9_]+)\.")


def wiring(context: BundleContext, function: Function) -> Needs:
    """What Lambda needs from the function's role for the function's own wiring."""
    needs: Needs = dict(RUNTIME)
    if function.iac == "terraform":
        _terraform(context, function, needs)
        return needs
    if function.iac == "chalice":
        # The event sources are in decorators, read by discovery only for the function's
        # name: every queue or stream Chalice polls may be this function's.
        for service in CHALICE_POLLED:
            _add(needs, _POLLED, service)
        return needs
    document = context.yaml(function.iac_file)
    data = as_mapping(document.data if document else None)
    if function.iac == "serverless":
        _serverless(data, function, needs)
    else:
        _template(as_mapping(data.get("Resources")), function, needs)
    return needs


def _add(needs: Needs, table: Needs, service: str | None) -> None:
    """One target's needs; an unknown target could be any service of `table`."""
    for name in [service] if service in table else list(table):
        if name is None:
            continue
        known = needs.get(name, ())
        extra = table[name]
        needs[name] = None if known is None or extra is None else (*known, *extra)


def _template(resources: dict[str, Any], function: Function, needs: Needs) -> None:
    logical = function.resource.split(".", 1)[1]
    props = as_mapping(as_mapping(resources.get(logical)).get("Properties"))
    kinds = {str(k): str(as_mapping(v).get("Type", "")) for k, v in resources.items()}

    def service(value: Any) -> str | None:
        found = _ARN_SERVICE.search(value) if isinstance(value, str) else None
        if found:
            return found[1]
        types = [kinds.get(r, "").removeprefix("AWS::") for r in logical_ids(value)]
        return next((_SERVICE_TYPES[t] for t in types if t in _SERVICE_TYPES), None)

    for event in as_mapping(props.get("Events")).values():
        kind = as_mapping(event).get("Type")
        if kind in _SAM_EVENTS:
            _add(needs, _POLLED, _SAM_EVENTS[str(kind)])
    queue = as_mapping(props.get("DeadLetterQueue"))
    if queue:
        _add(needs, _SENT, _SAM_TARGETS.get(str(queue.get("Type"))))
    if "DeadLetterConfig" in props:
        _add(needs, _SENT, service(as_mapping(props["DeadLetterConfig"]).get("TargetArn")))
    destinations = as_mapping(as_mapping(props.get("EventInvokeConfig")).get("DestinationConfig"))
    for target in destinations.values():
        _add(needs, _SENT, _SAM_TARGETS.get(str(as_mapping(target).get("Type"))))
    if "VpcConfig" in props:
        needs["ec2"] = _VPC
    for related in function.related:
        kind, _, name = related.partition(".")
        other = as_mapping(as_mapping(resources.get(name)).get("Properties"))
        if kind == "AWS::Lambda::EventSourceMapping":
            _add(needs, _POLLED, service(other.get("EventSourceArn")))
        elif kind == "AWS::Lambda::EventInvokeConfig":
            for target in as_mapping(other.get("DestinationConfig")).values():
                _add(needs, _SENT, service(as_mapping(target).get("Destination")))


def _serverless(data: dict[str, Any], function: Function, needs: Needs) -> None:
    spec = as_mapping(as_mapping(data.get("functions")).get(function.resource))
    for event in spec.get("events") or []:
        for kind, value in as_mapping(event).items():
            if kind == "sqs":
                _add(needs, _POLLED, "sqs")
            elif kind == "stream":
                arn = as_mapping(value).get("arn", value)
                _add(needs, _POLLED, as_mapping(value).get("type") or _arn_service(arn))
            elif kind in ("msk", "kafka", "activemq", "rabbitmq"):
                _add(needs, _POLLED, "kafka" if kind in ("msk", "kafka") else "mq")
    if "onError" in spec:
        _add(needs, _SENT, _arn_service(spec["onError"]))
    for target in as_mapping(spec.get("destinations")).values():
        arn_service = _arn_service(target)
        _add(needs, _SENT, arn_service or ("lambda" if isinstance(target, str) else None))
    provider = as_mapping(data.get("provider"))
    if spec.get("vpc") or provider.get("vpc"):
        needs["ec2"] = _VPC


def _terraform(context: BundleContext, function: Function, needs: Needs) -> None:
    from gate.rules.iam.roles_terraform import Module

    module = Module.load(context, function.iac_file)
    body = module.find(*function.resource.split(".", 1))
    if body is not None:
        for letter in body.body.get("dead_letter_config", []):
            _add(needs, _SENT, _tf_service(as_mapping(letter).get("target_arn")))
        if body.body.get("vpc_config"):
            needs["ec2"] = _VPC
    for related in function.related:
        block = module.find(*related.split(".", 1))
        if block is None:
            continue
        if block.kind in _TF_SOURCE_MAPPINGS:
            _add(needs, _POLLED, _tf_service(block.value("event_source_arn")))
        elif block.kind == "aws_lambda_function_event_invoke_config":
            for config in block.body.get("destination_config", []):
                for side in ("on_success", "on_failure"):
                    for target in as_mapping(config).get(side, []):
                        _add(needs, _SENT, _tf_service(as_mapping(target).get("destination")))


def _arn_service(value: Any) -> str | None:
    found = _ARN_SERVICE.search(value) if isinstance(value, str) else None
    return found[1] if found else None


def _tf_service(value: Any) -> str | None:
    text = str(value[0] if isinstance(value, list) and value else value)
    reference = _TF_REFERENCE.search(text)
    return _TF_TYPES.get(reference[1]) if reference else _arn_service(text)
