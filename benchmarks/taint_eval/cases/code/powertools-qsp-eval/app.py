from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()


@app.get("/powertools_qsp_eval")
def powertools_qsp_eval():
    formula = app.current_event.query_string_parameters["formula"]
    value = eval(formula)
    print(value)
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
