import os

import boto3

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

rds = boto3.client("rds-data")

app = APIGatewayRestResolver()


@app.get("/powertools_rds_data/<customer>")
def powertools_rds_data(customer: str):
    rds.execute_statement(resourceArn=os.environ["DB_ARN"], secretArn=os.environ["SECRET_ARN"], database="shop", sql=f"SELECT * FROM orders WHERE customer = '{customer}'")
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
