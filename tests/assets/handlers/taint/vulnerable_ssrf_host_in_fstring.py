"""The tenant name becomes part of the host: `evil.com#` makes it another host."""

import requests


def handler(event, context):
    tenant = event["headers"]["x-tenant"]
    response = requests.get(f"https://{tenant}.api.example.com/v1/usage", timeout=5)  # expect: GATE-SLS-007
    return response.json()
