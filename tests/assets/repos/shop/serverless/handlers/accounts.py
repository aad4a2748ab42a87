"""Create a customer account."""

import json

import boto3

TABLE = boto3.resource("dynamodb").Table("shop-accounts")


def create(event, context):
    body = json.loads(event["body"])
    TABLE.put_item(Item={"email": body["email"], "name": body["name"]})
    return {"statusCode": 201}
