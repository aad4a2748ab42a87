import os

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])
MODES = ("fast", "slow")


def handler(event, context):
    mode = event["queryStringParameters"]["mode"]
    if mode in MODES:
        table.put_item(Item={"id": "current", "mode": mode})
    return {"statusCode": 201}
