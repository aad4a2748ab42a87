"""Least privilege: a role's grants against its functions' boto3 calls and Lambda's own
needs (GATE-SLS-010 unused services, GATE-SLS-011 narrowed wildcards, GATE-SLS-012 not
checked)."""

from __future__ import annotations

from pathlib import Path

from gate.rules import iam
from gate.rules.findings import RawFinding
from tests.serverless.test_roles import (
    IAM,
    context_of,
    sam_bundle,
    serverless_bundle,
    template_role,
)
from tests.test_discovery import write


def least(root: Path) -> list[RawFinding]:
    return [f for f in iam.check(context_of(root)) if f.rule_id.startswith("GATE-SLS-")]


def test_done_when_sqs_unused_and_the_minimal_statement() -> None:
    unused, narrowed = least(IAM / "least-privilege")
    resource = "AWS::Serverless::Function.IngestFunction"
    assert (unused.rule_id, unused.line, unused.resource) == ("GATE-SLS-010", 21, resource)
    assert "is granted sqs:*, but no sqs call was found in its code (src/app.py)" in unused.message
    assert unused.anchor == f"{resource} unused sqs sqs:*"
    assert (narrowed.rule_id, narrowed.line, narrowed.path) == ("GATE-SLS-011", 19, "template.yaml")
    assert "s3:GetObject (src/app.py:12)" in narrowed.message
    assert "dynamodb:PutItem (src/app.py:13)" in narrowed.message
    minimal = '{Effect: Allow, Action: [dynamodb:PutItem, s3:GetObject], Resource: "*"}'
    assert f"Minimal statement: {minimal}" in narrowed.message
    assert "sqs never called (GATE-SLS-010)" in narrowed.message
    assert unused.severity is None  # the catalogue's: medium


def test_exact_grants_and_policy_templates_pass() -> None:
    assert least(IAM / "exact-actions") == []
    assert least(IAM / "sam-policy-templates") == []


def test_terraform_suggestion_is_json() -> None:
    findings = {(f.rule_id, f.resource): f for f in least(IAM / "terraform-policies")}
    storage = findings[("GATE-SLS-011", "aws_iam_role_policy.storage")]
    assert (
        'Minimal statement: {"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}'
        in (storage.message)
    )
    assert ("GATE-SLS-010", "aws_iam_role.worker") in findings
    assert ("GATE-SLS-010", "aws_iam_policy_document.events") in findings


def test_a_dynamic_client_is_not_checked_and_never_called_unused() -> None:
    [finding] = least(IAM / "dynamic-client")
    assert finding.rule_id == "GATE-SLS-012"
    assert (finding.path, finding.line) == ("template.yaml", 6)
    assert "src/app.py:9: a client whose service is not a literal" in finding.message


def test_a_shared_role_is_compared_with_every_function_that_uses_it(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "template.yaml": "Resources:\n"
            + template_role(
                "Role", '{Effect: Allow, Action: ["sqs:*", sns:Publish], Resource: "*"}'
            )
            + """\
  Reader:
    Type: AWS::Lambda::Function
    Properties: {Code: reader, Handler: app.handler, Runtime: python3.12, Role: !GetAtt Role.Arn}
  Writer:
    Type: AWS::Lambda::Function
    Properties: {Code: writer, Handler: app.handler, Runtime: python3.12, Role: !GetAtt Role.Arn}
""",
            "reader/app.py": "import boto3\nboto3.client('sqs').receive_message(QueueUrl='q')\n",
            "writer/app.py": "import boto3\nboto3.client('sqs').send_message(QueueUrl='q')\n",
        },
    )
    findings = least(tmp_path)
    assert [(f.rule_id, f.resource) for f in findings] == [
        ("GATE-SLS-010", "AWS::IAM::Role.Role"),
        ("GATE-SLS-011", "AWS::IAM::Role.Role"),
    ]
    assert findings[0].message.startswith("The role shared by functions Reader, Writer")
    assert "reader/app.py, writer/app.py" in findings[0].message
    assert "Action: [sns:Publish, sqs:ReceiveMessage, sqs:SendMessage]" in findings[1].message


def test_what_lambda_uses_for_the_function_is_not_unused(tmp_path: Path) -> None:
    sam_bundle(
        tmp_path,
        """\
      DeadLetterQueue: {Type: SNS, TargetArn: arn:aws:sns:eu-west-1:123456789012:dlq}
      Events:
        Jobs:
          Type: SQS
          Properties: {Queue: arn:aws:sqs:eu-west-1:123456789012:jobs}
      Policies:
        - AWSLambdaBasicExecutionRole
        - AWSXRayDaemonWriteAccess
        - Statement:
            - Effect: Allow
              Action: ["sqs:*", sns:Publish, kms:Decrypt]
              Resource: arn:aws:sqs:eu-west-1:123456789012:jobs
""",
    )
    [finding] = least(tmp_path)
    assert finding.rule_id == "GATE-SLS-011"
    assert (
        "Action: [kms:Decrypt, sns:Publish, sqs:DeleteMessage, sqs:GetQueueAttributes, "
        'sqs:ReceiveMessage], Resource: "arn:aws:sqs:eu-west-1:123456789012:jobs"'
    ) in finding.message


def test_what_lambda_polls_for_an_awscc_function_is_not_unused(tmp_path: Path) -> None:
    """The Cloud Control provider's event source mapping is Lambda's wiring, as the aws one."""
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_iam_role" "r" {\n  assume_role_policy = "{}"\n'
            '  inline_policy {\n    name = "p"\n    policy = jsonencode({ Version = "2012-10-17",'
            ' Statement = [{ Effect = "Allow", Action = ["sqs:ReceiveMessage",'
            ' "sqs:DeleteMessage", "sqs:GetQueueAttributes"], Resource = "*" }] })\n  }\n}\n'
            'resource "awscc_lambda_function" "fn" {\n  role = aws_iam_role.r.arn\n'
            '  handler = "index.handler"\n  runtime = "python3.12"\n'
            '  code = { zip_file = "def handler(e, c):\\n    return 1\\n" }\n}\n'
            'resource "awscc_lambda_event_source_mapping" "m" {\n'
            "  function_name = awscc_lambda_function.fn.arn\n"
            '  event_source_arn = "arn:aws:sqs:eu-west-1:123456789012:jobs"\n}\n'
        },
    )
    assert not [f for f in least(tmp_path) if f.rule_id == "GATE-SLS-010"]


def test_unused_managed_policy_and_full_wildcard_without_calls(tmp_path: Path) -> None:
    serverless_bundle(
        tmp_path,
        """\
  iam:
    role:
      statements:
        - {Effect: Allow, Action: "*", Resource: "*"}
      managedPolicies:
        - arn:aws:iam::aws:policy/AmazonSQSFullAccess
        - arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole
functions:
  f:
    handler: handler.handler
""",
    )
    findings = least(tmp_path)
    assert [(f.rule_id, f.line) for f in findings] == [("GATE-SLS-010", 10), ("GATE-SLS-011", 8)]
    assert findings[0].message.endswith("Remove the managed policy AmazonSQSFullAccess.")
    assert "Remove this statement: the code calls no AWS API" in findings[1].message


def test_a_client_handed_on_keeps_its_wildcard(tmp_path: Path) -> None:
    sam_bundle(
        tmp_path,
        """\
      Policies:
        - Statement:
            - {Effect: Allow, Action: "*", Resource: "*"}
            - {Effect: Allow, Action: "dynamodb:*", Resource: "*"}
""",
        code="import boto3\nimport store\n\nstore.save(boto3.client('dynamodb'))\n"
        "boto3.client('s3').get_object(Bucket='b', Key='k')\n",
    )
    # No GATE-SLS-010 for dynamodb, and nothing narrower to say about `dynamodb:*` alone.
    [finding] = least(tmp_path)
    assert (finding.rule_id, finding.line) == ("GATE-SLS-011", 11)
    assert (
        "Action: [dynamodb:*, logs:CreateLogGroup, logs:CreateLogStream, logs:PutLogEvents, "
        "s3:GetObject]" in finding.message
    )
    assert "dynamodb:* kept: its calls are not all known (src/app.py:4:" in finding.message


def test_a_function_of_another_runtime_is_not_said_to_miss_its_handler(tmp_path: Path) -> None:
    """A Node.js function's code is there; the gate does not analyse it, and says so."""
    write(
        tmp_path,
        {
            "template.yaml": "Resources:\n"
            + template_role("Role", '{Effect: Allow, Action: "s3:*", Resource: "*"}')
            + """\
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Code: src, Handler: index.handler, Runtime: nodejs20.x, Role: !GetAtt Role.Arn}
""",
            "src/index.js": "exports.handler = async () => 1;\n",
        },
    )
    (finding,) = [f for f in least(tmp_path) if f.rule_id == "GATE-SLS-012"]
    assert "its code is nodejs20.x, which the gate does not analyse" in finding.message
    assert "not in the bundle" not in finding.message
