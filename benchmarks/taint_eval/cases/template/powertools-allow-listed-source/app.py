import jinja2

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()


@app.get("/powertools_allow_listed_source/<kind>")
def powertools_allow_listed_source(kind: str):
    if kind in ("Hello {{ x }}", "Bye {{ x }}"):
        print(jinja2.Template(kind).render(x=1))
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
