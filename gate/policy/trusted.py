"""`--policy-ref REF`: the policy as it is at a git ref, so a change cannot weaken the gate
that judges it.

The policy file (and the waivers in it) is read from REF, not from the work tree. When
the work tree's copy differs, the verdict warns `policy-changed`; the trusted policy's
`policy_change: fail` makes that alone fail the check.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from gate.errors import PolicyError
from gate.git.provenance import open_repository, tracked, usable_ref
from gate.model import Warning_
from gate.policy.baseline import MAX_BASELINE_BYTES, Baseline, parse_baseline, read_baseline
from gate.policy.load import (
    DEFAULT_POLICY_FILE,
    MAX_POLICY_BYTES,
    builtin_policy,
    parse_policy,
)
from gate.policy.model import Policy
from gate.safefile import read_regular


@dataclass(frozen=True)
class TrustedPolicy:
    policy: Policy
    changed: Warning_ | None
    """Set when the work tree's policy differs from the one at the ref."""


def policy_at_ref(
    ref: str,
    path: str | None,
    env: str | None,
    cwd: Path,
    today: datetime.date | None = None,
) -> TrustedPolicy:
    """The policy file `path` (default ./gate.yml) as it is at `ref`; the built-in default
    if the ref has none."""
    if path is not None and path.startswith("builtin:"):
        raise PolicyError(f"--policy-ref {ref}: a built-in policy is not read from git")
    relative, text = file_at_ref(ref, path or DEFAULT_POLICY_FILE, cwd, "the policy")
    if text is None:
        trusted = builtin_policy("default", env, today)
    else:
        shown = f"{ref}:{relative}"
        trusted = parse_policy(text.encode("utf-8"), shown, f"git:{ref}:{relative}", env, today)
    changed = None
    if _worktree_text(cwd, path or DEFAULT_POLICY_FILE, MAX_POLICY_BYTES) != text:
        changed = Warning_(
            "policy-changed",
            f"{relative} in the work tree differs from {ref}'s; the policy at {ref} was used "
            f"(policy_change: {trusted.policy_change})",
        )
    return TrustedPolicy(trusted, changed)


def baseline_at_ref(ref: str, path: str, cwd: Path) -> tuple[Baseline, Warning_ | None]:
    """The baseline file `path`, and a warning when the change under review wrote it.
    A baseline of the repository's (one git tracks, or one the ref has) is read as it is
    at `ref`, none recorded if the ref has none: a change must not baseline its own
    findings. Any other (outside the repository, or one the pipeline wrote for this run,
    as `gate baseline create` on the target branch does) is read as given."""
    where = cwd / path
    known = tracked(where)
    if known is None:  # outside the repository: not the change's to write
        return read_baseline(where), None
    relative, text = file_at_ref(ref, path, cwd, "the baseline")
    if text is None and not known:
        return read_baseline(where), None
    shown = f"{ref}:{relative}"
    recorded = parse_baseline(text.encode("utf-8"), shown) if text is not None else None
    baseline = recorded or Baseline(shown, ())  # the ref has none: nothing is baselined
    changed = None
    if _worktree_text(cwd, path, MAX_BASELINE_BYTES) != text:
        changed = Warning_(
            "baseline-changed",
            f"{relative} in the work tree differs from {ref}'s; the baseline at {ref} was used",
        )
    return baseline, changed


def file_at_ref(ref: str, path: str, cwd: Path, option: str) -> tuple[str, str | None]:
    """A file of the repository holding `cwd` (`path` from there) as it is at `ref`: its
    path in the repository and its text, None if the ref has no such file. The path is
    read as given: a link the change puts on it (gate.yml made a link to a laxer file the
    ref also has) must not choose which file the ref gives. `option` names the file in
    errors (`the policy`)."""
    if not usable_ref(ref):
        raise PolicyError(f"--policy-ref {ref!r}: not a git ref; give a branch, tag or commit")
    local = Path(os.path.normpath(cwd.resolve() / path))
    git = _git_module(ref)
    repo = open_repository(cwd)
    if repo is None or repo.working_tree_dir is None:
        raise PolicyError(f"--policy-ref {ref}: {cwd} is not in a git repository")
    with repo:
        top = Path(repo.working_tree_dir).resolve()
        if not local.is_relative_to(top):
            raise PolicyError(
                f"--policy-ref {ref}: {option} {local} is outside the repository at {top}"
            )
        relative = local.relative_to(top).as_posix()
        try:
            repo.git.rev_parse("--verify", f"{ref}^{{commit}}")
        except git.GitCommandError:
            raise PolicyError(
                f"--policy-ref {ref}: no such commit in this clone; fetch it first "
                f"(git fetch origin {ref}, or actions/checkout with fetch-depth: 0)"
            ) from None
        try:
            return relative, repo.git.show(f"{ref}:{relative}", strip_newline_in_stdout=False)
        except git.GitCommandError:
            return relative, None


def _worktree_text(cwd: Path, path: str, limit: int) -> str | None:
    """The work tree's file, for the comparison only; None when there is no regular,
    readable file of its kind's size (it then differs from any file at the ref)."""
    try:
        return read_regular(cwd / path, limit).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _git_module(ref: str) -> ModuleType:
    """GitPython, which refuses to import (with a 17-line message) when no git runs."""
    try:
        import git
    except ImportError as e:
        raise PolicyError(
            f"--policy-ref {ref}: git is not installed; --policy-ref needs it "
            "(install git, or set GIT_PYTHON_GIT_EXECUTABLE to its path)"
        ) from e
    return git
