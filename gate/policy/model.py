"""The validated policy as value objects."""

from __future__ import annotations

import datetime
import enum
import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gate.model import Finding, PolicySource, Severity
from gate.policy.globs import glob_matches, legacy_matches
from gate.safeyaml import IAC_MAX_BYTES
from gate.settings import ArchiveLimits, ScannerSettings, SeverityMap


def parse_threshold(value: str) -> Severity | None:
    """`never` -> None (nothing blocks); otherwise the severity."""
    return None if value == "never" else Severity.parse(value)


class SuppressionMode(enum.Enum):
    """What an inline suppression (`# nosec`, `checkov:skip`) is worth."""

    ALLOW = "allow"
    REQUIRE_REASON = "require-reason"
    DENY = "deny"


@dataclass(frozen=True)
class WaiverRule:
    """A waiver in the policy: which findings it covers, why, and until when."""

    rule: str
    """Rule id (or, with `matching`, an fnmatch pattern of them); also matches a finding's
    aliases (CVE or GHSA ids)."""
    reason: str
    expires: datetime.date
    path: str | None = None
    resource: str | None = None
    fingerprint: str | None = None
    approved_by: str | None = None
    where: str = ""
    """`FILE:LINE` of the waiver, for messages."""
    matching: bool = False
    """True for a `rules_matching` waiver: `rule` is a pattern, and a scope is required."""

    def covers(self, finding: Finding, alone: bool = True) -> bool:
        """Whether this waiver covers `finding`; `alone`: its bundle is the only one the
        run checks (else a `path` is read from the run's folder, bundle id first)."""
        ids = (finding.rule_id, *finding.aliases)
        if self.matching and not any(fnmatch.fnmatchcase(i, self.rule) for i in ids):
            return False
        if not self.matching and self.rule not in ids:
            return False
        if self.path is not None and not _path_matches(finding, self.path, alone):
            return False
        resource = finding.location.resource or ""
        if self.resource is not None and not fnmatch.fnmatchcase(resource, self.resource):
            return False
        return self.fingerprint is None or self.fingerprint == finding.fingerprint

    def widened(self, finding: Finding, alone: bool = True) -> bool:
        """Whether this waiver covers `finding` only since its `path` is read as a
        .gitignore glob: the old fnmatch reading would not have matched it."""
        return self.path is not None and not _path_matches(
            finding, self.path, alone, legacy_matches
        )

    def describe(self) -> str:
        scope = "".join(
            f" {label} {value}"
            for label, value in (("on", self.path), ("for", self.resource))
            if value is not None
        )
        what = f"rules matching {self.rule}" if self.matching else self.rule
        return f"waiver of {what}{scope} ({self.where})"


def _path_matches(
    finding: Finding, pattern: str, alone: bool, matches: PathMatch = glob_matches
) -> bool:
    """A waiver's `path`, as .gitignore reads it (gate.policy.globs), against the finding's
    path prefixed by its bundle's id, or, when the bundle is the run's only one, its path
    inside the bundle. In a run of several bundles the bare path is never read: `legacy/**`
    meant for the bundle `legacy` would waive every bundle's own `legacy/` folder."""
    path = finding.location.path
    if finding.bundle == ".":
        return matches(pattern, path)
    prefixed = matches(pattern, f"{finding.bundle}/{path}")
    return prefixed or (alone and matches(pattern, path))


PathMatch = Callable[[str, str], bool]


@dataclass(frozen=True)
class LeftOut:
    """A function the policy leaves out (`leave_out`): its code need not be in the bundle
    (built by another job), and the report says so with the reason. Whatever of it is in
    the bundle, its IaC and any code, is still checked."""

    function: str
    """Its name in the IaC (logical id, serverless.yml key, Terraform address), or
    `IAC_FILE:NAME` for the one an IaC file declares."""
    reason: str

    def names(self, iac_file: str, name: str, bundle: str) -> bool:
        """Whether this entry names the function `name` that `iac_file` declares."""
        return self.function in (name, f"{iac_file}:{name}", f"{bundle}/{iac_file}:{name}")


@dataclass(frozen=True)
class Policy:
    """A loaded, validated policy with its environment overlay applied."""

    source: PolicySource
    scanners: dict[str, ScannerSettings]
    """Settings of the scanners the policy names; the others run with defaults."""
    fail_on: Severity | None = Severity.HIGH
    severity: SeverityMap = field(default_factory=SeverityMap)
    exclude: tuple[str, ...] = ()
    advisory_db: str | None = None
    advisory_source: str = "refresh"
    """refresh (local data, the cache refreshed from osv.dev at most once a day),
    offline (local data), live (pip-audit's OSV service; unreachable is an error) or auto
    (live if it answers the first query within seconds, else offline for the run)."""
    advisory_max_age_days: int = 30
    inline_suppressions: SuppressionMode = SuppressionMode.REQUIRE_REASON
    waivers: tuple[WaiverRule, ...] = ()
    budgets: dict[Severity, int] = field(default_factory=dict)
    max_waiver_days: int = 365
    policy_change: str = "warn"
    """With --policy-ref: `fail` makes a work tree policy that differs from the ref's fail
    the check; `warn` only says so."""
    archives: ArchiveLimits = field(default_factory=ArchiveLimits)
    iac_max_bytes: int = IAC_MAX_BYTES
    """An IaC file larger than this is refused (policy `iac.max_file_mb`)."""
    leave_out: tuple[LeftOut, ...] = ()
    """Functions whose missing code is not an error (policy `leave_out`)."""
    coverage: dict[str, str] = field(default_factory=dict)
    """`coverage:` - `not_analysed` / `out_of_scope`: `fail` makes a run with such files
    fail; `warn` (the default) only reports them."""
    raw: dict[str, Any] = field(default_factory=dict)
    """The effective document, for `gate policy show`."""

    def scanner(self, name: str) -> ScannerSettings:
        """The settings for `name`: as the policy says, else the defaults."""
        return self.scanners.get(name) or ScannerSettings(fail_on=self.fail_on)
