import os

import pymysql

import awsgi
from flask import Flask, request

db = pymysql.connect(host=os.environ["DB_HOST"])

app = Flask(__name__)


@app.route("/flask_awsgi_pymysql_query", methods=["POST"])
def flask_awsgi_pymysql_query():
    status = request.json["status"]
    db.query(f"UPDATE orders SET status = '{status}' WHERE id = 1")
    return {"ok": True}


def lambda_handler(event, context):
    return awsgi.response(app, event, context)
