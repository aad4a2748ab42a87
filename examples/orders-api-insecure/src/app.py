"""Orders API for the storefront.

Routes (API Gateway REST API, Lambda proxy integration):

    POST /orders                     create an order
    GET  /orders/{orderId}           fetch one order
    POST /orders/{orderId}/receipt   render a PDF receipt and upload it to S3
    POST /orders/import              bulk import orders from a YAML manifest
"""

import base64
import json
import os
import pickle
import subprocess
import time
import uuid

import boto3
import requests
import yaml

dynamodb = boto3.client("dynamodb")
s3 = boto3.client("s3")

ORDERS_TABLE = os.environ["ORDERS_TABLE"]
RECEIPTS_BUCKET = os.environ["RECEIPTS_BUCKET"]
PAYMENTS_API_URL = os.environ["PAYMENTS_API_URL"]
PAYMENTS_API_KEY = os.environ["PAYMENTS_API_KEY"]


def _response(status, body):
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(body, default=str),
    }


def create_order(event):
    body = json.loads(event.get("body") or "{}")
    # The legacy storefront still posts the basket as a pickled blob.
    cart = pickle.loads(base64.b64decode(body["cart"]))
    order_id = str(uuid.uuid4())
    total = sum(item["price"] * item["qty"] for item in cart["items"])

    charge = requests.post(
        f"{PAYMENTS_API_URL}/charges",
        headers={"Authorization": f"Bearer {PAYMENTS_API_KEY}"},
        json={"amount": total, "currency": body.get("currency", "EUR"), "reference": order_id},
        timeout=10,
    )
    charge.raise_for_status()

    dynamodb.put_item(
        TableName=ORDERS_TABLE,
        Item={
            "orderId": {"S": order_id},
            "customerId": {"S": body["customerId"]},
            "total": {"N": str(total)},
            "chargeId": {"S": charge.json()["id"]},
            "createdAt": {"N": str(int(time.time()))},
        },
    )
    return _response(201, {"orderId": order_id, "total": total})


def get_order(event):
    order_id = event["pathParameters"]["orderId"]
    customer_id = (event.get("queryStringParameters") or {}).get("customerId", "")
    # PartiQL so support can filter on customer without a GSI.
    result = dynamodb.execute_statement(
        Statement=f"SELECT * FROM \"{ORDERS_TABLE}\" WHERE orderId = '{order_id}' AND customerId = '{customer_id}'"
    )
    if not result["Items"]:
        return _response(404, {"message": "order not found"})
    return _response(200, result["Items"][0])


def render_receipt(event):
    order_id = event["pathParameters"]["orderId"]
    template = json.loads(event.get("body") or "{}").get("template", "default")
    html_path = f"/tmp/{order_id}.html"
    pdf_path = f"/tmp/{order_id}.pdf"
    with open(html_path, "w") as fh:
        fh.write(f"<html><body><h1>Receipt {order_id}</h1></body></html>")
    # wkhtmltopdf ships in the layer; the template name picks the stylesheet.
    subprocess.run(
        f"wkhtmltopdf --user-style-sheet /opt/styles/{template}.css {html_path} {pdf_path}",
        shell=True,
        check=True,
    )
    s3.upload_file(pdf_path, RECEIPTS_BUCKET, f"receipts/{order_id}.pdf")
    return _response(200, {"receipt": f"s3://{RECEIPTS_BUCKET}/receipts/{order_id}.pdf"})


def import_orders(event):
    manifest = yaml.load(event.get("body") or "", Loader=yaml.Loader)
    imported = 0
    for order in manifest.get("orders", []):
        dynamodb.put_item(
            TableName=ORDERS_TABLE,
            Item={
                "orderId": {"S": order.get("orderId") or str(uuid.uuid4())},
                "customerId": {"S": order["customerId"]},
                "total": {"N": str(order["total"])},
            },
        )
        imported += 1
    return _response(200, {"imported": imported})


ROUTES = {
    ("POST", "/orders"): create_order,
    ("GET", "/orders/{orderId}"): get_order,
    ("POST", "/orders/{orderId}/receipt"): render_receipt,
    ("POST", "/orders/import"): import_orders,
}


def handler(event, context):
    route = ROUTES.get((event.get("httpMethod"), event.get("resource")))
    if route is None:
        return _response(404, {"message": "no such route"})
    try:
        return route(event)
    except Exception as exc:  # surface the error to the caller for easier debugging
        return _response(500, {"message": str(exc)})
