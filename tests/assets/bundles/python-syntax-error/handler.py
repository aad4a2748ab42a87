"""Price quote endpoint for the storefront's product pages."""

import json

from pricing import quote


def handler(event, context):
    params = event.get("queryStringParameters") or {}
    sku = params.get("sku", "")
<<<<<<< HEAD
    quantity = int(params.get("qty", "1"))
    result = quote(sku, quantity, params.get("currency", "EUR"))
=======
    quantity = max(1, int(params.get("quantity", "1")))
    result = quote(sku, quantity, currency=params.get("currency", "EUR"))
>>>>>>> feature/volume-discounts
    return {
        "statusCode": 200,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps(result),
    }
