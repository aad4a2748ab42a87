import yaml

from chalice import Chalice

app = Chalice(app_name="chalice_sqs_safe_load")


@app.on_sqs_message(queue="jobs")
def chalice_sqs_safe_load(event):
    for record in event:
        message = record.body
        print(yaml.safe_load(message))
