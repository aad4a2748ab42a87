from xml.etree import ElementTree

from flask import Flask, request

app = Flask(__name__)


@app.route("/flask_wsgi_elementtree", methods=["POST"])
def flask_wsgi_elementtree():
    document = request.data.decode()
    return {"tag": ElementTree.fromstring(document).tag}
    return {"ok": True}
