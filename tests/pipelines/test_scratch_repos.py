"""The Jenkins step's script and the GitLab template's job script, run as their CI
servers would run them, in a scratch repository of a user's (not this one), with the
gate already on PATH (`GATE_SOURCE` empty: no install)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

import gate
from tests.conftest import ROOT
from tests.pipelines.test_github_action import pull_request
from tests.reports.wellformed import gitlab_schema

JENKINS = ROOT / "pipelines" / "jenkins"
GITLAB = ROOT / "pipelines" / "gitlab" / "serverless-gate.yml"
pytestmark = pytest.mark.slow


def run(script: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(cwd.parent),
        "GATE_OFFLINE": "1",
    }
    return subprocess.run(
        script, cwd=cwd, env={**base, **env}, capture_output=True, text=True, timeout=300
    )


def test_jenkins_script_gates_a_pull_request_and_publishes_its_reports(tmp_path: Path) -> None:
    clone = pull_request(tmp_path)
    script = str(JENKINS / "resources" / "serverless-gate" / "run-gate.sh")
    result = run(
        ["sh", script],
        clone,
        GATE_SOURCE="",
        GATE_DIFF_BASE="origin/main",
        GATE_POLICY_REF="origin/main",
        GATE_OUT="serverless-gate",
    )
    assert result.returncode == 1, result.stderr
    report = json.loads((clone / "serverless-gate" / "report.json").read_text())
    assert report["summary"]["blocking"] == 1  # the change's call; the old one predates it
    assert report["policy"]["source"] == "git:origin/main:gate.yml"
    for name in ("junit.xml", "gate.sarif", "index.html", "stderr.txt"):
        assert (clone / "serverless-gate" / name).is_file()
    # Its own reports are written after the scan: the checkout was clean when scanned.
    assert report["git"]["dirty"] is False
    # Without the diff, the work tree's own policy (fail_on: never) passes it; a second
    # build on the same workspace does not scan the first one's reports.
    assert run(["sh", script], clone, GATE_SOURCE="").returncode == 0
    again = json.loads((clone / "serverless-gate" / "report.json").read_text())
    assert again["files"] == report["files"] and again["git"]["dirty"] is False


def test_jenkins_step_installs_outside_the_workspace_and_can_soft_fail() -> None:
    step = (JENKINS / "vars" / "serverlessGate.groovy").read_text()
    assert "libraryResource('serverless-gate/run-gate.sh')" in step
    assert "env.WORKSPACE_TMP ?: pwd(tmp: true)" in step
    assert ".gate-venv" not in step
    assert "unstable(" in step and "code == 1 && softFail" in step
    # The default source is this release's tag.
    assert f"serverless-gate@v{gate.__version__}'" in step


def gitlab_job() -> dict[str, Any]:
    template = yaml.safe_load(GITLAB.read_text())
    job: dict[str, Any] = template[".serverless-gate"]
    return job


def test_gitlab_job_gates_a_merge_request_on_its_change(tmp_path: Path) -> None:
    clone = pull_request(tmp_path)
    job = gitlab_job()
    variables = {k: str(v) for k, v in job["variables"].items()}
    script = "\n".join(job["script"])
    base = subprocess.run(
        ["git", "merge-base", "HEAD", "origin/main"], cwd=clone, capture_output=True, text=True
    ).stdout.strip()
    result = run(
        ["sh", "-c", script],
        clone,
        **{**variables, "GATE_SOURCE": ""},
        CI_MERGE_REQUEST_DIFF_BASE_SHA=base,
    )
    assert result.returncode == 1, result.stderr
    report = json.loads((clone / "gate-report.json").read_text())
    assert report["summary"]["blocking"] == 1
    assert report["diff"]["base"] == base
    assert set(job["artifacts"]["paths"]) <= {p.name for p in clone.iterdir()}
    # GitLab's security report is published as such, and GitLab's schema takes it.
    assert job["artifacts"]["reports"]["sast"] == "gl-sast-report.json"
    security = json.loads((clone / "gl-sast-report.json").read_text())
    gitlab_schema().validate(security)
    assert len(security["vulnerabilities"]) == report["summary"]["total"]
    # Outside a merge request, the work tree's own policy decides.
    again = run(["sh", "-c", script], clone, **{**variables, "GATE_SOURCE": ""})
    assert again.returncode == 0, again.stderr


def test_gitlab_template_installs_a_pinned_source_and_has_a_report_only_job() -> None:
    template = yaml.safe_load(GITLAB.read_text())
    job = template[".serverless-gate"]
    assert job["variables"]["GATE_SOURCE"].endswith(f"serverless-gate@v{gate.__version__}")
    assert job["variables"]["GIT_DEPTH"] == "0"
    assert not job["image"].endswith("-slim")  # git is in the image
    report_only = template[".serverless-gate-report-only"]
    assert report_only == {"extends": ".serverless-gate", "allow_failure": {"exit_codes": [1]}}


def test_gitlab_template_matches_gitlabs_schema(tmp_path: Path) -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    user = tmp_path / ".gitlab-ci.yml"
    user.write_text(
        "include:\n  - local: serverless-gate.yml\n"
        "security-gate:\n  extends: .serverless-gate-report-only\n"
        "  variables: {GATE_PATHS: functions/}\n"
    )
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.gitlab-ci", str(GITLAB), str(user)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_integration_installs_this_release_from_its_tag() -> None:
    """No bare `pip install serverless-gate` (no release holds the name: anyone could
    claim it), and the examples work in another repository."""
    from gate.cli.init import GITHUB_SNIPPET, JENKINS_SNIPPET

    tag = f"@v{gate.__version__}"
    workflows = sorted((ROOT / "pipelines" / "github" / "workflows").glob("*.yml"))
    texts = [p.read_text() for p in workflows] + [GITHUB_SNIPPET, JENKINS_SNIPPET]
    texts += [GITLAB.read_text(), (JENKINS / "vars" / "serverlessGate.groovy").read_text()]
    texts.append((ROOT / "README.md").read_text())
    for text in texts:
        assert "pip install serverless-gate" not in text
        assert "uses: ./pipelines/github" not in text
        assert "pip install --quiet .\n" not in text
    assert f"{gate.REPOSITORY.removeprefix('https://github.com/')}/pipelines/github{tag}" in (
        GITHUB_SNIPPET
    )
    assert gate.source_spec() in JENKINS_SNIPPET
    for workflow in workflows:
        assert f"/pipelines/github{tag}" in workflow.read_text()
