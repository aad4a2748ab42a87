import json
import os

import boto3
import jsonpickle

users = boto3.resource("dynamodb").Table(os.environ["USERS_TABLE"])


def handler(event, context):
    res = users.get_item(Key={"userId": "admin"})
    user = jsonpickle.decode(json.dumps(res["Item"], default=str))
    return {"statusCode": 200, "body": str(user)}
