import operator

import awsgi
from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_awsgi_operator_table", methods=["POST"])
def flask_awsgi_operator_table():
    op = request.json["op"]
    OPS = {"add": operator.add, "mul": operator.mul}
    print(OPS.get(op, operator.add)(2, 3))
    return {"ok": True}


def lambda_handler(event, context):
    return awsgi.response(app, event, context)
