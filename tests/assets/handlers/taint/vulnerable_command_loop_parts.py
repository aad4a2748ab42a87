"""Builds a command line from every record of an SQS batch."""

import os


def handler(event, context):
    parts = ["notify-send"]
    for record in event["Records"]:
        parts.append(record["body"])
    os.system(" ".join(parts))  # expect: GATE-SLS-001
