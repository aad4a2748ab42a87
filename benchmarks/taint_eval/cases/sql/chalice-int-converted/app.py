import os

import psycopg2

from chalice import Chalice

conn = psycopg2.connect(os.environ["DSN"])

app = Chalice(app_name="chalice_int_converted")


@app.route("/chalice_int_converted/{item_id}")
def chalice_int_converted(item_id):
    cur = conn.cursor()
    cur.execute(f"SELECT * FROM items WHERE id = {int(item_id)}")
    return {"ok": True}
