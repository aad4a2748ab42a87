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

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gate.bundle.discovery.serverless import other_provider
from gate.model import Finding, Location, ScanIssue, Severity
from gate.safeyaml import YamlLoadError, load_yaml
from gate.scanners import inline
from gate.scanners.base import (
    ParseContext,
    Parsed,
    Scanner,
    Target,
    directory_of,
    suppression_from,
    targets_of,
    vendored_option,
)

if TYPE_CHECKING:
    from gate.settings import ScannerSettings

FRAMEWORKS = ("cloudformation", "serverless", "terraform", "secrets")
# From this many files on, checkov's frameworks run in forked processes: the secrets scan
# of a large run then takes a core of its own. On fewer files the forks cost more than
# they save, as the other scanners already fill the other cores.
PARALLEL_FROM_FILES = 50
SERVERLESS_FILES = ("serverless.yml", "serverless.yaml")
TERRAFORM_SUFFIXES = (".tf", ".tf.json", ".tfvars", ".tfvars.json", ".hcl")
TERRAFORM_PART = "terraform:"


class CheckovScanner(Scanner):
    name = "checkov"
    critical_path = True
    catalogue = "checkov-severity.yml"
    # checkov, and the parsers and secret detectors it does its reading with.
    distributions = ("checkov", "bc-detect-secrets", "bc-python-hcl2", "bc-jsonpath-ng")

    def part_of(self, path: str) -> str:
        # A Terraform module reads local modules in other directories: all of it together.
        return TERRAFORM_PART if path.endswith(TERRAFORM_SUFFIXES) else directory_of(path)

    def options(self, settings: ScannerSettings, context: dict[str, Any]) -> dict[str, Any]:
        return vendored_option(settings)

    def warm_up(self) -> None:
        import checkov.cloudformation.runner
        import checkov.common.runners.runner_registry
        import checkov.secrets.runner
        import checkov.serverless.runner
        import checkov.terraform.runner  # noqa: F401

    def tool_version(self) -> str:
        from checkov.version import version

        return str(version)

    def scan(self, request: dict[str, Any]) -> dict[str, Any]:
        from checkov.common.parallelizer.parallel_runner import parallel_runner

        targets = targets_of(request)
        files = sum(1 for t in targets for p in Path(t.root).rglob("*") if p.is_file())
        parallel_runner.type = "fork" if files >= PARALLEL_FROM_FILES else "none"
        return {"results": [_scan_one(target) for target in targets]}

    def parse(self, output: dict[str, Any], context: ParseContext) -> Parsed:
        findings: list[Finding] = []
        issues: list[ScanIssue] = []
        for result in output["results"]:
            bundle = result["bundle"]
            findings.extend(_finding(record, bundle, context) for record in result["failed"])
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
    # Skip comments are the bundle author's: checkov evaluates every check regardless,
    # and the gate reads the comments itself so the policy can judge them.
    reports = registry.run(root_folder=target.root, collect_skip_comments=False)
    root = Path(target.root)
    sources = _Sources(root)
    failed: list[dict[str, Any]] = []
    parsing_errors: list[dict[str, str]] = []
    scanned: set[str] = set()
    for report in reports:
        for record in [*report.failed_checks, *report.skipped_checks]:
            failed.append(_record(record, report.check_type, sources))
        for record in report.passed_checks:
            scanned.add(_relative(record.file_path))
        for path in report.parsing_errors:
            parsing_errors.append(
                {"path": _relative(path, target.root), "message": _parse_failure(path, root)}
            )
    scanned.update(r["path"] for r in failed)
    parsing_errors.extend(_dropped_serverless_files(root, scanned))
    return {"bundle": target.bundle, "failed": failed, "parsing_errors": parsing_errors}


def _parse_failure(path: str, root: Path) -> str:
    """Why checkov could not parse a file, as its own parser says (with the line where
    it gives one): its reports keep only the path. Templates and serverless.yml share
    checkov's YAML/JSON reader; Terraform the gate's discovery has parsed already."""
    said = "checkov could not parse it"
    if not path.lower().endswith((".yaml", ".yml", ".json", ".template")):
        return said
    from checkov.cloudformation.parser import parse

    reasons: dict[str, str] = {}
    try:
        parse(path, reasons)
    except Exception:
        return said
    reason = reasons.get(path, "").replace(str(root) + os.sep, "")
    reason = reason.split(" - ", 1)[-1] if reason.startswith("Parsing error in file") else reason
    return f"{said}: {' '.join(reason.split())}" if reason else said


class _Sources:
    """The bundle's files as lines and parsed templates, each read once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lines: dict[str, list[str]] = {}
        self._templates: dict[str, Any] = {}

    def lines(self, path: str) -> list[str]:
        if path not in self._lines:
            try:
                text = (self.root / path).read_text("utf-8", errors="replace")
            except OSError:
                text = ""
            self._lines[path] = text.splitlines()
        return self._lines[path]

    def template(self, path: str) -> Any:
        if path not in self._templates:
            self._templates[path] = inline.load_template(self.root / path)
        return self._templates[path]


def _record(record: Any, check_type: str, sources: _Sources) -> dict[str, Any]:
    """The parts of a checkov record the gate keeps: never `code_block`, which can hold
    the very secret a check found."""
    path = _relative(record.file_path)
    lines = list(record.file_line_range or [])
    found = _skip_for(record, check_type, path, lines, sources)
    return {
        "check_id": record.check_id,
        "check_name": record.check_name,
        "check_type": check_type,
        "path": path,
        "lines": lines,
        # A secret's resource is a hash of its value: it never leaves the worker.
        "resource": None if check_type == "secrets" else record.resource,
        "guideline": record.guideline,
        "suppression": found.as_dict() if found else None,
    }


def _skip_for(
    record: Any, check_type: str, path: str, lines: list[int], sources: _Sources
) -> inline.Found | None:
    if lines:
        # The line above a resource or secret may carry its skip comment too.
        source = sources.lines(path)[max(lines[0] - 2, 0) : lines[-1]]
        found = inline.checkov_skip(source, record.check_id)
        if found is not None:
            return found
    if check_type == "cloudformation" and record.resource:
        return inline.metadata_skip(sources.template(path), record.resource, record.check_id)
    return None


def _relative(path: str, root: str | None = None) -> str:
    if root is not None and Path(path).is_absolute():
        try:
            return Path(path).relative_to(root).as_posix()
        except ValueError:
            pass
    return path.lstrip("/")


def _dropped_serverless_files(root: Path, scanned: set[str]) -> list[dict[str, str]]:
    """checkov skips a serverless.yml it cannot parse without a word; say so here. It
    skips one for another cloud too: that one discovery warns about (`not-aws`)."""
    errors = []
    for name in SERVERLESS_FILES:
        for path in sorted(root.rglob(name)):
            relative = path.relative_to(root).as_posix()
            if relative in scanned:
                continue
            try:
                document = load_yaml(path.read_bytes(), allow_tags=True, max_bytes=None)
            except YamlLoadError as e:
                where = f":{e.line}" if e.line else ""
                errors.append({"path": relative, "message": f"line{where}: {e.message}"})
                continue
            except OSError as e:
                errors.append({"path": relative, "message": f"unreadable: {e.strerror}"})
                continue
            if other_provider(document.data) is not None:
                continue  # another cloud's service: out of scope, and discovery says so
            if _checkov_reads(path):
                continue  # read, with nothing to report (a service of only `resources:`)
            errors.append(
                {"path": relative, "message": "checkov did not scan this serverless file"}
            )
    return errors


def _checkov_reads(path: Path) -> bool:
    """Whether checkov's own serverless parser takes the file (in the worker; variable
    resolution is off there)."""
    from checkov.serverless.parsers.parser import parse

    try:
        return parse(str(path)) is not None
    except Exception:  # whatever it raises, checkov did not read it
        return False


def _finding(record: dict[str, Any], bundle: str, context: ParseContext) -> Finding:
    check_id = record["check_id"]
    lines = record["lines"] or [None]
    secret = record["check_type"] == "secrets"
    message = record["check_name"]
    if secret:
        message = f"{record['check_name']} found in plain text (value not shown)"
    suppression = suppression_from(record.get("suppression"))
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
        # A secret's "resource" is a hash of its value: keep it out of reports and
        # fingerprints (a secret is never baselined: gate.policy.baseline).
        anchor="" if secret else record["resource"] or "",
        help_uri=record.get("guideline"),
        suppression=suppression,
    )
