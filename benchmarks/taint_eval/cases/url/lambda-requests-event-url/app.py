import requests


def handler(event, context):
    url = event["url"]
    print(requests.get(url, timeout=5).text)
    return {"statusCode": 200}
