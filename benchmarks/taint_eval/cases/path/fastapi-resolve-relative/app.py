from pathlib import Path

from fastapi import FastAPI
from mangum import Mangum

BASE = Path("/srv/data").resolve()

app = FastAPI()


@app.get("/fastapi_resolve_relative/{name}")
def fastapi_resolve_relative(name: str):
    target = (BASE / name).resolve()
    if target.is_relative_to(BASE):
        print(target.read_text())
    return {"ok": True}


handler = Mangum(app)
