import requests

from fastapi import Body, FastAPI
from mangum import Mangum

app = FastAPI()


@app.post("/fastapi_body_domain")
def fastapi_body_domain(payload: dict = Body(...)):
    domain = payload["domain"]
    requests.get(f"https://{domain}/.well-known/security.txt", timeout=5)
    return {"ok": True}


handler = Mangum(app)
