import json

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()


@app.post("/powertools_json_body")
def powertools_json_body():
    document = app.current_event.body
    print(json.loads(document))
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
