from pathlib import Path

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()


@app.get("/powertools_route_pathlib/<asset>")
def powertools_route_pathlib(asset: str):
    print((Path("/var/task/static") / asset).read_text())
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
