"""Module-level state that holds no request data: clients, constants, counters, keys."""

import boto3

table = boto3.resource("dynamodb").Table("users")
LIMITS = {"free": 10, "pro": 100}
PROFILES = {}
SEEN = set()
COLD_START = True


def handler(event, context):
    global COLD_START
    COLD_START = False
    user_id = event["pathParameters"]["userId"]
    if user_id not in PROFILES:
        PROFILES[user_id] = table.get_item(Key={"id": user_id}).get("Item")
    SEEN.add(event["requestContext"]["requestId"])
    lines = []
    for record in event.get("Records", []):
        lines.append(record["body"])
    return {"limit": LIMITS.get(event.get("plan"), 10), "lines": lines, "profile": PROFILES[user_id]}
