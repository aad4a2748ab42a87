import io
import xml.sax
from xml.sax.handler import ContentHandler, feature_external_ges


def handler(event, context):
    message = event["Records"][0]["body"]
    parser = xml.sax.make_parser()
    parser.setFeature(feature_external_ges, True)
    parser.setContentHandler(ContentHandler())
    parser.parse(io.StringIO(message))
    return {"statusCode": 200}
