import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    table.put_item(Item={"id": "current", "hostname": event["body"]})
    return {"statusCode": 201}
