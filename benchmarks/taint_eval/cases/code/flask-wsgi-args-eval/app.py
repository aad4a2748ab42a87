from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_wsgi_args_eval")
def flask_wsgi_args_eval():
    expr = request.args["expr"]
    print(eval(expr))
    return {"ok": True}
