import os

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    target = boto3.client(os.environ["TARGET_SERVICE"])
    operation = getattr(target, event["operation"])
    s3.get_object(Bucket=event["bucket"], Key=event["key"])
    return operation(**event["arguments"])
