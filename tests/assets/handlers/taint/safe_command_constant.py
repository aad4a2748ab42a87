"""A fixed shell command: event data is only logged, never part of the command."""

import logging
import os
import subprocess

logger = logging.getLogger()


def handler(event, context):
    logger.info("disk check requested by %s", event.get("requester"))
    usage = subprocess.run("df -h /tmp | tail -1", shell=True, capture_output=True, text=True)
    os.system("sync")
    return {"usage": usage.stdout}
