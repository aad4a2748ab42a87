import sqlite3

conn = sqlite3.connect("/tmp/app.db")


def handler(event, context):
    username = event["username"]
    conn.execute("SELECT * FROM users WHERE name = '%s'" % username)
    return {"statusCode": 200}
