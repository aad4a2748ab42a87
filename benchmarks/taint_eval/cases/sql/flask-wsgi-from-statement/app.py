import os

from models import User
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from flask import Flask, request

session = Session(create_engine(os.environ["DB_URL"]))

app = Flask(__name__)


@app.route("/flask_wsgi_from_statement", methods=["POST"])
def flask_wsgi_from_statement():
    user_id = request.form["user_id"]
    users = session.query(User).from_statement(text(f"SELECT * FROM users WHERE id = {user_id}"))
    print(users.all())
    return {"ok": True}
