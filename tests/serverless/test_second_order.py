"""GATE-SLS-009: event data one function stores in a table or bucket, read back into a
sink by another function of the bundle, matched through the IaC that names the store."""

from __future__ import annotations

from pathlib import Path

from gate.rules import taint
from gate.rules.findings import RawFinding
from tests.serverless.taint_support import write_bundle

TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Table:
    Type: AWS::DynamoDB::Table
  CacheTable:
    Type: AWS::DynamoDB::Table
  Uploads:
    Type: AWS::S3::Bucket
  WriteFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: .
      Handler: writer.handler
      Runtime: python3.12
      Environment:
        Variables:
          TABLE_NAME: !Ref Table
          BUCKET: !Ref Uploads
      Events:
        Api:
          Type: Api
          Properties: {Path: /, Method: post}
  ReadFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: .
      Handler: reader.handler
      Runtime: python3.12
      Environment:
        Variables:
          TABLE_NAME: !GetAtt READ_TABLE.Arn
          BUCKET: !Ref Uploads
      Events:
        Hourly:
          Type: Schedule
          Properties: {Schedule: rate(1 hour)}
"""
WRITER = """\
import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
s3 = boto3.client("s3")


def handler(event, context):
    table.put_item(Item={"id": "current", "state": STORED})
    s3.put_object(Bucket=os.environ["BUCKET"], Key="latest", Body=UPLOADED)
"""
READER = """\
import base64
import os
import pickle

import boto3
import yaml

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
s3 = boto3.client("s3")


def load_state():
    return table.get_item(Key={"id": "current"})["Item"]


def handler(event, context):
    item = load_state()
    pickle.loads(base64.b64decode(item["state"]))
    data = s3.get_object(Bucket=os.environ["BUCKET"], Key="latest")["Body"].read()
    yaml.load(data, Loader=yaml.Loader)
    yaml.safe_load(data)
"""


def second_order(
    tmp_path: Path,
    stored: str = 'event["body"]',
    uploaded: str = 'event["body"]',
    read_table: str = "Table",
) -> list[RawFinding]:
    files = {
        "template.yaml": TEMPLATE.replace("READ_TABLE", read_table),
        "writer.py": WRITER.replace("STORED", stored).replace("UPLOADED", uploaded),
        "reader.py": READER,
    }
    found = taint.check(write_bundle(tmp_path, files))
    return sorted((f for f in found if f.rule_id == "GATE-SLS-009"), key=lambda f: f.line or 0)


def test_stored_event_data_reaching_a_sink_names_both_functions(tmp_path: Path) -> None:
    pickled, loaded = second_order(tmp_path)
    assert (pickled.path, pickled.line, loaded.line) == ("reader.py", 18, 20)
    assert pickled.resource == "AWS::Serverless::Function.ReadFunction"
    assert pickled.confidence == "medium"
    assert pickled.message.startswith(
        "Data handler() of ReadFunction reads from the DynamoDB table 'TABLE_NAME' "
    )
    assert "handler() of WriteFunction stores event data from `event['body']`" in (pickled.message)
    assert "(writer.py:10)" in pickled.message
    assert "S3 bucket 'BUCKET'" in loaded.message
    assert [m.rule_ids for m in pickled.merges] == [("B301", "B302", "B506")]


def test_a_store_the_iac_names_differently_is_another_store(tmp_path: Path) -> None:
    [loaded] = second_order(tmp_path, read_table="CacheTable")
    assert loaded.line == 20  # the bucket is still shared


def test_what_the_writer_made_safe_or_made_itself_is_not_reported(tmp_path: Path) -> None:
    assert second_order(tmp_path / "int", 'int(event["n"])', '"fixed"') == []
    assert second_order(tmp_path / "own", '{"v": 3}', "b'{}'") == []


def test_a_store_no_function_writes_event_data_to_is_not_reported(tmp_path: Path) -> None:
    files = {"template.yaml": TEMPLATE.replace("READ_TABLE", "Table"), "reader.py": READER}
    found = taint.check(write_bundle(tmp_path, files))
    assert [f for f in found if f.rule_id == "GATE-SLS-009"] == []


def test_without_iac_the_variable_names_the_store(tmp_path: Path) -> None:
    """A Chalice app: both functions read their table from one config's variable."""
    app = """\
import os
import pickle

import boto3
from chalice import Chalice

app = Chalice(app_name="notes")
table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
other = boto3.resource("dynamodb").Table("audit")


@app.route("/notes", methods=["POST"])
def save():
    table.put_item(Item={"id": "1", "blob": app.current_request.raw_body})


@app.schedule("rate(1 hour)")
def sweep(event):
    pickle.loads(table.get_item(Key={"id": "1"})["Item"]["blob"])
    pickle.loads(other.get_item(Key={"id": "1"})["Item"]["blob"])
"""
    found = taint.check(write_bundle(tmp_path, {"app.py": app}))
    assert [(f.rule_id, f.line) for f in found] == [("GATE-SLS-009", 19)]
