"""Hostile bundles against the gate's own layer of rules: inline suppressions read from
what only looks like a comment, code the rules cannot parse, IAM documents their data
does not know, a rule that crashes, and a waiver of a claim the gate folded away.

Each case runs the real `gate check` in a sandbox (tests/hostile/conftest.py): the exit
code, one stderr line naming the file, no traceback, nothing written outside its temp
dirs and nothing from the bundle run.
"""

from __future__ import annotations

import datetime
import json
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import gate.scan.run
from tests.conftest import RunGate
from tests.hostile.conftest import (
    Findings,
    HostileRun,
    Layout,
    Sandbox,
    assert_blocks,
    assert_refused,
    each_blocks_with,
    files,
)

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
    "multi-line-string": (
        "import subprocess\n\n\n"
        "def run(name):\n"
        "    return subprocess.call(\n"
        '        """ls\n'
        "        # nosec -- reviewed\n"
        '        """ + name, shell=True)\n'
    ),
    "hash-in-string-then-code": (
        "import subprocess\n\n\n"
        "def run(name):\n"
        "    return subprocess.call('echo \\'# nosec: reviewed\\'' + name, shell=True)\n"
    ),
}


def _own_statuses(own: Findings, rule_id: str) -> list[str]:
    """The statuses of `rule_id`'s findings among a bundle's own."""
    return [f["status"] for f in own if f["rule_id"] == rule_id]


def test_nosec_inside_any_string_suppresses_nothing(tmp_path: Path) -> None:
    """`# nosec -- reason` that is part of a string literal is text, not a suppression:
    the B602 on that line still blocks."""
    each_blocks_with(
        tmp_path,
        {case: files({"src/tool.py": code}) for case, code in FAKE_NOSEC.items()},
        lambda _, own: _own_statuses(own, "B602") == ["blocking"],
        BANDIT_ONLY,
    )


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


# --- defect 8: a file the rules cannot parse is a scan error, not "ok" -----------------

RULES_ONLY = (
    "version: 1\n"
    "scanners:\n"
    "  checkov: {enabled: false}\n"
    "  bandit: {enabled: false}\n"
    "  pip-audit: {enabled: false}\n"
)

UNPARSABLE = {
    "syntax error": ("def broken(:\n    pass\n", "line 5", "invalid syntax"),
    "unterminated string": ('x = "never ends\n', "line 5", "unterminated string"),
    "bad indentation": ("def f():\n    x = 1\n  y = 2\n", "line 7", "unindent does not match"),
    "null byte": ("x = 1\0\n", "", "null bytes"),
}


@pytest.mark.parametrize("case", sorted(UNPARSABLE))
def test_python_the_rules_cannot_parse_is_refused_with_bandit_off(
    sandbox: Sandbox, case: str
) -> None:
    """With bandit disabled, the serverless rules are all that read the code: a handler
    they cannot parse is exit 2 naming file, line and the parser's reason."""
    tail, line, reason = UNPARSABLE[case]
    sandbox.write("template.yaml", SAM_HANDLER)
    sandbox.write("app.py", "def handler(event, context):\n    return 1\n\n\n" + tail)
    sandbox.write("setup.py", sandbox.payload)
    run = sandbox.run("--format", "json", policy=RULES_ONLY)
    assert_refused(run, "serverless", "app.py", line, reason)
    errors = _report(run)["errors"]
    assert isinstance(errors, list) and len(errors) == 1, errors
    assert errors[0]["scanner"] == "serverless" and errors[0]["path"].endswith("/app.py")
    assert reason in errors[0]["message"]


# --- defect 17: IAM actions the gate's data does not know ------------------------------

UNKNOWN_ACTIONS = ("sts:GetCallerIdentify", "bedrock-runtime:InvokeModel", "sts:AssumeRoot2099")

SAM_UNKNOWN = SAM_HANDLER + (
    "      Policies:\n"
    "        - Statement:\n"
    "            - Effect: Allow\n"
    "              Action:\n"
    + "".join(f"                - {a}\n" for a in UNKNOWN_ACTIONS)
    + ("              Resource: '*'\n")
)
SERVERLESS_UNKNOWN = (
    "service: orders\n"
    "provider:\n"
    "  name: aws\n"
    "  runtime: python3.12\n"
    "  tracing: {lambda: true}\n"
    "  iam:\n"
    "    role:\n"
    "      statements:\n"
    "        - Effect: Allow\n"
    "          Action:\n"
    + "".join(f"            - {a}\n" for a in UNKNOWN_ACTIONS)
    + ("          Resource: '*'\nfunctions:\n  orders:\n    handler: app.handler\n")
)
TERRAFORM_UNKNOWN = """\
data "aws_iam_policy_document" "fn" {
  statement {
    effect    = "Allow"
    actions   = [ACTIONS]
    resources = ["*"]
  }
}

resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "fn" {
  role   = aws_iam_role.fn.id
  policy = data.aws_iam_policy_document.fn.json
}

data "archive_file" "fn" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/fn.zip"
}

resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = aws_iam_role.fn.arn
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = data.archive_file.fn.output_path
  tracing_config {
    mode = "Active"
  }
}
""".replace("ACTIONS", ", ".join(f'"{a}"' for a in UNKNOWN_ACTIONS))

IAC_WITH_UNKNOWN = {
    "sam inline Policies": ("template.yaml", SAM_UNKNOWN),
    "serverless.yml iam statements": ("serverless.yml", SERVERLESS_UNKNOWN),
    "terraform aws_iam_policy_document": ("main.tf", TERRAFORM_UNKNOWN),
}


@pytest.mark.parametrize("case", sorted(IAC_WITH_UNKNOWN))
def test_unknown_iam_action_is_a_finding_not_a_crash(sandbox: Sandbox, case: str) -> None:
    """A misspelled action, a wrong service prefix and an action newer than the data are
    each GATE-IAC-004 (low: reported, not blocking), and the rules still run."""
    name, text = IAC_WITH_UNKNOWN[case]
    sandbox.write(name, text)
    code = "src/app.py" if name.endswith(".tf") else "app.py"
    sandbox.write(code, "def handler(event, context):\n    return {'ok': True}\n")
    sandbox.write("sitecustomize.py", sandbox.payload)
    run = sandbox.run("--format", "json", policy=RULES_ONLY)
    assert run.code == 0, run.stderr
    report = _report(run)
    assert report["errors"] == []
    findings = report["findings"]
    assert isinstance(findings, list)
    unknown = [f for f in findings if f["rule_id"] == "GATE-IAC-004"]
    assert sorted(a for f in unknown for a in UNKNOWN_ACTIONS if f"`{a}`" in f["message"]) == (
        sorted(UNKNOWN_ACTIONS)
    )
    assert {f["severity"] for f in unknown} == {"low"}
    assert {f["status"] for f in unknown} == {"allowed"}
    assert all(f["path"] == name and f["start_line"] for f in unknown)


# --- defect 17: a rule that raises is a scan error naming rule, file and exception -----

FAULTY_WORKER = (
    "import sys\n"
    "import gate.rules.{module} as rule\n"
    "from gate.scan.worker import main\n"
    "def boom(context, *args, **kwargs):\n"
    "    raise RuntimeError('injected fault')\n"
    "rule.check = boom\n"
    "sys.exit(main(['serverless']))\n"
)


@pytest.mark.parametrize(("module", "path"), [("iam", "template.yaml"), ("taint", "app.py")])
def test_a_rule_that_raises_is_reported_on_stderr_and_in_errors(
    run_gate: RunGate,
    policy_file: Callable[[str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    module: str,
    path: str,
) -> None:
    """One rule raising on one function: exit 2, one stderr line naming the rule, the
    file and the exception, the same in `errors[]`; the other rules' findings are kept."""
    bundle = tmp_path / "fn"
    bundle.mkdir()
    (bundle / "template.yaml").write_text(
        SAM_HANDLER + "      FunctionUrlConfig: {AuthType: NONE}\n"
    )
    (bundle / "app.py").write_text("def handler(event, context):\n    return 1\n")
    code = FAULTY_WORKER.format(module=module)
    monkeypatch.setattr(gate.scan.run, "worker_argv", lambda scanner: (sys.executable, "-c", code))
    report = tmp_path / "report.json"
    run = run_gate(
        "check",
        str(bundle),
        "--policy",
        str(policy_file(RULES_ONLY)),
        "--no-cache",
        "--report",
        f"json={report}",
    )
    assert run.code == 2, run.stderr
    assert "Traceback" not in run.stderr
    said = [line for line in run.stderr.splitlines() if line.startswith("gate: error: ")]
    assert len(said) == 1, run.stderr
    for text in (
        "serverless",
        f"fn/{path}",
        f"the {module} rules failed on function Fn",
        "RuntimeError: injected fault",
    ):
        assert text in said[0], said[0]
    data = json.loads(report.read_text())
    assert data["decision"] == "error"
    assert [(e["scanner"], e["path"]) for e in data["errors"]] == [
        ("serverless", f"{bundle}/{path}")
    ]
    assert "RuntimeError: injected fault" in data["errors"][0]["message"]
    # The rules that did not fail still reported: the function URL without auth.
    assert "GATE-IAC-010" in {f["rule_id"] for f in data["findings"]}


# --- defect 24: a waiver of the claim the gate folded into a proven taint ---------------


def test_waiver_of_a_folded_bandit_claim_says_what_to_waive(sandbox: Sandbox) -> None:
    """bandit's B602 on the line of a proven taint is folded into GATE-SLS-001: a waiver
    of B602 there matched, so it is not "unused"; it covers only the weaker claim, the
    finding stays blocking and the warning names the rule to waive."""
    sandbox.write("template.yaml", SAM_HANDLER)
    sandbox.write(
        "app.py",
        "import subprocess\n\n\n"
        "def handler(event, context):\n"
        '    return subprocess.call("ls " + event["name"], shell=True)\n',
    )
    expires = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()
    policy = RULES_ONLY.replace("  bandit: {enabled: false}\n", "") + (
        "waivers:\n"
        "  - rule: B602\n"
        "    path: app.py\n"
        "    reason: reviewed, the command is constant\n"
        "    approved_by: security-team\n"
        f"    expires: {expires}\n"
    )
    run = sandbox.run("--format", "json", policy=policy)
    assert_blocks(run)
    report = _report(run)
    assert _statuses(run, "GATE-SLS-001") == ["blocking"]
    warnings = report["warnings"]
    assert isinstance(warnings, list)
    codes = [w["code"] for w in warnings]
    assert "waiver-unused" not in codes
    [message] = [w["message"] for w in warnings if w["code"] == "waiver-covers-weaker-claim"]
    for text in (
        "waiver of B602 on app.py (",
        "bandit B602 at app.py:5",
        "stays blocking",
        "write the waiver for rule GATE-SLS-001",
    ):
        assert text in message, message


def test_code_hidden_by_a_coding_cookie_is_read_as_python_reads_it(sandbox: Sandbox) -> None:
    """With `# coding: utf_7`, `+AAo-` in a comment is a newline to the interpreter: the
    line after it is code. The rules decode as the interpreter does, so the shell call
    it hides is found (and bandit's nosec reader agrees)."""
    sandbox.write("template.yaml", SAM_HANDLER)
    sandbox.write(
        "app.py",
        b"# -*- coding: utf_7 -*-\nimport os\n\n\n"
        b"def handler(event, context):\n"
        b"    #+AAo-    os.system(event+AFsAIg-cmd+ACIAXQ-)\n"
        b"    return 1\n",
    )
    sandbox.write("conftest.py", sandbox.payload)
    run = sandbox.run("--format", "json", policy=RULES_ONLY)
    assert_blocks(run)
    assert _statuses(run, "GATE-SLS-001") == ["blocking"]


# --- an expression must not hide a wildcard from the role rules -------------------------

HIDDEN_WILDCARDS = {
    "join-action": ("- !Join ['', ['*']]", "'*'", "GATE-IAC-001"),
    "fn-if-action": ("- {'Fn::If': [IsProd, '*', 's3:GetObject']}", "'*'", "GATE-IAC-001"),
    "nested-list-action": ("- [['iam:*']]", "'*'", "GATE-IAC-001"),
    "join-resource": ("- s3:PutObject", "!Join ['', ['*']]", "GATE-IAC-002"),
}


def _wildcards(action: str, resource: str) -> Layout:
    """A function whose inline policy allows `action` on `resource`."""
    return files(
        {
            "template.yaml": SAM_HANDLER
            + "      Policies:\n"
            + "        - Statement:\n"
            + "            - Effect: Allow\n"
            + "              Action:\n"
            + f"                {action}\n"
            + f"              Resource: {resource}\n",
            "app.py": "def handler(event, context):\n    return {'ok': True}\n",
        }
    )


def test_a_wildcard_inside_any_expression_is_still_found(tmp_path: Path) -> None:
    """The rules do not evaluate intrinsic functions; they judge every string in one, so
    `Action: [!Join ['', ['*']]]` is still an Allow of everything, and blocks."""
    each_blocks_with(
        tmp_path,
        {
            case: _wildcards(action, resource)
            for case, (action, resource, _) in HIDDEN_WILDCARDS.items()
        },
        lambda case, own: "blocking" in _own_statuses(own, HIDDEN_WILDCARDS[case][2]),
        RULES_ONLY,
    )


CHECKOV_ONLY = (
    "version: 1\n"
    "fail_on: low\n"
    "scanners:\n"
    "  bandit: {enabled: false}\n"
    "  pip-audit: {enabled: false}\n"
    "  serverless: {enabled: false}\n"
)


@pytest.mark.slow
def test_checkov_skip_inside_a_value_suppresses_nothing(sandbox: Sandbox) -> None:
    """`checkov:skip=` in a resource's Description is a value, not a comment: the check
    it names still reports, and blocks under `fail_on: low`."""
    sandbox.write(
        "template.yaml",
        SAM_HANDLER.replace(
            "      Tracing: Active\n",
            "      Tracing: Active\n"
            '      Description: "worker # checkov:skip=CKV_AWS_116:retried by the scheduler"\n',
        ),
    )
    sandbox.write("app.py", "def handler(event, context):\n    return 1\n")
    run = sandbox.run("--format", "json", policy=CHECKOV_ONLY)
    assert_blocks(run)
    assert _statuses(run, "CKV_AWS_116") == ["blocking"]


@pytest.mark.parametrize("terms", [2500, 30000])
def test_an_expression_too_deep_for_the_rules_never_passes(sandbox: Sandbox, terms: int) -> None:
    """Event data built into a command by a very long expression: the rules either find
    the taint, or say which file and rule they could not finish (exit 2); never exit 0."""
    sandbox.write("template.yaml", SAM_HANDLER)
    chain = ' + event["a"]' * terms
    sandbox.write(
        "app.py",
        "import os\n\n\ndef handler(event, context):\n"
        f'    x = event["a"]{chain}\n'
        "    return os.system(x)\n",
    )
    run = sandbox.run("--format", "json", policy=RULES_ONLY)
    if run.code == 2:
        assert_refused(run, "serverless", "app.py")
    else:
        assert_blocks(run)


def test_an_effect_built_by_an_expression_does_not_hide_the_statement(sandbox: Sandbox) -> None:
    """`Effect: !If [IsProd, Allow, Allow]` may allow: the wildcard is still judged."""
    sandbox.write(
        "template.yaml",
        SAM_HANDLER
        + "      Policies:\n"
        + "        - Statement:\n"
        + "            - Effect: !If [IsProd, Allow, Allow]\n"
        + "              Action: '*'\n"
        + "              Resource: '*'\n",
    )
    sandbox.write("app.py", "def handler(event, context):\n    return {'ok': True}\n")
    run = sandbox.run("--format", "json", policy=RULES_ONLY)
    assert_blocks(run)
    assert "blocking" in _statuses(run, "GATE-IAC-001")


def test_not_resource_is_judged_as_every_resource(sandbox: Sandbox) -> None:
    """`NotResource` allows every resource but a few: resource-scoped actions on it are
    GATE-IAC-002, as with `Resource: "*"`."""
    sandbox.write(
        "template.yaml",
        SAM_HANDLER
        + "      Policies:\n"
        + "        - Statement:\n"
        + "            - Effect: Allow\n"
        + "              Action: dynamodb:DeleteTable\n"
        + "              NotResource: arn:aws:dynamodb:*:*:table/keep\n",
    )
    sandbox.write("app.py", "def handler(event, context):\n    return {'ok': True}\n")
    run = sandbox.run("--format", "json", policy=RULES_ONLY)
    assert_blocks(run)
    assert "blocking" in _statuses(run, "GATE-IAC-002")
