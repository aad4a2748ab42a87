


def handler(event, context):
    rule = event["Records"][0]["Sns"]["Message"]
    matched = eval(rule)
    print(matched)
    return {"statusCode": 200}
