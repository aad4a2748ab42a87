import os

from chalice import Chalice

app = Chalice(app_name="chalice_lambda_remove")


@app.lambda_function()
def chalice_lambda_remove(event, context):
    name = event["name"]
    os.remove("/tmp/" + name)
