import boto3

import storage

ledger = boto3.resource("dynamodb").Table("ledger")


def handler(event, context):
    for key in storage.keys(event["prefix"]):
        storage.copy_to_archive(key)
        ledger.put_item(Item={"id": key})
