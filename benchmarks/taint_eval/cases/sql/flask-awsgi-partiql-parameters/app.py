import boto3

import awsgi
from flask import Flask, request

dynamodb = boto3.client("dynamodb")

app = Flask(__name__)


@app.route("/flask_awsgi_partiql_parameters", methods=["POST"])
def flask_awsgi_partiql_parameters():
    order_id = request.json["order_id"]
    dynamodb.execute_statement(Statement="SELECT * FROM orders WHERE id = ?", Parameters=[{"S": order_id}])
    return {"ok": True}


def lambda_handler(event, context):
    return awsgi.response(app, event, context)
