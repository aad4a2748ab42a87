"""Baselines: the findings a repository already had when the gate was turned on.

`gate baseline create` records each finding's fingerprint (which leaves out line numbers
and whitespace, so moving code up or down a file or reformatting it keeps it). `gate
check --baseline FILE` gives a finding that matches one status `baselined`: it is
reported, but does not block. Each recorded finding matches at most one finding, so a
second copy of the same problem is new, and so is a finding more severe than the one
recorded (the same line now fed by event data: a new problem in an old place). A
function is more than its name, which the bundle chooses: each finding records, per
function it belongs to, a digest of what the function is (gate.model `Function.identity`),
and matches only a function that still is that (not another renamed after it, nor the
same given a public event or another role, or opened by a route that does not name it:
the digest takes in what reaches the function). An entry written before digests were
recorded matches by the functions' names alone; one whose digest was recorded before
digests took in what reaches a function matches none, and is new. A secret in
plaintext is never baselined. Recorded findings that no longer appear are listed as
fixed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import gate
from gate.errors import GateError
from gate.model import Bundle, Finding, Severity, Status
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
    identities: dict[str, str] | None = None
    """Each of those functions' `Function.identity`; None in a baseline written before
    they were recorded (then the names alone match)."""


@dataclass(frozen=True)
class Baseline:
    source: str
    findings: tuple[Recorded, ...]


def baseline_of(verdict: Verdict) -> dict[str, Any]:
    """The baseline document for every finding of `verdict`."""
    bundles = {b.id: b for b in verdict.bundles}
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
                "identities": identities(f, bundles),
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
                _identities(f["identities"]) if "identities" in f else None,
            )
            for f in data["findings"]
        )
    except (KeyError, TypeError, AttributeError, ValueError) as e:
        raise BaselineError(f"{path}: a recorded finding is malformed ({e!r})") from e
    return Baseline(path, findings)


def apply_baseline(
    findings: Sequence[Finding], baseline: Baseline, bundles: Sequence[Bundle]
) -> tuple[list[Finding], dict[str, Any]]:
    """`findings` (of `bundles`) with those the baseline recorded marked `baselined`, and
    what the report says of the baseline: how many matched, and which recorded findings
    are fixed."""
    by_id = {b.id: b for b in bundles}
    left: dict[str, list[Recorded]] = {}
    for recorded in baseline.findings:
        left.setdefault(recorded.fingerprint, []).append(recorded)
    marked = []
    for finding in findings:
        now = identities(finding, by_id)
        recorded_as = [
            r for r in left.get(finding.fingerprint, ()) if _same_functions(r, finding, now)
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


def identities(finding: Finding, bundles: dict[str, Bundle]) -> dict[str, str]:
    """Each function the finding belongs to that its bundle declares, with its
    `Function.identity` (one digest of all so named, where two IaC files share a name)."""
    bundle = bundles.get(finding.bundle)
    declared = bundle.functions if bundle is not None else ()
    found = {}
    for name in finding.functions:
        named = sorted(f.identity for f in declared if f.name == name)
        if named:
            found[name] = hashlib.sha256("\x1f".join(named).encode()).hexdigest()
    return found


def _same_functions(recorded: Recorded, finding: Finding, now: dict[str, str]) -> bool:
    """Whether the finding belongs to no function the recorded one did not: none it did
    not reach (a recorded admin role given to a public function), and none that is
    another under a recorded name (renamed after it, given a public event or a role).
    An entry recorded without names or digests matches as far as it recorded."""
    if recorded.functions is None:
        return True
    if not set(finding.functions) <= set(recorded.functions):
        return False
    was = recorded.identities
    return was is None or all(was.get(name) == now.get(name) for name in finding.functions)


def _identities(value: object) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValueError(f"identities must map function names to digests, not {value!r}")
    return dict(value)


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
