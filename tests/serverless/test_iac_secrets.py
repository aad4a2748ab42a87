"""GATE-IAC-012: which environment values are plaintext secrets, and that no finding ever
carries a value."""

from __future__ import annotations

import json
import re

import pytest

from gate.rules.iac.secrets import NAMED, secret_kind
from tests.conftest import ASSETS
from tests.serverless.test_iac import IAC, check

FAKE_SECRET = re.compile(r"^\| `[\w-]+` \| `(\w+)`[^|]* \| `([^`]+)` \|$", re.MULTILINE)


def fake_secrets() -> list[str]:
    """The planted values, from the fixtures' README table."""
    text = (IAC / "README.md").read_text(encoding="utf-8")
    return [value for _, value in FAKE_SECRET.findall(text)]


@pytest.mark.parametrize(
    ("name", "value", "kind"),
    [
        ("DB_PASSWORD", "Hv3kP9xR2mQw7LsT", NAMED),
        ("stripeApiKey", "Hv3kP9xR2mQw7LsT", NAMED),
        ("PARTNER_SECRET_ACCESS_KEY", "lAu3KS8uYH8KCDBJUf0ZAfzKGf6dDXssoDWR3Z0u", NAMED),
        ("PARTNER_KEY_ID", "AKIAVK767HE8BL83B9QH", "an AWS access key id"),
        ("NOTES", "see ghp_gJIw6oIraiqCdl5upYeb6CZxX6mLPKMQYZgB", "a GitHub token"),
        ("CHAT", "xoxb-151961604745-nK5SYfgnF0CJOYc0Cyuo4ajg", "a Slack token"),
        ("BILLING", "sk_live_1t9lgL6IunUwNayD9phZCqtG", "a Stripe live key"),
        ("DATABASE_URL", "postgres://app:Zq81vTfs3LmW0pX@db:5432/app", "a URL with a password"),
        ("KEY", "-----BEGIN EC PRIVATE KEY-----\nMHcC", "a private key"),
        # A key format counts even beside a reference.
        ("GREETING", "${self:custom.prefix}-AKIAVK767HE8BL83B9QH", "an AWS access key id"),
    ],
)
def test_secrets(name: str, value: str, kind: str) -> None:
    assert secret_kind(name, value) == kind


@pytest.mark.parametrize(
    ("name", "value"),
    [
        # References, resolved at deploy time.
        ("DB_PASSWORD", "${ssm:/orders/db-password}"),
        ("DB_PASSWORD", "${var.db_password}"),
        ("DB_PASSWORD", "{{resolve:secretsmanager:orders-db:SecretString:password}}"),
        ("DB_PASSWORD", "prefix-${env:DB_PASSWORD}"),
        ("DB_PASSWORD", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"),
        # Names of secrets and things about them.
        ("PAYMENTS_API_KEY_SECRET_NAME", "orders-api/payments-api-key"),
        ("PARTNER_ACCESS_KEY_ID_PARAMETER", "/partner/access-key-id"),
        ("TOKEN_TTL", "36000000"),
        ("API_KEY_HEADER", "x-api-key-header"),
        ("SECRET_ARN", "orders-db-credentials"),
        # Keys that are not credentials: only their format would make them secrets.
        ("TABLE_KEY_PREFIX", "orders#2024#"),
        ("PARTITION_KEY", "customerIdentifier"),
        ("KMS_KEY", "alias/orders-api"),
        # Trivial values.
        ("ADMIN_TOKEN", "changeme"),
        ("ADMIN_TOKEN", "<token>"),
        ("ADMIN_TOKEN", "xxxxxxxxxxxx"),
        ("ADMIN_TOKEN", "short"),
        ("TOKEN_FILE_PATH", "/run/secrets/token"),
        ("SECRET_DIR", "/var/run/app/secrets"),
        ("FEATURE_TOKEN_ENABLED", "true"),
    ],
)
def test_not_secrets(name: str, value: str) -> None:
    assert secret_kind(name, value) is None


def test_references_in_templates_are_not_literals() -> None:
    """Tagged values (`!Ref`, `!Sub`, `!ImportValue` on the next line), long-form
    intrinsics and dynamic references are not plaintext; four planted values are."""
    findings = [f for f in check(IAC / "secrets") if f.rule_id == "GATE-IAC-012"]
    named = {f.anchor.split("#env:")[1]: f.severity for f in findings}
    assert named == {
        "INVOICE_DB_PASSWORD": None,  # the catalogue's high
        "GIT_DEPLOY": "critical",
        "PARTNER_KEY_ID": "critical",
        "PRINTER_PRIVATE_KEY": "critical",
    }
    password = next(f for f in findings if f.anchor.endswith("INVOICE_DB_PASSWORD"))
    assert password.line == 20
    assert {m.rule_ids[0] for m in password.merges} == {"CKV_AWS_45", "CKV_SECRET_1"}
    assert [m.line for m in password.merges] == [None, 20]


@pytest.mark.parametrize(
    "bundle",
    ["secrets", "sam-globals", "cfn-endpoints", "serverless-gaps", "terraform-gaps"],
)
def test_no_finding_carries_a_value(bundle: str) -> None:
    secrets = fake_secrets()
    assert len(secrets) >= 8
    findings = check(IAC / bundle)
    assert any(f.rule_id == "GATE-IAC-012" for f in findings)
    text = json.dumps([f.to_json() for f in findings])
    for secret in secrets:
        # Not the value, nor any telling part of it.
        for part in {secret, secret[:8], secret[-8:]}:
            assert part not in text, (bundle, part)


def test_the_bundles_readme_secrets_are_found() -> None:
    """The secrets the older fixtures plant (tests/assets/bundles/README.md) are found."""
    bundles = ASSETS / "bundles"
    found = {
        (bundle, f.anchor.split("#env:")[1])
        for bundle in ("plaintext-secret", "terraform-function", "hostile")
        for f in check(bundles / bundle)
        if f.rule_id == "GATE-IAC-012"
    }
    assert found == {
        ("plaintext-secret", "REPORTING_DB_PASSWORD"),
        ("plaintext-secret", "PARTNER_ACCESS_KEY_ID"),
        ("plaintext-secret", "PARTNER_SECRET_ACCESS_KEY"),
        ("terraform-function", "CARRIER_API_TOKEN"),
        ("hostile", "PSP_SECRET_KEY"),
    }
