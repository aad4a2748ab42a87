"""A helper in the same module keeps what the handler passes it."""

RECENT = []


def _remember(order):
    RECENT.insert(0, order)  # expect: GATE-SLS-020
    del RECENT[10:]


def handler(event, context):
    _remember(event["detail"])
    return {"recent": RECENT}
