"""Thin client for the payment service provider's refunds endpoint."""

import requests


def refund_charge(base_url, secret_key, charge_id, amount_cents):
    response = requests.post(
        f"{base_url}/refunds",
        auth=(secret_key, ""),
        data={"charge": charge_id, "amount": amount_cents},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()
