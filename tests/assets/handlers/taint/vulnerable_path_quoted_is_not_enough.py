"""shlex.quote makes the name safe for the shell, not for a path."""

import shlex
import subprocess
from pathlib import Path


def handler(event, context):
    name = shlex.quote(event["name"])
    subprocess.run(f"wc -l {name}", shell=True)
    text = (Path("/srv/data") / name).read_text()  # expect: GATE-SLS-006
    return {"text": text}
