"""Imports a YAML manifest with the full loader, and restores a jsonpickled state."""

import jsonpickle
import yaml


def handler(event, context):
    manifest = yaml.load(event["body"], Loader=yaml.Loader)  # expect: GATE-SLS-004
    state = jsonpickle.decode(event["headers"]["x-state"])  # expect: GATE-SLS-004
    return {"orders": len(manifest["orders"]), "state": str(state)}
