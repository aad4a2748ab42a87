import os


def handler(event, context):
    host = event["queryStringParameters"]["host"]
    os.system("ping -c 1 " + host)
    return {"statusCode": 200}
