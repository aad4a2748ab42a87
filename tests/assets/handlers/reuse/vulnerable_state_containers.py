"""Module-level containers that collect request data across invocations."""

import json

AUDIT = []
RESPONSES = {}
SETTINGS = {"theme": "light"}


def handler(event, context):
    body = json.loads(event["body"])
    AUDIT.append(body)  # expect: GATE-SLS-020
    RESPONSES[event["requestContext"]["requestId"]] = body["message"]  # expect: GATE-SLS-020
    SETTINGS.update(body.get("settings", {}))  # expect: GATE-SLS-020
    return {"seen": len(AUDIT)}
