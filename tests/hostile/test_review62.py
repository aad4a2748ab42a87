"""A sixty-second hostile review of `gate check`, on the fixes of reviews 60 and 61: the one
Terraform file lister (gate.bundle.discovery.terraform_defined `module_files`,
`variable_files`, `terraform_ignores`, `named_blocks`), the quoted-string check
(gate.bundle.discovery.hcl_quotes `check_quoted_strings`), diff mode's `_address_touched`
(gate.scan.diff), resources that name a function as text (gate.bundle.discovery.reach
`holds_function`, `_FUNCTION_TEXT`, `untied`, `INVOKERS`; gate.bundle.discovery
.terraform_reach `ModuleResources._written`), the Chalice project-folder digest and the
lock range rule (gate.bundle.manifests `_locked`, `_admitted`).

The one attack found is a confirmed problem, marked strict xfail until it is fixed: the
tricked change exits 0 in diff mode and on a baseline with the hostile harness's policy
(checkov off), where the same change written plainly blocks in both
(`test_the_plain_forms_block`). Gate runs: three for the changes (`gate baseline create`
at the merge base, a diff-mode run, a `--baseline` run), one for the end states and the
attempts that held, checked whole. What lets it through:

1. A resource of a kind outside `INVOKERS` that names a function by a computed string is
   not untied. Review 60's class 5 fix makes a resource of any kind whose content names a
   Lambda function as text (`holds_function`: `_FUNCTION_TEXT`, an ARN
   `arn:<partition>:lambda:`, `:function:`, an invoke ARN, a lookup or reference, or a
   function's name as a whole text) and that refers to no function of the module reach
   every function there (`untied`), so that in diff mode a change to it touches them and
   on a baseline it enters their identity. But the check is a regular expression on the
   texts as written, after the module's locals and variables are substituted: a string
   Terraform computes with a function is not the text it evaluates to. The merge base
   holds review 56's operator function (admin role, GATE-IAC-001 critical, accepted in
   diff mode and in the baseline), a permission letting Cognito invoke it, and a
   Cognito user pool with no trigger. The change gives the pool a `pre_sign_up`
   trigger (whoever signs up runs the admin function on data they choose) whose ARN is
   (a) `join(":", ["arn", "aws", "lambda", ..., "function", "ops"])`, (b)
   `lower("ARN:AWS:LAMBDA:...:FUNCTION:ops")`, (c) `format("arn:aws:%s:...:%s:ops",
   "lambda", "function")`, (d) `"arn:aws:lambda${""}:...:function${""}:ops"` (an empty
   interpolation in each marker): each evaluates to the function's ARN, none matches
   `_FUNCTION_TEXT`, so the pool is neither tied nor untied, reaches nothing, and each
   exits 0 in diff mode (GATE-IAC-001 `preexisting`) and with `--baseline`
   (`baselined`: `reached_by` and the identity do not change). The same in SAM
   (gate.bundle.discovery.cloudformation `TemplateResources._written`, which checks
   each text of the properties alone): an `AWS::Cognito::UserPool` given a
   `PreSignUp` of (e) `!Sub ["arn:aws:${Svc}:...:${Kind}:ops", {Svc: lambda, Kind:
   function}]`, (f) `!Join [":", [arn, aws, lambda, ..., function, !Join ["", [o,
   ps]]]]`: exit 0 in both modes. The same trigger written as the literal ARN blocks in
   both modes (`plain-literal-arn`, `plain-sam-literal-arn`), and each end state checked
   whole blocks (GATE-IAC-001). Not deployed here (no provider): `join`,
   `lower`, `format` and an empty template sequence evaluated as Terraform documents
   them.
   Suggested fix, by class: do not decide by pattern what a resource outside `INVOKERS`
   names: take as untied any resource whose content the gate cannot reduce to literal
   text (a Terraform function call, an interpolation it does not resolve, an intrinsic
   function such as `Fn::Join` or `Fn::Sub` with a map, a value from a data source
   other than a known inert one), as well as one whose literal text names a function;
   or, failing closed as review 58 meant, count every resource of a module or template
   whose kind is not on a short list of kinds known never to invoke code (an
   allow-list, not a list of invokers) as reaching every function there, in diff mode
   and in the functions' identities.

What held (tried for real): a child module's own `terraform.tfvars` or
`*.auto.tfvars` setting its role's policy to ReadOnlyAccess over an AdministratorAccess
default (Terraform, run in the root, ignores a child's tfvars; the gate still reads the
default: blocked, `held-child-tfvars`, `held-child-auto-tfvars`); a called module in a
hidden folder (`source = "./.fn"`, which Terraform loads; `terraform_ignores` is for
file names only: its function is read and blocks, `held-hidden-module-folder`);
`.tfvars.json` files (refused); `\r\n` line endings before the quoted-string check
(made `\n` first, as hclsyntax ends a line at either); the literal ARN in the trigger
(untied: blocked in both modes, in Terraform and SAM).

Read, not built: `check_quoted_strings` against hclsyntax's scanner (`$$${`, a heredoc
in a sequence, an escaped quote; no divergence found in the time); `_admitted` (a
range is excused only by a release a lock pins that it admits, prereleases not
admitted: the audited version is the one installed from that lock).

What was not covered: the same class in serverless.yml `resources` and awscc; a
function's ARN from a data source of another kind (`aws_ssm_parameter`,
`terraform_remote_state`), which no text check can see; `_address_touched` and the
Chalice project-folder digest (`project_files`, `is_build_output`,
`_project_folder_touched`) beyond reading them; the renaming-settings refusal
(`MAPPING_SETTINGS`, `_mapping`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.conftest import (
    HARMLESS,
    Change,
    Sandbox,
    changes_judged,
    each_blocks,
    files,
    in_both_modes,
    zipped,
)
from tests.hostile.test_review58 import ADMIN, READ_ONLY, ROLE
from tests.hostile.test_review60 import OPERATOR_ALONE, OPERATOR_CODE

# --- 1. a function named by a computed string ------------------------------------------------

COGNITO_PERMISSION = (
    'resource "aws_lambda_permission" "cognito" {\n  statement_id = "cognito"\n'
    '  action = "lambda:InvokeFunction"\n'
    "  function_name = aws_lambda_function.ops.function_name\n"
    '  principal = "cognito-idp.amazonaws.com"\n}\n\n'
)
"""Cognito may invoke the operator function (no source: any user pool of the account)."""


def user_pool(trigger: str | None) -> str:
    """A Cognito user pool; with `trigger`, one whose sign-ups run the function it names."""
    inner = f"  lambda_config {{\n    pre_sign_up = {trigger}\n  }}\n" if trigger else ""
    return f'resource "aws_cognito_user_pool" "users" {{\n  name = "users"\n{inner}}}\n'


def triggered(trigger: str) -> Change:
    """The operator function (admin role, accepted) that Cognito may invoke, and a user
    pool with no trigger; the change gives the pool a pre-sign-up trigger: `trigger`."""
    main = OPERATOR_ALONE + COGNITO_PERMISSION
    return (
        {**OPERATOR_CODE, "main.tf": main + user_pool(None)},
        {"main.tf": main + user_pool(trigger)},
    )


ARN = "arn:aws:lambda:us-east-1:123456789012:function:ops"
COMPUTED: dict[str, Change] = {
    "1a-join": triggered(
        'join(":", ["arn", "aws", "lambda", "us-east-1", "123456789012", "function", "ops"])'
    ),
    "1b-lower": triggered('lower("ARN:AWS:LAMBDA:US-EAST-1:123456789012:FUNCTION:ops")'),
    "1c-format": triggered(
        'format("arn:aws:%s:us-east-1:123456789012:%s:ops", "lambda", "function")'
    ),
    "1d-empty-sequence": triggered(
        '"arn:aws:lambda${""}:us-east-1:123456789012:function${""}:ops"'
    ),
}
"""Each trigger evaluates to the operator function's ARN (`ARN`)."""

SAM_TEMPLATE = (
    "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
    "Resources:\n  OpsFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      FunctionName: ops\n      CodeUri: src/\n      Handler: app.handler\n"
    "      Runtime: python3.12\n      Tracing: Active\n      Policies:\n"
    "        - AdministratorAccess\n"
    "  CognitoInvoke:\n    Type: AWS::Lambda::Permission\n    Properties:\n"
    "      Action: lambda:InvokeFunction\n      FunctionName: !Ref OpsFunction\n"
    "      Principal: cognito-idp.amazonaws.com\n"
    "  Users:\n    Type: AWS::Cognito::UserPool\n    Properties:\n      UserPoolName: users\n"
)
"""The same in SAM: the operator function (admin policy), a permission for Cognito, and
a user pool with no trigger."""


def sam_triggered(trigger: str) -> Change:
    """SAM's form of `triggered`: the change gives the pool `trigger` as its
    `PreSignUp`."""
    after = SAM_TEMPLATE + f"      LambdaConfig:\n        PreSignUp: {trigger}\n"
    return {"src/app.py": HARMLESS, "template.yaml": SAM_TEMPLATE}, {"template.yaml": after}


SAM_COMPUTED: dict[str, Change] = {
    "1e-sam-sub-map": sam_triggered(
        '!Sub ["arn:aws:${Svc}:us-east-1:123456789012:${Kind}:ops", {Svc: lambda, Kind: function}]'
    ),
    "1f-sam-join": sam_triggered(
        '!Join [":", [arn, aws, lambda, us-east-1, "123456789012", function, !Join ["", [o, ps]]]]'
    ),
}
PLAIN_CHANGES: dict[str, Change] = {
    "plain-literal-arn": triggered(f'"{ARN}"'),
    "plain-sam-literal-arn": sam_triggered(ARN),
}


# --- what held: a child module's own tfvars -------------------------------------------------

CHILD = (
    f'variable "policy" {{\n  default = "{ADMIN}"\n}}\n\nlocals {{\n  policy = var.policy\n}}\n\n'
    + ROLE.replace('filename = "fn.zip"', 'filename = "${path.module}/fn.zip"')
)
"""A module whose function's role gets AdministratorAccess by its variable's default."""
CALLED: dict[str, str | bytes] = {
    "main.tf": 'module "fn" {\n  source = "./fn"\n}\n',
    "fn/main.tf": CHILD,
    "fn/fn.zip": zipped({"app.py": "def handler(event, context):\n    return 1\n"}),
}
HELD: dict[str, dict[str, str | bytes]] = {
    "held-child-tfvars": {**CALLED, "fn/terraform.tfvars": f'policy = "{READ_ONLY}"\n'},
    "held-child-auto-tfvars": {**CALLED, "fn/ro.auto.tfvars": f'policy = "{READ_ONLY}"\n'},
    "held-hidden-module-folder": {
        "main.tf": 'module "fn" {\n  source = "./.fn"\n}\n',
        ".fn/main.tf": CHILD,
        ".fn/fn.zip": CALLED["fn/fn.zip"],
    },
}


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory, grammar_cache: None) -> dict[str, str]:
    """Each change as folders of one repository (`main` the merge base, `change` the
    change), in diff mode (`d` folders) and on a baseline made at `main` (`b` folders):
    the outcome of each folder."""
    box = Sandbox(tmp_path_factory.mktemp("changed"))
    return changes_judged(box, in_both_modes({**PLAIN_CHANGES, **COMPUTED, **SAM_COMPUTED}))


def test_the_plain_forms_block(tmp_path: Path, changed: dict[str, str]) -> None:
    """The literal ARN blocks in diff mode and on a baseline; each trick's end state,
    checked whole, blocks (GATE-IAC-001), and so do the attempts that held, in one run."""
    plain = {name: outcome for name, outcome in changed.items() if "plain" in name}
    assert len(plain) == 4 and set(plain.values()) == {"blocked"}, plain
    ends = {
        name: (files({**before, **after}), "GATE-IAC-001")
        for name, (before, after) in {**COMPUTED, **SAM_COMPUTED}.items()
    }
    held = {name: (files(layout), "GATE-IAC-001") for name, layout in HELD.items()}
    each_blocks(tmp_path, {**ends, **held})


@pytest.mark.xfail(
    strict=True,
    reason="review 62 class 1: a resource naming a function by a computed string is not untied",
)
def test_a_resource_naming_a_function_by_a_computed_string_reaches_it(
    changed: dict[str, str],
) -> None:
    tricks = {name: outcome for name, outcome in changed.items() if name[1:].startswith("1")}
    assert len(tricks) == 12 and set(tricks.values()) == {"blocked"}, tricks
