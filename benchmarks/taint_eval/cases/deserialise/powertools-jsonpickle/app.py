import jsonpickle

from aws_lambda_powertools.event_handler import LambdaFunctionUrlResolver

app = LambdaFunctionUrlResolver()


@app.post("/powertools_jsonpickle")
def powertools_jsonpickle():
    cart = app.current_event.json_body["cart"]
    cart = jsonpickle.decode(cart)
    print(cart)
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
