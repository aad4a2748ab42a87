import os

import records

from fastapi import FastAPI
from mangum import Mangum

db = records.Database(os.environ["DB_URL"])

app = FastAPI()


@app.get("/fastapi_records_query")
def fastapi_records_query(city: str):
    rows = db.query(f"SELECT * FROM shops WHERE city = '{city}'")
    print(rows.all())
    return {"ok": True}


handler = Mangum(app)
