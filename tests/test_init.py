"""`gate init`: the policy it writes is valid, commented, and never overwrites one."""

from __future__ import annotations

import json
from pathlib import Path

from gate.policy.load import load_policy, schema
from tests.conftest import RunGate


def test_init_writes_a_valid_commented_policy(run_gate: RunGate, tmp_path: Path) -> None:
    result = run_gate("init", str(tmp_path))
    assert result.code == 0, result.stderr
    text = (tmp_path / "gate.yml").read_text()
    assert text.startswith("# yaml-language-server: $schema=./gate.schema.json\n")
    assert json.loads((tmp_path / "gate.schema.json").read_text()) == schema()
    policy = load_policy(tmp_path / "gate.yml")
    assert policy.fail_on is not None and policy.fail_on.label == "high"
    assert load_policy(tmp_path / "gate.yml", "prod").fail_on.label == "medium"  # type: ignore[union-attr]
    assert "GitHub Actions:" in result.stdout and "pipelines/github@v" in result.stdout
    assert 'gate" check .' in result.stdout
    assert "stage('Security gate')" in result.stdout


def test_init_never_overwrites(run_gate: RunGate, tmp_path: Path) -> None:
    (tmp_path / "gate.yml").write_text("version: 1\n")
    result = run_gate("init", str(tmp_path))
    assert result.code == 2
    assert "already exists" in result.stderr
    assert (tmp_path / "gate.yml").read_text() == "version: 1\n"
    assert run_gate("init", str(tmp_path), "--force").code == 0
