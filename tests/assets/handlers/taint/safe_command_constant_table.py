"""The caller picks a check by name; the command comes from a constant table."""

import subprocess

CHECKS = {"disk": "df -h", "memory": "free -m", "uptime": "uptime"}


def handler(event, context):
    command = CHECKS.get(event["check"], "uptime")
    first = subprocess.run(command, shell=True, capture_output=True)
    second = subprocess.run(CHECKS[event["other"]], shell=True, capture_output=True)
    return {"out": [first.stdout, second.stdout]}
