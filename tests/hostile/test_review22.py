"""A twenty-second hostile review of `gate check`: how the Terraform rules and discovery
find what a function is given (its role, the role's policies, its layers, its URL) when
the module writes the reference inside a function call, through a data source, a
`dynamic` block or a resource type the gate does not know; a CloudFormation role made in
a nested stack; and what the pip-audit cache key (now only manifests and metadata) misses.

Each attack is a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks (or is refused). Each attack
exited 0 with the hostile harness's policy (checkov off). What lets each through:

1. A Terraform function's role named inside a function call (`role =
   one(aws_iam_role.fn[*].arn)`, the idiom for a role with `count`; `coalesce(
   aws_iam_role.fn.arn, var.role)`) or looked up by a data source (`role =
   data.aws_iam_role.fn.arn`, `data "aws_iam_role" "fn" { name = aws_iam_role.fn.name }`).
   Terraform resolves all three to the module's role (with an `Action = "*"` role
   policy). gate.rules.iam.roles_terraform `_roles` matches `_ROLE`
   (`${aws_iam_role.NAME.`) only right after `${` (python-hcl2 writes the call as
   `${one(aws_iam_role.fn[*].arn)}`) and knows no `data "aws_iam_role"`: the role is
   "not in this module", a note, and the run passes.
2. A role's inline policy written as `dynamic "inline_policy" { for_each = local.policies
   content { policy = inline_policy.value } }`. Terraform writes one inline policy per
   item. `_policies` reads `role.body["inline_policy"]` only; python-hcl2 puts the block
   under `dynamic`, so not even an unreadable statement is reported.
3. `aws_iam_role_policy_attachments_exclusive { role_name = aws_iam_role.fn.name
   policy_arns = [AdministratorAccess] }`: the provider attaches every listed policy
   (and detaches the others). `_policies` knows `aws_iam_role_policy_attachment` and
   `aws_iam_policy_attachment` only. (`aws_iam_role_policies_exclusive` names inline
   policies and creates none: not a grant.)
4. A managed policy ARN the Terraform rules cannot name: `policy_arn =
   format("arn:aws:iam::aws:policy/%s", "AdministratorAccess")` (or `join(...)`), or
   `var.policy_arn` with no default (the deployer's). `_one_policy_arn` calls anything
   `managed_policy_name` does not match "managed policy ..., not known to the gate", a
   note on GATE-SLS-011 at most. Review 20 made a CloudFormation managed policy the gate
   cannot work out an unreadable policy (GATE-IAC-004, high); Terraform's is not. (A side
   effect seen on every Terraform role without `managed_policy_arns`: `module.resolve(None)`
   is `[None]`, so GATE-SLS-011 says "the role also has managed policy 'None'".)
5. Discovery's references read the same way: gate.bundle.discovery.terraform
   `_tf_references` (`_REFERENCE`, `type.name` right after `${`) feeds a function's
   `layers` and `_tf_related`. `layers = values(aws_lambda_layer_version.deps)[*].arn`
   (every instance of a `for_each` layer) attaches no layer, so its
   `python/__pycache__/helper.cpython-312.pyc` (an unchecked-hash pyc Python loads in
   place of the harmless helper.py) is never judged by gate.bundle.staging.bytecode
   (review 18's fourth attack, again); and an `aws_lambda_function_url` with
   `authorization_type = "NONE"` whose `function_name` is `one(aws_lambda_function.fn[*].
   function_name)` or the function's literal name `"orders"` is related to no function:
   no GATE-IAC-010. (python-hcl2 writes a list literal's items as interpolations of their
   own, so `concat([aws_lambda_layer_version.deps.arn], ...)` is found: held.)
6. The audit's cache key misses an old-style single-file `*.egg-info` (PKG-INFO written as
   a file, what distutils installs write; gate.bundle.manifests.vendored `read_vendored`
   reads it as the package's metadata). gate.scanners.pip_audit `key_files` keeps a file
   only if `_audited` (a manifest name, or a file *inside* a `*.dist-info`/`*.egg-info`
   folder), and `key_context` lists the metadata paths by name only: a bundle audited
   clean with `requests.egg-info` at 2.31.0, then changed to 2.5.0, reuses the stale
   audit and passes (three advisories block without the cache).
7. A CloudFormation function's role made in a nested stack of the bundle: `Role: !GetAtt
   Iam.Outputs.RoleArn`, `Iam` an `AWS::Serverless::Application` (or
   `AWS::CloudFormation::Stack`) with `Location: iam.yaml`, whose role allows `*`.
   gate.rules.iam.roles `_custom_role` / `Template.roles_named` look in the function's own
   template only: "not in this file", a note. Review 21 followed a Terraform module's
   output across local modules; the template rules never follow a nested stack.

Suggested fixes, by class: one reader of Terraform references for the rules and discovery
alike that finds `type.name` (and `data.type.name`) anywhere in an expression, not only
right after `${` (inside calls, splats, `for` expressions), with a `data "aws_iam_role"`
read as the role it looks up (by a reference in its `name`, or by the name a module role
has); `dynamic` blocks of any block the rules read (`inline_policy`, `statement`, and the
like) read through their `content` with the `for_each` items the module gives, or
reported unreadable (GATE-IAC-004, high), never skipped; every resource type that grants
a role (`aws_iam_role_policy_attachments_exclusive`, and any new `*_exclusive`/attachment
type) read, or an unknown IAM resource naming the role reported as unreadable; a
Terraform managed policy ARN the gate cannot name judged as CloudFormation's is since
review 20 (unreadable, high); a URL or API related to a function by the function's name as
well as by reference; a CloudFormation role found across nested stacks of the bundle
(`!GetAtt Child.Outputs.X` into the child's `Outputs`), as Terraform's across modules; and
the audit's cache key made of every file the audit reads, taken from the readers
themselves (`read_vendored`'s metadata files, single-file egg-info included), not from a
parallel list of name patterns.

Also tried, and the gate held: `role = aws_iam_role.fn.arn` with an inline
`aws_iam_role_policy` (blocks, the baseline); `concat([aws_lambda_layer_version.deps.arn],
var.extra)` in `layers` (found: refused); a URL with `depends_on =
[aws_lambda_function.fn]` and a literal name (related through `depends_on`: blocks).
Read, and judged sound without a case: a Terraform URL whose `authorization_type` is a
function's result or a variable (`Block.may_be_none` takes any `${` for public); a
partition ARN (`arn:${data.aws_partition.current.partition}:iam::aws:policy/...`,
matched by `managed_policy_name`); SAM `Globals.Function` takes no `Role` or
`Policies` (SAM does not allow them there), so roles.py reading a function's own
properties is right; SAM event `Auth.Authorizer` /
`DefaultAuthorizer` as an intrinsic (the SAM transform needs a literal there; it fails
rather than deploys public).

Fixed, each by its class: 1, a Terraform role is found wherever an expression names it
(`one(...)`, `coalesce(...)`, splats), and a `data "aws_iam_role"` is the module's role
its `name` names (gate.rules.iam.roles_terraform `_ROLE`, `_DATA_ROLE`). 2, a role with
`dynamic` blocks has a policy the gate could not read (GATE-IAC-004, high). 3,
`aws_iam_role_policy_attachments_exclusive` attaches its `policy_arns`. 4, a Terraform
policy ARN only Terraform works out is a policy the gate could not read, as in templates.
5, discovery finds a resource wherever an expression names it
(gate.bundle.discovery.terraform `_REFERENCE`), and a resource naming the function by its
literal `function_name` is related to it. 6, the audit's cache key covers every file of
package metadata, a single-file `.egg-info` too: a superset of what `read_vendored` reads
(gate.scanners.pip_audit `_audited`). 7, a template role is followed into a nested stack
of the bundle through `!GetAtt Child.Outputs.Name` (gate.rules.iam.roles `_custom_role`,
`Template.nested`), a few stacks deep. Also, a Terraform role without
`managed_policy_arns` no longer lists "managed policy 'None'".
"""

from __future__ import annotations

from pathlib import Path

from tests.hostile.conftest import (
    Layout,
    Sandbox,
    assert_blocks,
    assert_refused,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review16 import IMPORTS_HELPER, VULNERABLE_ADVISORY
from tests.hostile.test_review18 import shadowed_layer
from tests.hostile.test_staging import GOOD

TF_TRUST = (
    'jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", '
    'Principal = {Service = "lambda.amazonaws.com"}, Action = "sts:AssumeRole"}]})'
)
TF_ADMIN = (
    'jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", '
    'Action = "*", Resource = "*"}]})'
)
TF_FUNCTION = """\
data "archive_file" "fn" {{
  type        = "zip"
  source_dir  = "${{path.module}}/src"
  output_path = "${{path.module}}/build/fn.zip"
}}
resource "aws_lambda_function" "fn" {{
  function_name = "orders"
  filename      = data.archive_file.fn.output_path
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = {role}
}}
"""
ADMIN_ARN = '"arn:aws:iam::aws:policy/AdministratorAccess"'


def tf_bundle(sandbox: Sandbox, role: str, rest: str) -> None:
    """A Terraform function whose `role` is ROLE, beside the blocks REST."""
    sandbox.write("main.tf", TF_FUNCTION.format(role=role) + rest)
    sandbox.write("src/app.py", GOOD)


def admin_role(extra: str = "") -> str:
    """The role `aws_iam_role.fn` with an `Action = "*"` role policy, and EXTRA."""
    return f"""\
resource "aws_iam_role" "fn" {{
  name               = "orders-fn"
  assume_role_policy = {TF_TRUST}
}}
resource "aws_iam_role_policy" "admin" {{
  name   = "admin"
  role   = aws_iam_role.fn.id
  policy = {TF_ADMIN}
}}
{extra}"""


# --- 1. a Terraform role named through a function call or a data source -------------------


def terraform_role_named_plainly(sandbox: Sandbox) -> None:
    """The baseline: `role = aws_iam_role.fn.arn` with `Action = "*"` blocks."""
    tf_bundle(sandbox, "aws_iam_role.fn.arn", admin_role())


def terraform_role_named_inside_a_function_call(sandbox: Sandbox) -> None:
    """`role = one(aws_iam_role.fn[*].arn)` (the idiom for a role with `count`) names the
    role; gate.rules.iam.roles_terraform `_roles` looks for `${aws_iam_role.` at the start
    of an interpolation only: "not in this module", a note, and the run passes (exit 0)."""
    tf_bundle(sandbox, "one(aws_iam_role.fn[*].arn)", admin_role())


def terraform_role_named_inside_coalesce(sandbox: Sandbox) -> None:
    """`role = coalesce(aws_iam_role.fn.arn, var.role)`: the same (exit 0)."""
    tf_bundle(
        sandbox,
        "coalesce(aws_iam_role.fn.arn, var.role)",
        admin_role('variable "role" {\n  default = ""\n}\n'),
    )


def terraform_role_looked_up_by_a_data_source(sandbox: Sandbox) -> None:
    """`role = data.aws_iam_role.fn.arn` with `data "aws_iam_role" "fn" { name =
    aws_iam_role.fn.name }`: Terraform reads it at apply time, the module's own role.
    `_roles` knows no `data "aws_iam_role"` (review 20 taught it `data
    "aws_iam_policy"`): "not in this module", and the run passes (exit 0)."""
    lookup = 'data "aws_iam_role" "fn" {\n  name = aws_iam_role.fn.name\n}\n'
    tf_bundle(sandbox, "data.aws_iam_role.fn.arn", admin_role(lookup))


# --- 2. a role's inline policy through a `dynamic` block ----------------------------------

TF_INLINE = """\
locals {{
  policies = {{ admin = {admin} }}
}}
resource "aws_iam_role" "fn" {{
  name               = "orders-fn"
  assume_role_policy = {trust}
{inline}
}}
"""
STATIC_INLINE = """\
  inline_policy {
    name   = "admin"
    policy = local.policies.admin
  }"""
DYNAMIC_INLINE = """\
  dynamic "inline_policy" {
    for_each = local.policies
    content {
      name   = inline_policy.key
      policy = inline_policy.value
    }
  }"""


def inline_role(sandbox: Sandbox, inline: str) -> None:
    rest = TF_INLINE.format(admin=TF_ADMIN, trust=TF_TRUST, inline=inline)
    tf_bundle(sandbox, "aws_iam_role.fn.arn", rest)


def static_inline_policy(sandbox: Sandbox) -> None:
    """The baseline: an `inline_policy` block (its policy a local) with `Action = "*"`
    blocks (GATE-IAC-004: the gate does not read the local's entry, a policy it could
    not read)."""
    inline_role(sandbox, STATIC_INLINE)


def dynamic_inline_policy(sandbox: Sandbox) -> None:
    """`dynamic "inline_policy" { for_each = local.policies ... }`: Terraform writes one
    inline policy per item. gate.rules.iam.roles_terraform `_policies` reads
    `role.body["inline_policy"]` only (python-hcl2 puts the block under `dynamic`): no
    statement, not even an unreadable one, and the run passes (exit 0)."""
    inline_role(sandbox, DYNAMIC_INLINE)


# --- 3. aws_iam_role_policy_attachments_exclusive ------------------------------------------


def attachment(kind: str, role_key: str, arn_key: str, arn: str) -> str:
    return (
        f'resource "{kind}" "fn" {{\n  {role_key} = aws_iam_role.fn.name\n  {arn_key} = {arn}\n}}\n'
    )


BARE_ROLE = f"""\
resource "aws_iam_role" "fn" {{
  name               = "orders-fn"
  assume_role_policy = {TF_TRUST}
}}
"""


def role_policy_attachment(sandbox: Sandbox) -> None:
    """The baseline: `aws_iam_role_policy_attachment` of AdministratorAccess blocks."""
    rest = BARE_ROLE + attachment("aws_iam_role_policy_attachment", "role", "policy_arn", ADMIN_ARN)
    tf_bundle(sandbox, "aws_iam_role.fn.arn", rest)


def exclusive_policy_attachment(sandbox: Sandbox) -> None:
    """`aws_iam_role_policy_attachments_exclusive { role_name, policy_arns }` attaches
    every policy it lists (and detaches the others). `_policies` knows only
    `aws_iam_role_policy_attachment` and `aws_iam_policy_attachment`: AdministratorAccess
    is never seen, and the run passes (exit 0)."""
    rest = BARE_ROLE + attachment(
        "aws_iam_role_policy_attachments_exclusive", "role_name", "policy_arns", f"[{ADMIN_ARN}]"
    )
    tf_bundle(sandbox, "aws_iam_role.fn.arn", rest)


# --- 4. a managed policy ARN the Terraform rules cannot name -------------------------------


def managed_arn(sandbox: Sandbox, arn: str) -> None:
    variable = 'variable "policy_arn" {\n  type = string\n}\n'
    rest = BARE_ROLE + variable
    rest += attachment("aws_iam_role_policy_attachment", "role", "policy_arn", arn)
    tf_bundle(sandbox, "aws_iam_role.fn.arn", rest)


def a_managed_policy_arn_built_by_format_is_judged(sandbox: Sandbox) -> None:
    """`policy_arn = format("arn:aws:iam::aws:policy/%s", "AdministratorAccess")`
    (or `join`): Terraform attaches AdministratorAccess. gate.rules.iam.roles_terraform
    `_one_policy_arn` calls whatever `managed_policy_name` does not match "managed policy
    ..., not known to the gate", a note: the run passes (exit 0), where the written-out
    ARN (the baseline of 3) blocks."""
    managed_arn(sandbox, 'format("arn:aws:iam::aws:policy/%s", "AdministratorAccess")')


def a_managed_policy_arn_the_caller_sets_is_unreadable(sandbox: Sandbox) -> None:
    """`policy_arn = var.policy_arn`, a variable with no default: the deployer may pass
    AdministratorAccess. Review 20 made a CloudFormation managed policy the gate cannot
    work out a policy it could not read (GATE-IAC-004, high); the Terraform rules still
    call it unknown, a note (exit 0)."""
    managed_arn(sandbox, "var.policy_arn")


# --- 5. a Terraform layer or function URL named inside a function call ---------------------

TF_LAYERED = """\
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
  for_each   = toset(["deps"])
  layer_name = each.key
  filename   = data.archive_file.deps.output_path
}}
resource "aws_lambda_function" "fn" {{
  function_name = "fn"
  filename      = data.archive_file.fn.output_path
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = "arn:aws:iam::123456789012:role/fn"
  layers        = {layers}
}}
"""


def tf_layered(sandbox: Sandbox, layers: str) -> None:
    sandbox.write("main.tf", TF_LAYERED.format(layers=layers))
    sandbox.write("src/app.py", IMPORTS_HELPER)
    shadowed_layer(sandbox, "deps")


def test_a_terraform_layer_listed_plainly_is_judged(sandbox: Sandbox) -> None:
    """The baseline: `layers = [aws_lambda_layer_version.deps["deps"].arn]` (the layer
    has `for_each`): the layer's shadowing bytecode is refused."""
    tf_layered(sandbox, '[aws_lambda_layer_version.deps["deps"].arn]')
    assert_refused(sandbox.run(), "helper.cpython-312.pyc")


def test_a_terraform_layer_listed_by_a_function_is_judged(sandbox: Sandbox) -> None:
    """`layers = values(aws_lambda_layer_version.deps)[*].arn`, the idiom for every
    instance of a `for_each` layer: Terraform attaches the layer.
    gate.bundle.discovery.terraform `_tf_references` reads `type.name` only right after
    `${`: no layer, the bytecode is ignored (tool-cache) and the run passes (exit 0)."""
    tf_layered(sandbox, "values(aws_lambda_layer_version.deps)[*].arn")
    assert_refused(sandbox.run(), "helper.cpython-312.pyc")


TF_URL = """\
resource "aws_lambda_function_url" "fn" {{
  function_name      = {target}
  authorization_type = "NONE"
}}
"""


def tf_url(sandbox: Sandbox, target: str) -> None:
    tf_bundle(sandbox, '"arn:aws:iam::123456789012:role/fn"', TF_URL.format(target=target))


def terraform_url_naming_its_function_plainly(sandbox: Sandbox) -> None:
    """The baseline: a URL with `function_name = aws_lambda_function.fn.function_name`
    and `authorization_type = "NONE"` blocks (GATE-IAC-010)."""
    tf_url(sandbox, "aws_lambda_function.fn.function_name")


def terraform_url_naming_its_function_in_a_call(sandbox: Sandbox) -> None:
    """`function_name = one(aws_lambda_function.fn[*].function_name)`: the URL is the
    function's; `_tf_related` does not find the reference inside the call, so no entry
    is judged (exit 0)."""
    tf_url(sandbox, "one(aws_lambda_function.fn[*].function_name)")


def terraform_url_naming_its_function_by_name(sandbox: Sandbox) -> None:
    """`function_name = "orders"`, the function's own `function_name`: Lambda attaches
    the URL to it (review 21 matched CloudFormation roles by `RoleName` for the same
    reason). `_tf_related` matches references only (exit 0)."""
    tf_url(sandbox, '"orders"')


# --- 6. the audit's cache key misses a single-file egg-info --------------------------------

SAM = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
"""


def egg_info(version: str) -> str:
    return f"Metadata-Version: 1.1\nName: requests\nVersion: {version}\n"


def egg_bundle(sandbox: Sandbox, version: str) -> None:
    sandbox.write("template.yaml", SAM)
    sandbox.write("src/app.py", GOOD)
    sandbox.write("src/requests.egg-info", egg_info(version))


def vulnerable_single_file_egg_info(sandbox: Sandbox) -> None:
    """The baseline: an old-style single-file `requests.egg-info` at 2.5.0 is audited
    (read_vendored reads the file as PKG-INFO) and blocks."""
    egg_bundle(sandbox, "2.5.0")


def test_a_changed_single_file_egg_info_is_audited_again(sandbox: Sandbox) -> None:
    """The same bundle scanned once at 2.31.0 (cached), then changed to 2.5.0: the
    audit's key (gate.scanners.pip_audit `key_files`, `_audited`) holds a file under a
    `*.egg-info` folder but not a `*.egg-info` file itself, and `key_context` only its
    name; the stale clean audit is reused and the run passes (exit 0)."""
    egg_bundle(sandbox, "2.31.0")
    assert sandbox.run().code == 0
    sandbox.write("src/requests.egg-info", egg_info("2.5.0"))
    assert_blocks(sandbox.run())


# --- 7. a CloudFormation role from a nested stack's output ---------------------------------

SAM_NESTED = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:{child}
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Role: {role}
"""
CHILD = """
  Iam:
    Type: AWS::Serverless::Application
    Properties:
      Location: iam.yaml"""
ROLE = """\
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: sts:AssumeRole}
      Policies:
        - PolicyName: admin
          PolicyDocument:
            Statement: [{Effect: Allow, Action: '*', Resource: '*'}]
"""
IAM_STACK = (
    "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
    + ROLE
    + "Outputs:\n  RoleArn:\n    Value: !GetAtt Role.Arn\n"
)


def role_in_the_same_template(sandbox: Sandbox) -> None:
    """The baseline: the admin role in the function's own template blocks."""
    sandbox.write(
        "template.yaml", SAM_NESTED.format(child="\n" + ROLE.rstrip(), role="!GetAtt Role.Arn")
    )
    sandbox.write("src/app.py", GOOD)


def role_from_a_nested_stack_output(sandbox: Sandbox) -> None:
    """`Role: !GetAtt Iam.Outputs.RoleArn`, `Iam` an `AWS::Serverless::Application` (or
    `AWS::CloudFormation::Stack`) whose local `iam.yaml` makes the role and outputs its
    ARN. CloudFormation wires it; gate.rules.iam.roles `_custom_role` finds roles in the
    function's own template only: "not in this file", a note (exit 0). Review 21 followed
    a Terraform module's output; a nested stack's is not."""
    sandbox.write(
        "template.yaml", SAM_NESTED.format(child=CHILD, role="!GetAtt Iam.Outputs.RoleArn")
    )
    sandbox.write("iam.yaml", IAM_STACK)
    sandbox.write("src/app.py", GOOD)


def test_nested_stacks_that_output_each_others_roles_end(sandbox: Sandbox) -> None:
    """Two templates whose outputs name each other's output: followed a few stacks deep,
    then the role is unknown (a note), never a crash."""
    sandbox.write(
        "template.yaml", SAM_NESTED.format(child=CHILD, role="!GetAtt Iam.Outputs.RoleArn")
    )
    loop = (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Back:\n"
        "    Type: AWS::Serverless::Application\n    Properties:\n      Location: iam.yaml\n"
        "Outputs:\n  RoleArn:\n    Value: !GetAtt Back.Outputs.RoleArn\n"
    )
    sandbox.write("iam.yaml", loop)
    sandbox.write("src/app.py", GOOD)
    run = sandbox.run()
    assert run.code in (0, 1), run
    assert "Traceback" not in run.stderr


# --- the bundles that block, in one run --------------------------------------------------

# name: (the bundle, the rule its blocking finding names)
BLOCKING: dict[str, tuple[Layout, str]] = {
    "1-terraform-role-named-plainly": (terraform_role_named_plainly, "GATE-IAC-001"),
    "1-terraform-role-inside-one": (terraform_role_named_inside_a_function_call, "GATE-IAC-001"),
    "1-terraform-role-inside-coalesce": (terraform_role_named_inside_coalesce, "GATE-IAC-001"),
    "1-terraform-role-by-data-source": (terraform_role_looked_up_by_a_data_source, "GATE-IAC-001"),
    "2-static-inline-policy": (static_inline_policy, "GATE-IAC-004"),
    "2-dynamic-inline-policy": (dynamic_inline_policy, "GATE-IAC-004"),
    "3-role-policy-attachment": (role_policy_attachment, "GATE-IAC-001"),
    "3-exclusive-policy-attachment": (exclusive_policy_attachment, "GATE-IAC-001"),
    "5-terraform-url-naming-plainly": (terraform_url_naming_its_function_plainly, "GATE-IAC-010"),
    "5-terraform-url-naming-in-a-call": (
        terraform_url_naming_its_function_in_a_call,
        "GATE-IAC-010",
    ),
    "5-terraform-url-naming-by-name": (terraform_url_naming_its_function_by_name, "GATE-IAC-010"),
    "6-vulnerable-single-file-egg-info": (vulnerable_single_file_egg_info, VULNERABLE_ADVISORY),
    "7-role-in-the-same-template": (role_in_the_same_template, "GATE-IAC-001"),
    "7-role-from-a-nested-stack-output": (role_from_a_nested_stack_output, "GATE-IAC-001"),
}


def test_the_bundles_that_must_block_do(tmp_path: Path) -> None:
    """Every baseline and trick that blocks (4's may be refused, 5's layers are, and 6's
    trick takes two runs), in one run of every bundle: each blocks, its finding naming
    its rule."""
    each_blocks(tmp_path, BLOCKING)


def test_each_trick_is_blocked_or_refused(tmp_path: Path) -> None:
    """The single tricks above, in one run: none of them passes."""
    each_blocked_or_refused(
        tmp_path,
        {
            "managed-policy-arn-built-by-format": a_managed_policy_arn_built_by_format_is_judged,
            "managed-policy-arn-the-caller-sets-is-unreadable": (
                a_managed_policy_arn_the_caller_sets_is_unreadable
            ),
        },
    )
