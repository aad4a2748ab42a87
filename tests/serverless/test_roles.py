"""What a function's role is granted, read from SAM, CloudFormation, serverless.yml and
Terraform: every statement with the file, line and resource (as checkov names it) where
it is written, and the policies the gate does not know."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gate.bundle.discovery.bundle import discover
from gate.rules.context import BundleContext
from gate.rules.iam.policy import Grants
from gate.rules.iam.roles import grants
from tests.conftest import ASSETS
from tests.test_discovery import write

IAM = ASSETS / "iam"
HANDLER = "def handler(event, context):\n    return 1\n"
SAM_FUNCTION = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
"""
SERVERLESS_SERVICE = """\
service: s
provider:
  name: aws
  runtime: python3.12
"""
BASIC_EXECUTION = ("logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents")
TF_FUNCTION = """
resource "aws_lambda_function" "f" {{
  function_name = "f"
  role          = {role}
  filename      = "src"
  handler       = "app.handler"
  runtime       = "python3.12"
}}
"""


def context_of(root: Path) -> BundleContext:
    found = discover(root, "b")
    return BundleContext("b", root, root, found.functions)


def template_role(name: str, statement: str, indent: int = 2) -> str:
    """An `AWS::IAM::Role` resource with one inline policy of one statement."""
    text = f"""\
{name}:
  Type: AWS::IAM::Role
  Properties:
    Policies:
      - PolicyName: p
        PolicyDocument:
          Statement:
            - {statement}
"""
    return textwrap.indent(text, " " * indent)


def serverless_bundle(root: Path, text: str) -> Path:
    """A serverless.yml service whose provider goes on with `text`, and handler.py."""
    return write(root, {"serverless.yml": SERVERLESS_SERVICE + text, "handler.py": HANDLER})


def sam_bundle(root: Path, properties: str = "", code: str = HANDLER, **files: str) -> Path:
    """A SAM function `Fn` with more `properties` (as indented in the template), its
    code in src/app.py, and other files."""
    return write(root, {"template.yaml": SAM_FUNCTION + properties, "src/app.py": code, **files})


def grants_of(root: Path) -> dict[str, Grants]:
    context = context_of(root)
    return {f.name: grants(context, f) for f in context.functions}


def summary(granted: Grants) -> list[tuple[str, tuple[str, ...], str, int | None, str]]:
    """(effect, actions, resource, line, origin) of each statement."""
    return [
        (s.effect, s.actions or s.not_actions, s.place.resource, s.line, s.place.origin)
        for s in granted.statements
    ]


def test_sam_inline_statements_are_the_function_resource() -> None:
    granted = grants_of(IAM / "sam-inline-wildcard")["OrdersFunction"]
    resource = "AWS::Serverless::Function.OrdersFunction"
    assert summary(granted) == [("Allow", ("dynamodb:*",), resource, 28, "inline")]
    assert granted.statements[0].resources == ("OrdersTable.Arn",)
    assert granted.statements[0].line_of("dynamodb:*") == 29
    assert granted.unknown == ()


def test_sam_policy_templates_and_managed_names_expand_from_the_tables() -> None:
    granted = grants_of(IAM / "sam-policy-templates")["ImportFunction"]
    origins = [s.place.origin for s in granted.statements]
    assert origins == [
        "managed:AWSLambdaBasicExecutionRole",
        "sam:S3ReadPolicy",
        "sam:DynamoDBCrudPolicy",
        "sam:SQSSendMessagePolicy",
    ]
    actions = {a for s in granted.statements for a in s.actions}
    assert {"s3:GetObject", "dynamodb:PutItem", "sqs:SendMessage*"} <= actions
    assert [s.line for s in granted.statements] == [28, 29, 31, 33]


def test_unknown_sam_templates_and_customer_policies_are_unknown(tmp_path: Path) -> None:
    sam_bundle(
        tmp_path,
        """\
      Policies:
        - RekognitionLabelsPolicy: {}
        - arn:aws:iam::123456789012:policy/team-policy
        - AmazonS3FullAccess
""",
    )
    granted = grants_of(tmp_path)["Fn"]
    assert granted.unknown == (
        "SAM policy template RekognitionLabelsPolicy",
        "managed policy 'arn:aws:iam::123456789012:policy/team-policy'",
    )
    assert summary(granted) == [
        (
            "Allow",
            ("s3:*", "s3-object-lambda:*"),
            "AWS::Serverless::Function.Fn",
            12,
            "managed:AmazonS3FullAccess",
        )
    ]


def test_cloudformation_role_inline_managed_and_attached_policies() -> None:
    granted = grants_of(IAM / "cfn-role-policies")["Worker"]
    assert granted.role == "template.yaml:AWS::IAM::Role.WorkerRole"
    assert summary(granted) == [
        ("Allow", ("sqs:*",), "AWS::IAM::Role.WorkerRole", 23, "inline"),
        (
            "Allow",
            BASIC_EXECUTION,
            "AWS::IAM::Role.WorkerRole",
            16,
            "managed:AWSLambdaBasicExecutionRole",
        ),
        (
            "Allow",
            ("dynamodb:PutItem",),
            "AWS::IAM::ManagedPolicy.WorkerManagedPolicy",
            46,
            "inline",
        ),
        ("Allow", ("*",), "AWS::IAM::Policy.WorkerPolicy", 36, "inline"),
    ]


def test_sam_function_with_a_template_role_uses_the_role(tmp_path: Path) -> None:
    sam_bundle(
        tmp_path,
        """\
      Role: !GetAtt Role.Arn
      Policies: [AdministratorAccess]
  Other:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src/, Handler: app.handler, Runtime: python3.12, Role: arn:role}
"""
        + template_role("Role", '{Effect: Allow, Action: [s3:GetObject], Resource: "*"}'),
    )
    granted = grants_of(tmp_path)
    # SAM ignores Policies when Role is given.
    assert summary(granted["Fn"]) == [
        ("Allow", ("s3:GetObject",), "AWS::IAM::Role.Role", 21, "inline")
    ]
    assert granted["Other"].statements == ()
    assert granted["Other"].unknown == ("role 'arn:role' (not in this file)",)


def test_serverless_v3_statements_are_reported_per_function() -> None:
    granted = grants_of(IAM / "serverless-v3-wildcard")["resize"]
    assert granted.role == "serverless.yml:provider"
    assert [(s.actions, s.place.resource, s.line_of(s.actions[0])) for s in granted.statements] == [
        (("s3:*",), "resize", 12),
        (("dynamodb:PutItem",), "resize", 16),
    ]


def test_serverless_legacy_statements_are_shared_by_every_function() -> None:
    granted = grants_of(IAM / "serverless-legacy")
    assert granted["nightly"].role == granted["weekly"].role
    assert [s.place.resource for g in granted.values() for s in g.statements] == [
        "nightly",
        "weekly",
    ]


def test_serverless_per_function_statements_and_custom_roles(tmp_path: Path) -> None:
    serverless_bundle(
        tmp_path,
        """\
  iam:
    role:
      statements:
        - {Effect: Allow, Action: sqs:SendMessage, Resource: "*"}
      managedPolicies:
        - arn:aws:iam::aws:policy/AmazonSNSFullAccess
functions:
  own:
    handler: handler.handler
    iamRoleStatements:
      - {Effect: Allow, Action: [s3:GetObject], Resource: "*"}
  inherits:
    handler: handler.handler
    iamRoleStatementsInherit: true
    iamRoleStatements:
      - {Effect: Allow, Action: [s3:PutObject], Resource: "*"}
  custom:
    handler: handler.handler
    role: CustomRole
resources:
  Resources:
"""
        + template_role("CustomRole", '{Effect: Allow, Action: "kinesis:*", Resource: "*"}', 4),
    )
    granted = grants_of(tmp_path)
    assert [s.actions for s in granted["own"].statements] == [("s3:GetObject",)]
    assert granted["own"].role == "serverless.yml:own"
    assert granted["inherits"].role == "serverless.yml:inherits"
    # AmazonSNSFullAccess, as AWS writes it: sns:* and the SMS voice actions beside it.
    assert [s.actions[0] for s in granted["inherits"].statements] == [
        "s3:PutObject",
        "sqs:SendMessage",
        "sns:*",
    ]
    assert summary(granted["custom"]) == [
        ("Allow", ("kinesis:*",), "AWS::IAM::Role.CustomRole", 33, "inline")
    ]


def test_terraform_jsonencode_heredoc_documents_and_attachments() -> None:
    granted = grants_of(IAM / "terraform-policies")["aws_lambda_function.worker"]
    assert granted.role == "main.tf:aws_iam_role.worker"
    assert summary(granted) == [
        ("Allow", ("sqs:*",), "aws_iam_role.worker", 27, "inline"),
        ("Allow", ("s3:*",), "aws_iam_role_policy.storage", 41, "inline"),
        ("Allow", ("dynamodb:PutItem",), "aws_iam_role_policy.storage", 46, "inline"),
        ("Allow", ("events:*",), "aws_iam_policy_document.events", 78, "inline"),
        ("Allow", ("*",), "aws_iam_policy.admin", 59, "inline"),
        (
            "Allow",
            BASIC_EXECUTION,
            "aws_iam_role_policy_attachment.basic",
            72,
            "managed:AWSLambdaBasicExecutionRole",
        ),
    ]
    assert granted.statements[2].resources == ("${aws_dynamodb_table.work.arn}",)
    assert granted.unknown == ()  # a role without managed_policy_arns has none, not 'None'


def test_terraform_policies_the_gate_cannot_read_are_unknown(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": """\
resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = "{}"
  managed_policy_arns = ["arn:aws:iam::aws:policy/NoSuchPolicyByAws", var.extra_policy]
}

resource "aws_iam_role_policy" "templated" {
  role   = aws_iam_role.r.name
  policy = templatefile("${path.module}/policy.tpl", {})
}

resource "aws_iam_role_policy" "from_file" {
  role   = "r"
  policy = file("${path.module}/policy.json")
}

"""
            + TF_FUNCTION.format(role="aws_iam_role.r.arn"),
            "policy.json": '{"Statement": [{"Effect": "Allow", "Action": "sns:Publish", '
            '"Resource": "*"}]}',
            "src/app.py": HANDLER,
        },
    )
    granted = grants_of(tmp_path)["aws_lambda_function.f"]
    variable, templated, read = granted.statements
    assert read.actions == ("sns:Publish",)
    assert read.place.resource == "aws_iam_role_policy.from_file"
    # A policy the gate cannot read is a statement that says so (reported, high), not
    # a silent unknown: it may grant anything. So is an ARN the caller sets.
    assert templated.place.resource == "aws_iam_role_policy.templated"
    assert templated.unreadable is not None and "templatefile" in templated.unreadable
    assert variable.place.resource == "aws_iam_role.r"
    assert variable.unreadable is not None and "${var.extra_policy}" in variable.unreadable
    assert granted.unknown == ("AWS managed policy NoSuchPolicyByAws",)


def test_terraform_role_outside_the_module_is_unknown(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "main.tf": TF_FUNCTION.format(role="var.role_arn"),
            "src/app.py": HANDLER,
        },
    )
    granted = grants_of(tmp_path)["aws_lambda_function.f"]
    assert granted.statements == ()
    assert granted.unknown == ("role '${var.role_arn}' (not in this module)",)


@pytest.mark.parametrize("override", ["override.tf", "a_override.tf"])
def test_terraform_override_file_merges_into_the_policy_it_overrides(
    tmp_path: Path, override: str
) -> None:
    """An override file that moves a policy to the function's role (its `role` alone):
    Terraform merges it into the policy main.tf writes, so the function has its grants."""
    roles = "".join(
        f'resource "aws_iam_role" "{name}" {{\n  name = "{name}"\n'
        '  assume_role_policy = "{}"\n}\n'
        for name in ("r", "other")
    )
    policy = (
        'resource "aws_iam_role_policy" "p" {\n  role = aws_iam_role.other.name\n'
        '  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "iam:*",'
        ' Resource = "*" }] })\n}\n'
    )
    function = TF_FUNCTION.format(role="aws_iam_role.r.arn")
    moved = 'resource "aws_iam_role_policy" "p" {\n  role = aws_iam_role.r.name\n}\n'
    write(tmp_path, {"main.tf": roles + policy + function, override: moved, "src/app.py": HANDLER})
    granted = grants_of(tmp_path)["aws_lambda_function.f"]
    assert [(s.actions, s.place.resource) for s in granted.statements] == [
        (("iam:*",), "aws_iam_role_policy.p")
    ]


def _role(name: str, action: str) -> str:
    """An `aws_iam_role` with one inline policy allowing `action` on everything."""
    return (
        f'resource "aws_iam_role" "{name}" {{\n  name = "{name}"\n  assume_role_policy = "{{}}"\n'
        f'  inline_policy {{\n    name = "p"\n    policy = jsonencode({{ Statement = [{{ '
        f'Effect = "Allow", Action = "{action}", Resource = "*" }}] }})\n  }}\n}}\n'
    )


def test_terraform_module_call_argument_is_read_with_its_override(tmp_path: Path) -> None:
    """An override file's `module` block (no `source`) passes the role the called
    module's function gets: Terraform merges it into the call main.tf writes."""
    call = 'module "fn" {\n  source = "./fn"\n  role_arn = aws_iam_role.plain.arn\n}\n'
    write(
        tmp_path,
        {
            "main.tf": _role("admin", "iam:*") + _role("plain", "s3:GetObject") + call,
            "fn_override.tf": 'module "fn" {\n  role_arn = aws_iam_role.admin.arn\n}\n',
            "fn/main.tf": 'variable "role_arn" {}\n' + TF_FUNCTION.format(role="var.role_arn"),
            "fn/src/app.py": HANDLER,
        },
    )
    (granted,) = grants_of(tmp_path).values()
    assert [s.actions for s in granted.statements] == [("iam:*",)]


def test_terraform_module_source_is_read_with_its_override(tmp_path: Path) -> None:
    """An override file's `module` block changes the call's `source`: the role is the
    output of the module it names."""
    output = 'output "role_arn" {\n  value = aws_iam_role.r.arn\n}\n'
    write(
        tmp_path,
        {
            "main.tf": 'module "iam" {\n  source = "./plain"\n}\n'
            + TF_FUNCTION.format(role="module.iam.role_arn"),
            "iam_override.tf": 'module "iam" {\n  source = "./admin"\n}\n',
            "plain/main.tf": _role("r", "s3:GetObject") + output,
            "admin/main.tf": _role("r", "iam:*") + output,
            "src/app.py": HANDLER,
        },
    )
    granted = grants_of(tmp_path)["aws_lambda_function.f"]
    assert [s.actions for s in granted.statements] == [("iam:*",)]


def test_terraform_module_output_is_read_with_its_override(tmp_path: Path) -> None:
    """An override file's `output` block with no `value` (a description alone) keeps
    the value the module's own block gives it, as Terraform merges it."""
    output = 'output "role_arn" {\n  value = aws_iam_role.r.arn\n}\n'
    write(
        tmp_path,
        {
            "main.tf": 'module "iam" {\n  source = "./iam"\n}\n'
            + TF_FUNCTION.format(role="module.iam.role_arn"),
            "iam/main.tf": _role("r", "iam:*") + output,
            "iam/outputs_override.tf": 'output "role_arn" {\n  description = "the role"\n}\n',
            "src/app.py": HANDLER,
        },
    )
    granted = grants_of(tmp_path)["aws_lambda_function.f"]
    assert [s.actions for s in granted.statements] == [("iam:*",)]
