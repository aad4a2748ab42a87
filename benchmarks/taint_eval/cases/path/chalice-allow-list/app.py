import os

from chalice import Chalice

app = Chalice(app_name="chalice_allow_list")


@app.route("/chalice_allow_list")
def chalice_allow_list():
    page = app.current_request.query_params["page"]
    if page in ("terms.txt", "privacy.txt"):
        with open(os.path.join("docs", page)) as f:
            print(f.read())
    return {"ok": True}
