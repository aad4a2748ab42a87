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
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from gate.redact import strip_url_credentials

if TYPE_CHECKING:
    import git


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

    @property
    def repository(self) -> str | None:
        """The first remote as an https URL a browser opens (`repository_uri`)."""
        return next((uri for r in self.remotes if (uri := repository_uri(r))), None)


# `user@host:owner/repo.git`, git's scp-like syntax (no scheme, a colon before the path).
_SCP_LIKE = re.compile(r"^(?:[^@/\s]+@)?(?P<host>[A-Za-z0-9.-]+):(?!//)(?P<path>[^\s]+)$")


def repository_uri(remote: str) -> str | None:
    """A git remote as an https URL: https and http as they are (credentials taken out),
    ssh://, git:// and scp-like `git@host:owner/repo.git` as `https://host/owner/repo.git`
    (the user and the ssh port dropped). None for a local path or `file://`: no URL
    names it."""
    found = _SCP_LIKE.match(remote)
    if found and len(found["host"]) > 1:  # `C:/repo` is a Windows drive
        host, path = found["host"], found["path"]
    else:
        parts = urlsplit(strip_url_credentials(remote))
        if parts.scheme in ("https", "http") and parts.netloc and parts.path.strip("/"):
            return parts.geturl()
        if parts.scheme not in ("ssh", "git", "git+ssh", "ssh+git"):
            return None
        host, path = parts.hostname or "", parts.path
    path = path.strip("/")
    if not host or not path:
        return None
    return f"https://{host}/{path}"


def provenance(path: Path) -> Provenance | None:
    """The provenance of the repository containing `path`, or None if there is none."""
    repo = open_repository(path)
    if repo is None:
        return None
    import git

    with repo:
        try:
            commit = repo.head.commit.hexsha
            dirty = repo.is_dirty(untracked_files=True)
        except (ValueError, git.GitCommandError, git.GitCommandNotFound):
            return None  # an empty repository, or no git binary
        branch = None if repo.head.is_detached else repo.active_branch.name
        remotes = tuple(
            strip_url_credentials(url) for remote in repo.remotes for url in remote.urls
        )
    return Provenance(commit, branch, dirty, remotes)


def tracked(path: Path) -> bool | None:
    """Whether git tracks a file at or under `path` (a file or folder of a work tree);
    None where git cannot tell (no repository holds it, or no git program)."""
    repo = open_repository(path.parent)
    if repo is None or repo.working_tree_dir is None:
        return None
    import git

    with repo:
        try:
            return bool(repo.git.ls_files("--", str(path.resolve())))
        except (git.GitCommandError, git.GitCommandNotFound):
            return None


def usable_ref(ref: str) -> bool:
    """Whether `ref` can be handed to git as a revision: never an option in disguise."""
    return bool(ref) and not ref.startswith("-") and "\0" not in ref


def open_repository(path: Path) -> git.Repo | None:
    """The repository containing `path`, ready to run git in even when another user owns
    it; None if `path` is in none."""
    start = path if path.is_dir() else path.parent
    if not any((folder / ".git").exists() for folder in (start, *start.resolve().parents)):
        return None  # in no repository: GitPython, a tenth of a start-up, is not imported
    try:
        import git
    except ImportError:  # GitPython refuses to import when it finds no git program
        return None

    try:
        repo = git.Repo(start, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    if repo.working_tree_dir is not None:
        # For git's own processes only: the user's configuration is never touched.
        # fsmonitor names a program git would run: never one from the repository's config.
        repo.git.update_environment(
            GIT_CONFIG_COUNT="2",
            GIT_CONFIG_KEY_0="safe.directory",
            GIT_CONFIG_VALUE_0=str(repo.working_tree_dir),
            GIT_CONFIG_KEY_1="core.fsmonitor",
            GIT_CONFIG_VALUE_1="false",
        )
    return repo
