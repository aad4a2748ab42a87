"""Baselines: the findings a repository already had when the gate was turned on.

`gate baseline create` records each finding's fingerprint (which leaves out line numbers
and whitespace, so moving code up or down a file or reformatting it keeps it). `gate
check --baseline FILE` gives a finding that matches one status `baselined`: it is
reported, but does not block. Each recorded finding matches at most one finding, so a
second copy of the same problem is new. Recorded findings that no longer appear are
listed as fixed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import gate
from gate.errors import GateError
from gate.model import Finding, Status
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
            }
            for f in verdict.findings
        ],
    }


def read_baseline(path: Path) -> Baseline:
    """The baseline in `path`; anything else is one clear error."""
    try:
        data = json.loads(read_regular(path, MAX_BASELINE_BYTES).decode("utf-8"))
    except OSError as e:
        raise BaselineError(
            f"{path}: cannot read baseline: {e.strerror} "
            "(pass a file written by `gate baseline create`)"
        ) from e
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
            )
            for f in data["findings"]
        )
    except (KeyError, TypeError) as e:
        raise BaselineError(f"{path}: a recorded finding is malformed ({e!r})") from e
    return Baseline(str(path), findings)


def apply_baseline(
    findings: Sequence[Finding], baseline: Baseline
) -> tuple[list[Finding], dict[str, Any]]:
    """`findings` with those the baseline recorded marked `baselined`, and what the report
    says of the baseline: how many matched, and which recorded findings are fixed."""
    left = Counter(r.fingerprint for r in baseline.findings)
    marked = []
    for finding in findings:
        if left[finding.fingerprint] > 0:
            left[finding.fingerprint] -= 1  # still there, whatever its status now
            if finding.status in _BASELINABLE:
                finding = replace(finding, status=Status.BASELINED)
        marked.append(finding)
    fixed = []
    for recorded in baseline.findings:
        if left[recorded.fingerprint] > 0:
            left[recorded.fingerprint] -= 1
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
