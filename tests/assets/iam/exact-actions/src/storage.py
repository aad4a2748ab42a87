import boto3

BUCKET = "archive"
_s3 = boto3.client("s3")


def keys(prefix):
    for page in _s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix):
        yield from (item["Key"] for item in page.get("Contents", []))


def copy_to_archive(key):
    body = _s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    _s3.put_object(Bucket=BUCKET, Key=f"archived/{key}", Body=body)
