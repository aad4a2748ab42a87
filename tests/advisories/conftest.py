"""Shared fixtures for the advisory tests: the hand-written OSV records and the builder."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from gate.advisories.osv import AdvisoryDatabase
from tests.conftest import load_script

ROOT = Path(__file__).resolve().parents[2]
OSV_ASSETS = ROOT / "tests" / "assets" / "osv"
BUILDER = ROOT / "scripts" / "build_advisory_snapshot.py"


@pytest.fixture(scope="session")
def osv_dir() -> Path:
    """The directory of hand-written OSV records (JSON and YAML, one nested)."""
    return OSV_ASSETS


@pytest.fixture(scope="session")
def demo_db(osv_dir: Path) -> AdvisoryDatabase:
    """The hand-written records loaded as a directory database."""
    return AdvisoryDatabase.load(osv_dir)


@pytest.fixture(scope="session")
def builder() -> ModuleType:
    """scripts/build_advisory_snapshot.py as a module."""
    return load_script(BUILDER.stem)
