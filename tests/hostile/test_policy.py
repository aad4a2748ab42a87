"""Hostile policies: numbers that slip past the schema's bounds, waivers that waive
everything, and --policy-ref where git is missing.

Every bundle here has a blocking finding (a vulnerable pin), so a policy trick that
switched the gate off would show as exit 0 instead of a refusal.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from tests.hostile.conftest import Sandbox, assert_blocks, assert_refused

VULNERABLE = "requests==2.19.0\n"
HANDLER = "def handler(event, context):\n    return {'statusCode': 200}\n"
BASE = "version: 1\nscanners:\n  checkov: {enabled: false}\n"
REASON = "reason: tracked in SEC-123"


def vulnerable_bundle(sandbox: Sandbox) -> None:
    sandbox.write("app.py", HANDLER)
    sandbox.write("requirements.txt", VULNERABLE)
    sandbox.write("setup.py", sandbox.payload)


# (id, policy text after BASE, the key the one line must name)
BAD_NUMBERS = [
    ("timeout-nan", "  bandit: {timeout_s: .nan}\n", "scanners.bandit.timeout_s"),
    ("timeout-NaN", "  bandit: {timeout_s: .NaN}\n", "scanners.bandit.timeout_s"),
    ("timeout-inf", "  bandit: {timeout_s: .inf}\n", "scanners.bandit.timeout_s"),
    ("timeout-minus-inf", "  bandit: {timeout_s: -.inf}\n", "scanners.bandit.timeout_s"),
    ("timeout-negative", "  bandit: {timeout_s: -1}\n", "scanners.bandit.timeout_s"),
    ("timeout-zero", "  bandit: {timeout_s: 0}\n", "scanners.bandit.timeout_s"),
    ("timeout-1e400", "  bandit: {timeout_s: 1e400}\n", "scanners.bandit.timeout_s"),
    ("timeout-1.0e400", "  bandit: {timeout_s: 1.0e+400}\n", "scanners.bandit.timeout_s"),
    ("timeout-bool", "  bandit: {timeout_s: true}\n", "scanners.bandit.timeout_s"),
    ("timeout-huge-int", "  bandit: {timeout_s: 1" + "0" * 40 + "}\n", "timeout_s"),
    ("max-age-huge", "advisories: {max_age_days: 1" + "0" * 40 + "}\n", "max_age_days"),
    ("max-age-bool", "advisories: {max_age_days: true}\n", "max_age_days"),
    ("budget-huge", "budgets: {high: 1" + "0" * 40 + "}\n", "budgets.high"),
    ("budget-nan", "budgets: {high: .nan}\n", "budgets.high"),
    ("archive-bytes-huge", "archives: {max_bytes: 1" + "0" * 40 + "}\n", "max_bytes"),
    ("archive-entries-huge", "archives: {max_entries: 1" + "0" * 40 + "}\n", "max_entries"),
    ("archive-ratio-huge", "archives: {max_ratio: 1" + "0" * 40 + "}\n", "max_ratio"),
    ("waiver-days-nan", "max_waiver_days: .nan\n", "max_waiver_days"),
    (
        "env-timeout-nan",
        "environments:\n  prod:\n    scanners:\n      bandit: {timeout_s: .nan}\n",
        "environments.prod.scanners.bandit.timeout_s",
    ),
]


@pytest.mark.parametrize(
    ("text", "key"), [b[1:] for b in BAD_NUMBERS], ids=[b[0] for b in BAD_NUMBERS]
)
def test_numbers_out_of_bounds_are_refused(sandbox: Sandbox, text: str, key: str) -> None:
    vulnerable_bundle(sandbox)
    assert_refused(sandbox.run(policy=BASE + text), "gate.yml", key)


def waiver(*fields: str) -> str:
    return "waivers:\n  - {" + ", ".join(fields) + "}\n"


EXPIRES = f"expires: {datetime.date.today() + datetime.timedelta(days=60)}"
# (id, waivers text, what the one line must name)
BAD_WAIVERS = [
    ("rule-star", waiver('rule: "*"', REASON, EXPIRES), "waivers.0.rule"),
    ("rule-glob", waiver('rule: "CKV_*"', REASON, EXPIRES), "waivers.0.rule"),
    ("rule-question", waiver('rule: "B???"', REASON, EXPIRES), "waivers.0.rule"),
    ("rule-empty", waiver('rule: ""', REASON, EXPIRES), "waivers.0.rule"),
    ("star-blank-reason", waiver('rule: "*"', 'reason: ""', EXPIRES), "waivers.0"),
    ("blank-reason", waiver("rule: PYSEC-2018-28", 'reason: ""', EXPIRES), "waivers.0.reason"),
    (
        "whitespace-reason",
        waiver("rule: PYSEC-2018-28", 'reason: "   \\t  "', EXPIRES),
        "waivers.0.reason",
    ),
    ("short-reason", waiver("rule: PYSEC-2018-28", "reason: ok", EXPIRES), "waivers.0.reason"),
    ("null-reason", waiver("rule: PYSEC-2018-28", "reason: null", EXPIRES), "waivers.0.reason"),
    (
        "blank-approver",
        waiver("rule: PYSEC-2018-28", REASON, EXPIRES, 'approved_by: "  "'),
        "waivers.0.approved_by",
    ),
    (
        "rule-and-pattern",
        waiver("rule: PYSEC-2018-28", "rules_matching: PYSEC-*", "path: req*", REASON, EXPIRES),
        "waivers.0",
    ),
    ("no-rule", waiver(REASON, EXPIRES), "waivers.0"),
    ("pattern-unscoped", waiver("rules_matching: PYSEC-*", REASON, EXPIRES), "waivers.0"),
    (
        "pattern-star",
        waiver('rules_matching: "*"', 'path: "requirements.txt"', REASON, EXPIRES),
        "waivers.0.rules_matching",
    ),
    (
        "pattern-short-prefix",
        waiver('rules_matching: "P*"', 'path: "requirements.txt"', REASON, EXPIRES),
        "waivers.0.rules_matching",
    ),
    (
        "pattern-path-everything",
        waiver("rules_matching: PYSEC-*", 'path: "**"', REASON, EXPIRES),
        "waivers.0.path",
    ),
    (
        "pattern-resource-everything",
        waiver("rules_matching: PYSEC-*", 'resource: "*"', REASON, EXPIRES),
        "waivers.0.resource",
    ),
    (
        "fingerprint-short",
        waiver("rule: PYSEC-2018-28", REASON, EXPIRES, "fingerprint: abc123"),
        "waivers.0.fingerprint",
    ),
    (
        "fingerprint-long",
        waiver("rule: PYSEC-2018-28", REASON, EXPIRES, "fingerprint: " + "a" * 65),
        "waivers.0.fingerprint",
    ),
    (
        "expires-far-future",
        waiver("rule: PYSEC-2018-28", REASON, "expires: 9999-12-31"),
        "max_waiver_days",
    ),
    (
        "unselected-environment-star",
        "environments:\n  prod:\n    "
        + waiver('rule: "*"', REASON, EXPIRES).replace("\n  ", "\n      "),
        "environments.prod.waivers.0.rule",
    ),
    (
        "unselected-environment-far-future",
        "environments:\n  prod:\n    "
        + waiver("rule: PYSEC-2018-28", REASON, "expires: 9999-12-31").replace("\n  ", "\n      "),
        "max_waiver_days",
    ),
]


@pytest.mark.parametrize(
    ("text", "key"), [b[1:] for b in BAD_WAIVERS], ids=[b[0] for b in BAD_WAIVERS]
)
def test_waivers_that_waive_too_much_are_refused(sandbox: Sandbox, text: str, key: str) -> None:
    vulnerable_bundle(sandbox)
    assert_refused(sandbox.run(policy=BASE + text), "gate.yml", key)


def test_expired_waiver_waives_nothing(sandbox: Sandbox) -> None:
    vulnerable_bundle(sandbox)
    text = waiver("rule: PYSEC-2018-28", REASON, "expires: 2020-01-01")
    run = sandbox.run(policy=BASE + text)
    assert_blocks(run)
    assert "waiver-expired" in run.stdout


def test_scoped_rule_pattern_waives_what_it_names(sandbox: Sandbox) -> None:
    """The deliberate pattern form works when scoped: the control case of the refusals."""
    vulnerable_bundle(sandbox)
    text = waiver("rules_matching: PYSEC-*", "path: requirements.txt", REASON, EXPIRES)
    run = sandbox.run("--format", "json", policy=BASE + text)
    assert run.code == 0, run.stderr
    assert '"status": "waived"' in run.stdout


def test_policy_ref_without_git_is_one_line(sandbox: Sandbox, tmp_path: Path) -> None:
    vulnerable_bundle(sandbox)
    no_git = tmp_path / "no-git-bin"
    no_git.mkdir()
    run = sandbox.run("--policy-ref", "main", env={"PATH": str(no_git)})
    assert_refused(run, "--policy-ref", "git is not installed")
    assert len(run.lines) == 1, run.stderr
