import os


def handler(event, context):
    seconds = event["pathParameters"]["seconds"]
    os.system(f"sleep {int(seconds)}")
    return {"statusCode": 200}
