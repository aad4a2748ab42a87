from flask import send_from_directory

from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_wsgi_send_from_directory")
def flask_wsgi_send_from_directory():
    name = request.args["name"]
    return send_from_directory("files", name)
    return {"ok": True}
