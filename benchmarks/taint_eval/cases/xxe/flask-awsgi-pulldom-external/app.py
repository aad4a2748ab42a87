import xml.sax
from xml.dom import pulldom
from xml.sax.handler import feature_external_ges

import awsgi
from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_awsgi_pulldom_external", methods=["POST"])
def flask_awsgi_pulldom_external():
    document = request.data.decode()
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, True)
    doc = pulldom.parseString(document, parser=parser)
    print(doc)
    return {"ok": True}


def lambda_handler(event, context):
    return awsgi.response(app, event, context)
