import io
import xml.sax
from xml.sax.handler import ContentHandler, feature_external_ges

from chalice import Chalice

app = Chalice(app_name="chalice_sqs_sax")


@app.on_sqs_message(queue="jobs")
def chalice_sqs_sax(event):
    for record in event:
        message = record.body
        parser = xml.sax.make_parser()
        parser.setFeature(feature_external_ges, True)
        parser.setContentHandler(ContentHandler())
        parser.parse(io.StringIO(message))
