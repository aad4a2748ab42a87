from lxml import etree

from chalice import Chalice

app = Chalice(app_name="chalice_raw_lxml")


@app.route("/chalice_raw_lxml", methods=["POST"])
def chalice_raw_lxml():
    document = app.current_request.raw_body.decode()
    root = etree.fromstring(document)
    print(root.tag)
    return {"ok": True}
