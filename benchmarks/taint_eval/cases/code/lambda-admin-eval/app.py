import json


def handler(event, context):
    cmd = json.loads(event["body"])["cmd"]
    if cmd:
        eval(cmd)
    return {"statusCode": 200}
