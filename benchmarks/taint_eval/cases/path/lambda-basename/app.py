import os

import json


def handler(event, context):
    file = json.loads(event["body"])["file"]
    with open(os.path.join("/tmp", os.path.basename(file))) as f:
        print(f.read())
    return {"statusCode": 200}
