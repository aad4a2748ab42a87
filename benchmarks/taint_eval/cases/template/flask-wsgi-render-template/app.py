from flask import render_template

from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_wsgi_render_template")
def flask_wsgi_render_template():
    name = request.args["name"]
    return render_template("hello.html", name=name)
    return {"ok": True}
