"""The benchmark generator writes a repository the gate reads as N functions."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from tests.conftest import ROOT, RunGate


def test_generated_repository_has_one_function_per_index(run_gate: RunGate, tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "generate_repo", ROOT / "benchmarks" / "generate_repo.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    repo = module.generate(3, tmp_path / "repo")
    listed = json.loads(run_gate("ls", str(repo), "--format", "json").stdout)
    functions = listed["bundles"][0]["functions"]
    assert [f["name"] for f in functions] == [f"OrdersFunction{i:03}" for i in range(3)]
    assert [f["code"] for f in functions] == [f"functions/f{i:03}" for i in range(3)]
    assert all(f["manifests"] for f in functions)
