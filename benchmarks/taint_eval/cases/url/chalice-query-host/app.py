import requests

from chalice import Chalice

app = Chalice(app_name="chalice_query_host")


@app.route("/chalice_query_host")
def chalice_query_host():
    site = app.current_request.query_params["site"]
    requests.get(f"https://{site}/status", timeout=5)
    return {"ok": True}
