import yaml

from fastapi import Body, FastAPI
from mangum import Mangum

app = FastAPI()


@app.post("/fastapi_yaml_unsafe_loader")
def fastapi_yaml_unsafe_loader(payload: dict = Body(...)):
    manifest = payload["manifest"]
    spec = yaml.load(manifest, Loader=yaml.UnsafeLoader)
    print(spec)
    return {"ok": True}


handler = Mangum(app)
