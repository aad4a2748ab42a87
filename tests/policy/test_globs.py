"""The policy's path patterns, read as .gitignore reads them, and the warning when a
pattern of an existing policy now leaves out more than its old fnmatch reading did."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.bundle.resolve import resolve_bundles, stage
from gate.policy.globs import PathPatterns, glob_matches, legacy_matches
from tests.test_discovery import write


@pytest.mark.parametrize(
    ("pattern", "path", "matched"),
    [
        ("**/tests/**", "tests/test_app.py", True),  # fnmatch needed a folder above
        ("**/tests/**", "src/tests/test_app.py", True),
        ("tests/", "src/tests/test_app.py", True),
        ("functions/*.py", "functions/app.py", True),
        ("functions/*.py", "functions/orders/app.py", False),  # fnmatch's * crossed `/`
        ("*.md", "docs/guide/readme.md", True),
        ("/docs", "docs/a.md", True),
        ("/docs", "src/docs/a.md", False),
        ("src/**/*.py", "src/a.py", True),
    ],
)
def test_gitignore_reading(pattern: str, path: str, matched: bool) -> None:
    assert glob_matches(pattern, path) is matched


def test_the_old_reading_is_kept_to_compare() -> None:
    assert not legacy_matches("**/tests/**", "tests/test_app.py")
    assert legacy_matches("functions/*.py", "functions/orders/app.py")
    patterns = PathPatterns(("**/tests/**", "functions/*.py"))
    assert patterns.match("tests/test_app.py") == "**/tests/**"
    assert patterns.match("functions/orders/app.py") is None  # narrower: no warning
    assert patterns.match("functions/app.py") == "functions/*.py"
    assert patterns.widened == {"**/tests/**": "tests/test_app.py"}


def test_a_wider_exclude_is_warned_once_per_pattern(tmp_path: Path) -> None:
    bundle_dir = write(
        tmp_path / "fn",
        {
            "app.py": "x = 1\n",
            "tests/test_a.py": "x = 1\n",
            "tests/test_b.py": "x = 1\n",
            "src/tests/test_c.py": "x = 1\n",
            "functions/orders/app.py": "x = 1\n",
        },
    )
    (bundle,) = resolve_bundles([str(bundle_dir)])
    staged, warnings = stage([bundle], ("**/tests/**", "functions/*.py"), tmp_path / "work")
    files = sorted(p.relative_to(staged[0].root).as_posix() for p in staged[0].root.rglob("*.py"))
    assert files == ["app.py", "functions/orders/app.py"]
    widened = [w for w in warnings if w.code == "exclude-widened"]
    assert len(widened) == 1
    assert "'**/tests/**' leaves out 'tests/'" in widened[0].message


def test_a_re_including_pattern_is_refused(tmp_path: Path) -> None:
    from gate.errors import PolicyError
    from gate.policy.load import parse_policy

    with pytest.raises(PolicyError, match=r"exclude\.0"):
        parse_policy(b"version: 1\nexclude: ['!keep.py']\n", "gate.yml", "file:gate.yml", None)
