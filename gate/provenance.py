"""Where the scanned code came from: the git commit, branch and state of its work tree.

Read with GitPython, never written. A repository owned by another user (a CI container
running as root over a checkout made by the runner's user) is read by telling git, for
this process only, that its directory is safe; the user's git configuration is never
touched. Not a repository, or no git installed: there is no provenance, and the report
says `git: null`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_URL_CREDENTIALS = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*://)[^/@]+@", re.IGNORECASE)


@dataclass(frozen=True)
class Provenance:
    """The state of the repository holding the scanned code."""

    commit: str
    branch: str | None
    """None on a detached HEAD (as CI checkouts of a pull request often are)."""
    dirty: bool
    """Changes, staged or not, or untracked files: the scan is not of `commit` alone."""
    remotes: tuple[str, ...] = ()
    """Remote URLs, with any user name, password or token taken out."""


def provenance(path: Path) -> Provenance | None:
    """The provenance of the repository containing `path`, or None if there is none."""
    try:
        import git
    except ImportError:  # GitPython imports fine without git, but be sure
        return None
    start = path if path.is_dir() else path.parent
    try:
        repo = git.Repo(start, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    with repo:
        if repo.working_tree_dir is not None:
            repo.git.update_environment(
                GIT_CONFIG_COUNT="1",
                GIT_CONFIG_KEY_0="safe.directory",
                GIT_CONFIG_VALUE_0=str(repo.working_tree_dir),
            )
        try:
            commit = repo.head.commit.hexsha
            dirty = repo.is_dirty(untracked_files=True)
        except (ValueError, git.GitCommandError, git.GitCommandNotFound):
            return None  # an empty repository, or no git binary
        branch = None if repo.head.is_detached else repo.active_branch.name
        remotes = tuple(strip_credentials(url) for remote in repo.remotes for url in remote.urls)
    return Provenance(commit, branch, dirty, remotes)


def strip_credentials(url: str) -> str:
    """`https://user:token@github.com/o/r.git` -> `https://github.com/o/r.git`."""
    return _URL_CREDENTIALS.sub(r"\g<scheme>", url)
