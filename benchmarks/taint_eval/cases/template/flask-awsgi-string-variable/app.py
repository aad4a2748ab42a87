from flask import render_template_string

import awsgi
from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_awsgi_string_variable")
def flask_awsgi_string_variable():
    q = request.args["q"]
    return render_template_string("<p>{{ q }}</p>", q=q)
    return {"ok": True}


def lambda_handler(event, context):
    return awsgi.response(app, event, context)
