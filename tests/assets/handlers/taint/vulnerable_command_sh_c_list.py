"""Archive unpacker: an argument list, but one that hands a command line to sh -c."""

from subprocess import run


def handler(event, context):
    archive = event["detail"]["object"]["key"]
    run(["sh", "-c", "tar xzf /tmp/" + archive + " -C /tmp/out"], check=True)  # expect: GATE-SLS-001
    return {"ok": True}
