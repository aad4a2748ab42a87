import requests

from fastapi import FastAPI
from mangum import Mangum

app = FastAPI()


@app.get("/fastapi_query_port")
def fastapi_query_port(port: str):
    requests.get(f"http://internal.example:{port}/health", timeout=5)
    return {"ok": True}


handler = Mangum(app)
