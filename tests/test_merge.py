"""One problem, one finding: other scanners' reports folded into the serverless finding."""

from __future__ import annotations

from dataclasses import asdict, replace

from gate.model import (
    Absorbs,
    Finding,
    Function,
    Location,
    Reporter,
    ScanResult,
    ScanStatus,
    Severity,
    Suppression,
)
from gate.policy.load import builtin_policy
from gate.scan.merge import fold
from gate.scanners.base import ParseContext
from gate.scanners.serverless import ServerlessScanner
from gate.settings import SeverityMap


def finding(
    scanner: str,
    rule: str,
    path: str,
    line: int | None = None,
    resource: str | None = None,
    absorbs: tuple[Absorbs, ...] = (),
) -> Finding:
    return Finding(
        scanner,
        rule,
        rule,
        "m",
        Severity.HIGH,
        "b",
        Location(path, line, line, resource),
        absorbs=absorbs,
    )


def result(*findings: Finding) -> ScanResult:
    return ScanResult(findings[0].scanner, ScanStatus.OK, findings=findings)


def test_a_bandit_finding_on_the_sink_line_is_folded_into_the_taint_finding() -> None:
    taint = finding(
        "serverless",
        "GATE-SLS-001",
        "app.py",
        9,
        absorbs=(Absorbs("bandit", ("B602", "B605"), "app.py", 9),),
    )
    same_line = finding("bandit", "B602", "app.py", 9)
    other_line = finding("bandit", "B602", "app.py", 12)
    other_rule = finding("bandit", "B404", "app.py", 9)
    results = fold([result(same_line, other_line, other_rule), result(taint)])
    bandit, serverless = results
    assert bandit.findings == (other_line, other_rule)
    assert serverless.findings[0].also_reported_by == (Reporter("bandit", "B602"),)


def test_checkov_findings_on_the_resource_are_folded_whatever_their_line() -> None:
    owner = finding(
        "serverless",
        "GATE-IAC-001",
        "template.yaml",
        20,
        "AWS::Serverless::Function.Orders",
        (
            Absorbs(
                "checkov",
                ("CKV_AWS_49",),
                "template.yaml",
                None,
                "AWS::Serverless::Function.Orders",
            ),
        ),
    )
    on_resource = finding(
        "checkov", "CKV_AWS_49", "template.yaml", 3, "AWS::Serverless::Function.Orders"
    )
    elsewhere = finding("checkov", "CKV_AWS_49", "template.yaml", 3, "AWS::IAM::Role.Other")
    checkov, serverless = fold([result(on_resource, elsewhere), result(owner)])
    assert checkov.findings == (elsewhere,)
    assert serverless.findings[0].also_reported_by == (Reporter("checkov", "CKV_AWS_49"),)


def test_every_finding_is_kept_or_folded() -> None:
    owner = finding(
        "serverless",
        "GATE-SLS-001",
        "app.py",
        9,
        absorbs=(Absorbs("bandit", ("B602",), "app.py", 9),),
    )
    others = [finding("bandit", "B602", "app.py", 9), finding("bandit", "B602", "x.py", 9)]
    folded = fold([result(*others), result(owner)])
    kept = [f for r in folded for f in r.findings]
    assert len(kept) + sum(len(f.also_reported_by) for f in kept) == 3


def test_without_absorbing_findings_results_are_unchanged() -> None:
    results = [result(finding("bandit", "B602", "app.py", 9))]
    assert fold(results) is results


def test_serverless_output_becomes_findings_rated_by_the_catalogue() -> None:
    output = {
        "results": [
            {
                "bundle": "b",
                "findings": [
                    {
                        "rule_id": "GATE-SLS-999",
                        "message": "m",
                        "path": "app.py",
                        "line": 3,
                        "end_line": 3,
                        "resource": None,
                        "anchor": "os.system(cmd)",
                        "severity": "critical",
                        "merges": [
                            {"scanner": "bandit", "rule_ids": ["B605"], "path": "app.py", "line": 3}
                        ],
                    }
                ],
            }
        ]
    }
    context = ParseContext(builtin_policy("default").scanner("serverless"), SeverityMap())
    (parsed,) = ServerlessScanner().parse(output, context).findings
    assert parsed.severity is Severity.CRITICAL
    # An id missing from the catalogue is reported as such, never dropped.
    assert "not in the rule catalogue" in parsed.title
    assert parsed.absorbs == (Absorbs("bandit", ("B605",), "app.py", 3),)


def test_functions_cross_to_the_worker_and_back() -> None:
    function = Function(
        "Orders",
        "sam",
        "template.yaml",
        4,
        "AWS::Serverless::Function.Orders",
        "python3.12",
        "app.handler",
        "src/app.py",
        "handler",
        "src",
        layers=("layers/deps",),
        manifests=("src/requirements.txt",),
    )
    assert Function.from_json(asdict(function)) == function


def test_the_merged_finding_keeps_the_higher_severity_and_the_suppression() -> None:
    owner = replace(
        finding(
            "serverless",
            "GATE-IAC-017",
            "template.yaml",
            5,
            "AWS::Serverless::Function.Api",
            (
                Absorbs(
                    "checkov",
                    ("CKV_AWS_115",),
                    "template.yaml",
                    None,
                    "AWS::Serverless::Function.Api",
                ),
            ),
        ),
        severity=Severity.MEDIUM,
    )
    skipped = replace(
        finding("checkov", "CKV_AWS_115", "template.yaml", 5, "AWS::Serverless::Function.Api"),
        severity=Severity.HIGH,
        suppression=Suppression("checkov:skip", "bursty by design, limited upstream"),
    )
    (_, (merged,)) = (r.findings for r in fold([result(skipped), result(owner)]))
    assert merged.severity is Severity.HIGH
    assert merged.suppression == Suppression("checkov:skip", "bursty by design, limited upstream")


def test_a_suppression_of_a_lesser_finding_does_not_silence_the_stronger_one() -> None:
    """`# nosec B603 -- a fixed command` answers bandit's low B603, not the critical
    GATE-SLS-001 that proves event data reaches the same call."""
    taint = replace(
        finding(
            "serverless",
            "GATE-SLS-001",
            "app.py",
            5,
            absorbs=(Absorbs("bandit", ("B603",), "app.py", 5),),
        ),
        severity=Severity.CRITICAL,
    )
    nosec = replace(
        finding("bandit", "B603", "app.py", 5),
        severity=Severity.LOW,
        suppression=Suppression("nosec", "a fixed command, reviewed"),
    )
    (_, (merged,)) = (r.findings for r in fold([result(nosec), result(taint)]))
    assert merged.also_reported_by == (Reporter("bandit", "B603"),)
    assert merged.suppression is None


def test_findings_of_other_bundles_are_never_folded() -> None:
    """Bundles of one run share file names and lines: `lambda_function.py` line 5 of one
    function is not that of another."""
    taint = finding(
        "serverless",
        "GATE-SLS-001",
        "app.py",
        5,
        absorbs=(Absorbs("bandit", ("B602",), "app.py", 5),),
    )
    elsewhere = replace(finding("bandit", "B602", "app.py", 5), bundle="other")
    (bandit, serverless) = (r.findings for r in fold([result(elsewhere), result(taint)]))
    assert bandit == (elsewhere,) and serverless[0].also_reported_by == ()
