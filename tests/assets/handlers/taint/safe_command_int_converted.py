"""Delays by the number of seconds the caller asks for: only a number reaches the shell."""

import os


def handler(event, context):
    delay = int(event["queryStringParameters"]["delay"])
    os.system(f"sleep {delay}")
    os.system("sleep %d" % float(event["jitter"]))
    return {"slept": delay}
