from lxml import etree

from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_wsgi_lxml4_hardened", methods=["POST"])
def flask_wsgi_lxml4_hardened():
    document = request.data.decode()
    parser = etree.XMLParser(resolve_entities=False)
    root = etree.fromstring(document.encode(), parser)
    return {"tag": root.tag}
    return {"ok": True}
