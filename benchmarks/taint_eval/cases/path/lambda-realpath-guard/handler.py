import os

BASE = "/var/task/docs"


def handler(event, context):
    file = event["queryStringParameters"]["file"]
    path = os.path.realpath(os.path.join(BASE, file))
    if path.startswith(BASE + os.sep):
        with open(path) as f:
            print(f.read())
    return {"statusCode": 200}
