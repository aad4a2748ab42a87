"""Hostile bundles against the gate's own layer of rules: inline suppressions read from
what only looks like a comment, code the rules cannot parse, IAM documents their data
does not know, a rule that crashes, and a waiver of a claim the gate folded away.

Each case runs the real `gate check` in a sandbox (tests/hostile/conftest.py): the exit
code, one stderr line naming the file, no traceback, nothing written outside its temp
dirs and nothing from the bundle run.
"""

from __future__ import annotations

import json

import pytest

from tests.hostile.conftest import HostileRun, Sandbox, assert_blocks

# bandit alone: its B602 (shell=True with a non-literal command) is high and blocks.
BANDIT_ONLY = (
    "version: 1\n"
    "scanners:\n"
    "  checkov: {enabled: false}\n"
    "  pip-audit: {enabled: false}\n"
    "  serverless: {enabled: false}\n"
)


def _report(run: HostileRun) -> dict[str, object]:
    data = json.loads(run.stdout)
    assert isinstance(data, dict)
    return data


def _statuses(run: HostileRun, rule_id: str) -> list[str]:
    findings = _report(run)["findings"]
    assert isinstance(findings, list)
    return [f["status"] for f in findings if f["rule_id"] == rule_id]


# --- defect 7: `# nosec` counts only in a real comment -------------------------------

FAKE_NOSEC = {
    "string": (
        "import subprocess\n\n\n"
        "def run(name):\n"
        '    return subprocess.call("ls # nosec -- reviewed " + name, shell=True)\n'
    ),
    "f-string": (
        "import subprocess\n\n\n"
        "def run(name):\n"
        '    return subprocess.call(f"ls {name} # nosec -- reviewed", shell=True)\n'
    ),
    "docstring": (
        "import subprocess\n\n\n"
        'def run(name): "# nosec -- reviewed"; return subprocess.call(name, shell=True)\n'
    ),
    "multi-line string": (
        "import subprocess\n\n\n"
        "def run(name):\n"
        "    return subprocess.call(\n"
        '        """ls\n'
        "        # nosec -- reviewed\n"
        '        """ + name, shell=True)\n'
    ),
    "hash in string then code": (
        "import subprocess\n\n\n"
        "def run(name):\n"
        "    return subprocess.call('echo \\'# nosec: reviewed\\'' + name, shell=True)\n"
    ),
}


@pytest.mark.parametrize("case", sorted(FAKE_NOSEC))
def test_nosec_inside_a_string_suppresses_nothing(sandbox: Sandbox, case: str) -> None:
    """`# nosec -- reason` that is part of a string literal is text, not a suppression:
    the B602 on that line still blocks."""
    sandbox.write("src/tool.py", FAKE_NOSEC[case])
    run = sandbox.run("--format", "json", policy=BANDIT_ONLY)
    assert_blocks(run)
    assert _statuses(run, "B602") == ["blocking"]


REAL_NOSEC = {
    "same line": (
        "import subprocess\n\n\n"
        "def run(name):\n"
        "    return subprocess.call(name, shell=True)  # nosec B602 -- reviewed\n"
    ),
    "continuation line of the call": (
        "import subprocess\n\n\n"
        "def run(name):\n"
        "    return subprocess.call(\n"
        "        name,  # nosec B602 -- reviewed\n"
        "        shell=True,\n"
        "    )\n"
    ),
    "after a string holding a hash": (
        "import subprocess\n\n\n"
        "def run(name):\n"
        '    return subprocess.call("a#b " + name, shell=True)  # nosec -- reviewed\n'
    ),
}


@pytest.mark.parametrize("case", sorted(REAL_NOSEC))
def test_nosec_in_a_real_comment_is_still_honoured(sandbox: Sandbox, case: str) -> None:
    """A comment on any line of the finding (bandit's own rule) suppresses it, with its
    reason, under the default `require-reason`."""
    sandbox.write("src/tool.py", REAL_NOSEC[case])
    run = sandbox.run("--format", "json", policy=BANDIT_ONLY)
    assert run.code == 0, run.stderr
    assert _statuses(run, "B602") == ["suppressed"]


SAM_HANDLER = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      CodeUri: .
      Tracing: Active
"""


def test_nosec_in_a_string_does_not_suppress_the_folded_taint_finding(sandbox: Sandbox) -> None:
    """The gate's own GATE-SLS-001 inherits the suppression of the B602 it folds: a fake
    one in a string must not carry over."""
    sandbox.write("template.yaml", SAM_HANDLER)
    sandbox.write(
        "app.py",
        "import subprocess\n\n\n"
        "def handler(event, context):\n"
        '    return subprocess.call("ls # nosec -- ok " + event["name"], shell=True)\n',
    )
    run = sandbox.run("--format", "json")
    assert_blocks(run)
    assert _statuses(run, "GATE-SLS-001") == ["blocking"]
