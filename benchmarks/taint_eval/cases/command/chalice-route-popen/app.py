import os

from chalice import Chalice

app = Chalice(app_name="chalice_route_popen")


@app.route("/chalice_route_popen/{domain}")
def chalice_route_popen(domain):
    answer = os.popen("nslookup " + domain).read()
    print(answer)
    return {"ok": True}
