"""Nightly export of yesterday's settled orders to the finance partner.

Reads settled orders from the reporting replica and writes one CSV per day
into the partner's inbound bucket, using the access key they issued to us.
"""

import csv
import datetime
import io
import os

import boto3
import pg8000.native

partner_s3 = boto3.client(
    "s3",
    aws_access_key_id=os.environ["PARTNER_ACCESS_KEY_ID"],
    aws_secret_access_key=os.environ["PARTNER_SECRET_ACCESS_KEY"],
)

COLUMNS = ("order_id", "settled_at", "currency", "total_cents", "vat_cents")


def _settled_orders(day):
    conn = pg8000.native.Connection(
        host=os.environ["REPORTING_DB_HOST"],
        user=os.environ["REPORTING_DB_USER"],
        password=os.environ["REPORTING_DB_PASSWORD"],
        database="reporting",
        ssl_context=True,
    )
    try:
        return conn.run(
            "SELECT order_id, settled_at, currency, total_cents, vat_cents "
            "FROM settled_orders WHERE settled_at::date = :day ORDER BY settled_at",
            day=day,
        )
    finally:
        conn.close()


def handler(event, context):
    day = datetime.date.today() - datetime.timedelta(days=1)
    rows = _settled_orders(day)

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(rows)

    key = f"orders/{day:%Y/%m}/settled-{day.isoformat()}.csv"
    partner_s3.put_object(
        Bucket=os.environ["PARTNER_BUCKET"],
        Key=key,
        Body=buffer.getvalue().encode("utf-8"),
        ServerSideEncryption="AES256",
    )
    return {"exported": len(rows), "key": key}
