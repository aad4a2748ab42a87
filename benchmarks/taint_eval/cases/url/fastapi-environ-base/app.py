import os

import requests

from fastapi import FastAPI
from mangum import Mangum

app = FastAPI()


@app.get("/fastapi_environ_base/{order_id}")
def fastapi_environ_base(order_id: str):
    requests.get(f"{os.environ['API_BASE']}/orders/{order_id}", timeout=5)
    return {"ok": True}


handler = Mangum(app)
