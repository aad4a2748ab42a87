import subprocess

from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_wsgi_args_popen")
def flask_wsgi_args_popen():
    domain = request.args["domain"]
    subprocess.Popen("whois " + domain, shell=True)
    return {"ok": True}
