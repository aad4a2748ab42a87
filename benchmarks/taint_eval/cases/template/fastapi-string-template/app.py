import string

from fastapi import FastAPI
from mangum import Mangum

app = FastAPI()


@app.get("/fastapi_string_template")
def fastapi_string_template(name: str):
    print(string.Template("Hello $name").substitute(name=name))
    return {"ok": True}


handler = Mangum(app)
