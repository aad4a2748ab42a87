"""Newsletter sign-up: store a pending subscription and return the confirm link."""

import json
import os
import re
import secrets
import time

import boto3

table = boto3.resource("dynamodb").Table(os.environ["SUBSCRIBERS_TABLE"])
CONFIRM_URL = os.environ["CONFIRM_URL"]
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-zA-Z]{2,}$")


def signup(event, context):
    body = json.loads(event.get("body") or "{}")
    email = str(body.get("email", "")).strip().lower()
    if not EMAIL.match(email):
        return {"statusCode": 400, "body": json.dumps({"message": "invalid email"})}

    token = secrets.token_urlsafe(24)
    table.put_item(
        Item={
            "email": email,
            "status": "pending",
            "confirmToken": token,
            "expiresAt": int(time.time()) + 48 * 3600,
        }
    )
    return {
        "statusCode": 202,
        "body": json.dumps({"confirm": f"{CONFIRM_URL}?token={token}"}),
    }
