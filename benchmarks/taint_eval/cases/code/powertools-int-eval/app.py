from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()


@app.get("/powertools_int_eval/<count>")
def powertools_int_eval(count: str):
    total = eval(str(int(count)) + " * 2")
    print(total)
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
