import ast

import json


def handler(event, context):
    numbers = json.loads(event["body"])["numbers"]
    parsed = ast.literal_eval(numbers)
    print(parsed)
    return {"statusCode": 200}
