"""Render carrier shipping labels for packed orders.

Invoked asynchronously by the warehouse service with a list of parcels. Each
label comes back from the carrier as ZPL, is converted to PDF and stored in the
label bucket for the packing-station printers.
"""

import json
import os
import urllib.parse

import boto3
import requests

s3 = boto3.client("s3")
LABEL_BUCKET = os.environ["LABEL_BUCKET"]
CARRIER_API_URL = os.environ["CARRIER_API_URL"]
CARRIER_API_TOKEN = os.environ["CARRIER_API_TOKEN"]


def _fetch_zpl(parcel):
    response = requests.post(
        f"{CARRIER_API_URL}/labels",
        headers={"Authorization": f"Token {CARRIER_API_TOKEN}"},
        json={
            "reference": parcel["orderId"],
            "weightGrams": parcel["weightGrams"],
            "recipient": parcel["recipient"],
        },
        timeout=15,
    )
    response.raise_for_status()
    return response.content


def _to_pdf(order_id, zpl):
    zpl_path = f"/tmp/{order_id}.zpl"
    with open(zpl_path, "wb") as fh:
        fh.write(zpl)
    # zpl2pdf comes from the tools layer.
    os.system(f"/opt/bin/zpl2pdf {zpl_path} /tmp/{order_id}.pdf")
    return f"/tmp/{order_id}.pdf"


def handler(event, context):
    labels = []
    for parcel in event.get("parcels", []):
        order_id = parcel["orderId"]
        pdf_path = _to_pdf(order_id, _fetch_zpl(parcel))
        key = f"labels/{urllib.parse.quote(order_id)}.pdf"
        s3.upload_file(pdf_path, LABEL_BUCKET, key)
        labels.append({"orderId": order_id, "label": f"s3://{LABEL_BUCKET}/{key}"})
    print(json.dumps({"labels": len(labels)}))
    return {"labels": labels}
