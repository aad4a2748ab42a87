"""Hostile IAM grants against the gate's own role rules (GATE-IAC-001/004): wildcards
spelled as IAM globs, admin statements behind `Fn::If` (either branch may deploy) or
`AWS::NoValue`, policy documents written as JSON strings, and values built to make the
rules' regular expressions backtrack.

Each case runs the real `gate check` in a sandbox (tests/hostile/conftest.py): exit
code, no traceback, nothing written outside its temp dirs and nothing from the bundle
run. checkov is off (the harness's default policy), so what blocks is the gate's own rule.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.conftest import (
    HostileRun,
    Layout,
    Sandbox,
    assert_blocks,
    assert_refused,
    blocking,
    each_blocks_with,
    files,
    zipped,
)

HANDLER = "def handler(event, context):\n    return {'ok': True}\n"
SAM = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Conditions:
  Never: !Equals [a, b]
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
{properties}
"""
ROLE = """\
      Role: !GetAtt Runner.Arn
  Runner:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {{}}
{role}"""
ADMIN = "{Effect: Allow, Action: '*', Resource: '*'}"
NARROW = "{Effect: Allow, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*'}"
ADMIN_JSON = json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def _findings(run: HostileRun, rule_id: str) -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads(run.stdout)
    return [f for f in data["findings"] if f["rule_id"] == rule_id]


def _sam(properties: str) -> Layout:
    """A SAM function with `properties`, and its handler."""
    return files({"template.yaml": SAM.format(properties=properties), "src/app.py": HANDLER})


def _blocks_with(run: HostileRun, rule_id: str, severity: str) -> None:
    assert_blocks(run)
    found = _findings(run, rule_id)
    assert any(f["severity"] == severity and f["status"] == "blocking" for f in found), found


# --- wildcards IAM's globbing reads as "every action" --------------------------------


def _allowing(action: str, resource: str) -> Layout:
    """A SAM function whose inline policy allows `action` on `resource`."""
    statement = f"{{Effect: Allow, Action: {action}, Resource: {resource}}}"
    return _sam(f"      Policies:\n        - Statement: [{statement}]")


# (case, the action as IAM reads it)
GLOBS_OF_EVERYTHING = {
    "star-colon-star": "*:*",
    "any-colon-star": "?*:*",
    "stars-colon-stars": "**:**",
    "star-any": "*?",
    "star-any-quoted": "'*?*?*'",
}
GLOBS_OF_A_SERVICE = {
    "iam-star-any": "iam:*?",
    "s3-stars": "s3:**",
    "iam-upper-any-star": "IAM:?*",
    "iam-star": "iam*",
}


def test_each_glob_of_every_action_is_critical(tmp_path: Path) -> None:
    each_blocks_with(
        tmp_path,
        {
            name: _allowing(f"'{action.strip(chr(39))}'", "'*'")
            for name, action in GLOBS_OF_EVERYTHING.items()
        },
        blocking("GATE-IAC-001", "critical"),
    )


def test_each_glob_of_every_action_of_a_service_is_high(tmp_path: Path) -> None:
    each_blocks_with(
        tmp_path,
        {
            name: _allowing(f"'{action}'", "'arn:aws:s3:::b'")
            for name, action in GLOBS_OF_A_SERVICE.items()
        },
        blocking("GATE-IAC-001", "high"),
    )


# --- Fn::If: whichever branch deploys, the worse one is judged ------------------------

FN_IF_CASES = {
    "sam-policies-long-form": (
        "      Policies:\n        - Fn::If: [Never, {Statement: [" + NARROW + "]}, "
        "{Statement: [" + ADMIN + "]}]"
    ),
    "sam-policies-whole-list": (
        "      Policies: !If [Never, [AWSLambdaBasicExecutionRole], [AdministratorAccess]]"
    ),
    "sam-statement-is-an-if": (
        "      Policies:\n        - Statement: !If [Never, [" + NARROW + "], [" + ADMIN + "]]"
    ),
    "sam-statement-nested-ifs": (
        "      Policies:\n        - Statement:\n            - !If [Never, "
        + NARROW
        + ", !If [Never, "
        + NARROW
        + ", "
        + ADMIN
        + "]]"
    ),
    "sam-novalue-beside-admin": (
        "      Policies:\n        - Statement:\n            - !Ref AWS::NoValue\n"
        "            - !If [Never, !Ref AWS::NoValue, " + ADMIN + "]"
    ),
    "role-policy-document-is-an-if": ROLE.format(
        role="      Policies:\n        - PolicyName: p\n          PolicyDocument: !If\n"
        "            - Never\n            - {Statement: [" + NARROW + "]}\n"
        "            - {Statement: [" + ADMIN + "]}"
    ),
    "role-policies-item-is-an-if": ROLE.format(
        role="      Policies:\n        - !If\n            - Never\n"
        "            - !Ref AWS::NoValue\n"
        "            - {PolicyName: p, PolicyDocument: {Statement: [" + ADMIN + "]}}"
    ),
    "role-managed-arn-is-an-if": ROLE.format(
        role="      ManagedPolicyArns:\n        - !If\n            - Never\n"
        "            - !Ref AWS::NoValue\n"
        "            - arn:aws:iam::aws:policy/AdministratorAccess"
    ),
}


def test_each_admin_grant_behind_fn_if_blocks(tmp_path: Path) -> None:
    each_blocks_with(
        tmp_path,
        {name: _sam(properties) for name, properties in FN_IF_CASES.items()},
        blocking("GATE-IAC-001", "critical"),
    )


def test_an_admin_statement_behind_fn_if_in_serverless_yml_blocks(sandbox: Sandbox) -> None:
    sandbox.write(
        "serverless.yml",
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n  iam:\n    role:\n"
        "      statements:\n        - Fn::If: [Never, " + NARROW + ", " + ADMIN + "]\n"
        "functions:\n  f:\n    handler: app.handler\n",
    )
    sandbox.write("app.py", HANDLER)
    _blocks_with(sandbox.run("--format", "json"), "GATE-IAC-001", "critical")


# --- policy documents written as JSON strings ---------------------------------------

JSON_CASES = {
    "sam-policies-item": f"      Policies:\n        - '{ADMIN_JSON}'",
    "sam-policies-if-of-strings": (
        f"      Policies:\n        - !If [Never, '{{}}', '{ADMIN_JSON}']"
    ),
    "attached-policy-resource": (
        "      Role: !GetAtt Runner.Arn\n  Runner:\n    Type: AWS::IAM::Role\n"
        "    Properties:\n      AssumeRolePolicyDocument: {}\n  Attached:\n"
        "    Type: AWS::IAM::Policy\n    Properties:\n      PolicyName: p\n"
        f"      Roles: [!Ref Runner]\n      PolicyDocument: '{ADMIN_JSON}'"
    ),
    "role-document-statement-list": ROLE.format(
        role="      Policies:\n        - PolicyName: p\n          PolicyDocument: "
        + repr(json.dumps([{"Effect": "Allow", "Action": "*", "Resource": "*"}]))
    ),
}


def test_each_admin_policy_written_as_a_json_string_blocks(tmp_path: Path) -> None:
    each_blocks_with(
        tmp_path,
        {name: _sam(properties) for name, properties in JSON_CASES.items()},
        blocking("GATE-IAC-001", "critical"),
    )


UNPARSABLE_DOCUMENTS = {
    "truncated": '\'{"Statement": [{"Effect": "Allow", "Action": "*"\'',
    "a-json-scalar": "'\"*\"'",
    "unbalanced": "'[[[[[['",
}


def test_each_policy_document_string_that_does_not_parse_blocks(tmp_path: Path) -> None:
    role = "      Policies:\n        - PolicyName: p\n          PolicyDocument: {}"
    each_blocks_with(
        tmp_path,
        {
            name: _sam(ROLE.format(role=role.format(document)))
            for name, document in UNPARSABLE_DOCUMENTS.items()
        },
        blocking("GATE-IAC-004", "high", "could not read"),
    )


# --- values built to make the rules' regular expressions backtrack ------------------
# The serverless scanner gets 30 s (the values cost minutes before the fix); the run's
# exit code says whether it finished, never a timed assertion.

SLOW_POLICY = "version: 1\nscanners:\n  checkov: {enabled: false}\n  serverless: {timeout_s: 30}\n"
STALLS = {
    "url-scheme-run": "'" + "a-" * 150_000 + "'",
    "url-scheme-dots": "'" + "a." * 150_000 + "://'",
    "nested-interpolations": "'" + "${" * 60_000 + "x" + "}" * 60_000 + "'",
}


@pytest.mark.slow
@pytest.mark.parametrize("value", STALLS.values(), ids=STALLS.keys())
def test_an_environment_value_cannot_stall_the_rules(sandbox: Sandbox, value: str) -> None:
    environment = f"      Environment:\n        Variables:\n          NOTE: {value}"
    sandbox.write("template.yaml", SAM.format(properties=environment))
    sandbox.write("src/app.py", HANDLER)
    run = sandbox.run(policy=SLOW_POLICY)
    assert run.code == 0, run.stderr


@pytest.mark.slow
def test_a_format_string_of_zeros_cannot_stall_the_taint_rules(sandbox: Sandbox) -> None:
    code = f"def handler(event, context):\n    return '%{'0' * 200_000}' % event\n"
    sandbox.write("template.yaml", SAM.format(properties=""))
    sandbox.write("src/app.py", code)
    run = sandbox.run(policy=SLOW_POLICY)
    assert run.code in (0, 1), run.stderr


@pytest.mark.slow
@pytest.mark.parametrize(
    "comment",
    [
        "# nosec" + " " * 200_000 + "!",
        "# nosec a" + "_" * 200_000 + "A",
        "# nosec" + " B1" * 60_000,
    ],
    ids=["spaces", "underscores", "many-ids"],
)
def test_a_nosec_comment_cannot_stall_the_suppression_reader(
    sandbox: Sandbox, comment: str
) -> None:
    code = (
        "import subprocess\n\n\ndef handler(event, context):\n"
        f"    return subprocess.call(event['cmd'], shell=True)  {comment}\n"
    )
    sandbox.write("template.yaml", SAM.format(properties=""))
    sandbox.write("src/app.py", code)
    run = sandbox.run(policy=SLOW_POLICY.replace("serverless", "bandit"))
    assert run.code in (0, 1), run.stderr


# --- intrinsics the template itself resolves -----------------------------------------

MAPPINGS = """\
Parameters:
  Pw:
    Type: String
    Default: Sup3rS3cretValue99x
  Prefix:
    Type: String
Mappings:
  M:
    eu-west-1: {act: 's3:GetObject', pw: Sup3rS3cretValue99x}
    us-east-1: {act: '*', pw: Sup3rS3cretValue99x}
"""
MAPPED_ACTIONS = {
    "long-form": "{'Fn::FindInMap': [M, us-east-1, act]}",
    "key-from-an-expression": "!FindInMap [M, !Ref 'AWS::Region', act]",
    "in-a-list": "['s3:GetObject', !FindInMap [M, us-east-1, act]]",
}


def _mapped(properties: str) -> Layout:
    """A SAM function with `properties`, its template's parameters and mappings, and its
    handler."""
    template = SAM.format(properties=properties).replace("Resources:\n", MAPPINGS + "Resources:\n")
    return files({"template.yaml": template, "src/app.py": HANDLER})


def _with_mappings(sandbox: Sandbox, properties: str) -> HostileRun:
    _mapped(properties)(sandbox)
    return sandbox.run("--format", "json")


def test_each_star_action_from_the_templates_mappings_blocks(tmp_path: Path) -> None:
    statement = "{{Effect: Allow, Action: {}, Resource: '*'}}"
    each_blocks_with(
        tmp_path,
        {
            name: _mapped(f"      Policies:\n        - Statement: [{statement.format(action)}]")
            for name, action in MAPPED_ACTIONS.items()
        },
        blocking("GATE-IAC-001", "critical"),
    )


HIDDEN_SECRETS = {
    "ref-long-form": "{Ref: Pw}",
    "find-in-map-long-form": "{'Fn::FindInMap': [M, eu-west-1, pw]}",
    "sub-of-a-literal": "!Sub 'Sup3rS3cretValue99x'",
    "join-long-form": "{'Fn::Join': ['', [Sup3rS3cret, Value99x]]}",
}


def test_each_plaintext_secret_the_template_resolves_blocks(tmp_path: Path) -> None:
    environment = "      Environment:\n        Variables:\n          DB_PASSWORD: {}"
    run = each_blocks_with(
        tmp_path,
        {name: _mapped(environment.format(value)) for name, value in HIDDEN_SECRETS.items()},
        blocking("GATE-IAC-012", "high"),
    )
    assert "Sup3rS3cret" not in run.stdout + run.stderr


DEPLOY_TIME = {
    "parameter-without-default": "!Ref Prefix",
    "join-with-a-reference": "!Join ['', [!Ref Prefix, '-suffix-value']]",
    "secrets-manager": "'{{resolve:secretsmanager:db:SecretString:password}}'",
}


@pytest.mark.parametrize("value", DEPLOY_TIME.values(), ids=DEPLOY_TIME.keys())
def test_a_value_resolved_at_deploy_time_is_no_plaintext_secret(
    sandbox: Sandbox, value: str
) -> None:
    environment = f"      Environment:\n        Variables:\n          DB_PASSWORD: {value}"
    run = _with_mappings(sandbox, environment)
    assert run.code == 0, run.stdout[-2000:]
    assert not _findings(run, "GATE-IAC-012")


# --- serverless.yml variables: resolved within the bundle, never outside --------------

SLS = (
    "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n{provider}"
    "functions:\n  f:\n    handler: app.handler\n{function}{extra}"
)
SLS_STATEMENTS = "  iam:\n    role:\n      statements: {statements}\n"
SLS_ACTION = SLS_STATEMENTS.format(
    statements="\n        - {Effect: Allow, Action: '%s', Resource: '*'}"
)
IAM_YML = "- Effect: Allow\n  Action: '*'\n  Resource: '*'\n"


def _sls_bundle(provider: str, extra: str = "", function: str = "") -> Layout:
    """A serverless.yml service of `provider`, `extra` and `function` settings, with its
    handler and the policy files its variables may name."""
    return files(
        {
            "serverless.yml": SLS.format(provider=provider, function=function, extra=extra),
            "app.py": HANDLER,
            "iam.yml": IAM_YML,
            "policies/more.yml": "admin:\n"
            + "".join(f"  {line}\n" for line in IAM_YML.splitlines()),
        }
    )


def _sls(sandbox: Sandbox, provider: str, extra: str = "", function: str = "") -> HostileRun:
    _sls_bundle(provider, extra, function)(sandbox)
    return sandbox.run("--format", "json")


SLS_ADMIN_CASES = {
    "self-list": (
        SLS_STATEMENTS.format(statements="${self:custom.st}"),
        "custom:\n  st:\n    - {Effect: Allow, Action: '*', Resource: '*'}\n",
        "",
    ),
    "self-chain": (
        SLS_ACTION % "${self:custom.a}",
        "custom:\n  a: ${self:custom.b}\n  b: '*'\n",
        "",
    ),
    "self-in-text": (SLS_ACTION % "${self:custom.svc}:*", "custom:\n  svc: '*'\n", ""),
    "file-with-selector": (
        SLS_STATEMENTS.format(statements="${file(./policies/more.yml):admin}"),
        "",
        "",
    ),
    "file-per-function": ("", "", "    iamRoleStatements: ${file(./iam.yml)}\n"),
}


def test_each_admin_grant_behind_a_serverless_variable_blocks(tmp_path: Path) -> None:
    each_blocks_with(
        tmp_path,
        {name: _sls_bundle(*case) for name, case in SLS_ADMIN_CASES.items()},
        blocking("GATE-IAC-001", "critical"),
    )


def test_a_cycle_of_serverless_variables_ends(sandbox: Sandbox) -> None:
    run = _sls(
        sandbox,
        SLS_ACTION % "${self:custom.a}",
        "custom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}\n",
    )
    assert_refused(run, "serverless.yml", "more than 16 deep")


OUTSIDE_FILES = {
    "etc-passwd": "/etc/passwd",
    "parent-folder": "../outside.yml",
    "missing": "./missing.yml",
    "the-bundle-folder": "./",
}


def test_each_file_variable_outside_the_bundle_is_not_read(tmp_path: Path) -> None:
    run = each_blocks_with(
        tmp_path,
        {
            name: _sls_bundle(SLS_STATEMENTS.format(statements="${file(" + target + ")}"))
            for name, target in OUTSIDE_FILES.items()
        },
        blocking("GATE-IAC-004", "high"),
    )
    assert "root:" not in run.stdout + run.stderr


def test_an_env_variable_is_never_resolved(sandbox: Sandbox) -> None:
    sandbox.write(
        "serverless.yml", SLS.format(provider=SLS_ACTION % "${env:ACT}", function="", extra="")
    )
    sandbox.write("app.py", HANDLER)
    run = sandbox.run("--format", "json", env={"ACT": "*"})
    # Never resolved (no GATE-IAC-001 from the runner's `*`), but the deploy's value may
    # be any action: a policy the gate could not read, which blocks.
    assert run.code == 1, run.stdout[-2000:]
    assert not _findings(run, "GATE-IAC-001")
    unread = _findings(run, "GATE-IAC-004")
    assert any(f["severity"] == "high" for f in unread), unread


def test_a_plaintext_secret_behind_a_self_variable_blocks(sandbox: Sandbox) -> None:
    function = "    environment:\n      DB_PASSWORD: pw-${self:custom.pw}\n"
    run = _sls(sandbox, "", "custom:\n  pw: Sup3rS3cretValue99x\n", function)
    _blocks_with(run, "GATE-IAC-012", "high")
    assert "Sup3rS3cret" not in run.stdout + run.stderr


# --- Terraform policies the gate cannot read are reported, never silently unknown ------

TF = """\
resource "aws_lambda_function" "f" {
  function_name = "f"
  filename      = "app.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = aws_iam_role.r.arn
}
resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = "{}"
}
variable "p" {
  default = "*"
}
"""
TF_UNREADABLE = {
    "variable": "policy = var.p",
    "templatefile-with-a-variable": 'policy = templatefile("p.tpl", { a = var.p })',
    "document-outside-the-module": "policy = data.aws_iam_policy_document.elsewhere.json",
    "merged-documents": "policy = data.aws_iam_policy_document.d.json",
}
DOCUMENT = """\
data "aws_iam_policy_document" "d" {
  source_policy_documents = [var.p]
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:s3:::b/*"]
  }
}
"""


def _terraform(policy: str) -> Layout:
    """A Terraform function whose role's inline policy is `policy`."""
    attached = (
        f'resource "aws_iam_role_policy" "p" {{\n  role = aws_iam_role.r.id\n  {policy}\n}}\n'
    )
    return files(
        {
            "main.tf": TF + DOCUMENT + attached,
            "p.tpl": "${a}",
            "app.zip": zipped({"app.py": HANDLER}),
        }
    )


def test_each_terraform_policy_the_gate_cannot_read_blocks(tmp_path: Path) -> None:
    each_blocks_with(
        tmp_path,
        {name: _terraform(policy) for name, policy in TF_UNREADABLE.items()},
        blocking("GATE-IAC-004", "high", "could not read"),
    )
