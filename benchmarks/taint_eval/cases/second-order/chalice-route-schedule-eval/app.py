import os

import boto3
from chalice import Chalice

app = Chalice(app_name="notes")
table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


@app.route("/notes", methods=["POST"])
def save():
    table.put_item(Item={"id": "latest", "rule": app.current_request.json_body["rule"]})
    return {"ok": True}


@app.schedule("rate(1 hour)")
def sweep(event):
    item = table.get_item(Key={"id": "latest"})["Item"]
    print(eval(item["rule"]))
