"""The IaC gap rules (GATE-IAC-010..017) on small bundles of every syntax, each with the
gap and its well-built counterpart (tests/assets/iac/README.md lists them)."""

from __future__ import annotations

import datetime
import shutil
import zipfile
from pathlib import Path

import pytest

from gate.bundle.discovery.bundle import discover
from gate.model import Absorbs
from gate.rules import iac
from gate.rules.context import BundleContext
from gate.rules.findings import RawFinding
from tests.conftest import ASSETS, EXAMPLES

IAC = ASSETS / "iac"
TODAY = datetime.date(2026, 11, 29)


def check(root: Path, today: datetime.date = TODAY) -> list[RawFinding]:
    found = discover(root, root.name)
    return iac.check(BundleContext(root.name, root, root, found.functions), today=today)


def rules(root: Path) -> set[tuple[str, str | None]]:
    """(rule, resource) of every finding: what fired where, and so what did not."""
    return {(f.rule_id, f.resource) for f in check(root)}


def one(findings: list[RawFinding], rule_id: str, resource: str | None) -> RawFinding:
    matching = [f for f in findings if f.rule_id == rule_id and f.resource == resource]
    assert len(matching) == 1, (rule_id, resource, findings)
    return matching[0]


def test_well_built_examples_have_no_gaps() -> None:
    assert check(EXAMPLES / "orders-api-secure") == []
    assert check(IAC / "serverless-good") == []
    assert check(IAC / "terraform-good") == []


def test_sam_function_url_without_auth() -> None:
    findings = check(IAC / "sam-url-none")
    resource = "AWS::Serverless::Function.StatusFunction"
    assert {(f.rule_id, f.resource) for f in findings} == {
        ("GATE-IAC-010", resource),
        ("GATE-IAC-017", resource),
    }
    url = one(findings, "GATE-IAC-010", resource)
    assert (url.path, url.line) == ("template.yaml", 15)  # the AuthType line
    assert url.anchor == f"{resource}#function-url-auth-none"
    assert url.severity is None  # the catalogue's: high, which blocks by default
    assert "StatusFunction" in url.message and "AWS_IAM" in url.message
    assert url.merges == ()  # checkov has no check of SAM's FunctionUrlConfig
    concurrency = one(findings, "GATE-IAC-017", resource)
    assert concurrency.merges == (
        Absorbs("checkov", ("CKV_AWS_115",), "template.yaml", None, resource),
    )


def test_sam_urls_and_api_events() -> None:
    def fn(name: str) -> str:
        return f"AWS::Serverless::Function.{name}"

    assert rules(IAC / "sam-endpoints") == {
        ("GATE-IAC-010", fn("PublicUrlFunction")),
        ("GATE-IAC-013", fn("PublicUrlFunction")),  # python3.9
        ("GATE-IAC-015", fn("PublicUrlFunction")),
        ("GATE-IAC-017", fn("PublicUrlFunction")),
        # Implicit API and an HttpApi without a default authorizer; not the OPTIONS event.
        ("GATE-IAC-011", fn("OpenApiFunction")),
        ("GATE-IAC-016", fn("OpenApiFunction")),  # 60 s behind API Gateway
        # The default authorizer covers two events; `Authorizer: NONE` opts one out.
        ("GATE-IAC-011", fn("AuthorizedApiFunction")),
        ("GATE-IAC-014", fn("AuthorizedApiFunction")),  # nodejs22.x, due 2027-04-30
        # A private API is not public, but API Gateway's timeout still applies.
        ("GATE-IAC-016", fn("PrivateApiFunction")),
    }
    findings = check(IAC / "sam-endpoints")
    api = sorted(f.message.split(" reaches")[0] for f in findings if f.rule_id == "GATE-IAC-011")
    assert api == [
        "AuthorizedApiFunction: event Health (GET /health)",
        "OpenApiFunction: event AddItem (POST /items)",
        "OpenApiFunction: event ListItems (GET /items)",
    ]


def test_sam_globals_are_merged_as_sam_merges_them() -> None:
    findings = check(IAC / "sam-globals")
    award = "AWS::Serverless::Function.AwardFunction"
    redeem = "AWS::Serverless::Function.RedeemFunction"
    assert {(f.rule_id, f.resource) for f in findings} == {
        ("GATE-IAC-010", award),  # FunctionUrlConfig from Globals
        ("GATE-IAC-013", award),  # python3.10 from Globals
        ("GATE-IAC-016", award),  # Timeout 45 from Globals, implicit API
        ("GATE-IAC-015", redeem),  # Tracing: Disabled over the Globals' Active
        ("GATE-IAC-012", None),  # the Globals' token, shared
    }
    # Findings on a value from Globals point at the Globals' line.
    assert one(findings, "GATE-IAC-013", award).line == 7
    assert one(findings, "GATE-IAC-010", award).line == 11
    secret = one(findings, "GATE-IAC-012", None)
    assert secret.line == 14
    assert secret.anchor == "Globals.Function#env:LOYALTY_API_TOKEN"
    # RedeemFunction sets its own LOYALTY_API_TOKEN (a !Ref): only AwardFunction inherits.
    assert "inherited by AwardFunction)" in secret.message
    assert [m.resource for m in secret.merges] == [award, None]


def test_cloudformation_urls_methods_and_routes() -> None:
    findings = check(IAC / "cfn-endpoints")
    function = "AWS::Lambda::Function.PublicFunction"
    assert {(f.rule_id, f.resource) for f in findings} == {
        ("GATE-IAC-010", "AWS::Lambda::Url.PublicUrl"),
        ("GATE-IAC-011", "AWS::ApiGateway::Method.PricesGet"),
        ("GATE-IAC-011", function),  # the HTTP API route points at the integration
        ("GATE-IAC-012", function),  # a URL with a password
        ("GATE-IAC-013", function),  # python3.8
        ("GATE-IAC-015", function),
        ("GATE-IAC-017", function),
    }
    url = one(findings, "GATE-IAC-010", "AWS::Lambda::Url.PublicUrl")
    assert url.merges == (
        Absorbs("checkov", ("CKV_AWS_258",), "template.yaml", None, "AWS::Lambda::Url.PublicUrl"),
    )
    method = one(findings, "GATE-IAC-011", "AWS::ApiGateway::Method.PricesGet")
    assert method.merges[0].rule_ids == ("CKV_AWS_59",)
    assert one(findings, "GATE-IAC-012", function).severity == "critical"


def test_serverless_framework_urls_events_and_provider_defaults() -> None:
    findings = check(IAC / "serverless-gaps")
    assert {(f.rule_id, f.resource) for f in findings} == {
        ("GATE-IAC-010", "publicUrl"),  # url: true
        ("GATE-IAC-010", "corsUrl"),  # url: {cors: true} has no authorizer
        ("GATE-IAC-011", "openApi"),  # http and httpApi without an authorizer
        ("GATE-IAC-011", "authorizedApi"),  # private: true is an API key, not auth
        ("GATE-IAC-012", "openApi"),  # a Stripe live key
        ("GATE-IAC-012", None),  # provider.environment
        ("GATE-IAC-016", "openApi"),
        ("GATE-IAC-017", "publicUrl"),
        ("GATE-IAC-017", "openApi"),
        ("GATE-IAC-017", "authorizedApi"),
        # provider.runtime: one problem, one finding naming the functions that share it
        ("GATE-IAC-013", None),
        *{("GATE-IAC-015", name) for name in ("publicUrl", "corsUrl", "openApi", "authorizedApi")},
    }
    assert len([f for f in findings if f.rule_id == "GATE-IAC-011"]) == 3
    runtime = one(findings, "GATE-IAC-013", None)
    assert runtime.functions == ("publicUrl", "corsUrl", "openApi", "authorizedApi")
    assert runtime.message.startswith("publicUrl, corsUrl, openApi, authorizedApi (a setting")
    shared = one(findings, "GATE-IAC-012", None)
    assert shared.line == 10
    # openApi overrides the variable with an SSM reference, so it does not inherit it.
    assert "(inherited by publicUrl, corsUrl, iamUrl, authorizedApi)" in shared.message
    own = one(findings, "GATE-IAC-012", "openApi")
    assert own.merges[0] == Absorbs("checkov", ("CKV_AWS_41",), "serverless.yml", None, "openApi")
    assert one(findings, "GATE-IAC-016", "openApi").line == 33  # the function's timeout


def test_terraform_urls_methods_and_routes_across_files() -> None:
    findings = check(IAC / "terraform-gaps")
    function = "aws_lambda_function.alerts"
    assert {(f.rule_id, f.resource, f.path, f.line) for f in findings} == {
        ("GATE-IAC-010", "aws_lambda_function_url.alerts", "main.tf", 32),
        ("GATE-IAC-011", function, "api.tf", 15),  # the method's `authorization`
        ("GATE-IAC-011", function, "api.tf", 39),  # the route, which has no authorization
        ("GATE-IAC-012", function, "main.tf", 23),  # a Slack token; var.* is not judged
        ("GATE-IAC-013", function, "main.tf", 14),  # nodejs18.x
        ("GATE-IAC-015", function, "main.tf", 11),
        ("GATE-IAC-016", function, "main.tf", 17),
        ("GATE-IAC-017", function, "main.tf", 11),  # -1 is no reservation
    }
    absorbed = {m.resource: m.rule_ids for f in findings for m in f.merges if m.resource}
    assert absorbed["aws_api_gateway_method.post_alert"] == ("CKV_AWS_59", "CKV2_AWS_70")
    assert absorbed["aws_apigatewayv2_route.list_alerts"] == ("CKV_AWS_309",)
    tracing = one(findings, "GATE-IAC-015", function)
    assert tracing.merges == (Absorbs("checkov", ("CKV_AWS_50",), "main.tf", None, function),)


def test_an_awscc_function_s_url_without_auth_is_a_gap(tmp_path: Path) -> None:
    """The Cloud Control provider's function and URL are judged as the aws ones."""
    (tmp_path / "main.tf").write_text(
        'resource "awscc_lambda_function" "fn" {\n  role = "arn:aws:iam::1:role/r"\n'
        '  handler = "index.handler"\n  runtime = "python3.12"\n'
        '  code = { zip_file = "def handler(e, c):\\n    return 1\\n" }\n'
        '  tracing_config = { mode = "Active" }\n}\n'
        'resource "awscc_lambda_url" "u" {\n  target_function_arn = awscc_lambda_function.fn.arn\n'
        '  auth_type = "NONE"\n}\n',
        encoding="utf-8",
    )
    fired = {(f.rule_id, f.resource, f.line) for f in check(tmp_path)}
    assert ("GATE-IAC-010", "awscc_lambda_url.u", 10) in fired
    assert not any(rule == "GATE-IAC-015" for rule, _, _ in fired)


@pytest.mark.parametrize("override", ["override.tf", "z_override.tf", "a_override.tf"])
def test_an_override_file_merges_into_the_block_it_overrides(tmp_path: Path, override: str) -> None:
    """An override file's block sets only what it names (Terraform merges it into the
    original, override files last): the URL stays open, judged at its own line."""
    (tmp_path / "main.tf").write_text(
        'resource "aws_lambda_function" "fn" {\n  role = "arn:aws:iam::1:role/r"\n'
        '  handler = "index.handler"\n  runtime = "python3.12"\n  filename = "fn.zip"\n'
        '  tracing_config {\n    mode = "Active"\n  }\n}\n'
        'resource "aws_lambda_function_url" "u" {\n  function_name = aws_lambda_function.fn.arn\n'
        '  authorization_type = "NONE"\n}\n',
        encoding="utf-8",
    )
    with zipfile.ZipFile(tmp_path / "fn.zip", "w") as archive:
        archive.writestr("index.py", "def handler(e, c):\n    return 1\n")
    (tmp_path / override).write_text(
        'resource "aws_lambda_function_url" "u" {\n  qualifier = "live"\n}\n', encoding="utf-8"
    )
    fired = {(f.rule_id, f.resource, f.path, f.line) for f in check(tmp_path)}
    assert ("GATE-IAC-010", "aws_lambda_function_url.u", "main.tf", 12) in fired


@pytest.mark.parametrize("reaching", ["method-by-a-literal", "route-to-an-alias"])
def test_what_reaches_a_terraform_function_without_naming_it_is_judged(
    tmp_path: Path, reaching: str
) -> None:
    """The rules take what reaches a function from discovery's walk (gate.bundle.discovery
    .reach): a REST method an integration serves by writing its `http_method` as a
    literal, and an HTTP API route to an integration of the function's alias, open, are
    routes without an authorizer, as when the integration names them or the function."""
    from tests.test_discovery import ALIAS_TF, OPS_TF, REST_TF, rest_method, tf_route

    api = REST_TF + rest_method("NONE") if reaching.startswith("method") else ""
    alias = ALIAS_TF + tf_route("NONE", "live") if reaching.startswith("route") else ""
    (tmp_path / "main.tf").write_text(OPS_TF + api + alias, encoding="utf-8")
    fired = {(f.rule_id, f.resource) for f in check(tmp_path)}
    assert ("GATE-IAC-011", "aws_lambda_function.ops") in fired


@pytest.mark.parametrize(
    "target",
    [
        "aws_lambda_function.ops.arn",
        '"arn:aws:lambda:us-east-1:123456789012:function:ops"',
        "data.aws_lambda_function.ops.arn",
    ],
)
def test_a_terraform_api_made_by_quick_create_is_a_route_without_an_authorizer(
    tmp_path: Path, target: str
) -> None:
    """Review 60 class 5: an HTTP API's quick-create `target` makes API Gateway add a
    route with no authorization; however the target names the function (a reference,
    a literal ARN, a lookup), the API is judged as such a route, at its `target`, and
    makes the function a public endpoint (GATE-IAC-017: no reserved concurrency)."""
    from tests.test_discovery import LOOKUP_TF, OPS_ONLY, tf_quick_api

    quick = tf_quick_api(f"target = {target}")
    (tmp_path / "main.tf").write_text(OPS_ONLY + LOOKUP_TF + quick, encoding="utf-8")
    every = check(tmp_path)
    assert "GATE-IAC-017" in {f.rule_id for f in every}
    findings = [f for f in every if f.rule_id == "GATE-IAC-011"]
    assert [(f.resource, f.line) for f in findings] == [("aws_lambda_function.ops", 16)]
    assert "aws_apigatewayv2_api.quick (quick create: $default)" in findings[0].message


@pytest.mark.parametrize("target", ["!GetAtt Ops.Arn", "arn:aws:lambda:us-east-1:1:function:ops"])
def test_a_template_api_made_by_quick_create_is_a_route_without_an_authorizer(
    tmp_path: Path, target: str
) -> None:
    """The same in a template: `AWS::ApiGatewayV2::Api` with a `Target`."""
    from tests.test_discovery import CFN_QUICK, TEMPLATE

    text = TEMPLATE.split("  Http:")[0] + CFN_QUICK % target
    (tmp_path / "template.yaml").write_text(text, encoding="utf-8")
    findings = [f for f in check(tmp_path) if f.rule_id == "GATE-IAC-011"]
    assert [(f.resource, f.line) for f in findings] == [("AWS::Lambda::Function.Ops", 12)]
    assert "AWS::ApiGatewayV2::Api Quick (quick create: $default)" in findings[0].message


def test_runtime_rules_judge_against_the_given_day() -> None:
    bundle = IAC / "sam-endpoints"
    public = "AWS::Serverless::Function.PublicUrlFunction"

    def runtime_rules(day: datetime.date) -> set[str]:
        return {
            f.rule_id
            for f in check(bundle, day)
            if f.resource == public and f.rule_id in ("GATE-IAC-013", "GATE-IAC-014")
        }

    # python3.9 is deprecated on 2025-12-15.
    assert runtime_rules(datetime.date(2025, 1, 1)) == set()
    assert runtime_rules(datetime.date(2025, 7, 1)) == {"GATE-IAC-014"}
    assert runtime_rules(datetime.date(2025, 12, 15)) == {"GATE-IAC-013"}
    upcoming = one(check(bundle, datetime.date(2025, 7, 1)), "GATE-IAC-014", public)
    assert "2025-12-15, in 167 days" in upcoming.message
    assert "python3.14" in upcoming.message


def test_anchors_survive_lines_moving(tmp_path: Path) -> None:
    bundle = tmp_path / "moved"
    shutil.copytree(IAC / "sam-endpoints", bundle)
    template = bundle / "template.yaml"
    template.write_text("# moved down\n\n" + template.read_text(), encoding="utf-8")
    before = {(f.rule_id, f.anchor): f.line for f in check(IAC / "sam-endpoints")}
    after = {(f.rule_id, f.anchor): f.line for f in check(bundle)}
    assert before.keys() == after.keys()
    assert all(after[key] == line + 2 for key, line in before.items() if line is not None)
    assert len({anchor for _, anchor in before}) == len(before)


def test_unreadable_iac_reports_nothing(tmp_path: Path) -> None:
    bundle = tmp_path / "gone"
    shutil.copytree(IAC / "sam-url-none", bundle)
    found = discover(bundle, "gone")
    (bundle / "template.yaml").unlink()
    context = BundleContext("gone", bundle, bundle, found.functions)
    assert iac.check(context, today=TODAY) == []
