import os
import base64
import pickle

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def handler(event, context):
    item = table.get_item(Key={"id": "current"})["Item"]
    print(pickle.loads(base64.b64decode(item["state"])))
