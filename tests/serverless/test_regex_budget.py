"""Every regular expression the serverless rules and the inline-suppression reader keep
at module level runs in linear time on text a bundle writes: each is searched, in a
subprocess with a generous deadline, over long runs built to make a backtracking
pattern retry every split (the deadline, not a timing, is the assertion)."""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = r"""
import importlib, pkgutil, re
import gate.rules
import gate.scanners.inline

modules = [gate.scanners.inline]
for info in pkgutil.walk_packages(gate.rules.__path__, "gate.rules."):
    modules.append(importlib.import_module(info.name))
patterns = {
    f"{m.__name__}.{name}": value
    for m in modules
    for name, value in vars(m).items()
    if isinstance(value, re.Pattern)
}
for m in modules:
    for name, value in vars(m).items():
        if isinstance(value, tuple):
            for i, item in enumerate(value):
                pattern = item[1] if isinstance(item, tuple) and len(item) == 2 else item
                if isinstance(pattern, re.Pattern):
                    patterns[f"{m.__name__}.{name}[{i}]"] = pattern
# Used only with .match at a position (anchored), never searched.
MATCH_ONLY = {"gate.scanners.inline._NOSEC_ID"}
n = 40_000
runs = [c * n for c in ("a-", "a.", "a", "0", " ", "_", "${", "a_", "-----BEGIN ", "%0",
        "arn:", "a://", ":iam::aws:policy/", "ghp_", "xoxb-", "\\")]
runs += ["%" + "0" * n, "a" + "_" * n + "A", " " * n + "!", "${" * n + "}" * n]
for name, pattern in sorted(patterns.items()):
    for text in runs:
        pattern.match(text)
        if name not in MATCH_ONLY:
            pattern.search(text)
print(len(patterns))
"""


def test_no_regex_of_the_rules_backtracks_on_long_runs() -> None:
    try:
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=90
        )
    except subprocess.TimeoutExpired:
        pytest.fail("a regex of gate/rules or gate/scanners/inline.py backtracks")
    assert done.returncode == 0, done.stderr[-2000:]
    assert int(done.stdout.strip()) > 15
