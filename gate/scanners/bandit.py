"""bandit: weaknesses in the bundle's Python code.

Runs through bandit's API with a default `BanditConfig()`, so a `.bandit`,
`setup.cfg` or `pyproject.toml` in the bundle is never read. `# nosec` comments
are written by the code's author, so bandit is told to ignore them and every
issue comes back with the `# nosec` found on its lines; the policy decides what
that is worth.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gate.bundle.rules import python_scripts
from gate.model import Confidence, Finding, Location, ScanIssue, Severity
from gate.pysource import python_lines
from gate.redact import BANDIT_PASSWORD_TESTS, mask_secret_tokens
from gate.scanners import inline
from gate.scanners.base import (
    ParseContext,
    Parsed,
    Scanner,
    directory_of,
    suppression_from,
    targets_of,
    vendored_option,
)

if TYPE_CHECKING:
    from gate.settings import ScannerSettings

# Tests whose message quotes the secret they found.
SECRET_TESTS = BANDIT_PASSWORD_TESTS
_QUOTED = re.compile(r"""(['"]).*?\1""")


class BanditScanner(Scanner):
    name = "bandit"
    distributions = ("bandit",)

    def part_of(self, path: str) -> str:
        return directory_of(path)

    def record_path(self, record: dict[str, Any]) -> str | None:
        path = record.get("filename", record.get("path"))
        return path if isinstance(path, str) else None

    def options(self, settings: ScannerSettings, context: dict[str, Any]) -> dict[str, Any]:
        return vendored_option(settings)

    def tool_version(self) -> str:
        import bandit

        return str(bandit.__version__)

    def scan(self, request: dict[str, Any]) -> dict[str, Any]:
        from bandit.core import config, manager

        results = []
        for target in targets_of(request):
            mgr = manager.BanditManager(
                config.BanditConfig(), "file", quiet=True, ignore_nosec=True
            )
            # bandit finds `*.py` in a folder; Python named otherwise is given by name.
            scripts = [str(p) for p in python_scripts(Path(target.root))]
            mgr.discover_files([target.root, *scripts], recursive=True)
            mgr.run_tests()
            root = Path(target.root)
            results.append(
                {
                    "bundle": target.bundle,
                    "issues": [_issue(i, root) for i in mgr.get_issue_list()],
                    "skipped": [
                        {"path": _relative(name, root), "reason": str(reason)}
                        for name, reason in mgr.skipped
                    ],
                }
            )
        return {"results": results}

    def parse(self, output: dict[str, Any], context: ParseContext) -> Parsed:
        findings: list[Finding] = []
        issues: list[ScanIssue] = []
        for result in output["results"]:
            bundle = result["bundle"]
            findings.extend(_finding(raw, bundle) for raw in result["issues"])
            issues.extend(
                ScanIssue(self.name, f"could not scan: {s['reason']}", s["path"], bundle)
                for s in result["skipped"]
            )
        return Parsed(tuple(findings), tuple(issues))


def _issue(issue: Any, root: Path) -> dict[str, Any]:
    """The parts of a bandit issue the gate keeps; the code itself is left behind."""
    raw = issue.as_dict(with_code=False)
    source = _source(Path(raw["filename"]))
    lines = python_lines(source)  # numbered as bandit numbers them
    raw["filename"] = _relative(raw["filename"], root)
    number = int(raw["line_number"])
    span = [int(n) for n in raw.get("line_range") or [number]]
    # The whole flagged statement, strings blanked: the first line of a call split over
    # several (`subprocess.call(`) would tell a literal command from event data apart.
    statement = " ".join(_line(lines, n).strip() for n in range(min(span), max(span) + 1))
    raw["anchor"] = mask_secret_tokens(_QUOTED.sub("''", statement))
    raw["issue_text"] = _shown_text(raw["test_id"], raw["issue_text"])
    raw["suppression"] = _nosec(inline.comments(source), span, raw)
    return {k: raw[k] for k in _KEPT_FIELDS if k in raw}


def _shown_text(test_id: str, text: str) -> str:
    """The issue's text as reports show it: a hard-coded password's value masked. Done in
    the worker, so no raw record (nor the findings cache, which keeps them) holds it."""
    if test_id in SECRET_TESTS:
        text = _QUOTED.sub("'***'", text)
    return mask_secret_tokens(text)


def _nosec(
    comments: dict[int, str], line_range: list[int], raw: dict[str, Any]
) -> dict[str, Any] | None:
    """A `# nosec` comment on any line of the issue, as bandit itself would look for one
    (a comment token: `# nosec` inside a string is not one)."""
    for number in line_range:
        comment = comments.get(number)
        found = inline.nosec(comment, raw["test_id"], raw["test_name"]) if comment else None
        if found is not None:
            return found.as_dict()
    return None


_KEPT_FIELDS = (
    "filename",
    "test_id",
    "test_name",
    "issue_severity",
    "issue_confidence",
    "issue_cwe",
    "issue_text",
    "line_number",
    "line_range",
    "more_info",
    "anchor",
    "suppression",
)


def _source(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _line(lines: list[str], number: int) -> str:
    return lines[number - 1] if 0 < number <= len(lines) else ""


def _relative(name: str, root: Path) -> str:
    try:
        return Path(name).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(name).as_posix()


def _finding(raw: dict[str, Any], bundle: str) -> Finding:
    confidence = Confidence(raw["issue_confidence"].lower())
    severity = Severity.parse(raw["issue_severity"])
    if confidence is Confidence.LOW:
        severity = severity.lowered()
    lines = raw.get("line_range") or [raw["line_number"]]
    message = _shown_text(raw["test_id"], raw["issue_text"])
    cwe = raw.get("issue_cwe") or {}
    return Finding(
        scanner="bandit",
        rule_id=raw["test_id"],
        title=raw["test_name"].replace("_", " "),
        message=message,
        severity=severity,
        confidence=confidence,
        bundle=bundle,
        location=Location(raw["filename"], int(lines[0]), int(lines[-1])),
        anchor=raw.get("anchor", ""),
        cwe=f"CWE-{cwe['id']}" if cwe.get("id") else None,
        help_uri=raw.get("more_info"),
        suppression=suppression_from(raw.get("suppression")),
    )
