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
from typing import Any

import pytest

from tests.hostile.conftest import HostileRun, Sandbox, assert_blocks, assert_refused

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


def _run(sandbox: Sandbox, properties: str) -> HostileRun:
    sandbox.write("template.yaml", SAM.format(properties=properties))
    sandbox.write("src/app.py", HANDLER)
    return sandbox.run("--format", "json")


def _blocks_with(run: HostileRun, rule_id: str, severity: str) -> None:
    assert_blocks(run)
    found = _findings(run, rule_id)
    assert any(f["severity"] == severity and f["status"] == "blocking" for f in found), found


# --- wildcards IAM's globbing reads as "every action" --------------------------------


@pytest.mark.parametrize("action", ["*:*", "?*:*", "**:**", "*?", "'*?*?*'"])
def test_a_glob_of_every_action_is_critical(sandbox: Sandbox, action: str) -> None:
    statement = f"{{Effect: Allow, Action: '{action.strip(chr(39))}', Resource: '*'}}"
    run = _run(sandbox, f"      Policies:\n        - Statement: [{statement}]")
    _blocks_with(run, "GATE-IAC-001", "critical")


@pytest.mark.parametrize("action", ["iam:*?", "s3:**", "IAM:?*", "iam*"])
def test_a_glob_of_every_action_of_a_service_is_high(sandbox: Sandbox, action: str) -> None:
    statement = f"{{Effect: Allow, Action: '{action}', Resource: 'arn:aws:s3:::b'}}"
    run = _run(sandbox, f"      Policies:\n        - Statement: [{statement}]")
    _blocks_with(run, "GATE-IAC-001", "high")


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


@pytest.mark.parametrize("properties", FN_IF_CASES.values(), ids=FN_IF_CASES.keys())
def test_an_admin_grant_behind_fn_if_blocks(sandbox: Sandbox, properties: str) -> None:
    _blocks_with(_run(sandbox, properties), "GATE-IAC-001", "critical")


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


@pytest.mark.parametrize("properties", JSON_CASES.values(), ids=JSON_CASES.keys())
def test_an_admin_policy_written_as_a_json_string_blocks(sandbox: Sandbox, properties: str) -> None:
    _blocks_with(_run(sandbox, properties), "GATE-IAC-001", "critical")


@pytest.mark.parametrize(
    "document",
    ['\'{"Statement": [{"Effect": "Allow", "Action": "*"\'', "'\"*\"'", "'[[[[[['"],
    ids=["truncated", "a-json-scalar", "unbalanced"],
)
def test_a_policy_document_string_that_does_not_parse_blocks(
    sandbox: Sandbox, document: str
) -> None:
    role = f"      Policies:\n        - PolicyName: p\n          PolicyDocument: {document}"
    run = _run(sandbox, ROLE.format(role=role))
    _blocks_with(run, "GATE-IAC-004", "high")
    assert any("could not read" in f["message"] for f in _findings(run, "GATE-IAC-004"))


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


def _with_mappings(sandbox: Sandbox, properties: str) -> HostileRun:
    template = SAM.format(properties=properties).replace("Resources:\n", MAPPINGS + "Resources:\n")
    sandbox.write("template.yaml", template)
    sandbox.write("src/app.py", HANDLER)
    return sandbox.run("--format", "json")


@pytest.mark.parametrize("action", MAPPED_ACTIONS.values(), ids=MAPPED_ACTIONS.keys())
def test_a_star_action_from_the_templates_mappings_blocks(sandbox: Sandbox, action: str) -> None:
    statement = f"{{Effect: Allow, Action: {action}, Resource: '*'}}"
    run = _with_mappings(sandbox, f"      Policies:\n        - Statement: [{statement}]")
    _blocks_with(run, "GATE-IAC-001", "critical")


HIDDEN_SECRETS = {
    "ref-long-form": "{Ref: Pw}",
    "find-in-map-long-form": "{'Fn::FindInMap': [M, eu-west-1, pw]}",
    "sub-of-a-literal": "!Sub 'Sup3rS3cretValue99x'",
    "join-long-form": "{'Fn::Join': ['', [Sup3rS3cret, Value99x]]}",
}


@pytest.mark.parametrize("value", HIDDEN_SECRETS.values(), ids=HIDDEN_SECRETS.keys())
def test_a_plaintext_secret_the_template_resolves_blocks(sandbox: Sandbox, value: str) -> None:
    environment = f"      Environment:\n        Variables:\n          DB_PASSWORD: {value}"
    run = _with_mappings(sandbox, environment)
    _blocks_with(run, "GATE-IAC-012", "high")
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


def _sls(sandbox: Sandbox, provider: str, extra: str = "", function: str = "") -> HostileRun:
    sandbox.write("serverless.yml", SLS.format(provider=provider, function=function, extra=extra))
    sandbox.write("app.py", HANDLER)
    sandbox.write("iam.yml", IAM_YML)
    sandbox.write(
        "policies/more.yml", "admin:\n" + "".join(f"  {line}\n" for line in IAM_YML.splitlines())
    )
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


@pytest.mark.parametrize(
    "provider,extra,function", SLS_ADMIN_CASES.values(), ids=SLS_ADMIN_CASES.keys()
)
def test_an_admin_grant_behind_a_serverless_variable_blocks(
    sandbox: Sandbox, provider: str, extra: str, function: str
) -> None:
    _blocks_with(_sls(sandbox, provider, extra, function), "GATE-IAC-001", "critical")


def test_a_cycle_of_serverless_variables_ends(sandbox: Sandbox) -> None:
    run = _sls(
        sandbox,
        SLS_ACTION % "${self:custom.a}",
        "custom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}\n",
    )
    assert_refused(run, "serverless.yml", "more than 16 deep")


@pytest.mark.parametrize("target", ["/etc/passwd", "../outside.yml", "./missing.yml", "./"])
def test_a_file_variable_outside_the_bundle_is_not_read(sandbox: Sandbox, target: str) -> None:
    run = _sls(sandbox, SLS_STATEMENTS.format(statements="${file(" + target + ")}"))
    _blocks_with(run, "GATE-IAC-004", "high")
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


def _zip(sandbox: Sandbox) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", HANDLER)
    sandbox.write("app.zip", buffer.getvalue())


@pytest.mark.parametrize("policy", TF_UNREADABLE.values(), ids=TF_UNREADABLE.keys())
def test_a_terraform_policy_the_gate_cannot_read_blocks(sandbox: Sandbox, policy: str) -> None:
    attached = (
        f'resource "aws_iam_role_policy" "p" {{\n  role = aws_iam_role.r.id\n  {policy}\n}}\n'
    )
    sandbox.write("main.tf", TF + DOCUMENT + attached)
    sandbox.write("p.tpl", "${a}")
    _zip(sandbox)
    run = sandbox.run("--format", "json")
    _blocks_with(run, "GATE-IAC-004", "high")
    assert any("could not read" in f["message"] for f in _findings(run, "GATE-IAC-004"))
