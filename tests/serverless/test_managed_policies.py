"""AWS managed policies judged by their real documents (package data built by
scripts/build_managed_policies.py), one attachment as one statement."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from gate.rules import iam
from gate.rules.iam.known import (
    managed_actions,
    managed_meta,
    managed_policy,
    managed_policy_names,
    managed_statements,
)
from tests.conftest import load_script
from tests.serverless.test_iam_least import least
from tests.serverless.test_roles import context_of, sam_bundle

ROOT = Path(__file__).resolve().parents[2]


def test_every_aws_managed_policy_is_known_with_its_source() -> None:
    meta = managed_meta()
    assert meta["license"] == "Apache-2.0" and meta["source"].startswith("moto ")
    assert meta["policies"] == len(managed_policy_names()) > 1000
    for notice in (ROOT / "NOTICE", ROOT / "gate" / "NOTICE"):
        text = notice.read_text(encoding="utf-8")
        assert f"moto {meta['version']}" in text and meta["date"] in text
    assert managed_actions("AWSLambdaBasicExecutionRole") == (
        "logs:CreateLogGroup",
        "logs:CreateLogStream",
        "logs:PutLogEvents",
    )
    assert managed_policy("NoSuchPolicyByAws") is None


def test_a_managed_policy_is_one_statement_of_all_it_allows() -> None:
    [statement] = managed_statements("PowerUserAccess", "t.yaml", "R", 7)
    assert statement.not_actions == ("iam:*", "organizations:*", "account:*")
    assert "iam:CreateServiceLinkedRole" in statement.actions
    assert (statement.place.origin, statement.line, statement.any_resource) == (
        "managed:PowerUserAccess",
        7,
        True,
    )
    assert managed_statements("NoSuchPolicyByAws", "t.yaml", "R", 7) == []


def test_a_full_access_policy_outside_the_old_table_is_a_wildcard(tmp_path: Path) -> None:
    """AmazonSESFullAccess (`ses:*` on every resource) was unknown to a short table."""
    sam_bundle(tmp_path, "      Policies:\n        - AmazonSESFullAccess\n")
    found = [f for f in iam.check(context_of(tmp_path)) if f.rule_id == "GATE-IAC-001"]
    assert [(f.line, f.severity) for f in found] == [(10, "high")]
    assert "every ses action (`ses:*`)" in found[0].message
    assert "(AWS managed policy AmazonSESFullAccess)" in found[0].message


def test_a_managed_policy_is_unused_only_when_none_of_it_is_used(tmp_path: Path) -> None:
    """AmazonDynamoDBFullAccess also allows CloudWatch, SNS and Lambda actions: a
    function that uses DynamoDB keeps the policy (narrowed), one that uses nothing of it
    is told to remove it, once."""
    policy = "      Policies:\n        - AmazonDynamoDBFullAccess\n"
    calls = (
        'import boto3\n\ndef handler(event, context):\n    boto3.client("dynamodb").get_item()\n'
    )
    used = least(sam_bundle(tmp_path / "used", policy, calls))
    assert [f.rule_id for f in used] == ["GATE-SLS-011"]
    assert "Minimal statement: {Effect: Allow, Action: [dynamodb:GetItem]" in used[0].message
    unused = least(sam_bundle(tmp_path / "unused", policy))
    assert [f.rule_id for f in unused] == ["GATE-SLS-010"]
    assert unused[0].message.endswith("Remove the managed policy AmazonDynamoDBFullAccess.")


def test_the_table_is_built_from_a_moto_wheel_without_importing_it(tmp_path: Path) -> None:
    build = load_script("build_managed_policies").build
    policies = {
        "B": {
            "Document": {"Statement": {"Sid": "x", "Effect": "Allow", "Action": "s3:*"}},
            "Path": "/",
            "DefaultVersionId": "v2",
            "UpdateDate": "2025-01-01T00:00:00+00:00",
        },
        "A": {"Document": {"Statement": [{"Effect": "Allow", "Action": ["sns:Publish"]}]}},
    }
    source = (
        "raise SystemExit('imported')\n"
        f"aws_managed_policies_data = {json.dumps(json.dumps(policies))}\n"
    )
    wheel = tmp_path / "moto-9.9.9-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("moto/iam/aws_managed_policies.py", source)
    assert build(wheel, tmp_path / "one.zip") == 2
    build(wheel, tmp_path / "two.zip")
    one = (tmp_path / "one.zip").read_bytes()
    assert one == (tmp_path / "two.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "one.zip") as archive:
        assert archive.namelist() == ["meta.json", "policies/A.json", "policies/B.json"]
        b = json.loads(archive.read("policies/B.json"))
        assert json.loads(archive.read("meta.json"))["version"] == "9.9.9"
    assert b["statements"] == [{"Effect": "Allow", "Action": "s3:*"}]
