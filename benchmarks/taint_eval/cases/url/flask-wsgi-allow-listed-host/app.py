import requests

from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_wsgi_allow_listed_host")
def flask_wsgi_allow_listed_host():
    host = request.args["host"]
    if host in ("api.example.com", "status.example.com"):
        requests.get(f"https://{host}/", timeout=5)
    return {"ok": True}
