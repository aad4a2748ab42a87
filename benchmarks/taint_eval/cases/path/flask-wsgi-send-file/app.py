import os

from flask import send_file

from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_wsgi_send_file")
def flask_wsgi_send_file():
    name = request.args["name"]
    return send_file(os.path.join("files", name))
    return {"ok": True}
