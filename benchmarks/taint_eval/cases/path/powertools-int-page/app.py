from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()


@app.get("/powertools_int_page")
def powertools_int_page():
    page = app.current_event.query_string_parameters["page"]
    with open(f"/tmp/page-{int(page)}.html") as f:
        print(f.read())
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
