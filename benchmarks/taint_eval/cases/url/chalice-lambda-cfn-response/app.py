import json

import requests

from chalice import Chalice

app = Chalice(app_name="chalice_lambda_cfn_response")


@app.lambda_function()
def chalice_lambda_cfn_response(event, context):
    ResponseURL = event["ResponseURL"]
    requests.put(ResponseURL, data=json.dumps({"Status": "SUCCESS"}), timeout=5)
