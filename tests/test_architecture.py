"""docs/ARCHITECTURE.md matches the tree: every path it names exists, and it names every
package of the gate and every module at the top of it."""

from __future__ import annotations

import re

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
