"""Thumbnails with an argument list and no shell: the name is one argument."""

import subprocess


def handler(event, context):
    name = event["detail"]["object"]["key"]
    subprocess.run(["convert", f"/tmp/in/{name}", "-resize", "128x128", "/tmp/out.png"], check=True)
    return {"ok": True}
