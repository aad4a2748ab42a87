"""DNS lookup tool: the domain is cleaned up for display, not for a shell."""

import os


def handler(event, context):
    domain = event.get("domain", "").strip().lower()
    with os.popen("dig +short {}".format(domain)) as pipe:  # expect: GATE-SLS-001
        answer = pipe.read()
    return {"answer": answer}
