import awsgi
from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_awsgi_form_write", methods=["POST"])
def flask_awsgi_form_write():
    filename = request.form["filename"]
    with open(f"/tmp/uploads/{filename}", "w") as f:
        f.write("x")
    return {"ok": True}


def lambda_handler(event, context):
    return awsgi.response(app, event, context)
