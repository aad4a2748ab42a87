"""The legacy storefront posts the basket as a base64 pickle inside JSON."""

import base64
import json
import pickle


def handler(event, context):
    body = json.loads(event["body"])
    cart = pickle.loads(base64.b64decode(body["cart"]))  # expect: GATE-SLS-004
    return {"items": len(cart["items"])}
