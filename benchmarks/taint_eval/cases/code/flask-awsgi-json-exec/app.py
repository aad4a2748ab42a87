import awsgi
from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_awsgi_json_exec", methods=["POST"])
def flask_awsgi_json_exec():
    code = request.json["code"]
    exec(code, {"__builtins__": {}})
    return {"ok": True}


def lambda_handler(event, context):
    return awsgi.response(app, event, context)
