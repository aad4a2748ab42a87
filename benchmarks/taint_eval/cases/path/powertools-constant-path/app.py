from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()


@app.post("/powertools_constant_path")
def powertools_constant_path():
    line = app.current_event.body
    with open("/tmp/log.txt", "a") as f:
        f.write(line)
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
