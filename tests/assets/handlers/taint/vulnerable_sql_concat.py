"""Order search with a query built by concatenation."""

import sqlite3

connection = sqlite3.connect("/opt/orders.db")


def handler(event, context):
    params = event.get("queryStringParameters") or {}
    customer = params.get("customer", "")
    query = "SELECT id, total FROM orders WHERE customer = '" + customer + "'"
    cursor = connection.cursor()
    cursor.execute(query)  # expect: GATE-SLS-003
    return {"orders": cursor.fetchall()}
