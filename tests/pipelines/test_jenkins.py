"""The Jenkins shared-library step and example pipeline are valid Groovy."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ASSETS, ROOT

JENKINS = ROOT / "pipelines" / "jenkins"
GROOVY = shutil.which("groovy")
pytestmark = pytest.mark.skipif(GROOVY is None, reason="no groovy here (.ci/run installs it)")


def syntax_check(*files: Path) -> subprocess.CompletedProcess[str]:
    java = shutil.which("java")
    env = dict(os.environ)
    if java and "JAVA_HOME" not in env:
        env["JAVA_HOME"] = str(Path(java).resolve().parent.parent)
    return subprocess.run(
        [str(GROOVY), str(ASSETS / "groovy_syntax_check.groovy"), *map(str, files)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_jenkins_files_parse() -> None:
    files = [JENKINS / "vars" / "serverlessGate.groovy", JENKINS / "Jenkinsfile"]
    result = syntax_check(*files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_check_catches_a_syntax_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.groovy"
    broken.write_text("def call(Map args = [:] {\n  sh 'gate check'\n")
    assert syntax_check(broken).returncode != 0


def test_step_maps_exit_codes_and_publishes_reports() -> None:
    step = (JENKINS / "vars" / "serverlessGate.groovy").read_text()
    assert "returnStatus: true" in step
    assert "code == 1" in step and "code != 0" in step
    for publisher in ("junit(", "recordIssues(tools: [sarif(", "publishHTML("):
        assert publisher in step


def test_step_gates_a_pull_request_on_its_change_under_the_target_policy() -> None:
    step = (JENKINS / "vars" / "serverlessGate.groovy").read_text()
    assert 'env.CHANGE_TARGET ? "origin/${env.CHANGE_TARGET}"' in step
    assert "args.get('diffBase', target)" in step and "args.get('policyRef', target)" in step
    script = (JENKINS / "resources" / "serverless-gate" / "run-gate.sh").read_text()
    assert '"--diff-base=$GATE_DIFF_BASE"' in script and '"--policy-ref=$GATE_POLICY_REF"' in script
