import os

from fastapi import FastAPI
from mangum import Mangum

app = FastAPI()


@app.get("/fastapi_query_system")
def fastapi_query_system(host: str):
    os.system(f"ping -c 1 {host}")
    return {"ok": True}


handler = Mangum(app)
