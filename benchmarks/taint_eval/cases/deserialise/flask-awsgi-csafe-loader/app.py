import yaml

import awsgi
from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_awsgi_csafe_loader", methods=["POST"])
def flask_awsgi_csafe_loader():
    document = request.data.decode()
    print(yaml.load(document, Loader=yaml.CSafeLoader))
    return {"ok": True}


def lambda_handler(event, context):
    return awsgi.response(app, event, context)
