import base64
import json

from fastapi import Body, FastAPI
from mangum import Mangum

app = FastAPI()


@app.post("/fastapi_base64_json")
def fastapi_base64_json(payload: dict = Body(...)):
    token = payload["token"]
    print(json.loads(base64.b64decode(token)))
    return {"ok": True}


handler = Mangum(app)
