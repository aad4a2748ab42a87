"""Receipts rendered to /tmp and uploaded; nothing is removed afterwards."""

import tempfile

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    order_id = event["pathParameters"]["orderId"]
    html_path = f"/tmp/{order_id}.html"
    with open(html_path, "w") as handle:  # expect: GATE-SLS-021
        handle.write("<html></html>")
    s3.download_file("templates-bucket", "receipt.css", "/tmp/receipt.css")  # expect: GATE-SLS-021
    descriptor, pdf_path = tempfile.mkstemp(suffix=".pdf")  # expect: GATE-SLS-021
    s3.upload_file(pdf_path, "receipts-bucket", f"{order_id}.pdf")
    return {"statusCode": 200}
