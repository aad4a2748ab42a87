import re

from fastapi import FastAPI
from mangum import Mangum

app = FastAPI()


@app.get("/fastapi_fullmatch_arithmetic")
def fastapi_fullmatch_arithmetic(expr: str):
    if re.fullmatch(r"[0-9+*/ ()-]{1,20}", expr):
        print(eval(expr))
    return {"ok": True}


handler = Mangum(app)
