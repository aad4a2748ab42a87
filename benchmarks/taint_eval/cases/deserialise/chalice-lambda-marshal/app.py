import base64
import marshal

from chalice import Chalice

app = Chalice(app_name="chalice_lambda_marshal")


@app.lambda_function()
def chalice_lambda_marshal(event, context):
    code = event["code"]
    obj = marshal.loads(base64.b64decode(code))
    print(obj)
