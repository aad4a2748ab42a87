import subprocess

import awsgi
from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_awsgi_form_sh_c", methods=["POST"])
def flask_awsgi_form_sh_c():
    folder = request.form["folder"]
    subprocess.run(["sh", "-c", "zip -r /tmp/out.zip " + folder], check=False)
    return {"ok": True}


def lambda_handler(event, context):
    return awsgi.response(app, event, context)
