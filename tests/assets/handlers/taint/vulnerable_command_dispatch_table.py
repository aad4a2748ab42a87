"""Admin API routed through a table of functions, as the insecure example does."""

import json
import subprocess


def restart(event):
    service = json.loads(event["body"])["service"]
    subprocess.call("systemctl restart " + service, shell=True)  # expect: GATE-SLS-001
    return {"restarted": service}


def status(event):
    return {"status": "ok"}


ROUTES = {"/restart": restart, "/status": status}


def handler(event, context):
    route = ROUTES.get(event["resource"])
    if route is None:
        return {"statusCode": 404}
    return route(event)
