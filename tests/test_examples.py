"""The README's promise: the insecure example fails on every scanner, the secure one passes.

Runs the `gate` command the install put on PATH, from outside the repository, so
the installed package's data files (policies, advisory snapshot) are what is used.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES, ROOT, RunGate, environment_literals

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


@pytest.mark.slow
def test_the_readmes_walkthrough_fails_then_passes(run_gate: RunGate, tmp_path: Path) -> None:
    """The README's "From an empty repository" steps, as written there: the function
    fails the gate on the line it names, and the fix it gives passes."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("**From an empty repository", 1)[1].split("**Jenkins**", 1)[0]
    template, handler = re.findall(r"```(?:yaml|python)\n(.*?)```", section, re.DOTALL)
    (tmp_path / "src").mkdir()
    (tmp_path / "template.yaml").write_text(template)
    (tmp_path / "src" / "app.py").write_text(handler)
    failing = run_gate("check", str(tmp_path), "--format", "json")
    assert failing.code == 1, failing.stderr
    blocking = [f for f in json.loads(failing.stdout)["findings"] if f["status"] == "blocking"]
    assert [(f["rule_id"], f["path"], f["start_line"]) for f in blocking] == [
        ("GATE-SLS-001", "src/app.py", 6)
    ]
    fix = re.search(r"`(subprocess\.run\(.*?\))`", section)
    assert fix is not None
    fixed = handler.replace("import os", "import subprocess").replace(
        'os.system("ping -c 1 " + host)', fix[1]
    )
    assert fixed != handler
    (tmp_path / "src" / "app.py").write_text(fixed)
    passing = run_gate("check", str(tmp_path))
    assert passing.code == 0, passing.stdout
    assert passing.stdout.rstrip().splitlines()[-1].startswith("PASS: no blocking findings")
