"""Webhook tester: fetches whatever URL or host the caller names."""

import http.client
import urllib.request

import requests

session = requests.Session()


def handler(event, context):
    url = event["queryStringParameters"]["url"]
    first = requests.get(url, timeout=5)  # expect: GATE-SLS-007
    second = session.post(event["callback"], json={"ok": True}, timeout=5)  # expect: GATE-SLS-007
    with urllib.request.urlopen(url) as response:  # expect: GATE-SLS-007
        body = response.read()
    connection = http.client.HTTPSConnection(event["host"], timeout=5)  # expect: GATE-SLS-007
    return {"status": [first.status_code, second.status_code], "size": len(body), "c": str(connection)}
