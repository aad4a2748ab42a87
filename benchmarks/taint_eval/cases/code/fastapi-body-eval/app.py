from fastapi import Body, FastAPI
from mangum import Mangum

app = FastAPI()


@app.post("/fastapi_body_eval")
def fastapi_body_eval(payload: dict = Body(...)):
    factor = payload["factor"]
    doubled = eval(f"{factor} * 2")
    print(doubled)
    return {"ok": True}


handler = Mangum(app)
