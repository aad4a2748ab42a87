"""The verdict of one check and what it measured: budgets, the file account, the
packages proven third-party."""

from __future__ import annotations

from dataclasses import dataclass, field

from gate.git.provenance import Provenance
from gate.model import (
    Bundle,
    Decision,
    Finding,
    PolicySource,
    ScanIssue,
    ScanResult,
    Severity,
    Status,
    Warning_,
)


@dataclass(frozen=True)
class Budget:
    """A policy budget and how the run measured up to it."""

    severity: Severity
    limit: int
    count: int

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit


@dataclass(frozen=True)
class Distribution:
    """An installed package whose files were proven third-party by its RECORD."""

    name: str
    version: str
    files: int
    """How many of its files are in the bundle (metadata included)."""
    bundle: str
    site: str
    """The folder it is installed into, relative to the bundle root."""


@dataclass(frozen=True)
class FileAccount:
    """Where every file of the bundles (and of the zips unpacked in them) ended: each file
    is counted in exactly one state. A refused file ends the run, so it is never counted."""

    scanned: int = 0
    excluded: int = 0
    """Left out by the policy's `exclude` (see `excluded_by`)."""
    third_party: int = 0
    """Proven package files (see `distributions`)."""
    ignored: int = 0
    """Left out by a built-in rule (see `ignored_by`)."""
    not_analysed: int = 0
    """Code of a runtime the gate does not analyse, binaries, zips nothing deploys."""
    out_of_scope: int = 0
    """IaC of another cloud."""
    excluded_by: tuple[tuple[str, int], ...] = ()
    """(policy pattern, files)."""
    ignored_by: tuple[tuple[str, int], ...] = ()
    """(built-in rule, files)."""
    distributions: tuple[Distribution, ...] = ()
    unreferenced_zips: tuple[str, ...] = ()
    """Zips in a bundle that no function or layer deploys (`bundle/path`)."""

    @property
    def total(self) -> int:
        return (
            self.scanned
            + self.excluded
            + self.third_party
            + self.ignored
            + self.not_analysed
            + self.out_of_scope
        )


@dataclass(frozen=True)
class Verdict:
    """Everything the reports need: decision, findings with status, scanner results."""

    decision: Decision
    findings: tuple[Finding, ...]
    scanners: tuple[ScanResult, ...]
    bundles: tuple[Bundle, ...]
    policy: PolicySource
    warnings: tuple[Warning_, ...] = ()
    errors: tuple[ScanIssue, ...] = ()
    advisories: dict[str, object] = field(default_factory=dict)
    budgets: tuple[Budget, ...] = ()
    git: Provenance | None = None
    """The commit the scanned code is at, when it is in a git repository."""
    baseline: dict[str, object] | None = None
    """With --baseline: its file, how many findings it matched, the recorded ones fixed."""
    diff: dict[str, object] | None = None
    """With --diff-base: the ref, the merge base, how many files changed, how many findings
    are preexisting."""
    shard: dict[str, int] | None = None
    """With --shard I/N: this run's index and the count (`gate merge` joins them)."""
    files: FileAccount | None = None
    """Where every file of the bundles ended (None in reports written before it existed)."""
    soft_fail: bool = False
    """`--soft-fail`: a failing decision still fails in every report, but exits 0."""

    @property
    def exit_code(self) -> int:
        """0, 1 or 2 for the decision; 0 for a failure under `--soft-fail` (errors stay 2)."""
        if self.soft_fail and self.decision is Decision.FAIL:
            return 0
        return self.decision.exit_code

    @property
    def blocking(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.status is Status.BLOCKING)
