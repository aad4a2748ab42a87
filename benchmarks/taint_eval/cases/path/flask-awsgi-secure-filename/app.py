import os

from werkzeug.utils import secure_filename

import awsgi
from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_awsgi_secure_filename", methods=["POST"])
def flask_awsgi_secure_filename():
    filename = request.form["filename"]
    with open(os.path.join("/tmp", secure_filename(filename)), "wb") as f:
        f.write(b"x")
    return {"ok": True}


def lambda_handler(event, context):
    return awsgi.response(app, event, context)
