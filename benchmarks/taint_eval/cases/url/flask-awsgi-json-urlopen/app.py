import urllib.request

import awsgi
from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_awsgi_json_urlopen", methods=["POST"])
def flask_awsgi_json_urlopen():
    feed = request.json["feed"]
    return urllib.request.urlopen(feed).read()
    return {"ok": True}


def lambda_handler(event, context):
    return awsgi.response(app, event, context)
