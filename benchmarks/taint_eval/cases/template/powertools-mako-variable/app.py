from mako.template import Template

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()


@app.get("/powertools_mako_variable")
def powertools_mako_variable():
    name = app.current_event.query_string_parameters["name"]
    print(Template("hello ${name}").render(name=name))
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
