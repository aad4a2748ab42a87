from mako.template import Template

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()


@app.post("/powertools_mako")
def powertools_mako():
    source = app.current_event.body
    print(Template(source).render())
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
