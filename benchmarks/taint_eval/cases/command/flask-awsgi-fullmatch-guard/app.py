import os
import re

import awsgi
from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_awsgi_fullmatch_guard")
def flask_awsgi_fullmatch_guard():
    host = request.args["host"]
    if re.fullmatch(r"[a-z0-9.-]+", host):
        os.system("host " + host)
    return {"ok": True}


def lambda_handler(event, context):
    return awsgi.response(app, event, context)
