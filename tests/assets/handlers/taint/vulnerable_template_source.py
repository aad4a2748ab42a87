"""Renders a greeting whose template the caller sends."""

import jinja2

environment = jinja2.Environment(autoescape=True)


def handler(event, context):
    template = event["template"]
    subject = jinja2.Template(template).render(name="customer")  # expect: GATE-SLS-005
    body = environment.from_string(event["body_template"]).render()  # expect: GATE-SLS-005
    return {"subject": subject, "body": body}
