"""Delete thumbnails older than thirty days."""

import datetime

import boto3

s3 = boto3.client("s3")


def handler(event, context):
    cutoff = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=30)
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket="shop-media", Prefix="thumbnails/")
    old = [o["Key"] for p in pages for o in p.get("Contents", []) if o["LastModified"] < cutoff]
    for key in old:
        s3.delete_object(Bucket="shop-media", Key=key)
    return {"deleted": len(old)}
