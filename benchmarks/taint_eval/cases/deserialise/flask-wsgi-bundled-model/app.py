import pickle

from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_wsgi_bundled_model")
def flask_wsgi_bundled_model():
    feature = request.args["feature"]
    with open("model.pkl", "rb") as f:
        model = pickle.load(f)
    print(model, feature)
    return {"ok": True}
