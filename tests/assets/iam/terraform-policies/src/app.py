import boto3

s3 = boto3.client("s3")
dynamodb = boto3.client("dynamodb")


def handler(event, context):
    obj = s3.get_object(Bucket=event["bucket"], Key=event["key"])
    dynamodb.put_item(TableName="work", Item={"id": {"S": obj["ETag"]}})
