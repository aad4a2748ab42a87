"""The gate's own serverless rules as a scanner: code and IaC of one function together.

The rules live in `gate.rules`; this module runs them in a worker like the other
scanners (so a hostile bundle that makes a rule crash or hang costs one worker, not the
gate) and turns what they report into findings.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gate.model import Confidence, Finding, Location, ScanIssue, Severity
from gate.redact import mask_secret_tokens
from gate.scanners.base import ParseContext, Parsed, Scanner

if TYPE_CHECKING:
    from gate.rules.findings import RawFinding


class ServerlessScanner(Scanner):
    name = "serverless"
    # One part per bundle: the rules join each function's IaC, role and code. The AWS
    # data they read is the gate's own (gate.rules.awsdata).
    reads_functions = True
    reads_whole_bundle = True

    def tool_version(self) -> str:
        import gate

        return gate.__version__

    def scan(self, request: dict[str, Any]) -> dict[str, Any]:
        from gate.model import Function
        from gate.rules import analyse
        from gate.rules.context import BundleContext

        results = []
        for target in request["targets"]:
            context = BundleContext(
                bundle=target["bundle"],
                root=Path(target["root"]),
                code_root=Path(target["code_root"]),
                functions=tuple(Function.from_json(f) for f in target.get("functions", [])),
                ignored=dict(target.get("ignored", {})),
            )
            analysis = analyse(context)
            results.append(
                {
                    "bundle": target["bundle"],
                    "findings": [_shown(f).to_json() for f in analysis.findings],
                    "issues": [i.to_json() for i in analysis.issues],
                }
            )
        return {"results": results}

    def record_path(self, record: dict[str, Any]) -> str | None:
        # A rule that failed is not a property of the files: never cached.
        path = record.get("path")
        return path if isinstance(path, str) and not record.get("rule") else None

    def parse(self, output: dict[str, Any], context: ParseContext) -> Parsed:
        from gate.catalogue import serverless_rule
        from gate.rules.findings import RawFinding, RuleIssue

        findings = []
        issues = [
            ScanIssue(self.name, issue.describe(), issue.path, result["bundle"])
            for result in output["results"]
            for issue in map(RuleIssue.from_json, result.get("issues", []))
        ]
        for result in output["results"]:
            for raw in map(RawFinding.from_json, result["findings"]):
                rule = serverless_rule(raw.rule_id)
                severity = Severity.parse(raw.severity or rule["severity"])
                findings.append(
                    Finding(
                        scanner=self.name,
                        rule_id=raw.rule_id,
                        title=rule["title"],
                        message=raw.message,
                        severity=severity,
                        bundle=result["bundle"],
                        location=Location(raw.path, raw.line, raw.end_line, raw.resource),
                        anchor=raw.anchor,
                        confidence=Confidence(raw.confidence),
                        cwe=rule.get("cwe"),
                        absorbs=raw.merges,
                        functions=raw.functions,
                    )
                )
        return Parsed(tuple(findings), tuple(issues))


def _shown(raw: RawFinding) -> RawFinding:
    """A finding with credential-like tokens of the code it quotes masked, before it
    leaves the worker: neither a report nor the findings cache ever holds them."""
    return replace(
        raw, message=mask_secret_tokens(raw.message), anchor=mask_secret_tokens(raw.anchor)
    )
