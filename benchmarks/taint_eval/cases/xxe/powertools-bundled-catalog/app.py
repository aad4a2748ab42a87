from lxml import etree

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

app = APIGatewayRestResolver()


@app.get("/powertools_bundled_catalog")
def powertools_bundled_catalog():
    sku = app.current_event.query_string_parameters["sku"]
    tree = etree.parse("catalog.xml")
    print(tree.getroot().tag, sku)
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
