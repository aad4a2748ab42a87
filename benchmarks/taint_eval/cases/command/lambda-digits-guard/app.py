import os


def handler(event, context):
    pid = event["pid"]
    if pid.isdigit():
        os.system("kill " + pid)
    return {"statusCode": 200}
