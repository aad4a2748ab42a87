import os

from chalice import Chalice

app = Chalice(app_name="chalice_route_join")


@app.route("/chalice_route_join/{report}")
def chalice_route_join(report):
    with open(os.path.join("/tmp/reports", report)) as f:
        print(f.read())
    return {"ok": True}
