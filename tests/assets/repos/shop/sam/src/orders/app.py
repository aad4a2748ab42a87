"""Order intake: validate the posted order and store it."""

import json
import os
import uuid

import boto3

TABLE = boto3.resource("dynamodb").Table(os.environ["ORDERS_TABLE"])


def lambda_handler(event, context):
    order = json.loads(event.get("body") or "{}")
    item = {"order_id": str(uuid.uuid4()), "sku": str(order["sku"]), "qty": int(order["qty"])}
    TABLE.put_item(Item=item)
    return {"statusCode": 201, "body": json.dumps({"order_id": item["order_id"]})}
