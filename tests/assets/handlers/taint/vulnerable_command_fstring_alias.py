"""Thumbnails: the file name from the JSON body goes into a shell command line."""

import json
import subprocess as sp


def handler(event, context):
    body = json.loads(event["body"])
    name = body.get("name", "image.png")
    sp.run(f"convert /tmp/in/{name} -resize 128x128 /tmp/out.png", shell=True, check=True)  # expect: GATE-SLS-001
    return {"statusCode": 200}
