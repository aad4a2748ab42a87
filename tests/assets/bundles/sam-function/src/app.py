"""Load supplier invoices from the inbox bucket into the invoices table.

Triggered by the EventBridge "Object Created" event for incoming/*.json.
Each file holds one invoice; a file that was already loaded (same bytes)
is skipped so the SFTP gateway's retries do not create duplicates.
"""

import hashlib
import json
import logging
import os
from decimal import Decimal

import boto3
import requests

logger = logging.getLogger()
logger.setLevel(logging.INFO)

s3 = boto3.client("s3")
table = boto3.resource("dynamodb").Table(os.environ["INVOICES_TABLE"])
ACCOUNTING_WEBHOOK_URL = os.environ["ACCOUNTING_WEBHOOK_URL"]

REQUIRED_FIELDS = ("invoiceNumber", "supplierId", "currency", "total", "dueDate")


def _load_invoice(bucket, key):
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
    invoice = json.loads(body, parse_float=Decimal)
    missing = [field for field in REQUIRED_FIELDS if field not in invoice]
    if missing:
        raise ValueError(f"{key}: missing {', '.join(missing)}")
    return body, invoice


def handler(event, context):
    bucket = event["detail"]["bucket"]["name"]
    key = event["detail"]["object"]["key"]
    body, invoice = _load_invoice(bucket, key)

    # Content fingerprint used as the idempotency key.
    fingerprint = hashlib.md5(body).hexdigest()
    try:
        table.put_item(
            Item={**invoice, "fingerprint": fingerprint, "sourceKey": key},
            ConditionExpression="attribute_not_exists(fingerprint)",
        )
    except table.meta.client.exceptions.ConditionalCheckFailedException:
        logger.info("duplicate invoice file %s skipped", key)
        return {"status": "duplicate", "key": key}

    requests.post(
        ACCOUNTING_WEBHOOK_URL,
        json={"event": "invoice.received", "invoiceNumber": invoice["invoiceNumber"]},
        timeout=5,
    ).raise_for_status()
    logger.info("loaded invoice %s from %s", invoice["invoiceNumber"], key)
    return {"status": "loaded", "key": key}
