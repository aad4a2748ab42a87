import os

import pymysql

conn = pymysql.connect(host=os.environ["DB_HOST"])


def handler(event, context):
    order_id = event["queryStringParameters"]["order_id"]
    with conn.cursor() as cursor:
        cursor.execute(f"SELECT * FROM orders WHERE id = '{order_id}'")
    return {"statusCode": 200}
