"""Service actions from an allow-list, by guard and by conditional expression."""

import subprocess

ACTIONS = frozenset({"start", "stop", "status"})
FORMATS = ("json", "text")


def handler(event, context):
    action = event["action"]
    if action not in ACTIONS:
        return {"statusCode": 400}
    requested = event.get("format")
    output = requested if requested in FORMATS else "text"
    subprocess.run(f"systemctl {action} app --output={output}", shell=True)
    return {"statusCode": 200}
