import io
import xml.sax
from xml.sax.handler import ContentHandler, feature_external_ges

from fastapi import Body, FastAPI
from mangum import Mangum

app = FastAPI()


@app.post("/fastapi_sax_external_off")
def fastapi_sax_external_off(payload: dict = Body(...)):
    document = payload["document"]
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, False)
    parser.setContentHandler(ContentHandler())
    parser.parse(io.StringIO(document))
    return {"ok": True}


handler = Mangum(app)
