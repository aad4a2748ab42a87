"""A twenty-first hostile review of `gate check`: ways around the fixes of review 19/20
(parameters standing for their `Default` and samconfig overrides, Terraform locals,
variables and instance indexes in the IAM rules, code uploaded by `aws_s3_object`, the SAM
Makefile refusal), and the IaC rules and discovery that those fixes did not reach.

Each attack is a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks (or is refused). Each attack
exited 0 with the hostile harness's policy (checkov off). By hand with the default policy
(checkov on): 1, 2, 3, 8 and 9 exited 0 all the same; checkov's own checks blocked 4
(CKV_AWS_258 evaluates the local), 5 and 6 (CKV_AWS_286..290/CKV2_AWS_40 on the policy
itself) and 7 (CKV_AWS_107..111 on the policy). What lets each through:

1. An IAM action list given by a `CommaDelimitedList` parameter (`Action: !Ref Acts`,
   `Type: CommaDelimitedList`, `Default: "s3:GetObject,iam:*"`). CloudFormation resolves
   a `Ref` of such a parameter to the list `["s3:GetObject", "iam:*"]`.
   gate.rules.intrinsics `parameter_values` / `_parameter` take every parameter for one
   string (`_scalar` of the Default), so gate.rules.iam.policy judges
   `"s3:GetObject,iam:*"` as one action the gate's data does not know (GATE-IAC-004,
   low): the role with `iam:*` passes, where the list written out blocks (GATE-IAC-001).
   The parameter's type is never read (nor for samconfig overrides of it).
2. A parameter of a nested template given by its parent in the bundle: an
   `AWS::Serverless::Application` (or `AWS::CloudFormation::Stack`) with a local
   `Location` and `Parameters: {Act: 'iam:*'}`, the child's role `Action: !Ref Act` with
   no `Default`. CloudFormation passes the parent's value; gate.rules.intrinsics
   `parameter_values` knows only the child's `Default` and samconfig overrides, so the
   `Ref` stays unresolved, and gate.rules.iam.policy `action_strings` takes "every string
   in" it: the parameter's *name* `Act`, an unknown action (GATE-IAC-004, low). The child
   with `Default: 'iam:*'` blocks (review 19). The same `{Ref: Act}` with no value anywhere
   (a parameter only the deployer sets) is judged the same way, a low unknown action,
   where review 20 made a managed policy the gate cannot name a high GATE-IAC-004.
3. A function URL's `AuthType` written as an intrinsic: SAM `FunctionUrlConfig: {AuthType:
   !Ref Auth}` (a parameter whose Default is `NONE`), `!If [IsProd, AWS_IAM, NONE]`,
   `!FindInMap` into the template's own `Mappings`, or an `AWS::Lambda::Url` with
   `AuthType: !Ref Auth`. gate.rules.iac.sam `_entries` compares `str(auth.value)` (the
   loader's value: the parameter's name, a list, a `{Ref: ...}` map) with `NONE`, and
   `_url_resource` the raw property: the URL anyone can invoke is not GATE-IAC-010. The
   intrinsics the IAM rules resolve (gate.rules.intrinsics `literal_values`, used by
   gate.rules.iac.view `literals` for the environment) are never applied to it.
4. A Terraform function URL whose `authorization_type` is a local (`local.auth`, `"NONE"`)
   or whose `function_name` names the function through a local (`local.fn =
   aws_lambda_function.fn.function_name`). Terraform evaluates both; gate.rules.iac.terraform
   `_entries` compares the text `${local.auth}` with `NONE`, and
   gate.bundle.discovery.terraform `_tf_related` finds the URL only by a literal
   `aws_lambda_function.fn.` reference in it: no GATE-IAC-010 (review 20's
   gate.rules.terraform_values is used by the IAM rules only).
5. A Terraform policy whose actions are a list-valued local (`locals { acts = ["*"] }`):
   `Action = local.acts` inside `jsonencode({...})`, or `actions = local.acts` in a
   `data "aws_iam_policy_document"` statement. gate.rules.terraform_values `_substituted`
   writes only a local's text (a string, a number) into a longer expression, so the
   jsonencode keeps `'${local.acts}'`; and gate.rules.iam.roles_terraform `_document_block`
   reads a statement's `actions`/`resources` with `tf_value`, never resolved. Either way
   the action is the text `${local.acts}`, unknown (GATE-IAC-004, low), where `["*"]`
   written out blocks (GATE-IAC-001).
6. A Terraform role across a local module boundary: the function in the root module with
   `role = module.iam.role_arn` (the child `./iam` makes the role and an `Action = "*"`
   role policy, and outputs its ARN), or the function in a child module with `role =
   var.role_arn` that the root passes `aws_iam_role.fn.arn`. Terraform wires both;
   gate.rules.iam.roles_terraform `terraform_grants` looks for the role in the function's
   own directory only: "role ... (not in this module)", an unknown role, a note; and
   gate.bundle.discovery.terraform says only that the module is not followed.
7. A CloudFormation role or policy named by its name rather than its logical id: a
   function's `Role: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/orders-fn'`
   naming the template's role whose `RoleName` is `orders-fn` (with `DependsOn`), or an
   `AWS::IAM::Policy` with `Roles: [orders-fn]` (IAM's `Roles` takes names). CloudFormation
   attaches both. gate.rules.iam.roles `_custom_role` and `Template.attached` find a role
   only by `logical_ids` (`Ref`/`GetAtt`): the role is "not in this file", or the policy
   attached to none, and `Action: '*'` passes. gate.rules.iam.roles_terraform
   `_names_role` already matches a role by its `name`; the template rules do not.
8. A Terraform function whose `layers` names a layer through a local (`layers =
   [local.deps]`, `deps = aws_lambda_layer_version.deps.arn`). Terraform attaches the
   layer. gate.bundle.discovery.terraform `_tf_references` reads only literal
   `type.name` references (a `local.` is none), so the layer is no code place of the
   function and its `python/__pycache__/helper.cpython-312.pyc` (an unchecked-hash pyc
   Python loads in place of the harmless helper.py) is never judged by
   gate.bundle.staging.bytecode `refuse_cached`; with the reference written out it is
   refused (review 18's fourth attack, through a Terraform local).
9. A SAM layer built by its Makefile (`AWS::Serverless::LayerVersion` with `Metadata:
   {BuildMethod: makefile}`): `sam build` runs `make build-Deps` in ContentUri and deploys
   what it writes to `$(ARTIFACTS_DIR)`, here `../node_modules/pylib/helper.py` (B602) as
   `python/helper.py`, imported by the function. gate.bundle.discovery.cloudformation
   `_template_layers` takes ContentUri for the layer (its harmless helper.py is scanned)
   and node_modules is ignored; review 20's refusal (`_sam_code`) covers functions only.

Suggested fixes, by class: one resolver for every value any rule or discovery reads from
a template or a Terraform module (not only the IAM documents): a parameter read with its
type (a `CommaDelimitedList`/`List<...>` Ref is a list of its pieces) and with what a
parent template of the bundle passes it (`Parameters` of a nested stack or application),
and an intrinsic in a security setting (`AuthType`, `AuthorizationType`, actions) that the
gate cannot resolve judged as the worst value (public, unreadable: GATE-IAC-004 high), as
review 20 did for managed policies; Terraform locals, variable defaults and tfvars read by
the IaC rules and by discovery (`layers`, relations) as the IAM rules read them, a
list-valued local substituted into `jsonencode` and policy document statements, and a
module's `module.X.output` / a child's `var.X` followed into the local module that gives
it (or reported unreadable, never "not in this module"); a role named by `RoleName` (in an
ARN or in a policy's `Roles`) matched to the template's role, as the Terraform rules match
`name`; and any `BuildMethod: makefile` (functions and layers alike) refused as code the
gate cannot follow.

Also tried, and the gate held: samconfig `parameter_overrides` in both of SAM CLI's forms
(over-read where SAM uses only the first pattern that matches: conservative); a managed
policy chosen by `!If` between two local `AWS::IAM::ManagedPolicy` resources (each judged:
blocks); a Serverless `url` given by `${self:custom.url}` or `${file()}` (resolved:
GATE-IAC-010); a function in a local Terraform module with an admin role of its own
(found and judged: blocks, review 12).

Fixed, each by its class: 1, a list-typed parameter's `Ref` is the list of its items
(gate.rules.intrinsics `_listed`). 2, an `Allow` whose actions hold a value only the
deploy works out (a `Ref` nobody gives a value, `Fn::ImportValue`, `Fn::GetAtt`, a
Terraform or Serverless variable left unresolved) is also a policy the gate could not
read (GATE-IAC-004, high: gate.rules.iam.policy `_unworked_actions`); the value a parent
template passes is not read, so such a child blocks until written out. 3, auth settings
(`FunctionUrlConfig.AuthType`, `AWS::Lambda::Url`, API Gateway methods and routes) are
judged by every value they may be deployed as, and one only the deploy works out may be
NONE (gate.rules.iac.sam `_may_be_none`). 4 and 8, discovery and the Terraform IaC rules
read a module's expressions with its locals, variable defaults and tfvars as the IAM
rules do (gate.bundle.discovery.terraform_values `ModuleValues.texts`). 5, policy
documents and `aws_iam_policy_document` statements are read with list-valued locals
(gate.rules.iam.roles_terraform `Module.resolved`). 6, a role is followed across local
modules: a module's output, and the argument a calling module passes for a variable
(`_roles`, up to four module boundaries). 7, a template's role is found by its
`RoleName` too, alone or ending an ARN (gate.rules.iam.roles `Template.roles_named`).
9, a layer built by its Makefile is a part of the function the gate cannot follow, a
scan error naming the function (`Declared.unfollowed`).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.hostile.conftest import (
    Layout,
    Sandbox,
    assert_refused,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review16 import HELPER, IMPORTS_HELPER
from tests.hostile.test_review18 import shadowed_layer
from tests.hostile.test_staging import GOOD

LAMBDA_TRUST = "{Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}"
TF_TRUST = (
    'jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", '
    'Principal = {Service = "lambda.amazonaws.com"}, Action = "sts:AssumeRole"}]})'
)

# --- 1. an action list given by a CommaDelimitedList parameter -----------------------------

SAM_ACTIONS = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Acts:
    Type: CommaDelimitedList
    Default: "s3:GetObject,iam:*"
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Policies:
        - Statement:
            - Effect: Allow
              Action: {action}
              Resource: 'arn:aws:s3:::orders/*'
"""


def sam_actions(sandbox: Sandbox, action: str) -> None:
    """A SAM function with a harmless handler whose role's one statement is `action`."""
    sandbox.write("template.yaml", SAM_ACTIONS.format(action=action))
    sandbox.write("src/app.py", GOOD)


def action_list_written_out(sandbox: Sandbox) -> None:
    """The baseline: `Action: ["s3:GetObject", "iam:*"]`: GATE-IAC-001."""
    sam_actions(sandbox, '["s3:GetObject", "iam:*"]')


def action_list_from_a_comma_delimited_parameter(action: str) -> Layout:
    """CloudFormation makes the Ref a list and the role gets `iam:*`; the gate judged
    `"s3:GetObject,iam:*"` as one unknown action (low) and passed (exit 0). It blocks
    (GATE-IAC-001)."""
    return partial(sam_actions, action=action)


# --- 2. a nested template's parameter given by its parent ----------------------------------

PARENT = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Child:
    Type: {kind}
    Properties:
      {key}: child/template.yaml
      Parameters:
        Act: 'iam:*'
"""
CHILD = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Act:
    Type: String{default}
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: ../src/
      Handler: app.handler
      Runtime: python3.12
      Policies:
        - Statement:
            - Effect: Allow
              Action: !Ref Act
              Resource: 'arn:aws:s3:::orders/*'
"""
NESTING = {
    "application": ("AWS::Serverless::Application", "Location"),
    "stack": ("AWS::CloudFormation::Stack", "TemplateURL"),
}


def nested(sandbox: Sandbox, nesting: str, default: str) -> None:
    kind, key = NESTING[nesting]
    sandbox.write("template.yaml", PARENT.format(kind=kind, key=key))
    sandbox.write("child/template.yaml", CHILD.format(default=default))
    sandbox.write("src/app.py", GOOD)


def nested_parameter_with_a_default(nesting: str) -> Layout:
    """The baseline: the child's `Default: 'iam:*'`: GATE-IAC-001."""
    return partial(nested, nesting=nesting, default="\n    Default: 'iam:*'")


def nested_parameter_the_parent_gives(nesting: str) -> Layout:
    """CloudFormation passes the parent's `Act: 'iam:*'`; the gate judged the Ref as the
    unknown action `Act` (low) and passed (exit 0). The value the bundle passes is
    judged; at the least, a Ref it cannot resolve in an action blocks (GATE-IAC-004,
    high)."""
    return partial(nested, nesting=nesting, default="")


# --- 3. a function URL's AuthType written as an intrinsic ----------------------------------

SAM_URL = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Auth:
    Type: String
    Default: NONE
  Stage:
    Type: String
    Default: dev
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Mappings:
  Auth:
    all:
      url: NONE
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      FunctionUrlConfig:
        AuthType: {auth}
"""
CFN_URL = f"""\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Auth:
    Type: String
    Default: NONE
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {LAMBDA_TRUST}
  Orders:
    Type: AWS::Lambda::Function
    Properties:
      Code: src/
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt Role.Arn
  OrdersUrl:
    Type: AWS::Lambda::Url
    Properties:
      TargetFunctionArn: !GetAtt Orders.Arn
      AuthType: @AUTH@
"""
URLS = {"sam": SAM_URL.replace("{auth}", "@AUTH@"), "cfn": CFN_URL}


def url(sandbox: Sandbox, where: str, auth: str) -> None:
    sandbox.write("template.yaml", URLS[where].replace("@AUTH@", auth))
    sandbox.write("src/app.py", GOOD)


def function_url_without_auth(where: str) -> Layout:
    """The baseline: `AuthType: NONE`: GATE-IAC-010."""
    return partial(url, where=where, auth="NONE")


# name -> (where, the AuthType written as an intrinsic).
INTRINSIC_AUTHS = {
    "sam-ref-tag": ("sam", "!Ref Auth"),
    "sam-ref-mapping": ("sam", "{Ref: Auth}"),
    "sam-if": ("sam", "!If [IsProd, AWS_IAM, NONE]"),
    "sam-find-in-map": ("sam", "!FindInMap [Auth, all, url]"),
    "cfn-ref-tag": ("cfn", "!Ref Auth"),
}


def function_url_auth_given_by_an_intrinsic(trick: str) -> Layout:
    """CloudFormation deploys the URL with AuthType NONE (the parameter's Default, a
    branch of the `!If`, the mapping's value); the gate compared the tag's value with
    `NONE` and passed (exit 0). It blocks (GATE-IAC-010)."""
    where, auth = INTRINSIC_AUTHS[trick]
    return partial(url, where=where, auth=auth)


# --- 4. a Terraform function URL through locals --------------------------------------------

TF_URL = """\
locals {
  auth = "NONE"
  fn   = aws_lambda_function.fn.function_name
}
data "archive_file" "fn" {
  type        = "zip"
  source_file = "${path.module}/app.py"
  output_path = "${path.module}/build/fn.zip"
}
resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = @TRUST@
}
resource "aws_lambda_function" "fn" {
  function_name = "fn"
  filename      = data.archive_file.fn.output_path
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = aws_iam_role.fn.arn
}
resource "aws_lambda_function_url" "fn" {
  function_name      = @NAME@
  authorization_type = @AUTH@
}
""".replace("@TRUST@", TF_TRUST)
PLAIN_NAME = "aws_lambda_function.fn.function_name"


def tf_url(sandbox: Sandbox, name: str, auth: str) -> None:
    sandbox.write("main.tf", TF_URL.replace("@NAME@", name).replace("@AUTH@", auth))
    sandbox.write("app.py", GOOD)


def terraform_function_url_without_auth(sandbox: Sandbox) -> None:
    """The baseline: `authorization_type = "NONE"` on a URL naming the function:
    GATE-IAC-010."""
    tf_url(sandbox, PLAIN_NAME, '"NONE"')


def terraform_function_url_through_a_local(name: str, auth: str) -> Layout:
    """Terraform evaluates the locals: the URL of the function is public. The gate
    compared `${local.auth}` with NONE, or did not relate the URL to the function, and
    passed (exit 0). It blocks (GATE-IAC-010)."""
    return partial(tf_url, name=name, auth=auth)


# --- 5. a Terraform policy whose actions are a list-valued local ---------------------------

TF_POLICY = """\
locals {
  acts = ["*"]
}
data "archive_file" "fn" {
  type        = "zip"
  source_file = "${path.module}/app.py"
  output_path = "${path.module}/build/fn.zip"
}
resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = @TRUST@
}
data "aws_iam_policy_document" "p" {
  statement {
    actions   = @DOCUMENT@
    resources = ["*"]
  }
}
resource "aws_iam_role_policy" "p" {
  role   = aws_iam_role.fn.id
  policy = @POLICY@
}
resource "aws_lambda_function" "fn" {
  function_name = "fn"
  filename      = data.archive_file.fn.output_path
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = aws_iam_role.fn.arn
}
""".replace("@TRUST@", TF_TRUST)
ENCODED = (
    'jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", '
    'Action = @ACTS@, Resource = "*"}]})'
)
DOCUMENT = "data.aws_iam_policy_document.p.json"
# How the policy is written -> (the document's actions, the role policy's `policy`).
TF_POLICIES = {
    "jsonencode": ('["s3:GetObject"]', ENCODED),
    "document": ("@ACTS@", DOCUMENT),
}


def tf_policy(sandbox: Sandbox, how: str, acts: str) -> None:
    document, policy = TF_POLICIES[how]
    text = TF_POLICY.replace("@DOCUMENT@", document).replace("@POLICY@", policy)
    sandbox.write("main.tf", text.replace("@ACTS@", acts))
    sandbox.write("app.py", GOOD)


def terraform_wildcard_action_written_out(how: str) -> Layout:
    """The baseline: `["*"]` written in the policy: GATE-IAC-001."""
    return partial(tf_policy, how=how, acts='["*"]')


def terraform_wildcard_action_from_a_local(how: str) -> Layout:
    """`local.acts` is `["*"]`: the role may do anything. The gate judged the text
    `${local.acts}` as an unknown action (low) and passed (exit 0). It blocks
    (GATE-IAC-001)."""
    return partial(tf_policy, how=how, acts="local.acts")


# --- 6. a Terraform role across a local module boundary ------------------------------------

TF_ARCHIVE = """\
data "archive_file" "fn" {
  type        = "zip"
  source_file = "${path.module}/app.py"
  output_path = "${path.module}/build/fn.zip"
}
"""
TF_FUNCTION = """\
resource "aws_lambda_function" "fn" {{
  function_name = "fn"
  filename      = data.archive_file.fn.output_path
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = {role}
}}
"""
TF_ADMIN_ROLE = f"""\
resource "aws_iam_role" "fn" {{
  name               = "fn"
  assume_role_policy = {TF_TRUST}
}}
resource "aws_iam_role_policy" "admin" {{
  role   = aws_iam_role.fn.id
  policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{ Effect = "Allow", Action = "*", Resource = "*" }}]
  }})
}}
"""
# How the function and its role are split between the root and a local module:
# (file -> text).
TF_SPLITS: dict[str, dict[str, str]] = {
    "same-module": {
        "main.tf": TF_ARCHIVE + TF_ADMIN_ROLE + TF_FUNCTION.format(role="aws_iam_role.fn.arn"),
        "app.py": GOOD,
    },
    "role-in-child": {
        "main.tf": 'module "iam" {\n  source = "./iam"\n}\n'
        + TF_ARCHIVE
        + TF_FUNCTION.format(role="module.iam.role_arn"),
        "iam/main.tf": TF_ADMIN_ROLE + 'output "role_arn" {\n  value = aws_iam_role.fn.arn\n}\n',
        "app.py": GOOD,
    },
    "function-in-child": {
        "main.tf": TF_ADMIN_ROLE
        + 'module "fn" {\n  source   = "./fn"\n  role_arn = aws_iam_role.fn.arn\n}\n',
        "fn/main.tf": 'variable "role_arn" {\n  type = string\n}\n'
        + TF_ARCHIVE
        + TF_FUNCTION.format(role="var.role_arn"),
        "fn/app.py": GOOD,
    },
}


def tf_split(sandbox: Sandbox, split: str) -> None:
    for path, text in TF_SPLITS[split].items():
        sandbox.write(path, text)


def terraform_admin_role_in_the_functions_module(sandbox: Sandbox) -> None:
    """The baseline: the role and its `Action = "*"` policy beside the function:
    GATE-IAC-001."""
    tf_split(sandbox, "same-module")


def test_a_terraform_role_across_a_local_module_is_judged(tmp_path: Path) -> None:
    """Terraform wires the module's output (or the parent's argument) to the function:
    it runs as the admin role. The gate called the role not in this module and passed
    (exit 0). It follows the local module, or reports the role unreadable (blocks)."""

    def layout(split: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            tf_split(sandbox, split)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "role-in-child": layout("role-in-child"),
            "function-in-child": layout("function-in-child"),
        },
    )


# --- 7. a CloudFormation role or policy named by the role's name ---------------------------

CFN_NAMED = f"""\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      RoleName: orders-fn
      AssumeRolePolicyDocument:
        Statement:
          - {LAMBDA_TRUST}
  Admin:
    Type: AWS::IAM::Policy
    DependsOn: Role
    Properties:
      PolicyName: admin
      Roles: [@ROLES@]
      PolicyDocument:
        Statement:
          - {{Effect: Allow, Action: '*', Resource: '*'}}
  Orders:
    Type: AWS::Lambda::Function
    DependsOn: Admin
    Properties:
      Code: src/
      Handler: app.handler
      Runtime: python3.12
      Role: @ROLE@
"""
ROLE_ARN = "!Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/orders-fn'"
NAMED = {
    # The function names the role by its ARN, built from its RoleName.
    "role-arn": ("!Ref Role", ROLE_ARN),
    # The policy attaches to the role by its name.
    "policy-roles": ("orders-fn", "!GetAtt Role.Arn"),
}


def cfn_named(sandbox: Sandbox, roles: str, role: str) -> None:
    sandbox.write("template.yaml", CFN_NAMED.replace("@ROLES@", roles).replace("@ROLE@", role))
    sandbox.write("src/app.py", GOOD)


def role_and_policy_named_by_logical_id(sandbox: Sandbox) -> None:
    """The baseline: `Roles: [!Ref Role]`, `Role: !GetAtt Role.Arn`: GATE-IAC-001."""
    cfn_named(sandbox, "!Ref Role", "!GetAtt Role.Arn")


def role_named_by_its_role_name(trick: str) -> Layout:
    """CloudFormation resolves the name: the function runs with `Action: '*'`. The gate
    found no role (or no policy attached to it) and passed (exit 0). It blocks
    (GATE-IAC-001)."""
    roles, role = NAMED[trick]
    return partial(cfn_named, roles=roles, role=role)


# --- 8. a Terraform layer attached through a local -----------------------------------------

TF_LAYERED = """\
locals {{
  deps = aws_lambda_layer_version.deps.arn
}}
data "archive_file" "fn" {{
  type        = "zip"
  source_dir  = "${{path.module}}/src"
  output_path = "${{path.module}}/build/fn.zip"
}}
data "archive_file" "deps" {{
  type        = "zip"
  source_dir  = "${{path.module}}/deps"
  output_path = "${{path.module}}/build/deps.zip"
}}
resource "aws_lambda_layer_version" "deps" {{
  layer_name = "deps"
  filename   = data.archive_file.deps.output_path
}}
resource "aws_lambda_function" "fn" {{
  function_name = "fn"
  filename      = data.archive_file.fn.output_path
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = "arn:aws:iam::123456789012:role/fn"
  layers        = [{layer}]
}}
"""


def tf_layered(sandbox: Sandbox, layer: str) -> None:
    sandbox.write("main.tf", TF_LAYERED.format(layer=layer))
    sandbox.write("src/app.py", IMPORTS_HELPER)
    shadowed_layer(sandbox, "deps")


def test_a_terraform_layer_named_plainly_is_judged(sandbox: Sandbox) -> None:
    """The baseline: `layers = [aws_lambda_layer_version.deps.arn]`: the layer's
    shadowing bytecode is refused."""
    tf_layered(sandbox, "aws_lambda_layer_version.deps.arn")
    assert_refused(sandbox.run(), "helper.cpython-312.pyc")


def test_a_terraform_layer_through_a_local_is_judged(sandbox: Sandbox) -> None:
    """Terraform attaches the layer `local.deps` names; the gate attached none, left the
    bytecode ignored and passed (exit 0)."""
    tf_layered(sandbox, "local.deps")
    assert_refused(sandbox.run(), "helper.cpython-312.pyc")


# --- 9. a SAM layer built by its Makefile --------------------------------------------------

SAM_LAYER = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Deps:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: deps/
      CompatibleRuntimes: [python3.12]{metadata}
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Layers: [!Ref Deps]
"""
LAYER_MAKEFILE = (
    "HERE := $(dir $(abspath $(firstword $(MAKEFILE_LIST))))\n\n"
    "build-Deps:\n\tmkdir -p $(ARTIFACTS_DIR)/python\n"
    "\tcp $(HERE)../node_modules/pylib/helper.py $(ARTIFACTS_DIR)/python/\n"
)


def made_layer(sandbox: Sandbox, metadata: str, helper: str) -> None:
    """The function imports `helper` from the layer; deps/python/helper.py is `helper`,
    node_modules/pylib/helper.py runs a shell (B602)."""
    sandbox.write("template.yaml", SAM_LAYER.format(metadata=metadata))
    sandbox.write("src/app.py", IMPORTS_HELPER)
    sandbox.write("deps/python/helper.py", helper)
    sandbox.write("deps/Makefile", LAYER_MAKEFILE)
    sandbox.write("node_modules/pylib/helper.py", HELPER)


def layer_folder_with_the_helper(sandbox: Sandbox) -> None:
    """The baseline: the shell-running helper in the layer's own folder: blocks (B602)."""
    made_layer(sandbox, "", HELPER)


def test_a_layer_makefile_build_is_not_taken_for_its_content_uri(sandbox: Sandbox) -> None:
    """`sam build` runs deps/Makefile, which puts node_modules/pylib/helper.py in the
    layer; the gate scanned deps/ (harmless) and passed (exit 0). As for a function
    (review 20), what a program of the bundle builds is code the gate cannot follow."""
    made_layer(sandbox, "\n    Metadata:\n      BuildMethod: makefile", GOOD)
    run = sandbox.run()
    assert run.code == 2, run
    assert "Makefile" in run.stderr, run.stderr


# --- what held -----------------------------------------------------------------------------

SAM_MANAGED_IF = f"""\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Stage:
    Type: String
    Default: dev
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Narrow:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - {{Effect: Allow, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*'}}
  Admin:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - {{Effect: Allow, Action: '*', Resource: '*'}}
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {LAMBDA_TRUST}
      ManagedPolicyArns:
        - !If [IsProd, !Ref Narrow, !Ref Admin]
  Orders:
    Type: AWS::Lambda::Function
    Properties:
      Code: src/
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt Role.Arn
"""


def local_managed_policy_chosen_by_a_condition(sandbox: Sandbox) -> None:
    """Held: `!If` between two local managed policies: each branch is judged
    (GATE-IAC-001)."""
    sandbox.write("template.yaml", SAM_MANAGED_IF)
    sandbox.write("src/app.py", GOOD)


SLS_URL = """\
service: orders
frameworkVersion: '3'
custom:
  url: true
provider:
  name: aws
  runtime: python3.12
functions:
  orders:
    handler: app.handler
    url: {url}
"""


def serverless_url_through_a_variable(value: str) -> Layout:
    """Held: a Serverless `url` given by a variable is resolved: GATE-IAC-010."""

    def layout(sandbox: Sandbox) -> None:
        sandbox.write("serverless.yml", SLS_URL.format(url=value))
        sandbox.write("url.yml", "true\n")
        sandbox.write("app.py", GOOD)

    return layout


def action_imported_from_another_stack(action: str) -> Layout:
    """An action only the deploy knows, in its short form too: a policy the gate could not
    read (GATE-IAC-004, high), never an unknown action at low."""
    return partial(sam_actions, action=action)


# --- the bundles that block, in one run --------------------------------------------------

# name: (the bundle, the rule its blocking finding names)
BLOCKING: dict[str, tuple[Layout, str]] = {
    "1-action-list-written-out": (action_list_written_out, "GATE-IAC-001"),
    "1-comma-delimited-ref-tag": (
        action_list_from_a_comma_delimited_parameter("!Ref Acts"),
        "GATE-IAC-001",
    ),
    "1-comma-delimited-ref-mapping": (
        action_list_from_a_comma_delimited_parameter("{Ref: Acts}"),
        "GATE-IAC-001",
    ),
    **{
        f"2-nested-{nesting}-with-a-default": (
            nested_parameter_with_a_default(nesting),
            "GATE-IAC-001",
        )
        for nesting in sorted(NESTING)
    },
    **{
        f"2-nested-{nesting}-the-parent-gives": (
            nested_parameter_the_parent_gives(nesting),
            "GATE-IAC-004",
        )
        for nesting in sorted(NESTING)
    },
    **{
        f"3-{where}-url-without-auth": (function_url_without_auth(where), "GATE-IAC-010")
        for where in sorted(URLS)
    },
    **{
        f"3-{trick}-url-auth": (function_url_auth_given_by_an_intrinsic(trick), "GATE-IAC-010")
        for trick in INTRINSIC_AUTHS
    },
    "4-terraform-url-without-auth": (terraform_function_url_without_auth, "GATE-IAC-010"),
    "4-terraform-url-auth-local": (
        terraform_function_url_through_a_local(PLAIN_NAME, "local.auth"),
        "GATE-IAC-010",
    ),
    "4-terraform-url-function-local": (
        terraform_function_url_through_a_local("local.fn", '"NONE"'),
        "GATE-IAC-010",
    ),
    **{
        f"5-terraform-{how}-wildcard-written-out": (
            terraform_wildcard_action_written_out(how),
            "GATE-IAC-001",
        )
        for how in sorted(TF_POLICIES)
    },
    **{
        f"5-terraform-{how}-wildcard-from-a-local": (
            terraform_wildcard_action_from_a_local(how),
            "GATE-IAC-001",
        )
        for how in sorted(TF_POLICIES)
    },
    "6-terraform-admin-role-in-the-module": (
        terraform_admin_role_in_the_functions_module,
        "GATE-IAC-001",
    ),
    "7-role-and-policy-by-logical-id": (role_and_policy_named_by_logical_id, "GATE-IAC-001"),
    **{
        f"7-{trick}-by-role-name": (role_named_by_its_role_name(trick), "GATE-IAC-001")
        for trick in sorted(NAMED)
    },
    "9-layer-folder-with-the-helper": (layer_folder_with_the_helper, "B602"),
    "held-managed-policy-chosen-by-if": (
        local_managed_policy_chosen_by_a_condition,
        "GATE-IAC-001",
    ),
    "held-serverless-url-self-variable": (
        serverless_url_through_a_variable("${self:custom.url}"),
        "GATE-IAC-010",
    ),
    "held-serverless-url-file-variable": (
        serverless_url_through_a_variable("${file(./url.yml)}"),
        "GATE-IAC-010",
    ),
    "held-action-import-value-tag": (
        action_imported_from_another_stack("!ImportValue shared-action"),
        "GATE-IAC-004",
    ),
    "held-action-import-value-mapping": (
        action_imported_from_another_stack("{'Fn::ImportValue': x}"),
        "GATE-IAC-004",
    ),
}


def test_the_bundles_that_must_block_do(tmp_path: Path) -> None:
    """Every baseline that blocks (8's is refused), the tricks of 1 to 5 and 7, and what
    held, in one run of every bundle: each blocks, its finding naming its rule."""
    each_blocks(tmp_path, BLOCKING)
