import os

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from flask import Flask, request

session = Session(create_engine(os.environ["DB_URL"]))

app = Flask(__name__)


@app.route("/flask_wsgi_sqlalchemy_bind")
def flask_wsgi_sqlalchemy_bind():
    name = request.args["name"]
    rows = session.execute(text("SELECT * FROM users WHERE name = :name"), {"name": name})
    print(rows.all())
    return {"ok": True}
