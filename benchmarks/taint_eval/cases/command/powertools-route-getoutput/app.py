import subprocess

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()


@app.get("/powertools_route_getoutput/<name>")
def powertools_route_getoutput(name: str):
    out = subprocess.getoutput(f"dig +short {name}")
    print(out)
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
