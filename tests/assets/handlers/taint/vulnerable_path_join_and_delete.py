"""Serves and deletes report files named by the caller."""

import os
import shutil

REPORTS = "/mnt/reports"


def handler(event, context):
    name = event["pathParameters"]["name"]
    if event["httpMethod"] == "DELETE":
        os.remove(os.path.join(REPORTS, name))  # expect: GATE-SLS-006
        shutil.rmtree(f"/tmp/cache/{name}", ignore_errors=True)  # expect: GATE-SLS-006
        return {"statusCode": 204}
    with open(os.path.join(REPORTS, name)) as handle:  # expect: GATE-SLS-006
        return {"statusCode": 200, "body": handle.read()}
