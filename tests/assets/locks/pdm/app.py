"""Lambda entry point."""

import requests


def handler(event, context):
    return {"status": requests.codes.ok}
