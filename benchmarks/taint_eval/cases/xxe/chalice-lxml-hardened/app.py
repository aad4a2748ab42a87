from lxml import etree

from chalice import Chalice

app = Chalice(app_name="chalice_lxml_hardened")


@app.route("/chalice_lxml_hardened", methods=["POST"])
def chalice_lxml_hardened():
    document = app.current_request.raw_body.decode()
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    print(etree.fromstring(document, parser).tag)
    return {"ok": True}
