"""GATE-IAC-019 / 020: resource policies and Lambda permissions open to any principal,
in SAM templates and serverless.yml resources."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.bundle.discovery.bundle import discover
from gate.rules import iac
from gate.rules.context import BundleContext
from gate.rules.findings import RawFinding

FUNCTION = """\
  Fn:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: src/, Handler: app.handler, Runtime: python3.12, Tracing: Active}
"""
BUCKET_POLICY = """\
  UploadsPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Uploads
      PolicyDocument:
        Statement:
          - Sid: Anyone
            Effect: Allow
            Principal: {principal}
            Action: {action}
            Resource: !Sub "${{Uploads.Arn}}/*"
{condition}"""


def rule_findings(tmp_path: Path, resources: str, name: str = "template.yaml") -> list[RawFinding]:
    root = tmp_path / "b"
    (root / "src").mkdir(parents=True)
    (root / "src" / "app.py").write_text("def handler(event, context):\n    return 1\n")
    if name == "template.yaml":
        text = "Transform: AWS::Serverless-2016-10-31\nResources:\n" + FUNCTION + resources
    else:
        text = (
            "service: s\nprovider: {name: aws, runtime: python3.12, tracing: {lambda: true}}\n"
            "functions:\n  fn: {handler: src/app.handler}\nresources:\n  Resources:\n"
            + "".join(f"  {line}\n" for line in resources.splitlines())
        )
    (root / name).write_text(text)
    context = BundleContext("b", root, root, discover(root, "b").functions)
    return [f for f in iac.check(context) if f.rule_id in ("GATE-IAC-019", "GATE-IAC-020")]


def policy(principal: str, action: str, condition: str = "") -> str:
    return BUCKET_POLICY.format(principal=principal, action=action, condition=condition)


@pytest.mark.parametrize(
    ("principal", "action", "severity"),
    [
        ('"*"', "s3:PutObject", None),
        ('{AWS: "*"}', '"s3:*"', None),
        ('{AWS: ["*"]}', "[s3:GetObject, s3:DeleteObject]", None),
        ('"*"', "s3:GetObject", "medium"),
        ('"*"', '"s3:Get*"', "medium"),
    ],
    ids=["write", "all", "read-and-delete", "read", "read-pattern"],
)
def test_a_bucket_policy_open_to_anyone_is_a_finding(
    tmp_path: Path, principal: str, action: str, severity: str | None
) -> None:
    (finding,) = rule_findings(tmp_path, policy(principal, action))
    assert finding.resource == "AWS::S3::BucketPolicy.UploadsPolicy"
    assert finding.severity == severity
    assert "statement Anyone allows any principal" in finding.message
    assert finding.line == 12  # the statement


@pytest.mark.parametrize(
    ("principal", "condition"),
    [
        ("{AWS: arn:aws:iam::123456789012:root}", ""),
        ("{Service: cloudfront.amazonaws.com}", ""),
        ('"*"', "            Condition: {StringEquals: {aws:PrincipalOrgID: o-abc}}\n"),
        ('"*"', "            Condition: {StringEquals: {'aws:SourceVpce': vpce-1}}\n"),
    ],
    ids=["account", "service", "org-condition", "vpce-condition"],
)
def test_a_policy_for_named_or_narrowed_principals_is_not(
    tmp_path: Path, principal: str, condition: str
) -> None:
    assert rule_findings(tmp_path, policy(principal, "s3:PutObject", condition)) == []


def test_a_condition_that_does_not_narrow_who_does_not_help(tmp_path: Path) -> None:
    condition = "            Condition: {Bool: {aws:SecureTransport: true}}\n"
    assert len(rule_findings(tmp_path, policy('"*"', "s3:PutObject", condition))) == 1


def test_serverless_resources_are_read_too(tmp_path: Path) -> None:
    resources = policy('"*"', "s3:PutObject")
    (finding,) = rule_findings(tmp_path, resources, "serverless.yml")
    assert finding.path == "serverless.yml"
    assert finding.resource == "AWS::S3::BucketPolicy.UploadsPolicy"


PERMISSION = """\
  Invoke:
    Type: AWS::Lambda::Permission
    Properties:
      FunctionName: !Ref Fn
      Action: lambda:InvokeFunction
      Principal: {principal}
{extra}"""


@pytest.mark.parametrize(
    ("principal", "extra", "found"),
    [
        ('"*"', "", True),
        ('"*"', "      SourceAccount: '123456789012'\n", False),
        ("s3.amazonaws.com", "      SourceArn: arn:aws:s3:::b\n", False),
        ('"*"', "      FunctionUrlAuthType: NONE\n", False),
    ],
    ids=["anyone", "source-account", "service", "function-url"],
)
def test_a_lambda_permission_for_any_principal(
    tmp_path: Path, principal: str, extra: str, found: bool
) -> None:
    findings = rule_findings(tmp_path, PERMISSION.format(principal=principal, extra=extra))
    assert [f.rule_id for f in findings] == (["GATE-IAC-020"] if found else [])
