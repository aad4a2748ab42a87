import base64
import pickle

from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_wsgi_pickle_data", methods=["POST"])
def flask_wsgi_pickle_data():
    blob = request.data.decode()
    obj = pickle.loads(base64.b64decode(blob))
    print(obj)
    return {"ok": True}
