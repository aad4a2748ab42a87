"""A parse error in code of a function whose Python is newer than the gate's says so."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from gate.bundle import syntax
from tests.conftest import RunGate, only_scanners
from tests.hostile.test_iam import SAM


@pytest.mark.parametrize(("runtime", "hinted"), [("python3.13", True), ("python3.11", False)])
def test_a_parse_error_names_the_runtime_newer_than_the_gates_python(
    run_gate: RunGate,
    policy_file: Callable[[str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    runtime: str,
    hinted: bool,
) -> None:
    monkeypatch.setattr(syntax, "INTERPRETER", (3, 11))
    bundle = tmp_path / "bundle"
    (bundle / "src").mkdir(parents=True)
    template = SAM.format(properties="").replace("python3.12", runtime)
    (bundle / "template.yaml").write_text(template)
    # Not Python on any version: the hint is about the gate's Python, whatever the cause.
    (bundle / "src" / "app.py").write_text("def handler(event, context:\n    return 1\n")
    policy = policy_file(only_scanners("bandit", "serverless"))
    result = run_gate("check", str(bundle), "--format", "json", "--policy", str(policy))
    assert result.code == 2
    errors = json.loads(result.stdout)["errors"]
    assert errors and all(e["path"].endswith("src/app.py") for e in errors), errors
    for error in errors:
        said = "the function runs python3.13, and the gate runs on Python 3.11" in error["message"]
        assert said == hinted, error["message"]
    assert ("run the gate on Python 3.13 or newer" in result.stderr) == hinted
