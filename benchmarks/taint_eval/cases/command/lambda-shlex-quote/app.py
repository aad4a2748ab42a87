import os
import shlex


def handler(event, context):
    host = event["queryStringParameters"]["host"]
    os.system("ping -c 1 " + shlex.quote(host))
    return {"statusCode": 200}
