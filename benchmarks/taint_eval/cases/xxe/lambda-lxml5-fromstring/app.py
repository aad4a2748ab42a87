from lxml import etree


def handler(event, context):
    document = event["body"]
    root = etree.fromstring(document)
    print(root.tag)
    return {"statusCode": 200}
