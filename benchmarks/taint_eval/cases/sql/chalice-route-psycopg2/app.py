import os

import psycopg2

from chalice import Chalice

conn = psycopg2.connect(os.environ["DSN"])

app = Chalice(app_name="chalice_route_psycopg2")


@app.route("/chalice_route_psycopg2/{item_id}")
def chalice_route_psycopg2(item_id):
    cur = conn.cursor()
    cur.execute("DELETE FROM items WHERE id = " + item_id)
    return {"ok": True}
