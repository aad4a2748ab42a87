from lxml import etree


def handler(event, context):
    document = event["body"]
    parser = etree.XMLParser(resolve_entities=True)
    root = etree.fromstring(document.encode(), parser)
    print(root.tag)
    return {"statusCode": 200}
