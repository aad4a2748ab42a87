"""checkov: misconfiguration and secrets in the bundle's IaC.

checkov runs in-process inside its worker through its runner registry, with new
runner instances for every bundle (a reused runner returns the first root's
results). The gate builds checkov's settings itself, so a `.checkov.yaml` or an
`external-checks-dir` in the bundle is never read, and the worker's working
directory is a private temp dir, never the bundle. Serverless variable
resolution is off (`CHECKOV_SERVERLESS_DISABLE_VARS`, set for every worker) and
the worker's environment holds no CI secrets to resolve.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gate.model import Finding, Location, ScanIssue, Severity, Status
from gate.safeyaml import YamlLoadError, load_yaml
from gate.scanners.base import ParseContext, Parsed, Scanner, Target, targets_of

FRAMEWORKS = ("cloudformation", "serverless", "terraform", "secrets")
SERVERLESS_FILES = ("serverless.yml", "serverless.yaml")
_NO_REASON = {"", "no comment provided"}


class CheckovScanner(Scanner):
    name = "checkov"
    catalogue = "checkov-severity.yml"

    def tool_version(self) -> str:
        from checkov.version import version

        return str(version)

    def scan(self, request: dict[str, Any]) -> dict[str, Any]:
        return {"results": [_scan_one(target) for target in targets_of(request)]}

    def parse(self, output: dict[str, Any], context: ParseContext) -> Parsed:
        findings: list[Finding] = []
        issues: list[ScanIssue] = []
        for result in output["results"]:
            bundle = result["bundle"]
            for record in result["failed"]:
                findings.append(_finding(record, bundle, context))
            for record in result["skipped"]:
                findings.append(_finding(record, bundle, context, skipped=True))
            issues.extend(
                ScanIssue(self.name, error["message"], error["path"], bundle)
                for error in result["parsing_errors"]
            )
        return Parsed(tuple(findings), tuple(issues))


def _scan_one(target: Target) -> dict[str, Any]:
    from checkov.cloudformation.runner import Runner as CloudformationRunner
    from checkov.common.runners.runner_registry import RunnerRegistry
    from checkov.runner_filter import RunnerFilter
    from checkov.secrets.runner import Runner as SecretsRunner
    from checkov.serverless.runner import Runner as ServerlessRunner
    from checkov.terraform.runner import Runner as TerraformRunner

    runner_filter = RunnerFilter(
        framework=list(FRAMEWORKS),
        enable_secret_scan_all_files=True,
        show_progress_bar=False,
        download_external_modules=False,
    )
    registry = RunnerRegistry(
        "",
        runner_filter,
        CloudformationRunner(),
        ServerlessRunner(),
        TerraformRunner(),
        SecretsRunner(),
    )
    reports = registry.run(root_folder=target.root)
    failed: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    parsing_errors: list[dict[str, str]] = []
    scanned: set[str] = set()
    for report in reports:
        for record in report.failed_checks:
            failed.append(_record(record, report.check_type))
        for record in report.skipped_checks:
            skipped.append(_record(record, report.check_type))
        for record in report.passed_checks:
            scanned.add(_relative(record.file_path))
        for path in report.parsing_errors:
            parsing_errors.append(
                {"path": _relative(path, target.root), "message": "checkov could not parse it"}
            )
    scanned.update(r["path"] for r in failed + skipped)
    parsing_errors.extend(_dropped_serverless_files(Path(target.root), scanned))
    return {
        "bundle": target.bundle,
        "failed": failed,
        "skipped": skipped,
        "parsing_errors": parsing_errors,
    }


def _record(record: Any, check_type: str) -> dict[str, Any]:
    """The parts of a checkov record the gate keeps: never `code_block`, which can hold
    the very secret a check found."""
    result = record.check_result or {}
    return {
        "check_id": record.check_id,
        "check_name": record.check_name,
        "check_type": check_type,
        "path": _relative(record.file_path),
        "lines": list(record.file_line_range or []),
        "resource": record.resource,
        "guideline": record.guideline,
        "suppress_comment": result.get("suppress_comment"),
    }


def _relative(path: str, root: str | None = None) -> str:
    if root is not None and Path(path).is_absolute():
        try:
            return Path(path).relative_to(root).as_posix()
        except ValueError:
            pass
    return path.lstrip("/")


def _dropped_serverless_files(root: Path, scanned: set[str]) -> list[dict[str, str]]:
    """checkov skips a serverless.yml it cannot parse without a word; say so here."""
    errors = []
    for name in SERVERLESS_FILES:
        for path in sorted(root.rglob(name)):
            relative = path.relative_to(root).as_posix()
            if relative in scanned:
                continue
            try:
                load_yaml(path.read_bytes(), allow_tags=True)
            except YamlLoadError as e:
                where = f":{e.line}" if e.line else ""
                errors.append({"path": relative, "message": f"line{where}: {e.message}"})
                continue
            except OSError as e:
                errors.append({"path": relative, "message": f"unreadable: {e.strerror}"})
                continue
            errors.append(
                {"path": relative, "message": "checkov did not scan this serverless file"}
            )
    return errors


def _finding(
    record: dict[str, Any], bundle: str, context: ParseContext, skipped: bool = False
) -> Finding:
    check_id = record["check_id"]
    lines = record["lines"] or [None]
    secret = record["check_type"] == "secrets"
    message = record["check_name"]
    if secret:
        message = f"{record['check_name']} found in plain text (value not shown)"
    reason = (record.get("suppress_comment") or "").strip()
    status = Status.SUPPRESSED if skipped and reason.lower() not in _NO_REASON else None
    severity = context.catalogue.get(check_id) or Severity.MEDIUM
    return Finding(
        scanner="checkov",
        rule_id=check_id,
        title=record["check_name"],
        message=message,
        severity=severity,
        bundle=bundle,
        location=Location(
            record["path"],
            lines[0],
            lines[-1],
            None if secret else record["resource"],
        ),
        # A secret's "resource" is a hash of its value: keep it out of reports and fingerprints.
        anchor="" if secret else record["resource"] or "",
        help_uri=record.get("guideline"),
        status=status,
    )
