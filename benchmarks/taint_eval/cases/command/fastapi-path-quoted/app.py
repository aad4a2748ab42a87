import shlex
import subprocess

from fastapi import FastAPI
from mangum import Mangum

app = FastAPI()


@app.get("/fastapi_path_quoted/{name}")
def fastapi_path_quoted(name: str):
    subprocess.run(f"git log -- {shlex.quote(name)}", shell=True, check=False)
    return {"ok": True}


handler = Mangum(app)
