"""The serverless rules never crash a scan: an IAM action their data does not know is a
finding (GATE-IAC-004), a rule that raises on one function is a scan issue naming the
rule, function and file while the other functions and rules still run, a Python file
they cannot parse is a scan issue, and any shape of policy document is understood, a
finding or a clear issue (Hypothesis)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import gate.rules as rules
from gate.bundle.discovery.bundle import discover
from gate.errors import BundleError
from gate.rules import Analysis, analyse, syntax_problem
from gate.rules.context import BundleContext
from gate.rules.findings import RawFinding
from gate.rules.iam.roles import grants
from gate.rules.iam.unknown import is_known, known_actions

HANDLER = "def handler(event, context):\n    return 1\n"
# A handler whose AWS calls are known, so the least-privilege rule compares the grants.
CALLING = (
    "import boto3\n\n"
    "S3 = boto3.client('s3')\n\n\n"
    "def handler(event, context):\n"
    "    return S3.get_object(Bucket='b', Key='k')\n"
)


def analysed(root: Path) -> Analysis:
    return analyse(BundleContext("b", root, root, discover(root, "b").functions))


def sam(policies: object, functions: tuple[str, ...] = ("Fn",)) -> str:
    resources = {
        name: {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "Handler": "app.handler",
                "Runtime": "python3.12",
                "CodeUri": ".",
                "Tracing": "Active",
                "Policies": policies,
            },
        }
        for name in functions
    }
    return yaml.safe_dump({"Transform": "AWS::Serverless-2016-10-31", "Resources": resources})


def serverless(statements: object) -> str:
    return yaml.safe_dump(
        {
            "service": "s",
            "provider": {
                "name": "aws",
                "runtime": "python3.12",
                "iam": {"role": {"statements": statements}},
            },
            "functions": {"fn": {"handler": "app.handler"}},
        }
    )


TERRAFORM = """\
data "aws_iam_policy_document" "fn" {
  statement {
    effect    = "EFFECT"
    actions   = ["ACTION"]
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

resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = aws_iam_role.fn.arn
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "src"
}
"""


# --- which actions IAM knows


@pytest.mark.parametrize(
    ("action", "known"),
    [
        ("*", True),
        ("s3:*", True),
        ("s3:GetObject", True),
        ("S3:getobject", True),
        ("s3:Get*", True),
        ("iam:PassRol?", True),
        ("s3:Gte*", False),
        ("sts:GetCallerIdentify", False),
        ("bedrock-runtime:InvokeModel", False),
        ("bedrock:InvokeModel", True),
        ("nosuchservice:*", False),
        ("s3", False),
        ("s3:", False),
        (":GetObject", False),
        ("", False),
    ],
)
def test_known_actions(action: str, known: bool) -> None:
    assert is_known(action) is known


def test_known_actions_are_spelled_as_the_data_spells_them() -> None:
    assert known_actions("S3:getobject") == ["s3:GetObject"]


# --- GATE-IAC-004 in every syntax


def _unknown(analysis: Analysis) -> list[RawFinding]:
    assert analysis.issues == []
    return [f for f in analysis.findings if f.rule_id == "GATE-IAC-004"]


def test_unknown_action_in_sam_inline_policy(tmp_path: Path) -> None:
    statement = {"Effect": "Allow", "Action": ["sts:GetCallerIdentify"], "Resource": "*"}
    (tmp_path / "template.yaml").write_text(sam([{"Statement": [statement]}]))
    (tmp_path / "app.py").write_text(HANDLER)
    [finding] = _unknown(analysed(tmp_path))
    assert finding.path == "template.yaml" and finding.line
    assert "`sts:GetCallerIdentify`" in finding.message and finding.severity is None


def test_unknown_action_in_a_deny_is_medium(tmp_path: Path) -> None:
    statement = {"Effect": "Deny", "Action": "s3:DeleteBuckte", "Resource": "*"}
    (tmp_path / "serverless.yml").write_text(serverless([statement]))
    (tmp_path / "app.py").write_text(HANDLER)
    [finding] = _unknown(analysed(tmp_path))
    assert finding.severity == "medium" and "denies nothing" in finding.message


def test_unknown_action_in_not_action(tmp_path: Path) -> None:
    statement = {"Effect": "Allow", "NotAction": "iam:PassRoel", "Resource": "*"}
    (tmp_path / "serverless.yml").write_text(serverless([statement]))
    (tmp_path / "app.py").write_text(HANDLER)
    assert len(_unknown(analysed(tmp_path))) == 1


@pytest.mark.parametrize("effect", ["Allow", "Deny"])
def test_unknown_action_in_terraform_policy_document(tmp_path: Path, effect: str) -> None:
    text = TERRAFORM.replace("EFFECT", effect).replace("ACTION", "bedrock-runtime:InvokeModel")
    (tmp_path / "main.tf").write_text(text)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text(HANDLER)
    [finding] = _unknown(analysed(tmp_path))
    assert finding.path == "main.tf" and finding.line == 4


def test_known_actions_are_not_reported(tmp_path: Path) -> None:
    statement = {"Effect": "Allow", "Action": ["s3:GetObject", "sts:Get*"], "Resource": "*"}
    (tmp_path / "template.yaml").write_text(sam([{"Statement": [statement]}]))
    (tmp_path / "app.py").write_text(HANDLER)
    assert _unknown(analysed(tmp_path)) == []


# --- a rule that raises


def test_a_rule_failing_on_one_function_names_it_and_the_others_still_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "template.yaml").write_text(sam([], functions=("Good", "Bad")))
    (tmp_path / "app.py").write_text(HANDLER)
    real = rules.rules()

    def picky(context: BundleContext) -> list[RawFinding]:
        if any(f.name == "Bad" for f in context.functions):
            raise KeyError("privileges_lower_name")
        return [
            RawFinding("GATE-IAC-015", "seen", "template.yaml", resource=context.functions[0].name)
        ]

    monkeypatch.setattr(rules, "rules", lambda: [rules.Rule("iam", picky, "iac"), *real[:1]])
    analysis = analysed(tmp_path)
    [issue] = analysis.issues
    assert issue.path == "template.yaml" and issue.rule == "iam"
    assert issue.message == (
        "the iam rules failed on function Bad: KeyError: 'privileges_lower_name'"
    )
    assert [f.resource for f in analysis.findings if f.message == "seen"] == ["Good"]


def test_a_rule_failing_without_functions_names_the_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(context: BundleContext) -> list[RawFinding]:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(rules, "rules", lambda: [rules.Rule("taint", broken, "code")])
    [issue] = analysed(tmp_path).issues
    assert issue.path is None
    assert (
        issue.message == "the taint rules failed: RecursionError: maximum recursion depth exceeded"
    )


# --- code the rules cannot parse


@pytest.mark.parametrize(
    ("source", "line", "reason"),
    [
        ("def f(:\n    pass\n", 1, "invalid syntax"),
        ("x = (\n", 1, "never closed"),
        ("x = 1\0\n", None, "null bytes"),
        ("x = " + "(" * 300 + ")" * 300 + "\n", 1, "too many nested parentheses"),
        ("x = 1\n", None, None),
    ],
)
def test_syntax_problem(source: str, line: int | None, reason: str | None) -> None:
    problem = syntax_problem(source)
    if reason is None:
        assert problem is None
    else:
        assert problem is not None and problem[0] == line and reason in problem[1]


def test_every_unparsable_python_file_is_an_issue(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(sam([]))
    (tmp_path / "app.py").write_text(HANDLER)
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "util.py").write_text("def f(:\n")
    issues = analysed(tmp_path).issues
    assert [(i.path, i.line, i.rule) for i in issues] == [("lib/util.py", 1, None)]
    assert issues[0].describe() == "line 1: cannot parse it: invalid syntax"


# --- fuzz: any shape of policy document

ACTIONS = st.sampled_from(
    [
        "*",
        "s3:*",
        "s3:GetObject",
        "S3:getobject",
        "s3:Get*",
        "iam:Pass?ole",
        "sts:GetCallerIdentify",
        "bedrock-runtime:InvokeModel",
        ":",
        "s3:",
        ":GetObject",
        "arn:aws:s3:::b/*",
        "${aws:username}",
    ]
)
INTRINSICS = st.sampled_from(
    ["Ref", "Fn::Sub", "Fn::GetAtt", "Fn::If", "Fn::Join", "Fn::ImportValue"]
)
LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    ACTIONS,
)
VALUES = st.recursive(
    LEAVES,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(INTRINSICS, st.text(max_size=8)), inner, max_size=3),
    ),
    max_leaves=12,
)
ODD_STATEMENTS = st.fixed_dictionaries(
    {},
    optional={
        "Effect": st.one_of(st.sampled_from(["Allow", "Deny", "allow", ""]), VALUES),
        "Action": VALUES,
        "NotAction": VALUES,
        "Resource": VALUES,
        "NotResource": VALUES,
        "Condition": VALUES,
        "Principal": VALUES,
        "Sid": VALUES,
    },
)
# Near-real statements, so the deeper rules (wildcards, resource scoping, least
# privilege) see the odd actions, not only the readers.
REAL_STATEMENTS = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "Action": st.one_of(ACTIONS, st.lists(st.one_of(ACTIONS, VALUES), max_size=4)),
        "Resource": st.one_of(st.just("*"), st.lists(st.sampled_from(["*", "arn:aws:s3:::b"]))),
    },
    optional={"Condition": VALUES, "NotAction": st.one_of(ACTIONS, VALUES)},
)
STATEMENTS = st.one_of(REAL_STATEMENTS, ODD_STATEMENTS)
DOCUMENTS = st.one_of(
    st.fixed_dictionaries({"Statement": st.lists(STATEMENTS, max_size=3)}),
    st.fixed_dictionaries(
        {
            "Statement": st.one_of(
                STATEMENTS, st.lists(st.one_of(STATEMENTS, VALUES), max_size=3), VALUES
            )
        },
        optional={"Version": VALUES},
    ),
    VALUES,
)
SAM_POLICIES = st.one_of(
    st.lists(
        st.one_of(
            DOCUMENTS,
            st.sampled_from(["AWSLambdaBasicExecutionRole", "AdministratorAccess", "S3ReadPolicy"]),
            st.dictionaries(
                st.sampled_from(["S3ReadPolicy", "DynamoDBCrudPolicy", "Statement"]),
                VALUES,
                max_size=2,
            ),
        ),
        max_size=3,
    ),
    DOCUMENTS,
)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _no_rule_failed(analysis: Analysis) -> None:
    failed = [i for i in analysis.issues if i.rule is not None]
    assert failed == [], failed


@FUZZ
@given(policies=SAM_POLICIES)
def test_fuzz_sam_inline_policies(tmp_path: Path, policies: object) -> None:
    (tmp_path / "template.yaml").write_text(sam(policies))
    (tmp_path / "app.py").write_text(CALLING)
    _no_rule_failed(analysed(tmp_path))


@FUZZ
@given(statements=st.one_of(st.lists(st.one_of(STATEMENTS, VALUES), max_size=3), VALUES))
def test_fuzz_serverless_iam_statements(tmp_path: Path, statements: object) -> None:
    (tmp_path / "serverless.yml").write_text(serverless(statements))
    (tmp_path / "app.py").write_text(CALLING)
    _no_rule_failed(analysed(tmp_path))


def test_an_unreadable_python_file_is_an_issue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Running as root, chmod cannot make a file unreadable: the read fails by injection."""
    (tmp_path / "template.yaml").write_text(sam([]))
    (tmp_path / "app.py").write_text(HANDLER)
    (tmp_path / "util.py").write_text("X = 1\n")
    real = Path.read_bytes

    def failing(self: Path) -> bytes:
        if self.name == "util.py":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", failing)
    issues = analysed(tmp_path).issues
    assert [(i.path, i.message) for i in issues] == [
        ("util.py", "cannot read it: Permission denied")
    ]


def test_a_folder_named_like_a_python_file_is_not_one(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(sam([]))
    (tmp_path / "app.py").write_text(HANDLER)
    (tmp_path / "data.py").mkdir()
    assert analysed(tmp_path).issues == []


def test_source_is_decoded_as_the_interpreter_decodes_it(tmp_path: Path) -> None:
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbfX = 1\n")
    (tmp_path / "latin.py").write_bytes(b"# coding: latin-1\nX = '\xe9'\n")
    context = BundleContext("b", tmp_path, tmp_path, ())
    assert context.source("bom.py") == "X = 1\n"
    assert context.source("latin.py") == "# coding: latin-1\nX = '\u00e9'\n"
    assert context.source("missing.py") is None


TF_FILE_POLICY = """\
resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "fn" {
  role   = aws_iam_role.fn.id
  policy = file("NAME")
}

resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = aws_iam_role.fn.arn
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "src"
}
"""
ADMIN = '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'


def _file_policy(root: Path, name: str) -> Analysis:
    (root / "main.tf").write_text(TF_FILE_POLICY.replace("NAME", name))
    (root / "src").mkdir()
    (root / "src" / "app.py").write_text(CALLING)
    return analysed(root)


def test_a_policy_file_inside_the_bundle_is_read(tmp_path: Path) -> None:
    (tmp_path / "policy.json").write_text(ADMIN)
    assert "GATE-IAC-001" in {f.rule_id for f in _file_policy(tmp_path, "policy.json").findings}


@pytest.mark.parametrize("where", ["absolute", "parent", "device"])
def test_a_policy_file_outside_the_bundle_is_never_read(tmp_path: Path, where: str) -> None:
    """`file()` may name anything on the runner: only the bundle's own files are read (a
    runner's file could leak into the report, and /dev/zero never ends)."""
    outside = tmp_path / "outside.json"
    outside.write_text(ADMIN)
    root = tmp_path / "bundle"
    root.mkdir()
    name = {"absolute": str(outside), "parent": "../outside.json", "device": "/dev/zero"}[where]
    analysis = _file_policy(root, name)
    assert "GATE-IAC-001" not in {f.rule_id for f in analysis.findings}
    context = BundleContext("b", root, root, discover(root, "b").functions)
    granted = grants(context, context.functions[0])
    # Nothing of the file is read: the policy is one statement the gate could not read,
    # which is reported (it may grant anything), never its content.
    assert [(s.actions, s.resources) for s in granted.statements] == [((), ())]
    assert all("is not read by the gate" in (s.unreadable or "") for s in granted.statements)


def test_a_relative_import_above_the_bundle_is_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "template.yaml").write_text(sam([]))
    (tmp_path / "app.py").write_text("from ...... import helpers\n\n\n" + CALLING)
    assert analysed(tmp_path).issues == []


def _hcl(value: object) -> str:
    """A Python value as an HCL expression (for `jsonencode(...)`)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_hcl(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_hcl(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value).replace("${", "$${").replace("%{", "%%{")
    if isinstance(value, float) and "e" in repr(value):
        # The HCL parser reads plain decimals only: 1e+16 as 10000000000000000.
        return format(value, "f")
    return json.dumps(value)


TF_JSONENCODE = TF_FILE_POLICY.replace('file("NAME")', "jsonencode(DOCUMENT)")


@FUZZ
@given(document=DOCUMENTS)
def test_fuzz_terraform_jsonencode_policies(tmp_path: Path, document: object) -> None:
    root = tmp_path / "fuzz"
    shutil.rmtree(root, ignore_errors=True)
    (root / "src").mkdir(parents=True)
    (root / "main.tf").write_text(TF_JSONENCODE.replace("DOCUMENT", _hcl(document)))
    (root / "src" / "app.py").write_text(CALLING)
    try:
        functions = discover(root, "b").functions
    except BundleError:
        assume(False)  # text the HCL parser refuses never reaches the rules
        return
    _no_rule_failed(analyse(BundleContext("b", root, root, functions)))
