import os

from chalice import Chalice

app = Chalice(app_name="chalice_lambda_function")


@app.lambda_function()
def chalice_lambda_function(event, context):
    archive = event["archive"]
    os.system(f"gzip -d {archive}")
