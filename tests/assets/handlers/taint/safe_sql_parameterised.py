"""Queries with parameters; the column name comes from an allow-list mapping."""

import os
import sqlite3

import boto3

SORT_COLUMNS = {"date": "created_at", "total": "total"}
dynamodb = boto3.client("dynamodb")
connection = sqlite3.connect("/opt/orders.db")


def handler(event, context):
    params = event.get("queryStringParameters") or {}
    customer = params.get("customer", "")
    column = SORT_COLUMNS.get(params.get("sort"), "created_at")
    cursor = connection.cursor()
    cursor.execute(f"SELECT id FROM orders WHERE customer = ? ORDER BY {column}", (customer,))
    cursor.execute("SELECT id FROM orders WHERE customer = %s" , [customer])
    dynamodb.execute_statement(
        Statement=f"SELECT * FROM \"{os.environ['TABLE']}\" WHERE orderId = ?",
        Parameters=[{"S": event["pathParameters"]["orderId"]}],
    )
    return {"orders": cursor.fetchall()}
