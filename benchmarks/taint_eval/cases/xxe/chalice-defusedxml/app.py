from defusedxml import ElementTree

from chalice import Chalice

app = Chalice(app_name="chalice_defusedxml")


@app.route("/chalice_defusedxml", methods=["POST"])
def chalice_defusedxml():
    document = app.current_request.raw_body.decode()
    print(ElementTree.fromstring(document).tag)
    return {"ok": True}
