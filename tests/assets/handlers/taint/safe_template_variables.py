"""Template source is constant; event data is only a render() variable."""

import jinja2

GREETING = jinja2.Template("Hello {{ name }}, your order {{ order }} has shipped.")


def handler(event, context):
    subject = GREETING.render(name=event["name"], order=event["orderId"])
    body = jinja2.Template("Order {{ id }}").render(id=event["orderId"])
    return {"subject": subject, "body": body}
