"""The rule catalogues behind `gate rules` and `gate explain`.

gate/policies/bandit-rules.yml must describe every test the installed bandit
ships: the plugins and the blacklist entries its extension manager loads (the
same `bandit.core.extension_loader.MANAGER` that bandit's own runs use), with
bandit's name, a severity on the gate's scale and real why/fix text, and no
id bandit no longer has. gate/policies/explanations.yml must be well formed,
name only checks the installed checkov has (or the gate's own rules), and have
fallback text for every checkov category that occurs among the checks of the
frameworks the gate runs.
"""

from __future__ import annotations

import fnmatch
import functools
import re
import warnings
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from gate.safeyaml import load_yaml
from tests.test_checkov_catalogue import (
    CATALOGUE,
    GLOB_CHARS,
    SEVERITIES,
    _DuplicateKeyLoader,
    checkov_checks,
    rate_script,
)

BANDIT_RULES = "bandit-rules.yml"
EXPLANATIONS = "explanations.yml"
SERVERLESS_RULES = "serverless-rules.yml"
GATE_RULE_ID = re.compile(r"^GATE-(SLS|DEP|IAC)-\d{3}$")  # DESIGN §3.5 prefixes
PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|XXX|lorem ipsum)\b|^\W*$|^(n/?a|none|tbc)\W*$", re.I)
MIN_TEXT = 40
"""Shortest acceptable why/fix text, in characters: a sentence, not a stub."""


def _text(name: str) -> bytes:
    return resources.files("gate.policies").joinpath(name).read_bytes()


@functools.cache
def _load(name: str) -> dict[str, Any]:
    """The packaged file, read the way the gate reads it (safe YAML within budgets)."""
    data = load_yaml(_text(name)).data
    assert isinstance(data, dict), f"{name}: not a mapping"
    return data


@functools.cache
def bandit_tests() -> dict[str, tuple[str, str | None]]:
    """id -> (name, blacklist level or None for a plugin), from bandit's extension manager."""
    with warnings.catch_warnings():
        # bandit passes stevedore a deprecated no-op argument; not this test's concern.
        warnings.filterwarnings("ignore", "The verify_requirements argument", DeprecationWarning)
        from bandit.core.extension_loader import MANAGER

    tests: dict[str, tuple[str, str | None]] = {
        test_id: (plugin.name, None) for test_id, plugin in MANAGER.plugins_by_id.items()
    }
    for test_id, entry in MANAGER.blacklist_by_id.items():
        assert test_id not in tests, f"{test_id} is both a plugin and a blacklist entry"
        tests[test_id] = (entry["name"], str(entry["level"]).lower())
    return tests


def bandit_rules() -> dict[str, Any]:
    rules = _load(BANDIT_RULES)["rules"]
    assert isinstance(rules, dict)
    return rules


def explanations() -> dict[str, Any]:
    return _load(EXPLANATIONS)


def _problems_with_text(where: str, entry: Any) -> list[str]:
    """What is wrong with a `{why, fix}` mapping (nothing: an empty list)."""
    if not isinstance(entry, dict):
        return [f"{where}: not a mapping"]
    problems = []
    for key in ("why", "fix"):
        value = entry.get(key)
        if not isinstance(value, str) or len(value.strip()) < MIN_TEXT:
            problems.append(f"{where}.{key}: missing or shorter than {MIN_TEXT} characters")
        elif PLACEHOLDER.search(value):
            problems.append(f"{where}.{key}: looks like a placeholder: {value!r}")
    return problems


@pytest.mark.parametrize("name", [BANDIT_RULES, EXPLANATIONS, SERVERLESS_RULES])
def test_no_duplicate_keys(name: str) -> None:
    yaml.load(_text(name), Loader=_DuplicateKeyLoader)


# --- bandit-rules.yml


def test_bandit_enumeration_is_not_empty() -> None:
    tests = bandit_tests()
    # One plugin and one blacklist call and import, so a broken enumeration cannot pass quietly.
    assert {"B602", "B301", "B403"} <= set(tests)
    assert len(tests) > 60


def test_bandit_rules_structure() -> None:
    data = _load(BANDIT_RULES)
    assert set(data) == {"version", "rules"}
    assert data["version"] == 1
    problems = []
    for test_id, entry in bandit_rules().items():
        if not isinstance(entry, dict) or set(entry) != {"name", "severity", "why", "fix"}:
            problems.append(f"{test_id}: keys must be name, severity, why, fix")
            continue
        if entry["severity"] not in SEVERITIES:
            problems.append(f"{test_id}: severity {entry['severity']!r} not in {SEVERITIES}")
        problems += _problems_with_text(test_id, entry)
    assert not problems, "\n".join(problems)


def test_every_bandit_test_is_described() -> None:
    missing = sorted(set(bandit_tests()) - set(bandit_rules()))
    assert not missing, f"bandit tests missing from {BANDIT_RULES}: " + ", ".join(
        f"{test_id} ({bandit_tests()[test_id][0]})" for test_id in missing
    )


def test_no_stale_bandit_ids() -> None:
    stale = sorted(set(bandit_rules()) - set(bandit_tests()))
    assert not stale, f"not a test in the installed bandit: {stale}"


def test_bandit_names_match() -> None:
    wrong = {
        test_id: (entry["name"], bandit_tests()[test_id][0])
        for test_id, entry in bandit_rules().items()
        if test_id in bandit_tests() and entry["name"] != bandit_tests()[test_id][0]
    }
    assert not wrong, f"name in {BANDIT_RULES} vs bandit's: {wrong}"


def test_blacklist_severity_is_bandits_level() -> None:
    """A blacklist entry always reports its own level, so the catalogue must agree."""
    wrong = {
        test_id: (bandit_rules()[test_id]["severity"], level)
        for test_id, (_, level) in bandit_tests().items()
        if level is not None
        and test_id in bandit_rules()
        and bandit_rules()[test_id]["severity"] != level
    }
    assert not wrong, f"severity in {BANDIT_RULES} vs bandit's blacklist level: {wrong}"


def test_shell_injection_is_high() -> None:
    for test_id in ("B602", "B605", "B701", "B501"):
        assert bandit_rules()[test_id]["severity"] == "high", test_id


# --- explanations.yml


def test_explanations_structure() -> None:
    data = explanations()
    assert set(data) == {"version", "rules", "categories", "advisories"}
    assert data["version"] == 1
    problems: list[str] = []
    for section in ("rules", "categories"):
        assert isinstance(data[section], dict) and data[section], f"{section}: empty"
        for key, entry in data[section].items():
            if not isinstance(entry, dict) or set(entry) != {"why", "fix"}:
                problems.append(f"{section}.{key}: keys must be why, fix")
            problems += _problems_with_text(f"{section}.{key}", entry)
    advisories = data["advisories"]
    if not isinstance(advisories, dict) or set(advisories) != {"why", "fix"}:
        problems.append("advisories: keys must be why, fix")
    problems += _problems_with_text("advisories", advisories)
    assert not problems, "\n".join(problems)


def test_curated_ids_exist() -> None:
    known = {check.id for check in checkov_checks()}
    ids = list(explanations()["rules"])
    globs = [i for i in ids if any(ch in i for ch in GLOB_CHARS)]
    assert not globs, f"explanations are looked up by exact id; no globs: {globs}"
    unknown = [i for i in ids if i not in known and not GATE_RULE_ID.match(i)]
    assert not unknown, f"neither a check in the installed checkov nor a GATE- rule: {unknown}"


def test_gate_rules_are_explained() -> None:
    from gate.catalogue import GATE_RULES

    ours = {i for i in explanations()["rules"] if i.startswith("GATE-")}
    assert "GATE-DEP-001" in ours
    assert set(GATE_RULES) <= ours, f"gate rules without text: {sorted(set(GATE_RULES) - ours)}"
    assert ours <= set(GATE_RULES), (
        f"text for rules the gate does not have: {ours - GATE_RULES.keys()}"
    )


def test_curated_text_is_for_curated_checks() -> None:
    """Checks with hand-written text also have a hand-picked rating (above the marker)."""
    head = CATALOGUE.read_text(encoding="utf-8").partition(rate_script().MARKER)[0]
    curated = yaml.safe_load(head)["checks"]
    globs = [g for g in curated if any(ch in g for ch in GLOB_CHARS)]
    uncurated = [
        i
        for i in explanations()["rules"]
        if not i.startswith("GATE-")
        and i not in curated
        and not any(fnmatch.fnmatchcase(i, g) for g in globs)
    ]
    assert not uncurated, f"explained but rated only by the generated default: {uncurated}"


def test_serverless_checks_have_curated_text() -> None:
    """The checks the issue names for Lambda keep their own text."""
    must = {
        "CKV_AWS_45",
        "CKV_AWS_115",
        "CKV_AWS_116",
        "CKV_AWS_117",
        "CKV_AWS_173",
        "CKV_AWS_258",
        "CKV_AWS_272",
        "CKV_AWS_301",
        "CKV_AWS_364",
        "CKV_AWS_50",
        "CKV_AWS_363",
    }
    assert must <= set(explanations()["rules"]), sorted(must - set(explanations()["rules"]))
    secrets = {c.id for c in checkov_checks() if c.framework == "secrets"}
    assert secrets <= set(explanations()["rules"]), sorted(secrets - set(explanations()["rules"]))
    assert len([i for i in explanations()["rules"] if i.startswith("CKV")]) >= 40


def test_every_category_has_a_fallback() -> None:
    occurring = set().union(*(check.categories for check in checkov_checks()))
    assert occurring, "no categories found"
    missing = sorted(occurring - set(explanations()["categories"]))
    assert not missing, f"checkov categories without fallback text in {EXPLANATIONS}: {missing}"


def test_fallback_categories_are_checkov_categories() -> None:
    from checkov.common.models.enums import CheckCategories

    unknown = sorted(set(explanations()["categories"]) - {c.name for c in CheckCategories})
    assert not unknown, f"not a checkov category: {unknown}"


# --- serverless-rules.yml


def serverless_rules() -> dict[str, Any]:
    rules = _load(SERVERLESS_RULES)["rules"] or {}
    assert isinstance(rules, dict)
    return rules


def test_serverless_rules_structure() -> None:
    problems = []
    for rule_id, entry in serverless_rules().items():
        if not re.fullmatch(r"GATE-(SLS|IAC)-\d{3}", rule_id):
            problems.append(f"{rule_id}: not a GATE-SLS-NNN or GATE-IAC-NNN id")
        if not isinstance(entry, dict) or set(entry) != {"title", "severity", "cwe", "why", "fix"}:
            problems.append(f"{rule_id}: keys must be title, severity, cwe, why, fix")
            continue
        if entry["severity"] not in SEVERITIES:
            problems.append(f"{rule_id}: severity {entry['severity']!r} not in {SEVERITIES}")
        if entry["cwe"] is not None and not re.fullmatch(r"CWE-\d+", str(entry["cwe"])):
            problems.append(f"{rule_id}: cwe {entry['cwe']!r} is not CWE-NNN or null")
        problems += _problems_with_text(rule_id, entry)
    assert not problems, "\n".join(problems)


def test_every_rule_the_serverless_rules_can_report_is_in_the_catalogue() -> None:
    package = Path(str(resources.files("gate.rules")))
    sources = [p.read_text("utf-8") for p in package.rglob("*.py")]
    reported = {m for text in sources for m in re.findall(r"GATE-(?:SLS|IAC)-\d{3}", text)}
    assert reported, "no rule ids found in gate/rules: the search is broken"
    missing = sorted(reported - set(serverless_rules()))
    assert not missing, f"not in {SERVERLESS_RULES}: {missing}"
