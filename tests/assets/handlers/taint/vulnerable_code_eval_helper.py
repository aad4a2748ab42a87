"""A calculator: the expression comes out of a helper in the same module."""

import base64


def _expression(payload):
    return payload["queryStringParameters"]["expr"]


def handler(event, context):
    result = eval(_expression(event))  # expect: GATE-SLS-002
    exec(base64.b64decode(event["hook"]))  # expect: GATE-SLS-002
    return {"result": result}
