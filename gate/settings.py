"""What the policy tells the stages below it, as types of their own: how each scanner is
run and judged, severities by rule id, and how much an archive may unpack to. The
policy maps onto these (gate.policy.model); the scanners and the archive reader take
them and never import the policy."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

from gate.model import Confidence, Severity


@dataclass(frozen=True)
class ScannerSettings:
    """How one scanner is run and judged."""

    enabled: bool = True
    required: bool = True
    """When True, a failure of this scanner makes the decision `error`."""
    timeout_s: float = 600.0
    fail_on: Severity | None = Severity.HIGH
    """Threshold for this scanner's findings; None blocks nothing."""
    min_confidence: Confidence = Confidence.LOW
    """Findings less certain than this are `allowed` (bandit)."""
    unscored_severity: Severity = Severity.HIGH
    """Severity of an advisory without a CVSS vector (pip-audit)."""
    scan_vendored: bool = False
    """Also scan third-party packages vendored into the bundle (bandit, checkov)."""


@dataclass(frozen=True)
class SeverityMap:
    """Severity by rule id: exact ids first, then fnmatch globs in file order."""

    exact: dict[str, Severity] = field(default_factory=dict)
    globs: tuple[tuple[str, Severity], ...] = ()
    default: Severity | None = None
    """What an unlisted rule gets; None leaves it to the caller."""

    @classmethod
    def from_mapping(cls, mapping: dict[str, str], default: str | None = None) -> SeverityMap:
        exact: dict[str, Severity] = {}
        globs: list[tuple[str, Severity]] = []
        for rule, level in mapping.items():
            if any(ch in rule for ch in "*?["):
                globs.append((rule, Severity.parse(level)))
            else:
                exact[rule] = Severity.parse(level)
        return cls(exact, tuple(globs), Severity.parse(default) if default else None)

    def get(self, rule_id: str) -> Severity | None:
        if rule_id in self.exact:
            return self.exact[rule_id]
        for pattern, level in self.globs:
            if fnmatch.fnmatchcase(rule_id, pattern):
                return level
        return self.default


@dataclass(frozen=True)
class ArchiveLimits:
    """How much an archive may unpack to (policy `archives:`)."""

    max_bytes: int = 1 << 30
    max_entries: int = 100_000
    max_ratio: int = 200
    max_depth: int = 2
    """Zips inside zips: 1 is the archive itself, 2 allows one level of nesting."""
