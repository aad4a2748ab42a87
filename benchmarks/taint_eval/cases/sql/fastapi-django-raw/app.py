from django.contrib.auth.models import User

from fastapi import FastAPI
from mangum import Mangum

app = FastAPI()


@app.get("/fastapi_django_raw/{username}")
def fastapi_django_raw(username: str):
    found = User.objects.raw(f"SELECT * FROM auth_user WHERE username = '{username}'")
    print(list(found))
    return {"ok": True}


handler = Mangum(app)
