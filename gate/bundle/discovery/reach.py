"""What reaches a function: every resource of its template or Terraform module that
decides who may invoke it, through any chain (gate.model `Function.reached_by`).

A resource that does not name the function may still open it to callers: an HTTP API
route names its integration, the integration names the function; a REST API method is
served by an integration that names it; an authorizer, an API's settings and its stages
decide whether a route is reachable, and by whom. The walk starts from what names the
function itself, or an alias or version of it (a permission, a function URL, an event
source mapping, an integration: each reader finds those; `named`) and follows
`TERRAFORM_LINKS` or `TEMPLATE_LINKS`, one table a syntax, until nothing more joins.
The IaC rules take their routes, methods and URLs from it (gate.rules.iac), baselines
digest what it finds (`Function.identity`) and diff mode counts a change to any of it
as one to the function (gate.scan.diff).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal


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
)
"""Terraform's chains: a route to an integration of the chain; the method an integration
serves (named in its `http_method`, or written on the same API resource); the authorizer
a route or method names; the API of an integration, route or method, and that API's
stages, deployments and resource policy."""

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
)
"""A template's chains: a route to an integration of the chain; the authorizer a route
or method names; the API an integration, route, method or SAM event names (a SAM API's
`Auth` decides its events'), and that API's stages and deployments. A method names the
function itself (`Integration.Uri`)."""


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
