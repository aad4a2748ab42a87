import os
import urllib.parse
import urllib.request

import awsgi
from flask import Flask, request

BASE = os.environ["API_BASE"]

app = Flask(__name__)


@app.route("/flask_awsgi_quoted_query")
def flask_awsgi_quoted_query():
    q = request.args["q"]
    return urllib.request.urlopen(BASE + "/search?q=" + urllib.parse.quote(q)).read()
    return {"ok": True}


def lambda_handler(event, context):
    return awsgi.response(app, event, context)
