import requests

from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_wsgi_args_url")
def flask_wsgi_args_url():
    url = request.args["url"]
    return requests.get(url, timeout=5).text
    return {"ok": True}
