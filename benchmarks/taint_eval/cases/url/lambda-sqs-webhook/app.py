import requests


def handler(event, context):
    callback = event["Records"][0]["body"]
    requests.post(callback, json={"done": True}, timeout=5)
    return {"statusCode": 200}
