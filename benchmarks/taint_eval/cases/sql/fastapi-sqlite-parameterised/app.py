import sqlite3

from fastapi import FastAPI
from mangum import Mangum

conn = sqlite3.connect("/tmp/notes.db")

app = FastAPI()


@app.get("/fastapi_sqlite_parameterised")
def fastapi_sqlite_parameterised(owner: str):
    notes = conn.execute("SELECT * FROM notes WHERE owner = ?", (owner,)).fetchall()
    print(notes)
    return {"ok": True}


handler = Mangum(app)
