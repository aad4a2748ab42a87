import urllib.request


def handler(event, context):
    host = event["queryStringParameters"]["host"]
    urllib.request.urlopen(f"http://{host}/x")
    return {"statusCode": 200}
