"""The README's promise: the insecure example fails on every scanner, the secure one passes.

Runs the `gate` command the install put on PATH, from outside the repository, so
the installed package's data files (policies, advisory snapshot) are what is used.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES, environment_literals

pytestmark = pytest.mark.slow


def gate_command() -> list[str]:
    script = shutil.which("gate", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "gate"]


def run_installed_gate(
    bundle: Path, tmp_path: Path, *extra: str
) -> tuple[int, dict[str, Any], str]:
    report = tmp_path / "report.json"
    proc = subprocess.run(
        [*gate_command(), "check", str(bundle), "--report", f"json={report}", *extra],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return proc.returncode, json.loads(report.read_text()), proc.stdout + proc.stderr


POLICIES = [
    pytest.param((), id="default"),
    pytest.param(("--policy", "builtin:strict"), id="strict"),
]


@pytest.mark.parametrize("policy", POLICIES)
def test_insecure_example_fails_on_every_scanner(tmp_path: Path, policy: tuple[str, ...]) -> None:
    code, report, output = run_installed_gate(EXAMPLES / "orders-api-insecure", tmp_path, *policy)
    assert code == 1, output
    assert report["decision"] == "fail"
    findings = report["findings"]
    assert isinstance(findings, list)
    # What blocks, by the scanner that reported it: a checkov check or a bandit test folded
    # into the gate's own finding on the same problem still counts as reported.
    blocking = {
        (reporter["scanner"], reporter["rule_id"])
        for f in findings
        if f["status"] == "blocking"
        for reporter in [f, *f["also_reported_by"]]
    }
    assert {s for s, _ in blocking} == {"checkov", "bandit", "pip-audit", "serverless"}
    assert ("pip-audit", "PYSEC-2018-28") in blocking
    assert ("bandit", "B602") in blocking
    assert ("checkov", "CKV_AWS_45") in blocking
    # Event data into a shell, a wildcard role, a plaintext secret: the gate's own view.
    assert {"GATE-SLS-001", "GATE-IAC-001", "GATE-IAC-012"} <= {r for _, r in blocking}
    assert {s["status"] for s in report["scanners"]} == {"ok"}
    assert "FAIL:" in output.splitlines()[-1]
    secrets = environment_literals(EXAMPLES / "orders-api-insecure" / "template.yaml")
    assert secrets
    for secret in secrets:
        assert secret not in output
        assert secret not in json.dumps(report)


@pytest.mark.parametrize("policy", POLICIES)
def test_secure_example_passes(tmp_path: Path, policy: tuple[str, ...]) -> None:
    code, report, output = run_installed_gate(EXAMPLES / "orders-api-secure", tmp_path, *policy)
    assert code == 0, output
    assert report["decision"] == "pass"
    assert report["summary"]["blocking"] == 0
    assert [w["code"] for w in report["warnings"]] == ["advisories-stale"]
    assert report["advisories"]["date"] == "2024-10-10"
