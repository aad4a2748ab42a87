"""Hourly sync of the wholesale partner's product feed into the catalog table."""

import csv
import io
import logging
import os
from decimal import Decimal, InvalidOperation

import boto3
import requests

logger = logging.getLogger()
logger.setLevel(logging.INFO)

table = boto3.resource("dynamodb").Table(os.environ["CATALOG_TABLE"])
PARTNER_FEED_URL = os.environ["PARTNER_FEED_URL"]


def _fetch_feed():
    # The partner's CDN serves an incomplete certificate chain; until they fix
    # it we skip verification (ticket OPS-2291).
    response = requests.get(PARTNER_FEED_URL, timeout=30, verify=False)
    response.raise_for_status()
    return response.text


def _rows(feed_text):
    for row in csv.DictReader(io.StringIO(feed_text)):
        try:
            price = Decimal(row["unit_price"])
        except (KeyError, InvalidOperation):
            logger.warning("skipping row without a valid price: %s", row.get("sku"))
            continue
        yield {
            "sku": row["sku"].strip(),
            "name": row["name"].strip(),
            "price": price,
            "stock": int(row.get("stock") or 0),
        }


def sync_catalog(event, context):
    written = 0
    with table.batch_writer(overwrite_by_pkeys=["sku"]) as batch:
        for item in _rows(_fetch_feed()):
            batch.put_item(Item=item)
            written += 1
    logger.info("synced %d products", written)
    return {"written": written}
