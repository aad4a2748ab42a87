import xml.sax
from xml.sax.handler import ContentHandler

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()


@app.post("/powertools_sax_default")
def powertools_sax_default():
    document = app.current_event.body
    xml.sax.parseString(document.encode(), ContentHandler())
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
