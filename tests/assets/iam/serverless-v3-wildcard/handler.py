import boto3

s3 = boto3.client("s3")
dynamodb = boto3.client("dynamodb")


def resize(event, context):
    record = event["Records"][0]["s3"]
    image = s3.get_object(Bucket=record["bucket"]["name"], Key=record["object"]["key"])
    s3.put_object(Bucket="thumbnails", Key=record["object"]["key"], Body=image["Body"].read())
    dynamodb.put_item(TableName="thumbnails", Item={"key": {"S": record["object"]["key"]}})
