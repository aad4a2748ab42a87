import json
import os

import boto3

s3 = boto3.client("s3")
sqs = boto3.client("sqs")
orders = boto3.resource("dynamodb").Table(os.environ.get("TABLE", "orders"))


def handler(event, context):
    body = s3.get_object(Bucket=event["bucket"], Key=event["key"])["Body"].read()
    order = json.loads(body)
    orders.put_item(Item=order)
    sqs.send_message(QueueUrl=os.environ["QUEUE"], MessageBody=order["id"])
