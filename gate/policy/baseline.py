"""Baselines: the findings a repository already had when the gate was turned on.

`gate baseline create` records each finding's fingerprint (which leaves out line numbers
and whitespace, so moving code up or down a file or reformatting it keeps it). `gate
check --baseline FILE` gives a finding that matches one status `baselined`: it is
reported, but does not block. Each recorded finding matches at most one finding, so a
second copy of the same problem is new, and so is a finding more severe than the one
recorded (the same line now fed by event data: a new problem in an old place). A secret
in plaintext is never baselined.
Recorded findings that no longer appear are listed as fixed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import gate
from gate.errors import GateError
from gate.model import Finding, Severity, Status
from gate.redact import holds_secret
from gate.safefile import MIB, read_regular
from gate.verdict import Verdict

SCHEMA = "gate-baseline/1"
# Only findings that would count are baselined; waived or suppressed ones keep that status.
_BASELINABLE = (Status.BLOCKING, Status.ALLOWED)
MAX_BASELINE_BYTES = 64 * MIB


class BaselineError(GateError):
    """A baseline file that cannot be used."""


@dataclass(frozen=True)
class Recorded:
    """One finding as the baseline recorded it."""

    fingerprint: str
    scanner: str
    rule_id: str
    bundle: str
    path: str
    title: str
    severity: Severity | None = None
    """None in a baseline written before severities were recorded."""
    functions: tuple[str, ...] | None = None
    """The functions the finding belonged to; None in a baseline written before they were
    recorded."""


@dataclass(frozen=True)
class Baseline:
    source: str
    findings: tuple[Recorded, ...]


def baseline_of(verdict: Verdict) -> dict[str, Any]:
    """The baseline document for every finding of `verdict`."""
    return {
        "schema": SCHEMA,
        "created": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tool": {"name": "serverless-gate", "version": gate.__version__},
        "commit": verdict.git.commit if verdict.git else None,
        "findings": [
            {
                "fingerprint": f.fingerprint,
                "scanner": f.scanner,
                "rule_id": f.rule_id,
                "bundle": f.bundle,
                "path": f.location.path,
                "title": f.title,
                "severity": f.severity.label,
                "functions": list(f.functions),
            }
            for f in verdict.findings
        ],
    }


def read_baseline(path: Path) -> Baseline:
    """The baseline in `path`; anything else is one clear error."""
    try:
        data = read_regular(path, MAX_BASELINE_BYTES)
    except OSError as e:
        raise BaselineError(
            f"{path}: cannot read baseline: {e.strerror} "
            "(pass a file written by `gate baseline create`)"
        ) from e
    return parse_baseline(data, str(path))


def parse_baseline(text: bytes, path: str) -> Baseline:
    """The baseline document `text`, read from `path` (for messages)."""
    try:
        data = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise BaselineError(
            f"{path}: not a baseline (invalid JSON: {e}); create one with "
            "`gate baseline create PATH --output FILE`"
        ) from e
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise BaselineError(f"{path}: not a {SCHEMA} file; create one with `gate baseline create`")
    try:
        findings = tuple(
            Recorded(
                str(f["fingerprint"]),
                str(f["scanner"]),
                str(f["rule_id"]),
                str(f["bundle"]),
                str(f["path"]),
                str(f.get("title", "")),
                Severity.parse(f["severity"]) if "severity" in f else None,
                _functions(f["functions"]) if "functions" in f else None,
            )
            for f in data["findings"]
        )
    except (KeyError, TypeError, AttributeError, ValueError) as e:
        raise BaselineError(f"{path}: a recorded finding is malformed ({e!r})") from e
    return Baseline(path, findings)


def apply_baseline(
    findings: Sequence[Finding], baseline: Baseline
) -> tuple[list[Finding], dict[str, Any]]:
    """`findings` with those the baseline recorded marked `baselined`, and what the report
    says of the baseline: how many matched, and which recorded findings are fixed."""
    left: dict[str, list[Recorded]] = {}
    for recorded in baseline.findings:
        left.setdefault(recorded.fingerprint, []).append(recorded)
    marked = []
    for finding in findings:
        # A recorded problem that now reaches a function it did not (a recorded admin
        # role given to a public function) is new there.
        recorded_as = [
            r
            for r in left.get(finding.fingerprint, ())
            if r.functions is None or set(finding.functions) <= set(r.functions)
        ]
        if recorded_as:
            recorded = _take(recorded_as, finding.severity)  # whatever its status now
            left[finding.fingerprint].remove(recorded)
            rose = recorded.severity is not None and finding.severity > recorded.severity
            if finding.status in _BASELINABLE and not rose and not _secret(finding):
                finding = replace(finding, status=Status.BASELINED)
        marked.append(finding)
    fixed = []
    for recorded in baseline.findings:
        if recorded in left.get(recorded.fingerprint, ()):
            left[recorded.fingerprint].remove(recorded)
            fixed.append(
                {
                    "fingerprint": recorded.fingerprint,
                    "scanner": recorded.scanner,
                    "rule_id": recorded.rule_id,
                    "bundle": recorded.bundle,
                    "path": recorded.path,
                    "title": recorded.title,
                }
            )
    matched = sum(f.status is Status.BASELINED for f in marked)
    return marked, {"source": baseline.source, "matched": matched, "fixed": fixed}


def _functions(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"functions must be a list of names, not {value!r}")
    return tuple(value)


def _secret(finding: Finding) -> bool:
    """A secret in plaintext is never baselined: its fingerprint leaves out its value (so
    that no report leads back to it), so a baseline could not tell a new secret written
    in its place from the old one; it is rotated and removed, or waived by a reviewer."""
    reporters = (finding.rule_id, *(r.rule_id for r in finding.also_reported_by))
    return any(holds_secret(rule) for rule in reporters)


def _take(recorded: list[Recorded], severity: Severity) -> Recorded:
    """Remove and return the recorded finding that matches one of `severity`: the least
    severe recorded at `severity` or above (or of no recorded severity), else any."""
    covering = [r for r in recorded if r.severity is None or r.severity >= severity]
    chosen = min(covering, key=lambda r: r.severity or 0) if covering else recorded[0]
    recorded.remove(chosen)
    return chosen
