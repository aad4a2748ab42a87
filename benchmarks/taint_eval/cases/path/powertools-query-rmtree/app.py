import shutil

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()


@app.get("/powertools_query_rmtree")
def powertools_query_rmtree():
    workspace = app.current_event.get_query_string_value(name="workspace", default_value="")
    shutil.rmtree(f"/tmp/{workspace}")
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
