"""Orders API for the storefront.

Routes (API Gateway REST API with a Cognito authorizer, Lambda proxy integration):

    POST /orders             create an order for the signed-in customer
    GET  /orders/{orderId}   fetch one of the signed-in customer's orders

The customer id always comes from the verified token claims, never from the
request body, so one customer cannot read or create another's orders.
"""

import os
import re
import time
import uuid
from decimal import Decimal, InvalidOperation

import boto3
import requests
from aws_lambda_powertools import Logger, Tracer
from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.exceptions import BadRequestError, NotFoundError
from aws_lambda_powertools.utilities import parameters

logger = Logger()
tracer = Tracer()
app = APIGatewayRestResolver()

ORDERS_TABLE = os.environ["ORDERS_TABLE"]
PAYMENTS_API_URL = os.environ["PAYMENTS_API_URL"]
PAYMENTS_API_KEY_SECRET_NAME = os.environ["PAYMENTS_API_KEY_SECRET_NAME"]

SKU = re.compile(r"^[A-Z0-9]{3,12}-[A-Z0-9]{2,8}$")
ORDER_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
CURRENCIES = {"EUR", "GBP", "USD"}
MAX_LINES = 50

table = boto3.resource("dynamodb").Table(ORDERS_TABLE)
http = requests.Session()


def _customer_id() -> str:
    return app.current_event.request_context.authorizer.claims["sub"]


def _payments_api_key() -> str:
    # Cached for five minutes so a rotation is picked up without a redeploy.
    return parameters.get_secret(PAYMENTS_API_KEY_SECRET_NAME, max_age=300)


def _parse_lines(raw) -> list[dict]:
    if not isinstance(raw, list) or not 0 < len(raw) <= MAX_LINES:
        raise BadRequestError(f"items must be a list of 1 to {MAX_LINES} lines")
    lines = []
    for item in raw:
        if not isinstance(item, dict):
            raise BadRequestError("each item must be an object")
        sku, qty = item.get("sku"), item.get("qty")
        if not isinstance(sku, str) or not SKU.match(sku):
            raise BadRequestError("invalid sku")
        if not isinstance(qty, int) or isinstance(qty, bool) or not 1 <= qty <= 99:
            raise BadRequestError("qty must be a whole number from 1 to 99")
        try:
            price = Decimal(str(item.get("price")))
        except InvalidOperation:
            raise BadRequestError("invalid price") from None
        if not price.is_finite() or price <= 0 or price.as_tuple().exponent < -2:
            raise BadRequestError("invalid price")
        lines.append({"sku": sku, "qty": qty, "price": price})
    return lines


@tracer.capture_method
def _charge(order_id: str, amount: Decimal, currency: str) -> str:
    response = http.post(
        f"{PAYMENTS_API_URL}/charges",
        headers={"Authorization": f"Bearer {_payments_api_key()}"},
        json={"amount": str(amount), "currency": currency, "reference": order_id},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["id"]


@app.post("/orders")
@tracer.capture_method
def create_order():
    body = app.current_event.json_body or {}
    if not isinstance(body, dict):
        raise BadRequestError("request body must be a JSON object")
    currency = body.get("currency", "EUR")
    if currency not in CURRENCIES:
        raise BadRequestError("unsupported currency")
    lines = _parse_lines(body.get("items"))
    total = sum((line["price"] * line["qty"] for line in lines), Decimal("0"))

    order_id = str(uuid.uuid4())
    charge_id = _charge(order_id, total, currency)
    table.put_item(
        Item={
            "orderId": order_id,
            "customerId": _customer_id(),
            "items": lines,
            "currency": currency,
            "total": total,
            "chargeId": charge_id,
            "createdAt": int(time.time()),
        },
        # A fresh uuid4 never collides; this guards against a replayed write.
        ConditionExpression="attribute_not_exists(orderId)",
    )
    logger.info("order created", extra={"order_id": order_id, "lines": len(lines)})
    return {"orderId": order_id, "total": str(total), "currency": currency}, 201


@app.get("/orders/<order_id>")
@tracer.capture_method
def get_order(order_id: str):
    if not ORDER_ID.match(order_id):
        raise BadRequestError("invalid order id")
    item = table.get_item(Key={"orderId": order_id}).get("Item")
    # Someone else's order is reported exactly like a missing one.
    if item is None or item["customerId"] != _customer_id():
        raise NotFoundError("order not found")
    return {
        "orderId": item["orderId"],
        "currency": item["currency"],
        "total": str(item["total"]),
        "items": [
            {"sku": line["sku"], "qty": int(line["qty"]), "price": str(line["price"])}
            for line in item["items"]
        ],
        "createdAt": int(item["createdAt"]),
    }


@logger.inject_lambda_context(correlation_id_path="requestContext.requestId")
@tracer.capture_lambda_handler
def handler(event, context):
    return app.resolve(event, context)
