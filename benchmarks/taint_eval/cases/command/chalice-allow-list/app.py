import os

from chalice import Chalice

app = Chalice(app_name="chalice_allow_list")


@app.route("/chalice_allow_list/{check}")
def chalice_allow_list(check):
    if check in ("uptime", "df", "free"):
        os.system(check)
    return {"ok": True}
