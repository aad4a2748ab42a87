from jinja2 import Template

from chalice import Chalice

app = Chalice(app_name="chalice_sqs_constant_table")


@app.on_sqs_message(queue="jobs")
def chalice_sqs_constant_table(event):
    for record in event:
        body = record.body
        SOURCES = {"welcome": "Welcome {{ body }}"}
        print(Template(SOURCES["welcome"]).render(body=body))
