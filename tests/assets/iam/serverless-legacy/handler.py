import boto3

reports = boto3.resource("dynamodb").Table("reports")


def nightly(event, context):
    return reports.query(KeyConditionExpression="pk = :d", ExpressionAttributeValues={":d": "n"})


def weekly(event, context):
    return reports.scan(Limit=10)
