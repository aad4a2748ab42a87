import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    item = table.get_item(Key={"id": "current"})["Item"]
    os.system("run-batch --mode " + item["mode"])
