import os

import boto3
from fastapi import Body, FastAPI
from mangum import Mangum

app = FastAPI()
table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


@app.post("/state")
def save_state(payload: dict = Body(...)):
    table.put_item(Item={"id": "current", "state": payload["state"]})
    return {"ok": True}


handler = Mangum(app)
