"""Forward payment provider webhooks to the internal EventBridge bus."""

import json
import os

import boto3

events = boto3.client("events")
EVENT_BUS_NAME = os.environ["EVENT_BUS_NAME"]


def handler(event, context):
    payload = json.loads(event.get("body") or "{}")
    events.put_events(
        Entries=[
            {
                "EventBusName": EVENT_BUS_NAME,
                "Source": "payments.webhooks",
                "DetailType": payload.get("type", "unknown"),
                "Detail": json.dumps(payload),
            }
        ]
    )
    return {"statusCode": 202, "body": ""}
