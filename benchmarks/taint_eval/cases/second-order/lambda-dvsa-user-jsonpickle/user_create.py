import json
import os

import boto3

users = boto3.resource("dynamodb").Table(os.environ["USERS_TABLE"])


def handler(event, context):
    profile = json.loads(event["body"])
    users.put_item(Item={"userId": profile["userId"], "name": profile["name"], "isAdmin": False, **profile})
    return {"statusCode": 201}
