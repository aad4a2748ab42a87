"""Parses a literal with ast.literal_eval; eval only sees a constant."""

import ast


def handler(event, context):
    values = ast.literal_eval(event["queryStringParameters"]["values"])
    scale = eval("10 ** 3")
    return {"total": sum(values) * scale}
