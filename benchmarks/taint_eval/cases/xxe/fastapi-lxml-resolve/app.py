from lxml import etree

from fastapi import Body, FastAPI
from mangum import Mangum

app = FastAPI()


@app.post("/fastapi_lxml_resolve")
def fastapi_lxml_resolve(payload: dict = Body(...)):
    document = payload["document"]
    root = etree.fromstring(document.encode(), parser=etree.XMLParser(resolve_entities=True))
    print(root.tag)
    return {"ok": True}


handler = Mangum(app)
