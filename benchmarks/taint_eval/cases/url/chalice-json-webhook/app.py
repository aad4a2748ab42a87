import requests

from chalice import Chalice

app = Chalice(app_name="chalice_json_webhook")


@app.route("/chalice_json_webhook", methods=["POST"])
def chalice_json_webhook():
    webhook = app.current_request.json_body["webhook"]
    requests.post(webhook, json={"ok": True}, timeout=5)
    return {"ok": True}
