import io

from lxml import etree

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()


@app.post("/powertools_lxml_parse")
def powertools_lxml_parse():
    document = app.current_event.body
    tree = etree.parse(io.BytesIO(document.encode()))
    print(tree.getroot().tag)
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
