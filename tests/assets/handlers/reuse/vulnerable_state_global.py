"""Remembers the caller in a global: the next invocation in this container sees it."""

CURRENT_USER = None


def handler(event, context):
    global CURRENT_USER
    CURRENT_USER = event["requestContext"]["authorizer"]["claims"]["sub"]  # expect: GATE-SLS-020
    return {"user": CURRENT_USER}
