


def handler(event, context):
    script = event["body"]
    exec(script)
    return {"statusCode": 200}
