import os

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

app = APIGatewayHttpResolver()


@app.post("/powertools_json_body")
def powertools_json_body():
    archive = app.current_event.json_body["archive"]
    os.system("tar xzf " + archive)
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
