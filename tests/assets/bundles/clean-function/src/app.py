"""Delete shopping carts nobody has touched for MAX_AGE_DAYS days.

Runs nightly from EventBridge Scheduler. Carts are found through the
`by-status` index (status = "open", sorted by updatedAt), so the job reads
only the expired carts instead of scanning the whole table.
"""

import os
import time

import boto3
from aws_lambda_powertools import Logger, Tracer
from boto3.dynamodb.conditions import Attr, Key

logger = Logger()
tracer = Tracer()

table = boto3.resource("dynamodb").Table(os.environ["CARTS_TABLE"])
MAX_AGE_DAYS = int(os.environ.get("MAX_AGE_DAYS", "14"))


def _expired_carts(cutoff):
    kwargs = {
        "IndexName": "by-status",
        "KeyConditionExpression": Key("status").eq("open") & Key("updatedAt").lt(cutoff),
        "ProjectionExpression": "cartId",
    }
    while True:
        page = table.query(**kwargs)
        yield from page["Items"]
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event, context):
    cutoff = int(time.time()) - MAX_AGE_DAYS * 86400
    deleted = 0
    for cart in _expired_carts(cutoff):
        # Re-check on delete: a customer may have reopened the cart meanwhile.
        try:
            table.delete_item(
                Key={"cartId": cart["cartId"]},
                ConditionExpression=Attr("updatedAt").lt(cutoff),
            )
            deleted += 1
        except table.meta.client.exceptions.ConditionalCheckFailedException:
            logger.info("cart %s was updated, kept", cart["cartId"])
    logger.info("cleanup finished", extra={"deleted": deleted, "cutoff": cutoff})
    return {"deleted": deleted}
