import json


def handler(event, context):
    file = json.loads(event["body"])["file"]
    with open(file) as f:
        print(f.read())
    return {"statusCode": 200}
