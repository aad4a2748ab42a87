"""The GitHub composite action's gate step, run as GitHub would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple

import git
import pytest
import yaml

from tests.conftest import EXAMPLES, ROOT, only_scanners
from tests.test_provenance import AUTHOR

ACTION = ROOT / "pipelines" / "github"
pytestmark = pytest.mark.slow


class Step(NamedTuple):
    code: int
    outputs: dict[str, str]
    summary: str
    stdout: str
    stderr: str


def run_step(tmp_path: Path, cwd: Path | None = None, **inputs: str) -> Step:
    output, summary = tmp_path / "output", tmp_path / "summary.md"
    env = {
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(tmp_path),
        "GATE_OFFLINE": "1",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_ACTION_PATH": str(ACTION),
        "GATE_OUT_DIR": str(tmp_path),
        **inputs,
    }
    proc = subprocess.run(
        [str(ACTION / "run-gate.sh")],
        env=env,
        cwd=cwd or tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    shown = summary.read_text() if summary.exists() else ""
    return Step(proc.returncode, outputs, shown, proc.stdout, proc.stderr)


def without_checkov(tmp_path: Path) -> str:
    """A policy file for a step whose test is about the action, not the scanners: the
    insecure example still fails on the others, and checkov's start-up is spared."""
    policy = tmp_path / "gate.yml"
    policy.write_text(only_scanners("bandit", "pip-audit", "serverless"), "utf-8")
    return str(policy)


def test_failing_bundle_sets_outputs_summary_and_annotations(tmp_path: Path) -> None:
    code, outputs, summary, stdout, _ = run_step(
        tmp_path,
        GATE_PATHS=str(EXAMPLES / "orders-api-insecure"),
        GATE_POLICY=without_checkov(tmp_path),
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
    code, outputs, *_ = run_step(
        tmp_path,
        GATE_PATHS=str(EXAMPLES / "orders-api-secure"),
        GATE_POLICY=f"builtin:strict; touch {marker}",
    )
    assert code == 2
    assert outputs == {
        "decision": "error",
        "blocking-count": "0",
        "sarif-path": "",
        "sarif-category": "serverless-gate",
        "report-path": "",
    }
    assert not marker.exists()


def test_action_passes_inputs_through_env_only() -> None:
    action = yaml.safe_load((ACTION / "action.yml").read_text())
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), f"expression inside a script: {step['name']}"
        uses = step.get("uses", "")
        if uses and not uses.startswith("./"):
            assert len(uses.split("@", 1)[1].split()[0]) == 40, f"not pinned by SHA: {uses}"


POLICY = only_scanners("bandit") + "fail_on: high\n"
HANDLER = """\
import subprocess


def handler(event, context):
    subprocess.call(event["a"], shell=True)
"""


def pull_request(tmp_path: Path, depth: int | None = None) -> Path:
    """A clone of a repository whose main branch has one shell call, checked out on a
    pull-request branch that adds another and sets `fail_on: never` in gate.yml."""
    origin = tmp_path / "origin"
    repo = git.Repo.init(origin, initial_branch="main")
    (origin / "gate.yml").write_text(POLICY, "utf-8")
    (origin / "app.py").write_text(HANDLER, "utf-8")
    repo.git.add(A=True)
    repo.index.commit("handler", author=AUTHOR, committer=AUTHOR)
    repo.git.checkout("-b", "feature")
    (origin / "gate.yml").write_text(POLICY.replace("high", "never"), "utf-8")
    (origin / "app.py").write_text(HANDLER + '    subprocess.call(event["b"], shell=True)\n')
    repo.git.add(A=True)
    repo.index.commit("another call", author=AUTHOR, committer=AUTHOR)
    clone = tmp_path / "clone"
    shallow = ["--depth", str(depth), "--no-single-branch"] if depth else []
    git.Git().clone(*shallow, "--branch", "feature", origin.as_uri(), str(clone))
    return clone


def test_on_a_pull_request_only_the_change_blocks_under_the_base_policy(
    tmp_path: Path,
) -> None:
    clone = pull_request(tmp_path)
    code, outputs, *_ = run_step(tmp_path, clone, GITHUB_BASE_REF="main")
    assert code == 1
    assert outputs["decision"] == "fail"
    assert outputs["blocking-count"] == "1"  # the new call; the old one is preexisting
    report = json.loads((tmp_path / "serverless-gate.json").read_text())
    assert report["policy"]["source"] == "git:origin/main:gate.yml"
    # (with scanners disabled, files no enabled scanner reads are warned not-analysed)
    codes = [w["code"] for w in report["warnings"]]
    assert [c for c in codes if c not in ("not-analysed", "policy-in-bundle")] == ["policy-changed"]
    assert report["diff"]["base"] == "origin/main"
    assert sorted(f["status"] for f in report["findings"] if f["rule_id"] == "B602") == [
        "blocking",
        "preexisting",
    ]


def test_a_shallow_pull_request_checkout_is_told_to_fetch_history(tmp_path: Path) -> None:
    clone = pull_request(tmp_path, depth=1)
    step = run_step(tmp_path, clone, GITHUB_BASE_REF="main")
    assert (step.code, step.outputs["decision"]) == (2, "error")
    assert "fetch-depth: 0" in step.stderr


def test_outside_a_pull_request_the_work_tree_decides(tmp_path: Path) -> None:
    clone = pull_request(tmp_path)
    code, outputs, *_ = run_step(tmp_path, clone)
    assert (code, outputs["decision"]) == (0, "pass")  # fail_on: never, no diff mode


def test_a_shard_reports_for_the_merge(tmp_path: Path) -> None:
    step = run_step(
        tmp_path,
        GATE_PATHS=str(EXAMPLES / "orders-api-insecure"),
        GATE_POLICY=without_checkov(tmp_path),
        GATE_SHARD="1/2",
    )
    assert step.outputs["report-path"] == str(tmp_path / "serverless-gate.json")
    assert json.loads(Path(step.outputs["report-path"]).read_text())["shard"] == {
        "index": 1,
        "count": 2,
    }
    # Each shard's SARIF upload has a category of its own, or they replace each other:
    # code scanning takes it from each run's automationDetails.id, over the step's input.
    assert step.outputs["sarif-category"] == "serverless-gate-shard-1-of-2"
    sarif = json.loads(Path(step.outputs["sarif-path"]).read_text())
    ids = [run["automationDetails"]["id"] for run in sarif["runs"]]
    assert ids and all(i.startswith("serverless-gate-shard-1-of-2/") for i in ids)


def test_sharded_example_uploads_sarif_only_when_asked() -> None:
    workflow = yaml.safe_load((ACTION / "workflows" / "serverless-gate-sharded.yml").read_text())
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    uploads = [s for s in steps if "upload-sarif" in s.get("uses", "")]
    assert workflow["env"]["UPLOAD_SARIF"] == "false"
    assert uploads and all("env.UPLOAD_SARIF == 'true'" in s["if"] for s in uploads)


def test_soft_fail_reports_the_failure_and_passes_the_step(tmp_path: Path) -> None:
    step = run_step(
        tmp_path,
        GATE_PATHS=str(EXAMPLES / "orders-api-insecure"),
        GATE_POLICY=without_checkov(tmp_path),
        GATE_SOFT_FAIL="true",
    )
    assert step.code == 0
    assert step.outputs["decision"] == "fail"
    assert step.summary.startswith("## ❌ serverless-gate: fail")
    assert json.loads(Path(step.outputs["report-path"]).read_text())["soft_fail"] is True


def test_sarif_upload_is_opt_in_with_a_category() -> None:
    action = yaml.safe_load((ACTION / "action.yml").read_text())
    assert action["inputs"]["upload-sarif"]["default"] == "false"
    assert action["inputs"]["soft-fail"]["default"] == "false"
    [upload] = [s for s in action["runs"]["steps"] if "upload-sarif" in s.get("uses", "")]
    assert upload["with"]["category"] == "${{ steps.gate.outputs.sarif-category }}"
    assert "inputs.upload-sarif == 'true'" in upload["if"]


SCOPE = ACTION / "cache-scope.sh"


def cache_scope(tmp_path: Path, **env: str) -> dict[str, str]:
    """The outputs of the action's cache-scope step for a run described by `env`."""
    output = tmp_path / "scope-output"
    output.unlink(missing_ok=True)
    base = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "GATE_OFFLINE": "1",
        "GITHUB_OUTPUT": str(output),
        "RUNNER_OS": "Linux",
        "GITHUB_RUN_ID": "42",
        "GITHUB_RUN_ATTEMPT": "1",
        "GATE_DEFAULT_BRANCH": "main",
        "GATE_HAS_CACHE_KEY": "true",
    }
    subprocess.run([str(SCOPE)], env={**base, **env}, check=True, timeout=60)
    text = output.read_text()
    keys = text.split("restore-keys<<GATE_RESTORE_KEYS\n", 1)[1].split("\nGATE_RESTORE_KEYS")[0]
    outputs = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    outputs["restore-keys"] = keys
    return outputs


def test_a_pull_request_restores_only_what_trusted_refs_saved_and_never_saves(
    tmp_path: Path,
) -> None:
    for event in ("pull_request", "pull_request_target"):
        scope = cache_scope(
            tmp_path,
            GITHUB_EVENT_NAME=event,
            GITHUB_REF="refs/pull/7/merge",
            GITHUB_BASE_REF="release",
        )
        assert (scope["restore"], scope["save"]) == ("true", "false")
        assert scope["restore-keys"].splitlines() == [
            "serverless-gate-findings-1-Linux-trusted-refs/heads/release-",
            "serverless-gate-findings-1-Linux-trusted-refs/heads/main-",
        ]
        assert "refs/pull" not in scope["key"] + scope["restore-keys"]
        assert scope["path"] == str(tmp_path / ".cache" / "serverless-gate" / "findings")


def test_a_fork_pull_request_without_the_key_neither_restores_nor_saves(
    tmp_path: Path,
) -> None:
    scope = cache_scope(
        tmp_path,
        GITHUB_EVENT_NAME="pull_request",
        GITHUB_REF="refs/pull/7/merge",
        GITHUB_BASE_REF="main",
        GATE_HAS_CACHE_KEY="false",
    )
    assert (scope["restore"], scope["save"]) == ("false", "false")


def test_a_push_to_a_branch_saves_under_its_own_ref(tmp_path: Path) -> None:
    scope = cache_scope(tmp_path, GITHUB_EVENT_NAME="push", GITHUB_REF="refs/heads/dev")
    assert (scope["restore"], scope["save"]) == ("true", "true")
    assert scope["key"] == "serverless-gate-findings-1-Linux-trusted-refs/heads/dev-42-1"
    assert scope["restore-keys"].splitlines() == [
        "serverless-gate-findings-1-Linux-trusted-refs/heads/dev-",
        "serverless-gate-findings-1-Linux-trusted-refs/heads/main-",
    ]
    assert (tmp_path / ".cache" / "serverless-gate" / "findings").stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize(
    "env",
    [
        {"GITHUB_EVENT_NAME": "push", "GITHUB_REF": "refs/tags/v1"},
        {"GITHUB_EVENT_NAME": "push", "GITHUB_REF": "refs/heads/main", "GATE_CACHE": "false"},
        {"GITHUB_EVENT_NAME": "issue_comment", "GITHUB_REF": "refs/heads/main"},
    ],
    ids=["tag", "cache-off", "other-event"],
)
def test_other_runs_do_not_save(tmp_path: Path, env: dict[str, str]) -> None:
    assert cache_scope(tmp_path, **env)["save"] == "false"


def test_the_action_caches_only_the_findings_and_gives_the_gate_its_key() -> None:
    action = yaml.safe_load((ACTION / "action.yml").read_text())
    steps = {step["name"]: step for step in action["runs"]["steps"]}
    cached = [s for s in steps.values() if s.get("uses", "").startswith("actions/cache/")]
    assert {s["uses"].split("@")[0] for s in cached} == {
        "actions/cache/restore",
        "actions/cache/save",
    }
    for step in cached:
        assert step["with"]["path"] == "${{ steps.cache-scope.outputs.path }}"
        assert "steps.cache-scope.outputs." in step["if"]
    save = next(s for s in cached if s["uses"].startswith("actions/cache/save"))
    assert "outputs.save == 'true'" in save["if"]
    assert steps["Run the gate"]["env"]["GATE_CACHE_KEY"] == "${{ inputs.cache-key }}"
