import boto3


def handler(event, context):
    key = event["Records"][0]["s3"]["object"]["key"]
    s3 = boto3.client("s3")
    s3.download_file("uploads", key, f"/tmp/{key}")
    return {"statusCode": 200}
