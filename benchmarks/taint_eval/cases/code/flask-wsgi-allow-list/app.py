from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_wsgi_allow_list")
def flask_wsgi_allow_list():
    expr = request.args["expr"]
    if expr in ("1 + 1", "2 * 3"):
        print(eval(expr))
    return {"ok": True}
