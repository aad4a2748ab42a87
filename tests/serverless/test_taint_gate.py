"""A tainted shell command through `gate check` with the real bandit: one critical,
blocking GATE-SLS-001 finding that carries bandit's B602, and no B602 of its own."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import RunGate, only_scanners
from tests.serverless.taint_support import HANDLERS

pytestmark = pytest.mark.slow


def test_tainted_shell_command_is_one_critical_finding(run_gate: RunGate, tmp_path: Path) -> None:
    bundle = tmp_path / "sam-shell"
    shutil.copytree(HANDLERS / "sam-shell", bundle)
    policy = tmp_path / "gate.yml"
    policy.write_text(only_scanners("bandit", "serverless"), encoding="utf-8")
    result = run_gate("check", str(bundle), "--policy", str(policy), "--format", "json")
    report = json.loads(result.stdout)
    assert result.code == 1, result.stdout + result.stderr
    status = {s["name"]: s["status"] for s in report["scanners"]}
    assert (status["bandit"], status["serverless"]) == ("ok", "ok")
    [taint] = [f for f in report["findings"] if f["rule_id"] == "GATE-SLS-001"]
    assert (taint["scanner"], taint["severity"], taint["status"]) == (
        "serverless",
        "critical",
        "blocking",
    )
    assert (taint["path"], taint["start_line"], taint["cwe"]) == ("src/app.py", 7, "CWE-78")
    assert {"scanner": "bandit", "rule_id": "B602"} in taint["also_reported_by"]
    assert not [
        f
        for f in report["findings"]
        if f["scanner"] == "bandit" and f["rule_id"] == "B602" and f["start_line"] == 7
    ]
