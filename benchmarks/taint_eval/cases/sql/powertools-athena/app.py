import boto3

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

athena = boto3.client("athena")

app = APIGatewayRestResolver()


@app.get("/powertools_athena")
def powertools_athena():
    user = app.current_event.get_query_string_value(name="user", default_value="")
    athena.start_query_execution(QueryString=f"SELECT * FROM logs WHERE user_name = '{user}'", WorkGroup="primary")
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
