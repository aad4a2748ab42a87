"""Loading policies: the built-in one, valid files, and one clear line for every bad one."""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from gate.errors import PolicyError
from gate.model import Confidence, Severity
from gate.policy.load import builtin_policy, load_policy, parse_policy, resolve_policy
from tests.conftest import RunGate

BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(6)
)

# (id, policy text, what the one line must say, the line it must name or None)
BAD_POLICIES = [
    ("yaml-syntax", "version: 1\nfail_on: [high\n", "YAML syntax error", 3),
    ("tab-indent", "version: 1\nscanners:\n\tcheckov: {}\n", "YAML syntax error", 3),
    ("unknown-key", "version: 1\nfial_on: high\n", "unknown key 'fial_on'", 2),
    ("unknown-scanner", "version: 1\nscanners:\n  trivy: {}\n", "unknown key 'trivy'", 3),
    (
        "unknown-scanner-key",
        "version: 1\nscanners:\n  bandit:\n    skips: [B101]\n",
        "unknown key 'skips' in scanners.bandit",
        4,
    ),
    (
        "wrong-type",
        "version: 1\nscanners:\n  checkov:\n    timeout_s: soon\n",
        "scanners.checkov.timeout_s: expected number, got string",
        4,
    ),
    (
        "wrong-type-bool",
        "version: 1\nscanners:\n  checkov:\n    required: maybe\n",
        "expected boolean",
        4,
    ),
    ("unknown-enum", "version: 1\nfail_on: severe\n", "fail_on: 'severe' is not one of", 2),
    (
        "unknown-severity-override",
        "version: 1\nseverity:\n  CKV_AWS_1: urgent\n",
        "severity.CKV_AWS_1: 'urgent' is not one of",
        3,
    ),
    ("empty", "", "the policy is empty", None),
    ("only-comments", "# nothing here\n", "the policy is empty", None),
    ("missing-version", "fail_on: high\n", "missing required key 'version'", 1),
    ("future-version", "version: 2\nfail_on: high\n", "policy version 2 is newer", 1),
    ("string-version", "version: '1'\n", "version", 1),
    ("not-a-mapping", "- version: 1\n", "must be a mapping", 1),
    ("scalar", "just text\n", "must be a mapping", 1),
    ("alias-bomb", BOMB, "alias bomb", None),
    ("recursive-alias", "version: 1\nexclude: &a [*a]\n", "recursive alias", None),
    (
        "python-tag",
        "version: 1\nfail_on: !!python/object/apply:os.system ['id']\n",
        "tag tag:yaml.org,2002:python/object/apply:os.system is not allowed",
        2,
    ),
    ("python-name-tag", "version: !!python/name:os.system\n", "is not allowed", 1),
    ("custom-tag", "version: 1\nfail_on: !Ref High\n", "tag !Ref is not allowed", 2),
    (
        "bad-date",
        "version: 1\nwaivers:\n  - {rule: X, reason: r, expires: 2027-13-01}\n",
        "invalid value",
        None,
    ),
    (
        "waiver-missing-reason",
        "version: 1\nwaivers:\n  - {rule: B101, expires: 2027-01-01}\n",
        "'reason' is a required property",
        3,
    ),
    (
        "negative-timeout",
        "version: 1\nscanners:\n  bandit: {timeout_s: -1}\n",
        "scanners.bandit.timeout_s",
        3,
    ),
    ("exclude-not-list", "version: 1\nexclude: tests/**\n", "exclude: expected array", 2),
    ("budget-unknown-severity", "version: 1\nbudgets: {severe: 3}\n", "unknown key 'severe'", 2),
    (
        "env-unknown-key",
        "version: 1\nenvironments:\n  prod: {version: 2}\n",
        "unknown key 'version' in environments.prod",
        3,
    ),
    (
        "inline-suppressions-enum",
        "version: 1\ninline_suppressions: sometimes\n",
        "inline_suppressions: 'sometimes' is not one of",
        2,
    ),
    ("duplicate-document", "version: 1\n---\nversion: 1\n", "only one document", 2),
    ("binary", "\x00\x01\x02", "YAML", None),
    (
        "waiver-too-far-ahead",
        "version: 1\nwaivers:\n  - rule: B602\n    reason: see SEC-123\n    expires: 2099-01-01\n",
        "max_waiver_days allows 365",
        5,
    ),
    (
        "waiver-bad-fingerprint",
        "version: 1\nwaivers:\n  - {rule: B602, reason: see SEC-123, "
        "expires: 2027-01-01, fingerprint: abc}\n",
        "fingerprint",
        3,
    ),
    ("max-waiver-days-zero", "version: 1\nmax_waiver_days: 0\n", "max_waiver_days", 2),
    ("waivers-not-a-list", "version: 1\nwaivers: {rule: B602}\n", "waivers: expected array", 2),
]


@pytest.mark.parametrize(
    ("text", "expected", "line"), [b[1:] for b in BAD_POLICIES], ids=[b[0] for b in BAD_POLICIES]
)
def test_bad_policy_is_one_line_naming_file_and_line(
    run_gate: RunGate,
    policy_file: Callable[[str], Path],
    text: str,
    expected: str,
    line: int | None,
) -> None:
    path = policy_file(text)
    result = run_gate("check", str(path.parent), "--policy", str(path))
    assert result.code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    where = f"{re.escape(str(path))}:{line}:[0-9]+: " if line else f"{re.escape(str(path))}"
    assert re.match(f"gate: error: {where}", lines[0]), lines[0]
    assert expected in lines[0]
    assert "Traceback" not in result.stderr


def test_policy_validate_names_the_problem(
    run_gate: RunGate, policy_file: Callable[[str], Path]
) -> None:
    result = run_gate("policy", "validate", str(policy_file("version: 1\nfail_on: hgih\n")))
    assert result.code == 2
    assert "fail_on: 'hgih' is not one of" in result.stderr


def test_nonexistent_policy_file(run_gate: RunGate, tmp_path: Path) -> None:
    result = run_gate("check", str(tmp_path), "--policy", str(tmp_path / "missing.yml"))
    assert result.code == 2
    assert (
        result.stderr.strip() == f"gate: error: {tmp_path / 'missing.yml'}: policy file not found"
    )


def test_nonexistent_bundle_path(run_gate: RunGate, tmp_path: Path) -> None:
    result = run_gate("check", str(tmp_path / "nope"))
    assert result.code == 2
    assert result.stderr.strip() == (
        f"gate: error: {tmp_path / 'nope'}: no such file or directory; pass a bundle directory"
    )


def test_builtin_default_policy() -> None:
    policy = builtin_policy("default")
    assert policy.source.source == "builtin:default"
    assert policy.fail_on is Severity.HIGH
    for name in ("checkov", "bandit", "pip-audit"):
        assert policy.scanner(name).enabled
        assert policy.scanner(name).required


def test_gate_yml_in_working_directory_is_used(tmp_path: Path) -> None:
    (tmp_path / "gate.yml").write_text("version: 1\nfail_on: medium\n")
    policy = resolve_policy(None, None, tmp_path)
    assert policy.source.source == "file:gate.yml"
    assert policy.fail_on is Severity.MEDIUM


def test_policy_values_are_read(policy_file: Callable[[str], Path]) -> None:
    path = policy_file(
        "version: 1\nfail_on: medium\nscanners:\n"
        "  bandit: {fail_on: never, min_confidence: high, timeout_s: 30}\n"
        "  pip-audit: {unscored_severity: critical, required: false}\n"
        "severity:\n  CKV_AWS_117: info\n  B1*: low\nexclude: ['tests/**']\n"
    )
    policy = load_policy(path)
    assert policy.scanner("bandit").fail_on is None
    assert policy.scanner("bandit").min_confidence is Confidence.HIGH
    assert policy.scanner("bandit").timeout_s == 30
    assert policy.scanner("checkov").fail_on is Severity.MEDIUM  # not named: the policy default
    assert policy.scanner("pip-audit").unscored_severity is Severity.CRITICAL
    assert not policy.scanner("pip-audit").required
    assert policy.severity.get("CKV_AWS_117") is Severity.INFO
    assert policy.severity.get("B105") is Severity.LOW
    assert policy.severity.get("B602") is None
    assert policy.exclude == ("tests/**",)


def test_environment_overlay(policy_file: Callable[[str], Path]) -> None:
    path = policy_file(
        "version: 1\nfail_on: high\nenvironments:\n  prod:\n    fail_on: medium\n"
        "    scanners: {bandit: {min_confidence: high}}\n"
    )
    assert load_policy(path).fail_on is Severity.HIGH
    prod = load_policy(path, "prod")
    assert prod.fail_on is Severity.MEDIUM
    assert prod.source.env == "prod"
    assert prod.scanner("bandit").min_confidence is Confidence.HIGH
    with pytest.raises(PolicyError, match="unknown environment 'staging' \\(known: prod\\)"):
        load_policy(path, "staging")


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers()
        | st.floats(allow_nan=False)
        | st.text(max_size=8),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "version",
                        "fail_on",
                        "scanners",
                        "severity",
                        "exclude",
                        "bandit",
                        "checkov",
                        "x",
                    ]
                ),
                children,
                max_size=4,
            )
        ),
        max_leaves=20,
    )
)
def test_arbitrary_documents_only_raise_policy_errors(document: object) -> None:
    import yaml

    text = yaml.safe_dump(document).encode()
    with contextlib.suppress(PolicyError):
        parse_policy(text, "fuzz.yml", "file:fuzz.yml", None)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_text_only_raises_policy_errors(text: str) -> None:
    with contextlib.suppress(PolicyError):
        parse_policy(text.encode("utf-8", "surrogatepass"), "fuzz.yml", "file:fuzz.yml", None)


def test_errors_name_line_and_column(policy_file: Callable[[str], Path]) -> None:
    path = policy_file("version: 1\nscanners:\n  bandit:\n    min_confidence: sure\n")
    with pytest.raises(PolicyError) as error:
        load_policy(path)
    assert str(error.value) == (
        f"{path}:4:5: scanners.bandit.min_confidence: 'sure' is not one of low, medium, high"
    )


def test_builtin_policies_by_name(run_gate: RunGate) -> None:
    strict = resolve_policy("builtin:strict", None, Path("."))
    assert strict.fail_on is Severity.MEDIUM
    assert strict.inline_suppressions.value == "deny"
    assert strict.advisory_max_age_days == 7
    result = run_gate("policy", "show", "--policy", "builtin:nope")
    assert result.code == 2
    assert "builtin:nope: no such built-in policy" in result.stderr


@pytest.mark.parametrize(("value", "env"), [("", None), ("prod", "prod")])
def test_gate_env_selects_an_environment_and_empty_means_none(
    run_gate: RunGate,
    policy_file: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
    value: str,
    env: str | None,
) -> None:
    # Regression: an empty GATE_ENV (as CI templates leave it) was taken as environment ''.
    monkeypatch.setenv("GATE_ENV", value)
    policy = policy_file("version: 1\nenvironments:\n  prod: {fail_on: medium}\n")
    result = run_gate("policy", "show", "--policy", str(policy))
    assert result.code == 0, result.stderr
    assert result.stderr.splitlines()[0].endswith(f", env {env}" if env else str(policy))
    json.loads(result.stdout)  # pure JSON, for jq


# Every number the policy holds, with where the schema bounds it (inclusive unless noted).
NUMERIC_KEYS = [
    ("scanners:\n  bandit: {timeout_s: %s}\n", "scanners.bandit.timeout_s"),
    ("advisories: {max_age_days: %s}\n", "advisories.max_age_days"),
    ("budgets: {high: %s}\n", "budgets.high"),
    ("max_waiver_days: %s\n", "max_waiver_days"),
    ("archives: {max_bytes: %s}\n", "archives.max_bytes"),
    ("archives: {max_entries: %s}\n", "archives.max_entries"),
    ("archives: {max_ratio: %s}\n", "archives.max_ratio"),
    ("archives: {max_depth: %s}\n", "archives.max_depth"),
    ("environments:\n  prod:\n    scanners:\n      bandit: {timeout_s: %s}\n", "timeout_s"),
]
YAML_NUMBERS = st.one_of(
    st.sampled_from([".nan", ".NaN", ".inf", "-.inf", "+.inf", "1e400", "1.0e+400", "true", "~"]),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(min_value=0, max_value=400).map(lambda n: "1" + "0" * n),
)


def _numbers(policy: object) -> list[float]:
    from gate.policy.model import Policy

    assert isinstance(policy, Policy)
    limits = policy.archives
    values = [s.timeout_s for s in policy.scanners.values()]
    values += [policy.advisory_max_age_days, policy.max_waiver_days, *policy.budgets.values()]
    return [*values, limits.max_bytes, limits.max_entries, limits.max_ratio, limits.max_depth]


@pytest.mark.parametrize(("template", "key"), NUMERIC_KEYS, ids=[k for _, k in NUMERIC_KEYS])
@settings(max_examples=60, deadline=None)
@given(number=YAML_NUMBERS)
def test_every_number_is_finite_and_bounded_or_refused(
    template: str, key: str, number: str
) -> None:
    """NaN passes every JSON Schema bound (each comparison with it is false) and `true` is
    an int in Python: a number the policy holds is within its bounds, or refused by key."""
    text = "version: 1\n" + template % number
    env = "prod" if template.startswith("environments") else None
    try:
        policy = parse_policy(text.encode(), "gate.yml", "file:gate.yml", env)
    except PolicyError as e:
        assert str(e).startswith("gate.yml:") and key in str(e), str(e)
        assert "\n" not in str(e)
        return
    for value in _numbers(policy):
        assert not isinstance(value, bool)
        assert math.isfinite(value) and 0 <= value <= 2**40, value


def test_policy_validate_lists_every_problem_in_one_run(
    run_gate: RunGate, policy_file: Callable[[str], Path]
) -> None:
    policy = policy_file(
        "version: 1\nfail_on: hgh\nbogus: 1\nscanners:\n  bandit: {timeout_s: slow}\n"
    )
    result = run_gate("policy", "validate", str(policy))
    assert result.code == 2
    lines = result.stderr.splitlines()
    assert [
        line.startswith(f"gate: error: {policy}:{at}: ")
        for line, at in zip(lines, ("2:1", "3:1", "5:12"), strict=True)
    ] == [True, True, True]
    assert "fail_on: 'hgh' is not one of" in lines[0]
    assert "unknown key 'bogus'" in lines[1]
    assert "scanners.bandit.timeout_s: expected number, got string" in lines[2]
    # `gate check` still says the one most telling problem, on one line.
    check = run_gate("check", str(policy.parent), "--policy", str(policy))
    assert check.code == 2 and len(check.stderr.splitlines()) == 1


def test_policy_show_prints_pure_json_or_yaml(
    run_gate: RunGate, policy_file: Callable[[str], Path]
) -> None:
    policy = policy_file("version: 1\nfail_on: medium\n")
    shown = run_gate("policy", "show", "--policy", str(policy))
    assert json.loads(shown.stdout)["fail_on"] == "medium"
    as_yaml = run_gate("policy", "show", "--policy", str(policy), "--format", "yaml")
    assert yaml.safe_load(as_yaml.stdout)["fail_on"] == "medium"
