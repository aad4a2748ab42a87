import os

import requests

from chalice import Chalice

BASE = os.environ["API_BASE"]

app = Chalice(app_name="chalice_params")


@app.route("/chalice_params")
def chalice_params():
    q = app.current_request.query_params["q"]
    requests.get(BASE, params={"q": q}, timeout=5)
    return {"ok": True}
