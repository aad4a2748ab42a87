"""An invoice importer: the uploaded XML is parsed with entity resolution on, so a
document can name /proc/self/environ (the function's credentials) as an entity."""

import json

from lxml import etree

PARSER = etree.XMLParser(resolve_entities=True, no_network=False)


def handler(event, context):
    document = etree.fromstring(event["body"].encode(), PARSER)  # expect: GATE-SLS-008
    total = sum(float(line.get("amount", 0)) for line in document.iter("line"))
    return {"statusCode": 200, "body": json.dumps({"total": total})}
