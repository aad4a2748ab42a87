"""YAML with the safe loader, JSON for the rest."""

import json

import yaml


def handler(event, context):
    manifest = yaml.safe_load(event["body"])
    extra = yaml.load(event["extra"], Loader=yaml.SafeLoader)
    state = json.loads(event["headers"]["x-state"])
    return {"orders": len(manifest["orders"]), "extra": extra, "state": state}
