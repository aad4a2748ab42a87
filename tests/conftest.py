from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from gate.cli import main

ROOT = Path(__file__).resolve().parent.parent
ASSETS = Path(__file__).resolve().parent / "assets"
BUNDLES = ASSETS / "bundles"
EXAMPLES = ROOT / "examples"


@dataclass(frozen=True)
class GateRun:
    """What one `gate` invocation printed and returned."""

    code: int
    stdout: str
    stderr: str


RunGate = Callable[..., GateRun]


@pytest.fixture
def run_gate(capsys: pytest.CaptureFixture[str]) -> RunGate:
    """Run `gate ARGS...` in-process, as a user would from the shell."""

    def run(*args: str) -> GateRun:
        code = main(list(args))
        captured = capsys.readouterr()
        return GateRun(code, captured.out, captured.err)

    return run


@pytest.fixture
def bundle_copy(tmp_path: Path) -> Callable[[str], Path]:
    """A private copy of a fixture bundle, so a test can never change the original."""

    def copy(name: str) -> Path:
        source = BUNDLES / name if (BUNDLES / name).exists() else EXAMPLES / name
        target = tmp_path / name
        shutil.copytree(source, target, symlinks=True)
        return target

    return copy


@pytest.fixture
def policy_file(tmp_path: Path) -> Callable[[str], Path]:
    """Write a policy file and return its path."""

    def write(text: str, name: str = "gate.yml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
