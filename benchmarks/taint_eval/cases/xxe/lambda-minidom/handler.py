from xml.dom import minidom


def handler(event, context):
    document = event["body"]
    print(minidom.parseString(document).documentElement)
    return {"statusCode": 200}
