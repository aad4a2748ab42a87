import json

import requests


def handler(event, context):
    ResponseURL = event["ResponseURL"]
    requests.put(ResponseURL, data=json.dumps({"Status": "SUCCESS"}), timeout=5)
    return {"statusCode": 200}
