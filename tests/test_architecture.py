"""docs/ARCHITECTURE.md matches the tree: every path it names exists, and it names every
package of the gate and every module at the top of it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

MAP = ROOT / "docs" / "ARCHITECTURE.md"
PATH = re.compile(r"(?:tests|gate)/[\w./-]*\w")


def test_every_path_the_map_names_exists() -> None:
    named = set(PATH.findall(MAP.read_text("utf-8")))
    missing = sorted(p for p in named if not (ROOT / p).exists())
    assert named and not missing, missing


def test_the_map_names_every_package_and_top_module() -> None:
    text = MAP.read_text("utf-8")
    gate = ROOT / "gate"
    packages = [p for p in gate.iterdir() if (p / "__init__.py").is_file()]
    modules = [p for p in gate.glob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    unnamed = sorted(
        p.relative_to(ROOT).as_posix()
        for p in [*packages, *modules]
        if f"{p.relative_to(ROOT).as_posix()}{'/' if p.is_dir() else ''}" not in text
    )
    assert not unnamed, unnamed


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    """import-linter on the package under `root`, with this repository's contracts."""
    command = [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"]
    environment = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        command, cwd=root, env=environment, capture_output=True, text=True, timeout=300
    )


def test_the_layer_contracts_hold_and_catch_a_wrong_import(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "gate", tmp_path / "gate", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    kept = lint_imports(tmp_path)
    assert kept.returncode == 0, kept.stdout + kept.stderr
    base = tmp_path / "gate" / "scanners" / "base.py"
    base.write_text(
        base.read_text() + "\nimport gate.policy.model  # a scanner reading the policy\n"
    )
    broken = lint_imports(tmp_path)
    assert broken.returncode != 0
    assert "never the policy BROKEN" in broken.stdout
    assert "gate.scanners.base -> gate.policy.model" in broken.stdout
