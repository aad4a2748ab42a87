import subprocess

from chalice import Chalice

app = Chalice(app_name="chalice_sqs_call")


@app.on_sqs_message(queue="jobs")
def chalice_sqs_call(event):
    for record in event:
        message = record.body
        subprocess.call("echo " + message, shell=True)
