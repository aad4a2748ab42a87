"""What the private copy left out, and why: filled in as the copy walks the bundle, read
by the accounting that follows it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from gate.model import Warning_


@dataclass(frozen=True)
class Ignored:
    """A file of an ignored folder that Python could import."""

    source: Path
    rule: str
    """The built-in rule that left it out, or the policy's `exclude` pattern."""
    by_policy: bool = False
    """Left out by the policy's `exclude`: brought back when it is deployed (in a Python
    function's code or layers) or deployed code imports it; the user excludes what is not
    deployed, never what a handler runs."""


@dataclass
class Tally:
    """What the copy left out, and why (filled in as the walk goes)."""

    bundle: str
    excluded: Counter[str] = field(default_factory=Counter)
    """Files left out by each policy `exclude` pattern."""
    ignored: Counter[str] = field(default_factory=Counter)
    """Files left out by each built-in rule."""
    importable: dict[str, Ignored] = field(default_factory=dict)
    """Python files of ignored or excluded folders, by their path relative to the bundle
    root."""
    held: dict[str, Ignored] = field(default_factory=dict)
    """Every file of folders ignored by a rule Python may import from (a virtualenv, a
    dependency tree), by its path relative to the bundle root: brought back if it turns
    out to be a Python function's code."""
    unstaged: dict[str, Path] = field(default_factory=dict)
    """Every file a built-in rule left out, by its path relative to the bundle root."""
    ignored_folders: dict[str, str] = field(default_factory=dict)
    """Every folder a built-in rule left out (its path relative to the bundle root, or to
    the copy for a folder of an unpacked zip), with the rule: what the IaC names in one
    was never copied (gate.bundle.discovery.references)."""
    unverified: list[str] = field(default_factory=list)
    """Bytecode Python may load in place of a third-party source, listed by its RECORD:
    nothing proves what it holds, so it is counted not analysed, not ignored."""
    warnings: list[Warning_] = field(default_factory=list)
    restored: set[str] = field(default_factory=set)
    """Files of ignored folders copied into the copy all the same (imported code,
    programs): pruning the copy leaves them."""
    top: Path = Path("/nonexistent")
    """The bundle's real path: a link brought back from an ignored folder must stay in it."""
    files: int = 0
    size: int = 0
