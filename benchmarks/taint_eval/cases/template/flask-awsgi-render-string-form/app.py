from flask import render_template_string

import awsgi
from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_awsgi_render_string_form", methods=["POST"])
def flask_awsgi_render_string_form():
    bio = request.form["bio"]
    return render_template_string(bio)
    return {"ok": True}


def lambda_handler(event, context):
    return awsgi.response(app, event, context)
