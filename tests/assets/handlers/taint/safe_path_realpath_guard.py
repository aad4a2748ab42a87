"""Sub-paths allowed, but the resolved path must stay under the base directory."""

import os

BASE = "/mnt/exports/"


def handler(event, context):
    requested = event["queryStringParameters"]["path"]
    full = os.path.realpath(os.path.join(BASE, requested))
    if not full.startswith(BASE):
        return {"statusCode": 403}
    with open(full, "rb") as handle:
        return {"statusCode": 200, "body": handle.read().hex()}
