import yaml


def handler(event, context):
    message = event["Records"][0]["body"]
    print(yaml.safe_load(message))
    return {"statusCode": 200}
