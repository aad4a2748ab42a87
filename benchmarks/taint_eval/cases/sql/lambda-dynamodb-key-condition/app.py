import os

import boto3
from boto3.dynamodb.conditions import Key

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    order_id = event["pathParameters"]["order_id"]
    items = table.query(KeyConditionExpression=Key("id").eq(order_id))["Items"]
    print(items)
    return {"statusCode": 200}
