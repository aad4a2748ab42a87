import os

import boto3
from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()
table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


@app.post("/rules")
def save_rule():
    table.put_item(Item={"id": "current", "rule": app.current_event.json_body["rule"]})
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
