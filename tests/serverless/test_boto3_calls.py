"""The AWS calls a function's code makes, read with `ast` and mapped to IAM actions through
botocore's and boto3's models; and what the analysis says when it cannot know."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.rules.calls import CodeCalls, calls_of
from gate.rules.calls.models import iam_actions, iam_prefix
from tests.serverless.test_roles import IAM, context_of, sam_bundle


def calls(tmp_path: Path, code: str, **modules: str) -> CodeCalls:
    files = {f"src/{name}.py": text for name, text in modules.items()}
    context = context_of(sam_bundle(tmp_path, code=code, **files))
    return calls_of(context, context.functions)


def test_clients_and_resources_from_the_done_when_case() -> None:
    context = context_of(IAM / "least-privilege")
    found = calls_of(context, context.functions)
    assert found.actions == {
        "dynamodb:PutItem": ("src/app.py:13 Table.put_item",),
        "s3:GetObject": ("src/app.py:12 s3.get_object",),
    }
    assert (found.partial, found.dynamic, found.unmapped) == ({}, (), ())
    assert found.services == {"s3", "dynamodb"}


def test_local_modules_paginators_and_exceptions_to_operation_names() -> None:
    context = context_of(IAM / "exact-actions")
    found = calls_of(context, context.functions)
    assert found.files == ("src/app.py", "src/storage.py")
    # ListObjectsV2 needs s3:ListBucket, not an action named after the operation.
    assert sorted(found.actions) == [
        "dynamodb:PutItem",
        "s3:GetObject",
        "s3:ListBucket",
        "s3:PutObject",
    ]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (
            "import boto3 as b\nsession = b.session.Session()\n"
            "sns = session.client(service_name='sns')\nsns.publish(TopicArn='t', Message='m')\n",
            ["sns:Publish"],
        ),
        (
            "from boto3 import resource\nbucket = resource('s3').Bucket('b')\n"
            "for obj in bucket.objects.filter(Prefix='x'):\n    obj.delete()\n"
            "bucket.Object('k').get()\n",
            ["s3:DeleteObject", "s3:GetObject", "s3:ListBucket"],
        ),
        (
            "import boto3\ntable = boto3.resource('dynamodb').Table('t')\n"
            "table.meta.client.get_waiter('table_exists').wait(TableName='t')\n"
            "with table.batch_writer() as batch:\n    batch.put_item(Item={})\n",
            ["dynamodb:BatchWriteItem", "dynamodb:DescribeTable"],
        ),
        (
            "import boto3\n_client = None\n\ndef client():\n    global _client\n"
            "    if _client is None:\n        _client = boto3.client('lambda')\n"
            "    return _client\n\ndef handler(event, context):\n"
            "    client().invoke(FunctionName='f')\n",
            ["lambda:InvokeFunction"],
        ),
        (
            "import boto3\nSERVICE = 'stepfunctions'\n\nclass Starter:\n"
            "    def __init__(self):\n        self.sfn = boto3.client(SERVICE)\n\n"
            "    def start(self):\n        self.sfn.start_execution(stateMachineArn='a')\n",
            ["states:StartExecution"],
        ),
        (
            "from aws_lambda_powertools.utilities import parameters\n"
            "KEY = parameters.get_secret('k')\nURL = parameters.get_parameter('/u')\n",
            ["secretsmanager:GetSecretValue", "ssm:GetParameter"],
        ),
        (
            "import boto3\ns3 = boto3.client('s3')\n"
            "url = s3.generate_presigned_url('put_object', Params={})\n"
            "s3.upload_file('/tmp/x', 'b', 'k')\ns3.exceptions.NoSuchKey\ns3.close()\n",
            ["s3:PutObject"],
        ),
    ],
)
def test_calls_followed_through_the_module(tmp_path: Path, code: str, expected: list[str]) -> None:
    found = calls(tmp_path, code)
    assert sorted(found.actions) == expected
    assert (found.partial, found.dynamic) == ({}, ())


def test_names_imported_from_local_modules(tmp_path: Path) -> None:
    found = calls(
        tmp_path,
        "from clients import queue, make_table\nimport clients as c\n\n"
        "def handler(event, context):\n    queue.send_message(QueueUrl='q', MessageBody='m')\n"
        "    make_table().update_item(Key={})\n    c.kinesis.put_record(StreamName='s')\n",
        clients="import boto3\nqueue = boto3.client('sqs')\nkinesis = boto3.client('kinesis')\n\n"
        "def make_table():\n    return boto3.resource('dynamodb').Table('t')\n",
    )
    assert sorted(found.actions) == ["dynamodb:UpdateItem", "kinesis:PutRecord", "sqs:SendMessage"]
    assert found.files == ("src/app.py", "src/clients.py")


def test_a_client_of_a_service_chosen_at_run_time_makes_every_service_possible() -> None:
    context = context_of(IAM / "dynamic-client")
    found = calls_of(context, context.functions)
    assert found.dynamic == ("src/app.py:9: a client whose service is not a literal",)
    assert list(found.actions) == ["s3:GetObject"]


def test_a_client_handed_on_or_called_by_getattr_is_partly_known(tmp_path: Path) -> None:
    found = calls(
        tmp_path,
        "import boto3\nimport helpers\nddb = boto3.client('dynamodb')\nsqs = boto3.client('sqs')\n"
        "helpers.save(ddb)\ngetattr(sqs, 'send_message')()\nboto3.client('sns').pubish()\n",
    )
    assert found.partial == {
        "dynamodb": "src/app.py:5: ddb is handed on, not followed",
        "sqs": "src/app.py:6: sqs is handed on, not followed",
        "sns": "src/app.py:7: sns.pubish is not in the AWS model",
    }
    assert found.dynamic == ()


def test_libraries_that_call_aws_themselves(tmp_path: Path) -> None:
    found = calls(tmp_path, "import awswrangler as wr\nfrom pynamodb.models import Model\n")
    assert found.dynamic == ("src/app.py:1: awswrangler calls AWS itself, unseen",)
    assert found.partial == {"dynamodb": "src/app.py:2: pynamodb calls AWS itself, unseen"}


def test_code_that_is_not_python_or_not_in_the_bundle(tmp_path: Path) -> None:
    assert calls(tmp_path, "def handler(:\n").dynamic == ("src/app.py: not valid Python, not read",)
    (tmp_path / "src" / "app.py").unlink()
    context = context_of(tmp_path)
    assert calls_of(context, context.functions).dynamic == (
        "Fn: its handler's module is not in its code",
    )


def test_no_aws_calls(tmp_path: Path) -> None:
    found = calls(
        tmp_path, "import json\n\ndef handler(event, context):\n    return json.dumps(event)\n"
    )
    assert found == CodeCalls(files=("src/app.py",))


@pytest.mark.parametrize(
    ("service", "operation", "expected"),
    [
        ("s3", "GetObject", (("s3:GetObject",), True)),
        ("s3", "ListObjectsV2", (("s3:ListBucket",), True)),
        ("dynamodb", "TransactGetItems", (("dynamodb:GetItem",), True)),
        ("cloudwatch", "PutMetricData", (("cloudwatch:PutMetricData",), True)),
        ("sesv2", "SendEmail", (("ses:SendEmail",), True)),
        ("lambda", "Invoke", (("lambda:InvokeFunction",), True)),
        ("iot-data", "Publish", (("iot:Publish",), True)),
        ("bedrock-runtime", "Converse", (("bedrock:InvokeModel",), True)),
        ("apigatewaymanagementapi", "PostToConnection", (("execute-api:ManageConnections",), True)),
        (
            "rds-data",
            "ExecuteStatement",
            (("rds-data:ExecuteStatement", "secretsmanager:GetSecretValue"), True),
        ),
        ("rds", "GenerateDbAuthToken", (("rds-db:connect",), True)),
        ("sqs", "NoSuchOperation", (("sqs:NoSuchOperation",), False)),
    ],
)
def test_operations_to_iam_actions(
    service: str, operation: str, expected: tuple[tuple[str, ...], bool]
) -> None:
    assert iam_actions(service, operation) == expected


def test_iam_prefixes_of_boto3_services() -> None:
    assert [iam_prefix(s) for s in ("stepfunctions", "dynamodbstreams", "s3")] == [
        "states",
        "dynamodb",
        "s3",
    ]


def test_tokens_signed_on_the_client_need_the_databases_action(tmp_path: Path) -> None:
    """No API call is made, but RDS and Aurora DSQL check the action at connect time."""
    found = calls(
        tmp_path,
        "import boto3\n"
        "token = boto3.client('rds').generate_db_auth_token('db', 5432, 'app')\n"
        "admin = boto3.client('dsql').generate_db_connect_admin_auth_token('h', 'eu-west-1')\n"
        "url = boto3.client('s3').generate_presigned_url('get_object', Params={})\n",
    )
    assert {"rds-db:connect", "dsql:DbConnectAdmin", "s3:GetObject"} <= set(found.actions)
    assert found.dynamic == ()


def test_calls_that_make_aws_use_other_services_keep_those_services(tmp_path: Path) -> None:
    """Athena reads and writes S3 and reads Glue as the caller: both are used, with
    actions the query decides."""
    found = calls(
        tmp_path,
        "import boto3\nboto3.client('athena').start_query_execution(QueryString='SELECT 1')\n",
    )
    assert set(found.actions) == {"athena:StartQueryExecution"}
    assert sorted(found.partial) == ["glue", "s3"]
    assert found.partial["s3"].startswith("src/app.py:2 athena.start_query_execution: ")
