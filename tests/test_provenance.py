"""The report says which commit it judged: commit, branch, dirty flag, remotes without
credentials. Real repositories, built with GitPython."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import git
import pytest

from gate.git.provenance import provenance, repository_uri
from gate.redact import strip_url_credentials
from tests.conftest import RunGate, only_scanners

AUTHOR = git.Actor("Gate Test", "gate@example.invalid")


def make_repo(root: Path, remote: str | None = None) -> git.Repo:
    repo = git.Repo.init(root, initial_branch="main")
    (root / "app.py").write_text("def handler(event, context):\n    return 1\n", "utf-8")
    repo.index.add(["app.py"])
    repo.index.commit("first", author=AUTHOR, committer=AUTHOR)
    if remote:
        repo.create_remote("origin", remote)
    return repo


def test_a_clean_checkout(tmp_path: Path) -> None:
    repo = make_repo(tmp_path, "https://ci-bot:ghp_secret123@github.com/shop/orders.git")
    found = provenance(tmp_path)
    assert found is not None
    assert found.commit == repo.head.commit.hexsha
    assert found.branch == "main"
    assert found.dirty is False
    assert found.remotes == ("https://github.com/shop/orders.git",)


@pytest.mark.parametrize("change", ["modified", "untracked"])
def test_changes_make_it_dirty(tmp_path: Path, change: str) -> None:
    make_repo(tmp_path)
    name = "app.py" if change == "modified" else "new.py"
    (tmp_path / name).write_text("x = 2\n", "utf-8")
    found = provenance(tmp_path)
    assert found is not None and found.dirty is True


def test_a_detached_head_has_no_branch(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    repo.git.checkout(repo.head.commit.hexsha)
    found = provenance(tmp_path / "app.py")
    assert found is not None and found.branch is None


def test_outside_a_repository_there_is_none(tmp_path: Path) -> None:
    assert provenance(tmp_path) is None


def test_an_empty_repository_has_none(tmp_path: Path) -> None:
    git.Repo.init(tmp_path)
    assert provenance(tmp_path) is None


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:token@host/o/r.git", "https://host/o/r.git"),
        ("https://oauth2:glpat-x@gitlab.example/o/r", "https://gitlab.example/o/r"),
        ("git@github.com:o/r.git", "git@github.com:o/r.git"),
        ("ssh://git@host/o/r.git", "ssh://host/o/r.git"),
    ],
)
def test_credentials_are_stripped(url: str, shown: str) -> None:
    assert strip_url_credentials(url) == shown


@pytest.mark.parametrize(
    ("remote", "uri"),
    [
        ("git@github.com:shop/orders.git", "https://github.com/shop/orders.git"),
        ("gitlab.example:group/sub/orders.git", "https://gitlab.example/group/sub/orders.git"),
        ("ssh://git@host.example:2222/shop/orders.git", "https://host.example/shop/orders.git"),
        ("git://host.example/shop/orders", "https://host.example/shop/orders"),
        ("https://bot:s3cr3t@github.com/shop/orders.git", "https://github.com/shop/orders.git"),
        ("/srv/git/orders.git", None),
        ("file:///srv/git/orders.git", None),
        ("../orders", None),
        ("C:/git/orders", None),
    ],
)
def test_ssh_and_scp_like_remotes_name_the_repository_over_https(
    remote: str, uri: str | None
) -> None:
    assert repository_uri(remote) == uri


def test_reports_carry_the_commit(
    run_gate: RunGate, tmp_path: Path, policy_file: Callable[[str], Path]
) -> None:
    repo = make_repo(tmp_path / "repo", "https://bot:s3cr3t@github.com/shop/orders.git")
    policy = str(policy_file(only_scanners("serverless")))
    sarif = tmp_path / "gate.sarif"
    result = run_gate(
        "check",
        str(tmp_path / "repo"),
        "--policy",
        policy,
        "--format",
        "json",
        "--report",
        f"sarif={sarif}",
    )
    assert result.code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["git"] == {
        "commit": repo.head.commit.hexsha,
        "branch": "main",
        "dirty": False,
        "remotes": ["https://github.com/shop/orders.git"],
        "repository": "https://github.com/shop/orders.git",
    }
    run = json.loads(sarif.read_text())["runs"][0]
    assert run["versionControlProvenance"] == [
        {
            "repositoryUri": "https://github.com/shop/orders.git",
            "revisionId": repo.head.commit.hexsha,
            "branch": "main",
        }
    ]
    assert "s3cr3t" not in result.stdout + sarif.read_text()
