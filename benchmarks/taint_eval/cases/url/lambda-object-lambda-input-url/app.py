import boto3
import requests


def handler(event, context):
    getObjectContext = event["getObjectContext"]
    original = requests.get(getObjectContext["inputS3Url"], timeout=5)
    boto3.client("s3").write_get_object_response(Body=original.content, RequestRoute=getObjectContext["outputRoute"], RequestToken=getObjectContext["outputToken"])
    return {"statusCode": 200}
