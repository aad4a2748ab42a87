import jinja2

from fastapi import FastAPI
from mangum import Mangum

app = FastAPI()


@app.get("/fastapi_query_fstring_template")
def fastapi_query_fstring_template(name: str):
    print(jinja2.Template(f"Hello {name}!").render())
    return {"ok": True}


handler = Mangum(app)
