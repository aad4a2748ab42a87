"""What the gate prints about a hostile bundle outside `gate check`: `gate ls` shows
names from the IaC escaped, and a reader that leaves early is one clear line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.hostile.conftest import Sandbox

ESCAPES = ("\x1b", "\x07", "\x9b")


def test_gate_ls_shows_names_from_the_iac_escaped(sandbox: Sandbox) -> None:
    sandbox.write(
        "serverless.yml",
        "service: s\nprovider: {name: aws, runtime: python3.12}\nfunctions:\n"
        '  "evil\\e]0;owned\\a\\e[2J":\n    handler: "app.main\\e[31m"\n',
    )
    sandbox.write("app.py", "def main(event, context):\n    return 1\n")
    done = subprocess.run(
        [sys.executable, "-m", "gate", "ls", str(sandbox.bundle)],
        capture_output=True,
        text=True,
        cwd=sandbox.cwd,
        check=False,
    )
    assert "evil" in done.stdout + done.stderr
    for escape in ESCAPES:
        assert escape not in done.stdout + done.stderr
    assert "\\x1b" in done.stdout + done.stderr


def test_a_reader_that_leaves_early_is_one_line_and_not_a_pass(tmp_path: Path) -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the gate writes
    done = subprocess.run(
        [sys.executable, "-m", "gate", "rules"],
        stdout=write_end,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    os.close(write_end)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "gate: error: standard output was closed before the gate finished"
    ]


def test_a_policy_inside_the_bundle_is_said_to_be_weakenable(sandbox: Sandbox) -> None:
    """`gate check .` with the repository's own gate.yml: a change can switch its gate
    off; the report says so and points at --policy-ref."""
    sandbox.write("app.py", "def handler(event, context):\n    return 1\n")
    inside = sandbox.write("gate.yml", "version: 1\nscanners:\n  checkov: {enabled: false}\n")
    run = sandbox.run("--format", "json", "--policy", str(inside), policy=None)
    codes = [w["code"] for w in json.loads(run.stdout)["warnings"]]
    assert "policy-in-bundle" in codes
    outside = sandbox.run("--format", "json")
    assert "policy-in-bundle" not in [w["code"] for w in json.loads(outside.stdout)["warnings"]]
