from xml.dom import pulldom

import awsgi
from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_awsgi_pulldom_default", methods=["POST"])
def flask_awsgi_pulldom_default():
    document = request.data.decode()
    doc = pulldom.parseString(document)
    print(doc)
    return {"ok": True}


def lambda_handler(event, context):
    return awsgi.response(app, event, context)
