import os

import httpx

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

API_BASE = os.environ["API_BASE"]

app = APIGatewayRestResolver()


@app.get("/powertools_base_path/<user_id>")
def powertools_base_path(user_id: str):
    httpx.get(f"{API_BASE}/users/{user_id}")
    return {"ok": True}


def lambda_handler(event, context):
    return app.resolve(event, context)
