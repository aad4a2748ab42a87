import json

from aws_lambda_powertools.event_handler import LambdaFunctionUrlResolver

app = LambdaFunctionUrlResolver()


@app.post("/powertools_json_loads")
def powertools_json_loads():
    doc = app.current_event.body
    print(json.loads(doc))
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
