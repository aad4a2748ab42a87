import os

import boto3
from boto3.dynamodb.conditions import Attr

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    status = event["status"]
    found = table.scan(FilterExpression=Attr("status").eq(status))
    print(found)
    return {"statusCode": 200}
