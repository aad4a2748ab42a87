"""Parsing saved real worker output into findings, without running any scanner."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from gate.catalogue import severity_catalogue
from gate.model import Confidence, Severity, Suppression
from gate.policy.load import builtin_policy
from gate.scanners import all_scanners
from gate.scanners.base import ParseContext, Parsed
from gate.settings import ScannerSettings, SeverityMap
from tests.conftest import ASSETS

SCANNERS = all_scanners()

OUTPUT = ASSETS / "output"


def saved(scanner: str) -> dict[str, Any]:
    answer: dict[str, Any] = json.loads(
        (OUTPUT / f"{scanner}-orders-api-insecure.json").read_text()
    )
    return answer["output"]  # type: ignore[no-any-return]


def parse(scanner: str, output: dict[str, Any], settings: ScannerSettings | None = None) -> Parsed:
    policy = builtin_policy("default")
    context = ParseContext(
        settings or policy.scanner(scanner), severity_catalogue(SCANNERS[scanner].catalogue)
    )
    return SCANNERS[scanner].parse(output, context)


def test_every_checkov_record_becomes_a_finding() -> None:
    output = saved("checkov")
    parsed = parse("checkov", output)
    records = output["results"][0]["failed"]
    assert len(parsed.findings) == len(records)
    assert parsed.issues == ()
    by_rule = {f.rule_id: f for f in parsed.findings}
    assert by_rule["CKV_AWS_45"].severity is Severity.CRITICAL
    assert by_rule["CKV_AWS_116"].severity is Severity.LOW
    assert by_rule["CKV_AWS_45"].location.resource == "AWS::Serverless::Function.OrdersFunction"
    assert by_rule["CKV_AWS_45"].location.path == "template.yaml"


def test_checkov_secret_hides_its_value_hash() -> None:
    record = {
        "check_id": "CKV_SECRET_2",
        "check_name": "AWS Access Key",
        "check_type": "secrets",
        "path": "template.yaml",
        "lines": [12, 13],
        "resource": "25910f981e85ca04baf359199dd0bd4a3ae738b6",
        "guideline": None,
        "suppress_comment": None,
    }
    output = {"results": [{"bundle": "fn", "failed": [record], "parsing_errors": []}]}
    (finding,) = parse("checkov", output).findings
    assert finding.severity is Severity.CRITICAL
    assert finding.location.resource is None
    assert str(record["resource"]) not in repr(finding)
    assert finding.message == "AWS Access Key found in plain text (value not shown)"


def test_checkov_inline_skips_are_carried_and_unlisted_check_is_medium() -> None:
    base = {
        "check_name": "x",
        "check_type": "cloudformation",
        "path": "t.yaml",
        "lines": [1, 2],
        "resource": "AWS::S3::Bucket.B",
        "guideline": None,
    }
    failed = [
        {
            **base,
            "check_id": "CKV_AWS_18",
            "suppression": {"kind": "checkov:skip", "reason": "logs go to the central account"},
        },
        {
            **base,
            "check_id": "CKV_AWS_21",
            "suppression": {"kind": "Metadata.checkov.skip", "reason": None},
        },
        {**base, "check_id": "CKV_ZZZ_999", "suppression": None},
    ]
    output = {
        "results": [
            {
                "bundle": "fn",
                "failed": failed,
                "parsing_errors": [{"path": "bad.yaml", "message": "m"}],
            }
        ]
    }
    parsed = parse("checkov", output)
    assert [f.suppression for f in parsed.findings] == [
        Suppression("checkov:skip", "logs go to the central account"),
        Suppression("Metadata.checkov.skip", None),
        None,
    ]
    assert all(f.status is None for f in parsed.findings)
    assert parsed.findings[2].severity is Severity.MEDIUM
    assert [(i.path, i.bundle) for i in parsed.issues] == [("bad.yaml", "fn")]


def test_bandit_issues_keep_severity_lowered_by_low_confidence() -> None:
    output = saved("bandit")
    parsed = parse("bandit", output)
    assert len(parsed.findings) == len(output["results"][0]["issues"])
    by_rule = {f.rule_id: f for f in parsed.findings}
    assert by_rule["B602"].severity is Severity.HIGH
    assert by_rule["B602"].confidence is Confidence.HIGH
    assert by_rule["B602"].cwe == "CWE-78"
    assert by_rule["B608"].confidence is Confidence.LOW
    assert by_rule["B608"].severity is Severity.LOW  # bandit says medium, confidence low


def test_bandit_password_message_is_masked_and_skips_are_issues() -> None:
    issue = {
        "filename": "app.py",
        "test_id": "B105",
        "test_name": "hardcoded_password_string",
        "issue_severity": "LOW",
        "issue_confidence": "MEDIUM",
        "issue_cwe": {"id": 259},
        "issue_text": "Possible hardcoded password: 'Tr0ub4dor&3'",
        "line_number": 4,
        "line_range": [4],
        "anchor": "password = ''",
    }
    output = {
        "results": [
            {
                "bundle": "fn",
                "issues": [issue],
                "skipped": [
                    {"path": "bad.py", "reason": "syntax error while parsing AST from file"}
                ],
            }
        ]
    }
    parsed = parse("bandit", output)
    assert parsed.findings[0].message == "Possible hardcoded password: '***'"
    assert "Tr0ub4dor" not in repr(parsed.findings[0])
    assert parsed.issues[0].message == "could not scan: syntax error while parsing AST from file"


def test_pip_audit_vulnerabilities_and_unpinned_requirements() -> None:
    output = saved("pip-audit")
    parsed = parse("pip-audit", output)
    result = output["results"][0]
    vulns = sum(len(d["vulns"]) for d in result["dependencies"])
    assert len(parsed.findings) == vulns + len(result["unauditable"])
    requests = next(f for f in parsed.findings if f.rule_id == "PYSEC-2018-28")
    assert requests.package is not None
    assert (requests.package.name, requests.package.version) == ("requests", "2.19.0")
    assert "2.20.0" in requests.package.fixed_versions
    assert "CVE-2018-18074" in requests.aliases
    assert requests.location.path == "src/requirements.txt"
    assert requests.location.start_line == 2
    unpinned = [f for f in parsed.findings if f.rule_id == "GATE-DEP-001"]
    assert unpinned and all(f.severity is Severity.MEDIUM for f in unpinned)


def test_unscored_advisory_takes_the_policy_severity() -> None:
    dep = {
        "name": "pkg",
        "version": "1.0",
        "path": "requirements.txt",
        "line": 1,
        "vulns": [
            {
                "id": "PYSEC-1",
                "aliases": [],
                "description": "d",
                "fix_versions": [],
                "severity": [],
                "references": [],
            },
            {
                "id": "PYSEC-2",
                "aliases": [],
                "description": "d",
                "fix_versions": ["1.1"],
                "severity": [["CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"]],
                "references": ["https://example.invalid/advisory"],
            },
        ],
    }
    output = {
        "database": {},
        "results": [
            {
                "bundle": "fn",
                "dependencies": [dep],
                "unauditable": [],
                "problems": [],
                "indexes": [],
            }
        ],
    }
    parsed = parse("pip-audit", output, ScannerSettings(unscored_severity=Severity.LOW))
    assert [f.severity for f in parsed.findings] == [Severity.LOW, Severity.CRITICAL]
    assert parsed.findings[1].help_uri == "https://example.invalid/advisory"


def test_fingerprint_ignores_line_numbers() -> None:
    output = saved("bandit")
    moved = json.loads(json.dumps(output))
    for issue in moved["results"][0]["issues"]:
        issue["line_number"] += 20
        issue["line_range"] = [n + 20 for n in issue["line_range"]]
    before = [f.fingerprint for f in parse("bandit", output).findings]
    after = [f.fingerprint for f in parse("bandit", moved).findings]
    assert before == after
    assert len(set(before)) == len(before)


def test_catalogue_is_a_severity_map() -> None:
    catalogue = severity_catalogue("checkov-severity.yml")
    assert isinstance(catalogue, SeverityMap)
    assert catalogue.get("CKV_SECRET_13") is Severity.CRITICAL
    assert catalogue.get("CKV_NOT_A_CHECK") is Severity.MEDIUM


def test_credentials_in_requirement_urls_are_masked() -> None:
    raw = {
        "text": "git+https://oauth2:glpat-Zx81kQ2vN7@gitlab.example.invalid/team/lib.git#egg=lib",
        "reason": "URL requirement",
        "path": "requirements.txt",
        "line": 3,
    }
    output = {
        "database": {},
        "results": [
            {
                "bundle": "fn",
                "dependencies": [],
                "unauditable": [raw],
                "problems": [],
                "indexes": [],
            }
        ],
    }
    (finding,) = parse("pip-audit", output).findings
    assert "glpat" not in repr(finding)
    assert "git+https://***@gitlab.example.invalid/team/lib.git" in finding.message


def test_an_index_waiver_outlives_a_token_but_not_a_new_ref() -> None:
    """What a waiver of GATE-DEP-002 by fingerprint accepts: the same index or repository
    whatever credential reaches it, and not another ref of a repository (a commit of any
    GitHub fork is reachable through its parent's URL) or another subdirectory."""
    from gate.scanners.pip_audit import _digest

    repo = "git+https://github.com/org/lib.git@v1.2.0"
    assert _digest(repo) == _digest(
        "git+https://x-token:gh_Zx81kQ2vN7@github.com/org/lib.git@v1.2.0"
    )
    assert _digest("https://pypi.corp.example/simple?token=a") == _digest(
        "https://pypi.corp.example/simple?token=b"
    )
    others = [
        "git+https://github.com/org/lib.git@3f5e1c0",
        "git+https://github.com/org/lib.git@v1.2.0#subdirectory=evil",
        "git+https://github.com/org/other.git@v1.2.0",
        "https://pypi.corp.example/simple",
    ]
    assert len({_digest(repo), *map(_digest, others)}) == 1 + len(others)


def test_smallest_upgrade_that_clears_every_advisory() -> None:
    parsed = parse("pip-audit", saved("pip-audit"))
    urllib3 = [f for f in parsed.findings if f.package and f.package.name == "urllib3"]
    assert len(urllib3) == 7
    assert {f.package.upgrade_to for f in urllib3 if f.package} == {"1.26.18"}
    assert all("urllib3 1.26.18 clears all 7 of its advisories" in f.message for f in urllib3)


def test_smallest_upgrade_is_computed_from_the_advisories() -> None:
    from packaging.version import Version
    from pip_audit._service.interface import ResolvedDependency

    from gate.advisories.osv import AdvisoryDatabase
    from gate.advisories.service import OfflineVulnerabilityService
    from gate.scanners.pip_audit import _smallest_upgrade

    service = OfflineVulnerabilityService(AdvisoryDatabase.builtin())
    dep, vulns = service.query(ResolvedDependency("requests", Version("2.19.0")))
    assert _smallest_upgrade("requests", dep.version, vulns, service) == "2.31.0"
    assert _smallest_upgrade("requests", Version("2.32.3"), [], service) is None


def test_checkov_parse_failures_say_why(tmp_path: Path) -> None:
    """checkov's reports keep only the path of a file it could not parse; the reason
    comes from its own reader, with the temp folder taken out."""
    from gate.scanners.checkov import _parse_failure

    bad = tmp_path / "template.yaml"
    bad.write_text("Resources:\n  A: {Type: AWS::S3::Bucket, Properties: {X: 2001-02-30}}\n")
    said = _parse_failure(str(bad), tmp_path)
    assert said == "checkov could not parse it: day is out of range for month"
    assert _parse_failure(str(tmp_path / "main.tf"), tmp_path) == "checkov could not parse it"
