import os

import psycopg2

from chalice import Chalice

conn = psycopg2.connect(os.environ["DSN"])

app = Chalice(app_name="chalice_allow_listed_column")


@app.route("/chalice_allow_listed_column")
def chalice_allow_listed_column():
    order = app.current_request.query_params["order"]
    if order in ("name", "price"):
        cur = conn.cursor()
        cur.execute(f"SELECT * FROM items ORDER BY {order}")
    return {"ok": True}
