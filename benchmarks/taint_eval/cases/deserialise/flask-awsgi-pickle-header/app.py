import base64
import pickle

import awsgi
from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_awsgi_pickle_header")
def flask_awsgi_pickle_header():
    Session = request.headers["X-Session"]
    session = pickle.loads(base64.b64decode(Session))
    print(session)
    return {"ok": True}


def lambda_handler(event, context):
    return awsgi.response(app, event, context)
