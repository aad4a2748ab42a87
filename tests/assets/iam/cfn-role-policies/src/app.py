import boto3

sqs = boto3.client("sqs")
table = boto3.resource("dynamodb").Table("work")


def handler(event, context):
    for message in sqs.receive_message(QueueUrl=event["queue"]).get("Messages", []):
        table.put_item(Item={"id": message["MessageId"]})
