import xml.etree.ElementTree as ET


def handler(event, context):
    document = event["body"]
    print(ET.fromstring(document).tag)
    return {"statusCode": 200}
