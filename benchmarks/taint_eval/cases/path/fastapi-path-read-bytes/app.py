from pathlib import Path

from fastapi import FastAPI
from mangum import Mangum

app = FastAPI()


@app.get("/fastapi_path_read_bytes/{name}")
def fastapi_path_read_bytes(name: str):
    print(len(Path(f"/tmp/{name}").read_bytes()))
    return {"ok": True}


handler = Mangum(app)
