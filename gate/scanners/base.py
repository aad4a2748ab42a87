"""The interface every scanner implements.

A scanner has two halves. `scan` runs inside its worker process: it imports the
scanner library, scans every bundle of the run in one batch and returns JSON.
`parse` runs in the gate's process: it turns that JSON into findings and scan
issues without importing the scanner library, so it is tested on saved output.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gate.model import Finding, ScanIssue, Suppression

if TYPE_CHECKING:
    from gate.settings import ScannerSettings, SeverityMap


@dataclass(frozen=True)
class Target:
    """One bundle as a worker sees it: its id and a private, prepared copy of its files."""

    bundle: str
    root: str


@dataclass(frozen=True)
class ParseContext:
    """What `parse` may use besides the scanner's output."""

    settings: ScannerSettings
    catalogue: SeverityMap
    """The gate's severity ratings for rules the scanner gives no severity."""


@dataclass(frozen=True)
class Parsed:
    """Findings and the things the scanner could not check."""

    findings: tuple[Finding, ...] = ()
    issues: tuple[ScanIssue, ...] = ()


class Scanner(ABC):
    """One scanner the gate runs."""

    name: str
    """Registry key, report name, policy key."""
    catalogue: str | None = None
    """Package resource in gate/policies rating this scanner's rules, if it needs one."""
    critical_path: bool = False
    """The scanner that usually takes longest: the others run at a lower CPU priority, so
    on a small runner they fill the other cores instead of slowing it down. Its worker is
    started as the run begins (`warm_up`), before the bundles are prepared."""
    distributions: tuple[str, ...] = ()
    """The libraries that do the scanning: their versions are part of every cache key."""
    reads_functions: bool = False
    """Whether the worker reads the functions discovery found (then they key the cache)."""
    reads_whole_bundle: bool = False
    """Whether a finding on one file may depend on any other file of the bundle: then the
    whole bundle is one cache part and every shard scans all of it."""

    def options(self, settings: ScannerSettings, context: dict[str, Any]) -> dict[str, Any]:
        """JSON-able options for the worker, from the policy and the run's context."""
        return {}

    def warm_up(self) -> None:
        """What the worker of a critical-path scanner does before its request arrives
        (import its library); a failure here is met again, and reported, by `scan`."""
        return None

    def needs_network(self, options: dict[str, Any]) -> bool:
        """Whether the worker, run with `options`, reaches the network (and so gets the
        proxy settings). Scanners work offline unless they say otherwise."""
        return False

    def part_of(self, path: str) -> str:
        """The cache part the file `path` (relative to the bundle root) belongs to. Files
        whose findings may depend on each other must share a part."""
        return ""

    def key_files(self, root: Path, files: list[str], target: dict[str, Any]) -> list[str]:
        """The files of one cache part (relative to `root`) whose content decides what the
        scanner reports on it: all of them, unless it reads fewer."""
        return files

    def idle_output(self, targets: list[dict[str, Any]], options: dict[str, Any]) -> Any:
        """The worker's output for `targets` when none holds anything this scanner reads,
        worked out without starting a worker (an interpreter and the scanner's imports);
        None when one does, or the scanner cannot tell."""
        return None

    def key_context(self, root: Path, target: dict[str, Any]) -> dict[str, Any]:
        """What else of the bundle decides the scanner's output (part of every key): the
        functions discovery found, for a scanner that reads them (what the IaC names may
        lie in a folder the copy left out)."""
        if not self.reads_functions:
            return {}
        return {"functions": target.get("functions"), "ignored": target.get("ignored")}

    def record_path(self, record: dict[str, Any]) -> str | None:
        """The file one record of the worker's output is about (to store it with its part)."""
        path = record.get("path")
        return path if isinstance(path, str) else None

    def cache_salt(self, options: dict[str, Any]) -> str | None:
        """What else the output depends on besides the files, the libraries and `options`;
        None if it must never be cached."""
        return ""

    @abstractmethod
    def tool_version(self) -> str:
        """The scanner library's version (worker side)."""

    @abstractmethod
    def scan(self, request: dict[str, Any]) -> dict[str, Any]:
        """Scan every target of the request in one batch (worker side)."""

    @abstractmethod
    def parse(self, output: dict[str, Any], context: ParseContext) -> Parsed:
        """Turn the worker's output into findings (gate side; pure)."""


def suppression_from(raw: dict[str, Any] | None) -> Suppression | None:
    """An inline suppression as a worker reported it."""
    return Suppression(raw["kind"], raw.get("reason")) if raw else None


def targets_of(request: dict[str, Any]) -> list[Target]:
    """The bundles to scan."""
    options = request.get("options", {})
    return [Target(t["bundle"], scanned_root(t, options)) for t in request["targets"]]


def scanned_root(target: dict[str, Any], options: dict[str, Any]) -> str:
    """The copy of a bundle a scanner reads: a scanner whose options say `scan_vendored:
    false` gets the one without third-party packages vendored into the bundle."""
    return str(target["root"] if options.get("scan_vendored", True) else target["code_root"])


def directory_of(path: str) -> str:
    """A file's directory, the usual cache part: findings on a file depend on it alone."""
    return path.rsplit("/", 1)[0] if "/" in path else ""


def vendored_option(settings: ScannerSettings) -> dict[str, Any]:
    return {"scan_vendored": settings.scan_vendored}
