"""Serves report files: only the base name of what the caller sends is used."""

import os

REPORTS = "/mnt/reports"


def handler(event, context):
    name = os.path.basename(event["pathParameters"]["name"])
    with open(os.path.join(REPORTS, name)) as handle:
        return {"statusCode": 200, "body": handle.read()}
