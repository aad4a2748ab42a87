"""Files in /tmp that are removed, or that live in a directory removed with them."""

import os
import shutil
import tempfile

import boto3

s3 = boto3.client("s3")
s3.download_file("models-bucket", "model.bin", "/tmp/model.bin")  # cold start: kept on purpose


def handler(event, context):
    order_id = event["pathParameters"]["orderId"]
    html_path = f"/tmp/{order_id}.html"
    try:
        with open(html_path, "w") as handle:
            handle.write("<html></html>")
    finally:
        os.remove(html_path)
    work = f"/tmp/work-{order_id}"
    os.makedirs(work)
    s3.download_file("in-bucket", "input.csv", os.path.join(work, "input.csv"))
    shutil.rmtree(work)
    with tempfile.TemporaryDirectory() as scratch:
        with open(os.path.join(scratch, "out.txt"), "w") as handle:
            handle.write("done")
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(b"%PDF")
    descriptor, path = tempfile.mkstemp()
    os.close(descriptor)
    os.unlink(path)
    return {"statusCode": 200}
