"""The policy's path patterns (`exclude`, a waiver's `path`), matched as `.gitignore`
matches them, through pathspec:

- a pattern without a `/` but at its end matches at any depth: `*.md`, `tests/`;
- a pattern with a `/` before its end is anchored at the bundle root, and `*` stops at a
  `/`: `functions/*.py` is `functions/a.py`, not `functions/x/a.py`;
- `**` spans folders: `**/tests/**` is `tests/...` at the root and below;
- a folder's pattern covers everything in it.

Before gitignore-style globs the patterns were `fnmatch` globs, where `*` crosses `/`
and `**/x` needs a folder above `x`. A pattern that now matches a path the old reading
did not is noted (`widened`), so a run can warn once that it leaves out more than before:
a wider exclude is a quieter gate.
"""

from __future__ import annotations

import fnmatch
import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pathspec


@functools.cache
def _spec(pattern: str) -> pathspec.PathSpec[Any]:
    import pathspec  # only a policy with path patterns needs it, not every start-up

    return pathspec.PathSpec.from_lines("gitignore", [pattern])


def glob_matches(pattern: str, path: str, directory: bool = False) -> bool:
    """Whether `pattern` matches `path` (relative to the bundle root, POSIX); a folder is
    matched as `path/`, as git matches it."""
    return bool(_spec(pattern).match_file(f"{path}/" if directory else path))


def legacy_matches(pattern: str, path: str, directory: bool = False) -> bool:
    """How the pattern matched before gitignore-style globs (fnmatch, `*` crossing `/`)."""
    candidates = [path, f"{path}/"] if directory else [path]
    return any(fnmatch.fnmatchcase(c, pattern) for c in candidates) or (
        directory and pattern.endswith("/**") and path == pattern[:-3]
    )


class PathPatterns:
    """An ordered list of patterns (`exclude`): the first that matches a path names it."""

    def __init__(self, patterns: tuple[str, ...]) -> None:
        self.patterns = patterns
        self.widened: dict[str, str] = {}
        """Pattern -> the first path it matched that the old reading did not."""

    def match(self, path: str, directory: bool = False) -> str | None:
        for pattern in self.patterns:
            if glob_matches(pattern, path, directory):
                if not legacy_matches(pattern, path, directory):
                    self.widened.setdefault(pattern, path + ("/" if directory else ""))
                return pattern
        return None

    def widened_messages(self) -> list[str]:
        """One sentence a pattern that matched more than its old reading would have."""
        return [
            f"exclude pattern {pattern!r} leaves out {example!r}, which it did not before "
            "the policy's paths were read as .gitignore globs: check it leaves out only "
            "what you mean"
            for pattern, example in self.widened.items()
        ]
