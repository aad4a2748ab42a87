import yaml

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()


@app.post("/powertools_yaml_unsafe")
def powertools_yaml_unsafe():
    document = app.current_event.body
    data = yaml.unsafe_load(document)
    print(data)
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
