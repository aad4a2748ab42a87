"""Health probe: pings the host the caller names, through os.system."""

from os import system


def lambda_handler(event, context):
    host = event["queryStringParameters"]["host"]
    command = "ping -c 1 %s" % host
    status = system(command)  # expect: GATE-SLS-001
    return {"statusCode": 200 if status == 0 else 502}
