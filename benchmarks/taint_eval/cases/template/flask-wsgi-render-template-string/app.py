from flask import render_template_string

from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_wsgi_render_template_string")
def flask_wsgi_render_template_string():
    name = request.args["name"]
    return render_template_string("<h1>Hello " + name + "</h1>")
    return {"ok": True}
