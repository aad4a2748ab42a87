import jinja2

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()


@app.get("/powertools_from_string_concat")
def powertools_from_string_concat():
    name = app.current_event.query_string_parameters["name"]
    env = jinja2.Environment()
    print(env.from_string("Dear " + name).render())
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
