import jinja2

import json


def handler(event, context):
    template = json.loads(event["body"])["template"]
    html = jinja2.Template(template).render()
    print(html)
    return {"statusCode": 200}
