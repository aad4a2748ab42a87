import sqlite3

import pandas

from chalice import Chalice

conn = sqlite3.connect("/tmp/stock.db")

app = Chalice(app_name="chalice_pandas_read_sql")


@app.lambda_function()
def chalice_pandas_read_sql(event, context):
    sku = event["sku"]
    frame = pandas.read_sql(f"SELECT * FROM stock WHERE sku = '{sku}'", conn)
    print(frame)
