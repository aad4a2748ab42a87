import os

import requests

BASE = os.environ["API_BASE"]


def handler(event, context):
    item_id = event["pathParameters"]["item_id"]
    requests.get(f"{BASE}/items/{item_id}", timeout=5)
    return {"statusCode": 200}
