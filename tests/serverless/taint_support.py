"""Bundles for the taint and container-reuse tests: fixture handlers from
tests/assets/handlers, and small bundles written inline."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from gate.bundle.discovery.bundle import discover
from gate.rules.context import BundleContext
from tests.conftest import ASSETS

HANDLERS = ASSETS / "handlers"
EXPECT = re.compile(r"# expect: (GATE-[A-Z]+-\d{3})")
"""The marker a fixture handler puts on each line a rule must report."""


def context_of(root: Path) -> BundleContext:
    """The bundle at `root` as the serverless scanner's worker builds it."""
    return BundleContext("bundle", root, root, discover(root, "bundle").functions)


def expected(path: Path) -> set[tuple[str, int]]:
    """(rule id, line) of every `# expect:` marker in a fixture handler."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {(m.group(1), n) for n, line in enumerate(lines, 1) for m in EXPECT.finditer(line)}


def alone(handler: Path, directory: Path) -> BundleContext:
    """A bundle holding one fixture handler and no IaC."""
    directory.mkdir(parents=True, exist_ok=True)
    shutil.copy(handler, directory / handler.name)
    return context_of(directory)


def write_bundle(root: Path, files: dict[str, str]) -> BundleContext:
    """A bundle of the given files (path -> text)."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return context_of(root)
