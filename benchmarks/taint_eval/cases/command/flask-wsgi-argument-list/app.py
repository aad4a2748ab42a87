import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_wsgi_argument_list")
def flask_wsgi_argument_list():
    host = request.args["host"]
    subprocess.run(["ping", "-c", "1", host], check=False)
    return {"ok": True}
