"""The GitHub composite action's gate step, run as GitHub would run it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLES, ROOT

ACTION = ROOT / "pipelines" / "github"
pytestmark = pytest.mark.slow


def run_step(tmp_path: Path, **inputs: str) -> tuple[int, dict[str, str], str, str]:
    output, summary = tmp_path / "output", tmp_path / "summary.md"
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_ACTION_PATH": str(ACTION),
        "GATE_OUT_DIR": str(tmp_path),
        **inputs,
    }
    proc = subprocess.run(
        [str(ACTION / "run-gate.sh")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    return proc.returncode, outputs, summary.read_text() if summary.exists() else "", proc.stdout


def test_failing_bundle_sets_outputs_summary_and_annotations(tmp_path: Path) -> None:
    code, outputs, summary, stdout = run_step(
        tmp_path, GATE_PATHS=str(EXAMPLES / "orders-api-insecure")
    )
    assert code == 1
    assert outputs["decision"] == "fail"
    assert int(outputs["blocking-count"]) > 0
    assert outputs["sarif-path"] == str(tmp_path / "serverless-gate.sarif")
    assert Path(outputs["sarif-path"]).is_file()
    assert summary.startswith("## ❌ serverless-gate: fail")
    assert stdout.splitlines()[0].startswith("::error file=")


def test_inputs_are_data_not_code(tmp_path: Path) -> None:
    marker = tmp_path / "injected"
    code, outputs, _, _ = run_step(
        tmp_path,
        GATE_PATHS=str(EXAMPLES / "orders-api-secure"),
        GATE_POLICY=f"builtin:strict; touch {marker}",
    )
    assert code == 2
    assert outputs == {"decision": "error", "blocking-count": "0", "sarif-path": ""}
    assert not marker.exists()


def test_action_passes_inputs_through_env_only() -> None:
    action = yaml.safe_load((ACTION / "action.yml").read_text())
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), f"expression inside a script: {step['name']}"
        uses = step.get("uses", "")
        if uses and not uses.startswith("./"):
            assert len(uses.split("@", 1)[1].split()[0]) == 40, f"not pinned by SHA: {uses}"
