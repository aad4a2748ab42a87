"""--policy-ref: a change cannot weaken the gate that judges it."""

from __future__ import annotations

import json
from pathlib import Path

import git
import pytest

from gate.policy.trusted import baseline_at_ref
from tests.conftest import RunGate
from tests.test_provenance import AUTHOR

# Only the fast bandit scanner runs; it finds B602 (high) in the handler.
STRICT = """\
version: 1
fail_on: high
scanners:
  checkov: {enabled: false}
  pip-audit: {enabled: false}
  serverless: {enabled: false}
"""
HANDLER = """\
import subprocess


def handler(event, context):
    subprocess.call(event["c"], shell=True)
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository whose main branch has a policy that blocks the handler's finding."""
    root = tmp_path / "repo"
    repository = git.Repo.init(root, initial_branch="main")
    (root / "gate.yml").write_text(STRICT, "utf-8")
    (root / "app.py").write_text(HANDLER, "utf-8")
    repository.index.add(["gate.yml", "app.py"])
    repository.index.commit("policy and handler", author=AUTHOR, committer=AUTHOR)
    repository.git.checkout("-b", "weaken")
    monkeypatch.chdir(root)
    return root


def test_a_branch_cannot_switch_its_own_gate_off(run_gate: RunGate, repo: Path) -> None:
    (repo / "gate.yml").write_text(STRICT.replace("fail_on: high", "fail_on: never"), "utf-8")
    assert run_gate("check", ".").code == 0  # the weakened work-tree policy passes it
    result = run_gate("check", ".", "--policy-ref", "main", "--format", "json")
    assert result.code == 1
    report = json.loads(result.stdout)
    assert report["policy"]["source"] == "git:main:gate.yml"
    # (with scanners disabled, files no enabled scanner reads are warned not-analysed)
    codes = [w["code"] for w in report["warnings"]]
    assert [c for c in codes if c not in ("not-analysed", "policy-in-bundle")] == ["policy-changed"]


def test_policy_change_fail_fails_on_the_change_alone(run_gate: RunGate, repo: Path) -> None:
    (repo / "app.py").write_text("def handler(event, context):\n    return 1\n", "utf-8")
    main = git.Repo(repo)
    main.git.checkout("main")
    (repo / "gate.yml").write_text(STRICT + "policy_change: fail\n", "utf-8")
    main.index.add(["gate.yml", "app.py"])
    main.index.commit("strict about policy changes", author=AUTHOR, committer=AUTHOR)
    main.git.checkout("-b", "tweak")
    assert run_gate("check", ".", "--policy-ref", "main").code == 0  # unchanged: passes
    (repo / "gate.yml").write_text(STRICT + "policy_change: fail\nexclude: ['**']\n", "utf-8")
    result = run_gate("check", ".", "--policy-ref", "main")
    assert result.code == 1
    assert "policy differs from the trusted one" in result.stdout


def test_an_unknown_ref_says_to_fetch_it(run_gate: RunGate, repo: Path) -> None:
    result = run_gate("check", ".", "--policy-ref", "origin/main")
    assert result.code == 2
    assert "fetch" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_outside_a_repository_is_one_clear_error(
    run_gate: RunGate, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_gate("check", ".", "--policy-ref", "main")
    assert result.code == 2
    assert "not in a git repository" in result.stderr


def test_a_policy_outside_the_repository_is_one_clear_error(
    run_gate: RunGate, repo: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "elsewhere.yml"
    outside.write_text(STRICT, "utf-8")
    result = run_gate("check", ".", "--policy", str(outside), "--policy-ref", "main")
    assert result.code == 2
    assert "is outside the repository" in result.stderr


def baseline_text(*fingerprints: str) -> str:
    findings = [
        {"fingerprint": f, "scanner": "bandit", "rule_id": "B602", "bundle": ".", "path": "app.py"}
        for f in fingerprints
    ]
    return json.dumps({"schema": "gate-baseline/1", "findings": findings})


def test_a_baseline_the_repository_holds_is_read_at_the_ref(repo: Path) -> None:
    """The change rewrote the committed baseline over its own findings: the ref's is used."""
    main = git.Repo(repo)
    main.git.checkout("main")
    (repo / "gate-baseline.json").write_text(baseline_text("old"), "utf-8")
    main.index.add(["gate-baseline.json"])
    main.index.commit("baseline", author=AUTHOR, committer=AUTHOR)
    main.git.checkout("-b", "record-my-own")
    (repo / "gate-baseline.json").write_text(baseline_text("old", "mine"), "utf-8")
    baseline, changed = baseline_at_ref("main", "gate-baseline.json", repo)
    assert [r.fingerprint for r in baseline.findings] == ["old"]
    assert changed is not None and changed.code == "baseline-changed"


def test_a_baseline_the_change_adds_records_nothing(repo: Path) -> None:
    main = git.Repo(repo)
    (repo / "gate-baseline.json").write_text(baseline_text("mine"), "utf-8")
    main.index.add(["gate-baseline.json"])
    main.index.commit("my baseline", author=AUTHOR, committer=AUTHOR)
    baseline, changed = baseline_at_ref("main", "gate-baseline.json", repo)
    assert baseline.findings == () and changed is not None


@pytest.mark.parametrize("where", ["untracked.json", "../outside.json"])
def test_a_baseline_the_pipeline_wrote_is_read_as_given(repo: Path, where: str) -> None:
    """A file git does not track, or one outside the repository (what `gate baseline
    create` wrote on the target branch for this run), is not the change's."""
    (repo / where).write_text(baseline_text("from-main"), "utf-8")
    baseline, changed = baseline_at_ref("main", where, repo)
    assert [r.fingerprint for r in baseline.findings] == ["from-main"] and changed is None
