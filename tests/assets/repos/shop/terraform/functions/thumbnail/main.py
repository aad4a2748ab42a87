"""Make a thumbnail of each uploaded image."""

import io

import boto3
from PIL import Image

s3 = boto3.client("s3")


def handler(event, context):
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = record["s3"]["object"]["key"]
        image = Image.open(io.BytesIO(s3.get_object(Bucket=bucket, Key=key)["Body"].read()))
        image.thumbnail((256, 256))
        out = io.BytesIO()
        image.save(out, format="PNG")
        s3.put_object(Bucket=bucket, Key=f"thumbnails/{key}.png", Body=out.getvalue())
