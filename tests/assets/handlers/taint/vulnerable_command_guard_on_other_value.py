"""The allow-list guards the mode, but the file name goes to the shell unchecked."""

import subprocess

MODES = {"fast", "best"}


def handler(event, context):
    mode = event["mode"]
    name = event["name"]
    if mode not in MODES:
        return {"statusCode": 400}
    subprocess.run(f"gzip --{mode} {name}", shell=True)  # expect: GATE-SLS-001
    return {"statusCode": 200}
