"""A helper validates the user name (it raises otherwise) before it reaches the shell."""

import os
import re


def _check_user(name):
    if not re.fullmatch(r"[a-z][a-z0-9-]{0,31}", name):
        raise ValueError("invalid user name")


def handler(event, context):
    name = event["user"]
    _check_user(name)
    os.system(f"id {name}")
    digits = event["uid"]
    if not digits.isdigit():
        return {"statusCode": 400}
    os.system("getent passwd " + digits)
    return {"statusCode": 200}
