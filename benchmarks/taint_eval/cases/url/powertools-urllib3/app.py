import urllib3

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()


@app.post("/powertools_urllib3")
def powertools_urllib3():
    target = app.current_event.json_body["target"]
    urllib3.PoolManager().request("GET", target)
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
