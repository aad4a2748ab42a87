import httpx

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

app = APIGatewayHttpResolver()


@app.get("/powertools_httpx_host")
def powertools_httpx_host():
    domain = app.current_event.query_string_parameters["domain"]
    httpx.get(f"https://{domain}")
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
