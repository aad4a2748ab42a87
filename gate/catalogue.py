"""What the gate knows about every rule: `gate rules` and `gate explain`.

Everything here comes from data shipped in the package (gate/policies/), so
neither command imports a scanner library.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from gate.model import Severity
from gate.policy.model import Policy
from gate.settings import SeverityMap

# The gate's own rules (DESIGN §3.5 prefixes): id -> (scanner, severity, title).
GATE_RULES: dict[str, tuple[str, Severity, str]] = {
    "GATE-DEP-001": (
        "pip-audit",
        Severity.MEDIUM,
        "Requirement not pinned to one version (or editable, URL, local path)",
    ),
    "GATE-DEP-002": (
        "pip-audit",
        Severity.HIGH,
        "Packages installed from an index other than PyPI",
    ),
}
ADVISORY_PREFIXES = ("PYSEC-", "GHSA-", "CVE-", "OSV-")


@dataclass(frozen=True)
class Rule:
    """One rule as `gate rules` lists it."""

    id: str
    scanner: str
    severity: Severity
    """Effective severity under the policy (its `severity:` overrides applied)."""
    title: str


@dataclass(frozen=True)
class Explanation:
    """What a rule is, why it matters for a serverless function, how to fix it."""

    rule: Rule
    why: str
    fix: str
    details: tuple[str, ...] = ()
    """Extra lines: affected package and fixed versions, a guideline link."""


def _data(name: str) -> Any:
    """A data file shipped in gate/policies. It is the package's own, so the fast C loader
    (still a safe one) reads it rather than the budgeted loader for untrusted files."""
    text = resources.files("gate.policies").joinpath(name).read_bytes()
    if name.endswith(".json"):
        return json.loads(text)
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


@cache
def _checkov_checks() -> dict[str, Any]:
    """checkov's checks by id: name, categories, frameworks (scripts/rate_checkov_checks.py)."""
    checks: dict[str, Any] = _data("checkov-checks.json")
    return checks


@cache
def _bandit() -> dict[str, Any]:
    rules: dict[str, Any] = _data("bandit-rules.yml")["rules"]
    return rules


@cache
def _serverless() -> dict[str, Any]:
    rules: dict[str, Any] = _data("serverless-rules.yml")["rules"] or {}
    return rules


def serverless_rule(rule_id: str) -> dict[str, Any]:
    """A serverless rule's catalogue entry: title, severity, cwe, why, fix. A rule module
    reporting an id the catalogue lacks is a bug; it is reported as such, not dropped."""
    entry: dict[str, Any] = _serverless().get(rule_id) or {
        "title": f"{rule_id} (not in the rule catalogue)",
        "severity": "high",
        "cwe": None,
    }
    return entry


@cache
def _explanations() -> dict[str, Any]:
    explanations: dict[str, Any] = _data("explanations.yml")
    return explanations


CHECKOV_RATINGS = "checkov-severity.yml"
"""The gate's ratings of checkov's checks (gate/policies/), which checkov leaves unrated."""


@cache
def severity_catalogue(resource: str | None) -> SeverityMap:
    """The gate's ratings of a scanner's rules (gate/policies/RESOURCE), as a SeverityMap."""
    if resource is None:
        return SeverityMap()
    data = _data(resource)
    return SeverityMap.from_mapping(data.get("checks") or {}, default=data.get("default"))


def rules(policy: Policy, scanner: str | None = None) -> list[Rule]:
    """Every rule the gate can report, with its effective severity under `policy`."""
    found = [*_checkov_rules(policy), *_bandit_rules(policy), *_gate_rules(policy)]
    return [r for r in found if scanner is None or r.scanner == scanner]


def _effective(policy: Policy, rule_id: str, base: Severity) -> Severity:
    return policy.severity.get(rule_id) or base


def _checkov_rules(policy: Policy) -> list[Rule]:
    ratings = severity_catalogue(CHECKOV_RATINGS)
    return [
        Rule(
            check_id,
            "checkov",
            _effective(policy, check_id, ratings.get(check_id) or Severity.MEDIUM),
            info["name"],
        )
        for check_id, info in sorted(_checkov_checks().items())
    ]


def _bandit_rules(policy: Policy) -> list[Rule]:
    return [
        Rule(
            test_id,
            "bandit",
            _effective(policy, test_id, Severity.parse(info["severity"])),
            info["name"],
        )
        for test_id, info in sorted(_bandit().items())
    ]


def _gate_rules(policy: Policy) -> list[Rule]:
    own = [
        Rule(rule_id, scanner, _effective(policy, rule_id, severity), title)
        for rule_id, (scanner, severity, title) in sorted(GATE_RULES.items())
    ]
    serverless = [
        Rule(
            rule_id,
            "serverless",
            _effective(policy, rule_id, Severity.parse(entry["severity"])),
            entry["title"],
        )
        for rule_id, entry in sorted(_serverless().items())
    ]
    return own + serverless


def guidance(rule_id: str, scanner: str) -> tuple[str, str]:
    """(why it matters, how to fix) for a rule, from the shipped texts; empty when unknown."""
    texts = _explanations()
    if scanner == "bandit":
        text = _bandit().get(rule_id, {})
    elif scanner == "serverless":
        text = _serverless().get(rule_id, {})
    elif rule_id in texts["rules"]:
        text = texts["rules"][rule_id]
    elif scanner == "pip-audit":
        text = texts["advisories"]
    else:
        return _checkov_guidance(rule_id, texts["categories"])
    return str(text.get("why", "")), str(text.get("fix", ""))


def _checkov_guidance(rule_id: str, categories: dict[str, Any]) -> tuple[str, str]:
    """A checkov check without curated text: what the check itself asks (its title, as
    checkov's registry has it), then its category's general concern. The category alone
    would misexplain a check checkov files oddly (API Gateway caching under backups)."""
    check = _checkov_checks().get(rule_id)
    if check is None:
        return "", ""
    found = [categories[c] for c in check.get("categories") or [] if c in categories]
    label = ", ".join(c.lower().replace("_", " ") for c in check.get("categories") or [])
    why = f"checkov's check “{check['name']}” does not hold for this resource."
    fix = f"Change the resource so that the check holds ({check['name']})."
    if found:
        why += f" checkov files it under {label}. {found[0]['why']}"
        fix += f" {found[0]['fix']}"
    return why, fix


def explain(rule_id: str, policy: Policy, advisory_db: str | None = None) -> Explanation | None:
    """The explanation of `rule_id`, or None if the gate does not know it."""
    if rule_id.upper().startswith(ADVISORY_PREFIXES):
        return _explain_advisory(rule_id, policy, advisory_db)
    rule = next((r for r in rules(policy) if r.id == rule_id.upper()), None)
    if rule is None:
        return None
    why, fix = guidance(rule.id, rule.scanner)
    return Explanation(rule, why, fix)


def _explain_advisory(
    advisory_id: str, policy: Policy, advisory_db: str | None
) -> Explanation | None:
    from gate.advisories.severity import rated_severity, rating
    from gate.advisories.sources import advisory_settings, offline_database

    # The same offline data `gate check` would use: the named database, else the newer of
    # the cache and the built-in snapshot.
    database = offline_database(advisory_settings("offline", advisory_db)).database
    advisory = database.get(advisory_id) or database.get(advisory_id.upper())
    if advisory is None:
        return None
    unscored = policy.scanner("pip-audit").unscored_severity
    vectors, label = rating(advisory, database.get)
    severity = _effective(policy, advisory.id, rated_severity(vectors, label) or unscored)
    details = [f"aliases: {', '.join(advisory.aliases)}"] if advisory.aliases else []
    for package in sorted(advisory.packages):
        fixed = ", ".join(advisory.fixed_versions(package)) or "none yet"
        details.append(f"package: {package} (fixed in {fixed})")
    details += [f"reference: {url}" for url in advisory.references[:3]]
    details.append(f"source: {database.source}, dated {database.date}")
    why, fix = guidance(advisory.id, "pip-audit")
    rule = Rule(advisory.id, "pip-audit", severity, advisory.description)
    return Explanation(rule, why, fix, tuple(details))
