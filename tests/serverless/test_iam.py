"""Wildcards in function roles, in every syntax (GATE-IAC-001..003), and checkov's checks
of the same resource folded into them."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.model import Absorbs
from gate.rules import iam
from gate.rules.findings import RawFinding
from tests.serverless.test_roles import IAM, context_of, sam_bundle, serverless_bundle


def wildcard_findings(root: Path) -> list[RawFinding]:
    return [f for f in iam.check(context_of(root)) if f.rule_id.startswith("GATE-IAC-")]


def places(findings: list[RawFinding]) -> list[tuple[str, str | None, int | None, str | None]]:
    return [(f.rule_id, f.severity, f.line, f.resource) for f in findings]


def checkov_ids(finding: RawFinding) -> set[str]:
    return {rule for merge in finding.merges for rule in merge.rule_ids}


def test_sam_inline_wildcard_action() -> None:
    [finding] = wildcard_findings(IAM / "sam-inline-wildcard")
    resource = "AWS::Serverless::Function.OrdersFunction"
    assert places([finding]) == [("GATE-IAC-001", "high", 29, resource)]
    assert finding.path == "template.yaml"
    assert "every dynamodb action (`dynamodb:*`) on OrdersTable.Arn" in finding.message
    assert finding.anchor == f"{resource} Allow dynamodb:*"
    assert finding.merges[0] == Absorbs(
        "checkov", finding.merges[0].rule_ids, "template.yaml", None, resource
    )


def test_serverless_v3_wildcard_and_its_star_resource_merges() -> None:
    [finding] = wildcard_findings(IAM / "serverless-v3-wildcard")
    assert places([finding]) == [("GATE-IAC-001", "high", 12, "resize")]
    assert "every resource" in finding.message
    # Rated no higher than this finding: folded. CKV_AWS_1 and CKV_AWS_62 (critical) are not.
    assert {"CKV_AWS_49", "CKV_AWS_63", "CKV_AWS_355"} <= checkov_ids(finding)
    assert not {"CKV_AWS_1", "CKV_AWS_62", "CKV_AWS_107"} & checkov_ids(finding)


def test_serverless_legacy_wildcard_once_per_function() -> None:
    findings = wildcard_findings(IAM / "serverless-legacy")
    assert places(findings) == [
        ("GATE-IAC-001", "high", 9, "nightly"),
        ("GATE-IAC-001", "high", 9, "weekly"),
    ]
    assert findings[0].message.startswith("The role shared by functions nightly, weekly allows")


def test_cloudformation_role_and_attached_policies() -> None:
    findings = wildcard_findings(IAM / "cfn-role-policies")
    assert places(findings) == [
        ("GATE-IAC-001", "high", 24, "AWS::IAM::Role.WorkerRole"),
        ("GATE-IAC-002", None, 46, "AWS::IAM::ManagedPolicy.WorkerManagedPolicy"),
        ("GATE-IAC-001", "critical", 37, "AWS::IAM::Policy.WorkerPolicy"),
    ]
    assert "every action of every service (`*`)" in findings[2].message
    assert {"CKV_AWS_62", "CKV_AWS_107", "CKV_AWS_63"} <= checkov_ids(findings[2])
    assert "dynamodb:PutItem on every resource" in findings[1].message
    assert "CKV_AWS_111" in checkov_ids(findings[1])


def test_terraform_inline_policy_jsonencode_heredoc_and_document() -> None:
    findings = wildcard_findings(IAM / "terraform-policies")
    assert places(findings) == [
        ("GATE-IAC-001", "high", 27, "aws_iam_role.worker"),
        ("GATE-IAC-001", "high", 41, "aws_iam_role_policy.storage"),
        ("GATE-IAC-001", "high", 78, "aws_iam_policy_document.events"),
        ("GATE-IAC-001", "critical", 59, "aws_iam_policy.admin"),
    ]
    assert all(f.path == "main.tf" for f in findings)


@pytest.mark.parametrize("bundle", ["sam-policy-templates", "exact-actions"])
def test_no_finding_for_templates_exact_actions_and_scoped_resources(bundle: str) -> None:
    assert wildcard_findings(IAM / bundle) == []


def test_managed_policies_not_action_and_conditions(tmp_path: Path) -> None:
    sam_bundle(
        tmp_path,
        """\
      Policies:
        - arn:aws:iam::aws:policy/AdministratorAccess
        - PowerUserAccess
        - Statement:
            - Effect: Allow
              NotAction: iam:*
              Resource: arn:aws:s3:::bucket/*
            - Effect: Allow
              Action: [s3:GetObject, xray:PutTraceSegments]
              Resource: "*"
              Condition: {StringEquals: {"aws:ResourceAccount": "123456789012"}}
            - Effect: Deny
              Action: "*"
              Resource: "*"
""",
    )
    findings = wildcard_findings(tmp_path)
    assert [(f.rule_id, f.severity, f.line) for f in findings] == [
        ("GATE-IAC-001", "critical", 10),
        ("GATE-IAC-003", "critical", 11),
        ("GATE-IAC-003", "high", 13),
    ]
    assert "(AWS managed policy AdministratorAccess)" in findings[0].message
    assert "every action except iam:*" in findings[2].message


def test_star_resource_only_for_actions_iam_can_scope(tmp_path: Path) -> None:
    serverless_bundle(
        tmp_path,
        """\
  iam:
    role:
      statements:
        - Effect: Allow
          Action: [xray:PutTraceSegments, s3:ListAllMyBuckets]
          Resource: "*"
        - Effect: Allow
          Action: [s3:Get*]
          Resource: "*"
functions:
  f:
    handler: handler.handler
""",
    )
    [finding] = wildcard_findings(tmp_path)
    assert (finding.rule_id, finding.line) == ("GATE-IAC-002", 11)
    assert "allows s3:Get* on every resource" in finding.message
    assert "xray" not in finding.message
    assert "ListAllMyBuckets" not in finding.message


def test_wildcards_written_on_one_line_are_one_finding(tmp_path: Path) -> None:
    """AmazonDynamoDBFullAccess grants `dynamodb:*` and `dax:*`: one line, one problem."""
    sam_bundle(tmp_path, "      Policies:\n        - AmazonDynamoDBFullAccess\n")
    [finding] = [f for f in wildcard_findings(tmp_path) if f.rule_id == "GATE-IAC-001"]
    assert "every dynamodb action (`dynamodb:*`)" in finding.message
    assert "every dax action (`dax:*`)" in finding.message
    # Both actions are in its fingerprint: a baseline of one does not cover the other.
    assert "Allow dynamodb:*,dax:*" in finding.anchor


def test_every_function_sharing_a_role_gets_its_finding(tmp_path: Path) -> None:
    """Functions sharing the provider role read one (cached) document: judging it for
    one function must leave it whole for the next (a list of actions behind a variable,
    read through `${self:custom...}`, is one object for all of them)."""
    text = """\
  iam:
    role:
      statements:
        - Effect: Allow
          Action: [s3:*]
          Resource: ${self:custom.bucket}
custom:
  bucket: arn:aws:s3:::orders/*
functions:
  create:
    handler: handler.handler
  remove:
    handler: handler.handler
"""
    findings = wildcard_findings(serverless_bundle(tmp_path, text))
    assert [f.resource for f in findings if f.rule_id == "GATE-IAC-001"] == ["create", "remove"]
