"""Award loyalty points for completed orders (SQS batch from the orders service)."""

import json
import logging
import os

import pg8000.native

logger = logging.getLogger()
logger.setLevel(logging.INFO)

POINTS_PER_EURO = 10
_connection = None


def _db():
    # One connection per execution environment, reused across invocations.
    global _connection
    if _connection is None:
        _connection = pg8000.native.Connection(
            host=os.environ["DB_HOST"],
            user=os.environ["DB_USER"],
            password=os.environ["DB_PASSWORD"],
            database="loyalty",
            ssl_context=True,
        )
    return _connection


def award_points(event, context):
    failures = []
    for record in event["Records"]:
        try:
            order = json.loads(record["body"])
            points = int(order["totalCents"]) * POINTS_PER_EURO // 100
            _db().run(
                "INSERT INTO points_ledger (customer_id, order_id, points) "
                "VALUES (:customer, :order_id, :points) ON CONFLICT (order_id) DO NOTHING",
                customer=order["customerId"],
                order_id=order["orderId"],
                points=points,
            )
        except Exception:
            logger.exception("could not award points for message %s", record["messageId"])
            failures.append({"itemIdentifier": record["messageId"]})
    # Partial batch response: only the failed messages go back to the queue.
    return {"batchItemFailures": failures}
