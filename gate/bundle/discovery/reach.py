"""What reaches a function: every resource of its template or Terraform module that
decides who may invoke it, through any chain (gate.model `Function.reached_by`).

A resource that does not name the function may still open it to callers: an HTTP API
route names its integration, the integration names the function; a REST API method is
served by an integration that names it; an authorizer, an API's settings and its stages
decide whether a route is reachable, and by whom. The walk starts from what names the
function itself, or an alias or version of it (a permission, a function URL, an event
source mapping, an integration: each reader finds those; `named`) and follows
`TERRAFORM_LINKS` or `TEMPLATE_LINKS`, one table a syntax, until nothing more joins:
API parts, and event sources both ways (a target's rule and its bus, a subscription's
topic, a mapping's queue, a permission's source, and the policies on each). It fails
closed: a resource of a kind that invokes functions (`INVOKERS`), or of any kind whose
content names a function as text (an ARN, an invoke ARN, a lookup, a function's name:
`holds_function`), that names none of the module's or template's functions by reference
may reach any of them, so every function's walk starts from it too (`untied`): a list of
invoking kinds is never complete.
The IaC rules take their routes, methods and URLs from it (gate.rules.iac), baselines
digest what it finds (`Function.identity`) and diff mode counts a change to any of it
as one to the function (gate.scan.diff).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal


@dataclass(frozen=True)
class Written:
    """One resource as the walk reads it."""

    kind: str
    """Its type: `aws_apigatewayv2_route`, `AWS::ApiGatewayV2::Route`."""
    names: Mapping[str, frozenset[str]]
    """By attribute (a top-level property), the resources of the module or template it
    names."""
    texts: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """By attribute, every text it may stand for (only `beside` links compare them)."""
    holds_function: bool = False
    """Whether its content names a Lambda function as text (`holds_function`)."""

    def named(self, attributes: Iterable[str]) -> frozenset[str]:
        """The resources any of `attributes` names."""
        return frozenset().union(*(self.names.get(a, frozenset()) for a in attributes))


@dataclass(frozen=True)
class Link:
    """How a resource of one of `kinds` joins the chain."""

    kinds: tuple[str, ...]
    attributes: tuple[str, ...]
    how: Literal["names", "named", "beside"]
    """`names`: its `attributes` name a resource of the chain (a route its integration);
    `named`: a resource of the chain names it in `attributes` (an integration its method);
    `beside`: a resource of the chain of one of `partners` writes each of `attributes`
    as it does (an integration and the method it serves, on the same API resource)."""
    partners: tuple[str, ...] = ()

    def joins(self, written: Written, chain: Mapping[str, Written], address: str) -> bool:
        """Whether `written` (at `address`) joins the chain through this link."""
        if self.how == "names":
            return bool(written.named(self.attributes) & chain.keys())
        if self.how == "named":
            return any(address in member.named(self.attributes) for member in chain.values())
        return any(
            member.kind in self.partners
            and all(
                written.texts.get(a) and written.texts.get(a) == member.texts.get(a)
                for a in self.attributes
            )
            for member in chain.values()
        )


_TF_APIS = (
    "aws_apigatewayv2_api",
    "aws_api_gateway_rest_api",
    "awscc_apigatewayv2_api",
    "awscc_apigateway_rest_api",
)
_TF_API_PARTS = (
    "aws_apigatewayv2_stage",
    "aws_apigatewayv2_deployment",
    "aws_api_gateway_stage",
    "aws_api_gateway_deployment",
    "aws_api_gateway_rest_api_policy",
    "awscc_apigatewayv2_stage",
    "awscc_apigatewayv2_deployment",
    "awscc_apigateway_stage",
    "awscc_apigateway_deployment",
)
_TF_API_ID = ("api_id", "rest_api_id")
_TF_SOURCES = (
    "aws_cloudwatch_event_rule",
    "aws_cloudwatch_event_bus",
    "aws_sns_topic",
    "aws_sqs_queue",
    "aws_s3_bucket",
    "aws_kinesis_stream",
    "aws_dynamodb_table",
    "awscc_events_rule",
    "awscc_events_event_bus",
    "awscc_sns_topic",
    "awscc_sqs_queue",
    "awscc_s3_bucket",
)
_TF_SOURCE_NAMES = (
    "rule",
    "event_bus_name",
    "topic_arn",
    "event_source_arn",
    "bucket",
    "source_arn",
    "queue_url",
)
_TF_SOURCE_POLICIES = (
    "aws_sns_topic_policy",
    "aws_sqs_queue_policy",
    "aws_s3_bucket_policy",
    "aws_cloudwatch_event_bus_policy",
    "aws_cloudwatch_event_permission",
    "awscc_sns_topic_policy",
    "awscc_sqs_queue_policy",
    "awscc_s3_bucket_policy",
)
TERRAFORM_LINKS = (
    Link(("aws_apigatewayv2_route", "awscc_apigatewayv2_route"), ("target",), "names"),
    Link(("aws_api_gateway_method", "awscc_apigateway_method"), ("http_method",), "named"),
    Link(
        ("aws_api_gateway_method",),
        ("rest_api_id", "resource_id", "http_method"),
        "beside",
        ("aws_api_gateway_integration",),
    ),
    Link(
        (
            "aws_apigatewayv2_authorizer",
            "aws_api_gateway_authorizer",
            "awscc_apigatewayv2_authorizer",
            "awscc_apigateway_authorizer",
        ),
        ("authorizer_id",),
        "named",
    ),
    Link(_TF_APIS, _TF_API_ID, "named"),
    Link(_TF_API_PARTS, _TF_API_ID, "names"),
    Link(_TF_SOURCES, _TF_SOURCE_NAMES, "named"),
    Link(_TF_SOURCE_POLICIES, ("arn", "queue_url", "bucket", "event_bus_name"), "names"),
)
"""Terraform's chains: a route to an integration of the chain; the method an integration
serves (named in its `http_method`, or written on the same API resource); the authorizer
a route or method names; the API of an integration, route or method, and that API's
stages, deployments and resource policy; the event source a target, subscription,
mapping, notification or permission names (a rule and its bus, a topic, a queue, a
bucket), and the policies on it."""

_CFN_APIS = (
    "AWS::ApiGateway::RestApi",
    "AWS::ApiGatewayV2::Api",
    "AWS::Serverless::Api",
    "AWS::Serverless::HttpApi",
)
_CFN_API_PARTS = (
    "AWS::ApiGateway::Stage",
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGatewayV2::Stage",
    "AWS::ApiGatewayV2::Deployment",
)
_CFN_API_ID = ("RestApiId", "ApiId")
TEMPLATE_LINKS = (
    Link(("AWS::ApiGatewayV2::Route",), ("Target",), "names"),
    Link(
        ("AWS::ApiGateway::Authorizer", "AWS::ApiGatewayV2::Authorizer"),
        ("AuthorizerId",),
        "named",
    ),
    Link(_CFN_APIS, (*_CFN_API_ID, "Events"), "named"),
    Link(_CFN_API_PARTS, _CFN_API_ID, "names"),
    Link(
        (
            "AWS::Events::EventBus",
            "AWS::SNS::Topic",
            "AWS::SQS::Queue",
            "AWS::S3::Bucket",
            "AWS::Kinesis::Stream",
            "AWS::DynamoDB::Table",
        ),
        ("EventBusName", "TopicArn", "EventSourceArn", "SourceArn"),
        "named",
    ),
    Link(
        (
            "AWS::Events::EventBusPolicy",
            "AWS::SNS::TopicPolicy",
            "AWS::SQS::QueuePolicy",
            "AWS::S3::BucketPolicy",
        ),
        ("EventBusName", "Topics", "Queues", "Bucket"),
        "names",
    ),
)
"""A template's chains: a route to an integration of the chain; the authorizer a route
or method names; the API an integration, route, method or SAM event names (a SAM API's
`Auth` decides its events'), and that API's stages and deployments; the event source a
rule, subscription, mapping or permission names (a bus, a topic, a queue, a bucket), and
the policies on it. A method names the function itself (`Integration.Uri`), and so do
a rule's targets, a topic's subscriptions and a bucket's notifications."""

INVOKERS: Mapping[str, tuple[str, ...]] = {
    **dict.fromkeys(
        (
            "aws_apigatewayv2_integration",
            "aws_api_gateway_integration",
            "aws_apigatewayv2_authorizer",
            "aws_api_gateway_authorizer",
            "aws_lambda_permission",
            "aws_lambda_function_url",
            "aws_lambda_event_source_mapping",
            "aws_cloudwatch_event_target",
            "aws_sns_topic_subscription",
            "aws_s3_bucket_notification",
            "aws_cloudwatch_log_subscription_filter",
            "aws_scheduler_schedule",
            "aws_pipes_pipe",
            "aws_lb_target_group_attachment",
            "awscc_apigatewayv2_integration",
            "awscc_apigateway_method",
            "awscc_apigatewayv2_authorizer",
            "awscc_apigateway_authorizer",
            "awscc_lambda_permission",
            "awscc_lambda_url",
            "awscc_lambda_event_source_mapping",
            "awscc_events_rule",
            "awscc_sns_subscription",
            "awscc_scheduler_schedule",
            "awscc_pipes_pipe",
            "AWS::ApiGatewayV2::Integration",
            "AWS::ApiGateway::Method",
            "AWS::ApiGatewayV2::Authorizer",
            "AWS::ApiGateway::Authorizer",
            "AWS::Lambda::Permission",
            "AWS::Lambda::Url",
            "AWS::Lambda::EventSourceMapping",
            "AWS::SNS::Subscription",
            "AWS::Logs::SubscriptionFilter",
            "AWS::Scheduler::Schedule",
            "AWS::Pipes::Pipe",
        ),
        (),
    ),
    **dict.fromkeys(("aws_apigatewayv2_api", "awscc_apigatewayv2_api"), ("target", "body")),
    "aws_api_gateway_rest_api": ("body",),
    "awscc_apigateway_rest_api": ("body",),
    "AWS::ApiGatewayV2::Api": ("Target", "Body", "BodyS3Location"),
    "AWS::ApiGateway::RestApi": ("Body", "BodyS3Location"),
    "AWS::Events::Rule": ("Targets",),
    "AWS::SNS::Topic": ("Subscription",),
    "AWS::S3::Bucket": ("NotificationConfiguration",),
    "awscc_sns_topic": ("subscription",),
    "awscc_s3_bucket": ("notification_configuration",),
}
"""The resource types that invoke a function, or route callers to one, each with the
attributes it does so by (none: whatever it writes): an HTTP API made by quick create
(`target`: an integration, a `$default` route with no authorization and a stage, none
written in the module) and an API defined by an OpenAPI body are among them."""

_FUNCTION_TEXT = re.compile(
    r"arn:[\w-]*:lambda:|:function:|/functions/.*/invocations|\b(?:aws|awscc)_lambda_function\."
)
"""Text that names a Lambda function: its ARN (any partition), an invoke ARN, a
Terraform lookup (`data.aws_lambda_function`) or resource reference."""


def holds_function(texts: Iterable[str], names: Collection[str] = ()) -> bool:
    """Whether any of `texts` names a Lambda function: an ARN or invoke ARN, a lookup or
    reference (`_FUNCTION_TEXT`), or one of `names` (the functions' names) written whole."""
    return any(text in names or _FUNCTION_TEXT.search(text) for text in texts)


def texts_of(value: Any) -> Iterator[str]:
    """Every text in `value` (a parsed property: mappings, lists, scalars), keys left out."""
    if isinstance(value, Mapping):
        for item in value.values():
            yield from texts_of(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from texts_of(item)
    elif isinstance(value, str):
        yield value


STAND_INS = (
    "aws_lambda_alias",
    "awscc_lambda_alias",
    "awscc_lambda_version",
    "AWS::Lambda::Alias",
    "AWS::Lambda::Version",
)
"""An alias or version of a function stands for it: what names one (a permission, an
integration's URI, an event source mapping) invokes the function."""


def named(
    function: str, naming: Callable[[set[str]], set[str]], kinds: Mapping[str, str]
) -> set[str]:
    """Where the walk starts: the function, its aliases and versions (`STAND_INS`), and
    what names any of them (`naming`: the resources that name one of a set); `kinds`
    gives each resource's type."""
    own = {function} | {r for r in naming({function}) if kinds.get(r) in STAND_INS}
    return own | naming(own)


def untied(starts: Iterable[set[str]], resources: Mapping[str, Written]) -> set[str]:
    """The resources that may invoke a function (`INVOKERS`), or whose content names one
    (`Written.holds_function`), but join no function's walk (`starts`: where each
    function's walk starts, `named`): one that names a function by what the gate does
    not tie to it (a literal ARN, a lookup, a module's output) may reach any function of
    the module or template, so each one's walk starts from these too."""
    tied = set().union(*starts)
    return {
        a
        for a, written in resources.items()
        if a not in tied and (written.holds_function or invokes(written))
    }


def invokes(written: Written) -> bool:
    """Whether the resource is of a kind that invokes functions (`INVOKERS`), by one of
    the attributes that do."""
    if written.kind not in INVOKERS:
        return False
    by = INVOKERS[written.kind]
    return not by or any(attribute in written.names for attribute in by)


def reaching(
    start: Iterable[str], resources: Mapping[str, Written], links: Iterable[Link]
) -> set[str]:
    """The resources joined to `start` (the function and what names it: `named`)
    through `links`, `start` included."""
    chain = {address: resources[address] for address in start if address in resources}
    chain.update({a: Written("", {}) for a in start if a not in chain})
    links = tuple(links)
    grown = True
    while grown:
        grown = False
        for address, written in resources.items():
            if address in chain:
                continue
            if any(
                link.joins(written, chain, address) for link in links if written.kind in link.kinds
            ):
                chain[address] = written
                grown = True
    return set(chain)
