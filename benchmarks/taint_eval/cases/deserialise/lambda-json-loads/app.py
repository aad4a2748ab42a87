import json


def handler(event, context):
    payload = event["body"]
    print(json.loads(payload))
    return {"statusCode": 200}
