import json


def handler(event, context):
    payload = event["body"]
    data = json.loads(payload)
    print(data)
    return {"statusCode": 200}
