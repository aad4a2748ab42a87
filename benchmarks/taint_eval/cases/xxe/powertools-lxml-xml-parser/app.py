from lxml import etree

from aws_lambda_powertools.event_handler import ALBResolver

app = ALBResolver()


@app.post("/powertools_lxml_xml_parser")
def powertools_lxml_xml_parser():
    document = app.current_event.body
    root = etree.XML(document, etree.XMLParser(resolve_entities=True, no_network=False))
    print(root.tag)
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
