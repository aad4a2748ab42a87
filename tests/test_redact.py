"""Masking credentials in what the gate keeps of a flagged line of code."""

from __future__ import annotations

import pytest

from gate.redact import mask_secret_tokens


@pytest.mark.parametrize(
    "secret",
    [
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "ghp_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1vW3xY5",
        "0f3a9c8b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a",
        "xoxb-2048-1024-aB3dE5fG7hI9jK1lM3nO5pQ",
        "dGhpcyBpcyBhIHNlY3JldCB0b2tlbiB2YWx1ZQ==",
    ],
)
def test_credential_like_tokens_are_masked(secret: str) -> None:
    masked = mask_secret_tokens(f"subprocess.call(cmd, shell=True)  # key {secret}")
    assert masked == "subprocess.call(cmd, shell=True)  # key ***"


@pytest.mark.parametrize(
    "text",
    [
        "handler: subprocess.run(f'convert {name} out.png', shell=True)",
        "get_customer_orders_from_the_table2(event)",
        "CONSTANT_NAME_OF_SOME_LENGTH = 1",
        "arn:aws:iam::123456789012:role/orders-function-role",
        "ProcessPaymentsFunction2 Allow s3:GetObject",
        "OrdersApiFunctionRole: open to /var/task/src/handlers/process_payment_2024",
        "ServerlessDeploymentBucketPolicyV2 Resource:* dynamodb:PutItem",
    ],
)
def test_ordinary_code_is_left_alone(text: str) -> None:
    """Anchors without a secret keep their text, so their fingerprints do not change."""
    assert mask_secret_tokens(text) == text
