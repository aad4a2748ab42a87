"""PartiQL statement built by a helper that takes the id as a keyword argument."""

import os

import boto3

TABLE = os.environ["ORDERS_TABLE"]
dynamodb = boto3.client("dynamodb")


def _statement(table, *, order_id):
    return f"SELECT * FROM \"{table}\" WHERE orderId = '{order_id}'"


def handler(event, context):
    order_id = event["pathParameters"]["orderId"]
    result = dynamodb.execute_statement(Statement=_statement(TABLE, order_id=order_id))  # expect: GATE-SLS-003
    return {"items": result["Items"]}
