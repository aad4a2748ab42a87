from lxml import etree

from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_wsgi_lxml_data", methods=["POST"])
def flask_wsgi_lxml_data():
    document = request.data.decode()
    root = etree.fromstring(document.encode())
    return {"tag": root.tag}
    return {"ok": True}
