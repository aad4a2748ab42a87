"""Event data only in the path or the query of URLs whose scheme and host are fixed."""

import os
import urllib.parse

import requests

API_BASE = os.environ["API_BASE"]
SEARCH = "https://search.example.com/v2/"


def handler(event, context):
    query = event["queryStringParameters"]["q"]
    user_id = event["pathParameters"]["userId"]
    results = requests.get("https://search.example.com/v2/find", params={"q": query}, timeout=5)
    user = requests.get(f"https://users.example.com/users/{urllib.parse.quote(user_id)}", timeout=5)
    orders = requests.get(f"{API_BASE}/orders/{user_id}", timeout=5)
    more = requests.get(SEARCH + user_id, timeout=5)
    return {"n": [results.status_code, user.status_code, orders.status_code, more.status_code]}
