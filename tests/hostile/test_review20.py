"""A twentieth hostile review of `gate check`: how the IAM rules name the policies a role
gets (AWS managed policy ARNs written as intrinsics or parameters; Terraform roles and
policies reached through `count`, `for_each`, locals, variables and data sources), and
where the deploy takes a function's code or layers from that discovery does not look (a
Terraform zip uploaded by `aws_s3_object`, a SAM makefile build, a Serverless layer
attached with the `!Ref` short form).

Each attack is a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks (or is refused). Each attack
exited 0 with the hostile harness's policy (checkov off); by hand with the default
policy (checkov on), 1 (the `Fn::Join` role) and 3 (the zip) exited 0 all the same,
while checkov's own CKV_AWS_274/CKV2_AWS_40 blocked the admin and `iam:*` cases of 2.
What lets each through:

1. An AWS managed policy named by an intrinsic or a parameter: a role's
   `ManagedPolicyArns`, a SAM function's `Policies` or serverless.yml's
   `provider.iam.role.managedPolicies` holding `{'Fn::Sub': 'arn:${AWS::Partition}:iam::
   aws:policy/AdministratorAccess'}` or `{'Fn::Join': ['', ['arn:', {Ref:
   AWS::Partition}, ':iam::aws:policy/AdministratorAccess']]}` (the long forms every
   JSON template and `cdk synth` write, `!Join` short too), or `!Ref AdminArn` /
   `!Sub '${AdminArn}'` of a parameter whose `Default` is the ARN, or `!FindInMap` into
   the template's own `Mappings`. CloudFormation evaluates them and attaches
   AdministratorAccess. gate.rules.iam.roles `Template._role_parts`, `_sam_policy` and
   `_managed_at` hand the value as written to `Template.managed`, which knows a managed
   policy only by a plain string `managed_policy_name` matches (a dict is a "SAM policy
   template" named `Fn::Sub`, a parameter's name becomes `arn:aws:iam::aws:policy/
   AdminArn`): the policy is "unknown", a note on GATE-SLS-012 at most, and the run
   passes where the written-out ARN blocks (GATE-IAC-001). `with_parameters` and
   `with_mappings`, applied to policy documents, are never applied to managed policies.
2. A Terraform role or policy reached through an expression other than
   `aws_iam_role.NAME.attr` / `aws_iam_policy.NAME.arn`: a role with `count` or
   `for_each` (`role = aws_iam_role.fn[0].arn`), a role given through a local
   (`role = local.role_arn`), an `aws_iam_role_policy` naming the role through a local,
   an `aws_iam_policy` with `count` attached as `aws_iam_policy.p[0].arn`, and a managed
   policy ARN from a local, a variable's default or `data "aws_iam_policy"`. Terraform
   evaluates all of them. gate.rules.iam.roles_terraform `terraform_grants` finds the
   role by the regex `\\$\\{aws_iam_role\\.([\\w-]+)\\.` (no index, no local),
   `_names_role` by a prefix of the same, `_policy_arn` a local policy by `_POLICY_ARN`
   and a managed one only by a literal ARN: the role is "not in this module" or the
   policy "unknown", and `Action = "*"` (or `iam:*`) passes where the plain reference
   blocks.
3. A Terraform function whose zip is uploaded by an `aws_s3_object` of the module
   (`source = data.archive_file.fn.output_path`, or a zip of the bundle) and deployed
   with `s3_bucket`/`s3_key` naming that object: Terraform builds and uploads the zip
   in the same apply, the documented pattern for packages over 50 MB.
   gate.bundle.discovery.terraform `_tf_code` calls every function without `filename`
   "code in S3" (a `function-code-elsewhere` warning): the archive's source in
   node_modules/fn is counted ignored, and a zip in the bundle is "a zip no function
   deploys" (`zip-not-deployed`, never unpacked), so a handler passing event data to a
   shell (B602, GATE-SLS-001) passes; with `filename` naming the same zip or archive it
   blocks (or is refused).
4. A SAM function built by its Makefile (`Metadata: {BuildMethod: makefile}`): `sam build`
   runs `make build-<LogicalId>` from the `Makefile` in CodeUri and deploys whatever it
   puts in `$(ARTIFACTS_DIR)`; the Makefile knows its own path (`$(MAKEFILE_LIST)`) and
   copies `../node_modules/fn/app.py` there. gate.bundle.discovery.cloudformation
   `_sam_code` reads only `CodeUri`: the harmless src/app.py is the code, the Makefile
   one not-analysed file, and the deployed handler (B602) in node_modules is ignored;
   `CodeUri: node_modules/fn` is refused.
5. A Serverless layer attached with the short form `layers: [!Ref DepsLambdaLayer]`
   (the Framework reads serverless.yml with its CloudFormation YAML schema, so the tag
   is `{Ref: DepsLambdaLayer}`, the same as the long form). The gate's loader gives the
   tag's value, the string `DepsLambdaLayer`, and gate.bundle.discovery.serverless
   `_serverless_layer_refs` takes only mappings: the layer is no code place of the
   function, so its `python/__pycache__/helper.cpython-312.pyc` (an unchecked-hash pyc
   Python loads in place of the harmless helper.py) is never judged by
   gate.bundle.staging.bytecode `refuse_cached`; with `- Ref: DepsLambdaLayer` it is
   refused (review 18's fourth attack, through a tag).

Suggested fixes, by class: one resolver for every value the IAM rules read, documents
and managed policy ARNs alike (`with_parameters`/`with_mappings`, and `Fn::Sub`/
`Fn::Join` with pseudo parameters evaluated to every partition's spelling), and a
managed policy the gate cannot name reported like an unreadable document (GATE-IAC-004,
high), never a note; for Terraform, references read as Terraform resolves them
(`NAME[...]` and `NAME["key"]` are NAME, locals and variable defaults and tfvars
substituted, `data "aws_iam_policy"` by its name or ARN), and a role or policy the
module names but the gate cannot follow reported as unreadable, not "not in this
module"; a function's code taken from what the module uploads (`aws_s3_object` /
`aws_s3_bucket_object` `source` naming a bundle file or an archive_file, for functions
and layers), and any build the deploy runs from the bundle's own program (SAM
`BuildMethod: makefile`, and the like) refused for a Python or unknown runtime; and
serverless.yml read with the Framework's CloudFormation tags as their long forms
(`!Ref X` is `{Ref: X}`) wherever discovery or the rules look for a mapping.

Also tried, and the gate held: the short form `!Sub 'arn:${AWS::Partition}:iam::aws:
policy/AdministratorAccess'` (a string the ARN pattern matches: blocks); a Docker image
function whose Dockerfile copies node_modules/fn from a `DockerContext: .` (the context is
the code, nothing ignored in it: blocks); a Terraform inline `aws_iam_role_policy` with
`iam:*` through a plain reference (blocks). Read, and judged sound or by design without a
case: a zip by content (`lib.dat`) in a Python function's code (refused); `.pth` files with
an `import` line (refused); bytecode beside and without its source (refused); an inline
`checkov:skip=` with a reason of a checkov check a GATE finding absorbs carries over to
the GATE finding (gate.scan.merge `_merged`), which the default `inline_suppressions:
require-reason` accepts: documented, the policy's to deny.

Fixed, each by its class: 1, a managed policy is read in its long form and stands for
every ARN the template deploys it as (gate.rules.intrinsics `deployed_literals`, with
`AWS::Partition`); one the gate cannot work out (`!ImportValue`, `!GetAtt`) is a policy
it could not read (GATE-IAC-004, high). 2, a Terraform module's expressions stand for
what its locals, variable defaults and tfvars files give them, instance indexes dropped
(gate.bundle.discovery.terraform_values), and a `data "aws_iam_policy"` for the policy it looks
up. 3, a function or layer deploying an object the module uploads from a file deploys
that file (gate.bundle.discovery.terraform `_uploaded`); one written from `content` is
code the gate cannot follow. 4, a SAM function built by its Makefile is code the gate
cannot follow (a scan error naming it). 5, discovery reads serverless.yml and the files
it includes as the Framework does, with CloudFormation's short forms as long forms
(gate.bundle.discovery.read `framework_view`).
"""

from __future__ import annotations

import io
import zipfile
from functools import partial
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    Layout,
    Sandbox,
    assert_refused,
    each_blocked_or_refused,
    each_blocks,
    each_refused_in_report,
)
from tests.hostile.test_review16 import IMPORTS_HELPER
from tests.hostile.test_review18 import shadowed_layer
from tests.hostile.test_staging import BAD, GOOD

ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
PARTITION_SUB = "{'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess'}"
PARTITION_JOIN = (
    "{'Fn::Join': ['', ['arn:', {Ref: 'AWS::Partition'}, ':iam::aws:policy/AdministratorAccess']]}"
)

# --- 1. an AWS managed policy named by an intrinsic or a parameter ------------------------

SAM_POLICIES = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  AdminArn:
    Type: String
    Default: arn:aws:iam::aws:policy/AdministratorAccess
Mappings:
  Arns:
    all:
      admin: arn:aws:iam::aws:policy/AdministratorAccess
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Policies:
        - {arn}
"""
CFN_ROLE = """\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {{Effect: Allow, Principal: {{Service: lambda.amazonaws.com}}, Action: sts:AssumeRole}}
      ManagedPolicyArns:
        - {arn}
  Orders:
    Type: AWS::Lambda::Function
    Properties:
      Code: src/
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt Role.Arn
"""
SLS_MANAGED = """\
service: orders
frameworkVersion: '3'
provider:
  name: aws
  runtime: python3.12
  iam:
    role:
      managedPolicies:
        - {arn}
functions:
  orders:
    handler: app.handler
"""
# Where a managed policy is attached -> (the IaC file, its text, the handler's file).
ATTACHING = {
    "sam-policies": ("template.yaml", SAM_POLICIES, "src/app.py"),
    "cfn-role": ("template.yaml", CFN_ROLE, "src/app.py"),
    "serverless": ("serverless.yml", SLS_MANAGED, "app.py"),
}


def attached(sandbox: Sandbox, where: str, arn: str) -> None:
    """A function with a harmless handler whose role gets the managed policy `arn`."""
    iac, text, handler = ATTACHING[where]
    sandbox.write(iac, text.format(arn=arn))
    sandbox.write(handler, GOOD)


# The baselines: AdministratorAccess written out (or as a short `!Sub`, which the loader
# reads as its text) blocks (GATE-IAC-001). name -> the ARN.
STRING_ARNS = {
    "written-out": ADMIN,
    "short-sub": "!Sub 'arn:${AWS::Partition}:iam::aws:policy/AdministratorAccess'",
}
# CloudFormation evaluates the ARN and attaches AdministratorAccess; the gate called the
# policy unknown and passed (exit 0). Each ARN the value may be deployed as is judged
# (GATE-IAC-001). name -> (where, the ARN).
BUILT_ARNS = {
    "sam-policies-sub-partition": ("sam-policies", PARTITION_SUB),
    "sam-policies-join-partition": ("sam-policies", PARTITION_JOIN),
    "sam-policies-ref-tag": ("sam-policies", "!Ref AdminArn"),
    "sam-policies-ref-mapping": ("sam-policies", "{Ref: AdminArn}"),
    "sam-policies-sub-parameter": ("sam-policies", "!Sub '${AdminArn}'"),
    "sam-policies-find-in-map": ("sam-policies", "!FindInMap [Arns, all, admin]"),
    "cfn-role-sub-partition": ("cfn-role", PARTITION_SUB),
    "cfn-role-join-partition": ("cfn-role", PARTITION_JOIN),
    "cfn-role-join-tag": (
        "cfn-role",
        "!Join ['', ['arn:', !Ref 'AWS::Partition', ':iam::aws:policy/AdministratorAccess']]",
    ),
    "serverless-sub-partition": ("serverless", PARTITION_SUB),
    "serverless-join-partition": ("serverless", PARTITION_JOIN),
}
# An ARN only the deploy knows may be AdministratorAccess: a policy the gate could not
# read (GATE-IAC-004, high), never a note. name -> the ARN, in a SAM function's
# `Policies` and in a role's `ManagedPolicyArns`.
UNNAMED_ARNS = {"import-value": "!ImportValue shared-policy-arn", "get-att": "!GetAtt Other.Arn"}


@pytest.mark.parametrize("where", ["sam-policies", "cfn-role"])
def test_a_narrow_managed_policy_built_by_an_intrinsic_passes(sandbox: Sandbox, where: str) -> None:
    """Quiet: the basic execution role, written with `AWS::Partition` as CDK writes it."""
    basic = ":iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    attached(
        sandbox, where, f"{{'Fn::Join': ['', ['arn:', {{Ref: 'AWS::Partition'}}, '{basic}']]}}"
    )
    assert sandbox.run().code == 0
    attached(sandbox, where, f"!Join ['', ['arn:', !Ref 'AWS::Partition', '{basic}']]")
    assert sandbox.run().code == 0


# --- 2. a Terraform role or policy reached through an expression ---------------------------

TF_FUNCTION = """\
data "archive_file" "fn" {{
  type        = "zip"
  source_dir  = "${{path.module}}/src"
  output_path = "${{path.module}}/build/fn.zip"
}}

resource "aws_iam_role" "fn" {{
  {meta}
  assume_role_policy = jsonencode({{
    Version   = "2012-10-17"
    Statement = [{{
      Effect = "Allow", Action = "sts:AssumeRole",
      Principal = {{ Service = "lambda.amazonaws.com" }}
    }}]
  }})
}}

{grants}

resource "aws_lambda_function" "orders" {{
  function_name = "orders"
  role          = {role}
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = data.archive_file.fn.output_path
}}
"""
WILDCARD = (
    'jsonencode({ Version = "2012-10-17", '
    'Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }] })'
)


def role_policy(role: str) -> str:
    return f'resource "aws_iam_role_policy" "p" {{\n  role   = {role}\n  policy = {WILDCARD}\n}}\n'


def attachment(policy_arn: str) -> str:
    return (
        'resource "aws_iam_role_policy_attachment" "a" {\n'
        f"  role       = aws_iam_role.fn.name\n  policy_arn = {policy_arn}\n}}\n"
    )


LOCAL_POLICY = f'resource "aws_iam_policy" "p" {{\n  count  = 1\n  policy = {WILDCARD}\n}}\n'
# trick -> (the role's meta-argument, the grants, the function's role): each gives the
# function's role `*` (or AdministratorAccess).
TF_ROLES: dict[str, tuple[str, str, str]] = {
    "role-count": ("count = 1", role_policy("aws_iam_role.fn[0].id"), "aws_iam_role.fn[0].arn"),
    "role-for-each": (
        'for_each = toset(["a"])',
        role_policy('aws_iam_role.fn["a"].id'),
        'aws_iam_role.fn["a"].arn',
    ),
    "role-through-local": (
        "",
        role_policy("aws_iam_role.fn.id") + "locals {\n  role_arn = aws_iam_role.fn.arn\n}\n",
        "local.role_arn",
    ),
    "policy-names-role-through-local": (
        "",
        role_policy("local.role_name") + "locals {\n  role_name = aws_iam_role.fn.name\n}\n",
        "aws_iam_role.fn.arn",
    ),
    "policy-count": (
        "",
        LOCAL_POLICY + attachment("aws_iam_policy.p[0].arn"),
        "aws_iam_role.fn.arn",
    ),
    "managed-local": (
        "",
        attachment("local.admin") + f'locals {{\n  admin = "{ADMIN}"\n}}\n',
        "aws_iam_role.fn.arn",
    ),
    "managed-variable": (
        "",
        attachment("var.admin") + f'variable "admin" {{\n  default = "{ADMIN}"\n}}\n',
        "aws_iam_role.fn.arn",
    ),
    "managed-data-source": (
        "",
        attachment("data.aws_iam_policy.admin.arn")
        + 'data "aws_iam_policy" "admin" {\n  name = "AdministratorAccess"\n}\n',
        "aws_iam_role.fn.arn",
    ),
}
TF_PLAIN = {
    "inline": ("", role_policy("aws_iam_role.fn.id"), "aws_iam_role.fn.arn"),
    "managed": ("", attachment(f'"{ADMIN}"'), "aws_iam_role.fn.arn"),
}


def terraformed(sandbox: Sandbox, meta: str, grants: str, role: str) -> None:
    sandbox.write("main.tf", TF_FUNCTION.format(meta=meta, grants=grants, role=role))
    sandbox.write("src/app.py", GOOD)


def terraform_role_named_plainly(plain: str) -> Layout:
    """The baseline: `Action = "*"` in a role policy, or AdministratorAccess attached, on
    `aws_iam_role.fn`: blocks (GATE-IAC-001)."""
    meta, grants, role = TF_PLAIN[plain]
    return partial(terraformed, meta=meta, grants=grants, role=role)


def test_a_terraform_role_through_an_expression_is_judged(tmp_path: Path) -> None:
    """Terraform resolves the index, the local, the variable or the data source; the gate
    finds no role (or an unknown policy) and passes (exit 0)."""

    def layout(trick: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            terraformed(sandbox, *TF_ROLES[trick])

        return written

    each_blocked_or_refused(tmp_path, {trick: layout(trick) for trick in sorted(TF_ROLES)})


# --- 3. a Terraform function's zip uploaded by aws_s3_object --------------------------------

TF_ARCHIVE = """\
data "archive_file" "fn" {
  type        = "zip"
  source_dir  = "${path.module}/node_modules/fn"
  output_path = "${path.module}/build/fn.zip"
}
"""
TF_S3_OBJECT = """\
resource "aws_s3_object" "code" {{
  bucket = "orders-artifacts"
  key    = "orders.zip"
  source = {source}
}}

resource "aws_lambda_function" "orders" {{
  function_name = "orders"
  role          = "arn:aws:iam::123456789012:role/orders"
  handler       = "app.handler"
  runtime       = "python3.12"
  s3_bucket     = aws_s3_object.code.bucket
  s3_key        = aws_s3_object.code.key
}}
"""
TF_FILENAME = """\
resource "aws_lambda_function" "orders" {{
  function_name = "orders"
  role          = "arn:aws:iam::123456789012:role/orders"
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = {source}
}}
"""
# what is uploaded -> (the module's other blocks, the source, the bundle's files).
UPLOADS: dict[str, tuple[str, str, str]] = {
    "archive_file": (TF_ARCHIVE, "data.archive_file.fn.output_path", "node_modules/fn/app.py"),
    "bundle-zip": ("", '"${path.module}/build/fn.zip"', "build/fn.zip"),
}


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def uploaded(sandbox: Sandbox, upload: str, function: str) -> None:
    """The function's code (B602) is node_modules/fn zipped, or a zip of the bundle."""
    blocks, source, place = UPLOADS[upload]
    sandbox.write("main.tf", blocks + function.format(source=source))
    sandbox.write(place, zipped({"app.py": BAD}) if place.endswith(".zip") else BAD)


def test_a_terraform_filename_is_followed(tmp_path: Path) -> None:
    """The baseline: `filename` names the archive (refused: node_modules is no code the
    gate scans) or the zip (unpacked: blocks)."""

    def layout(upload: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            uploaded(sandbox, upload, TF_FILENAME)

        return written

    each_blocked_or_refused(tmp_path, {upload: layout(upload) for upload in sorted(UPLOADS)})


def test_a_terraform_upload_to_s3_is_followed(tmp_path: Path) -> None:
    """The module uploads the zip with aws_s3_object and the function deploys that
    object; the gate says "code in S3", ignores the source (or leaves the zip unpacked)
    and passes (exit 0)."""

    def layout(upload: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            uploaded(sandbox, upload, TF_S3_OBJECT)

        return written

    each_blocked_or_refused(tmp_path, {upload: layout(upload) for upload in sorted(UPLOADS)})


# --- 4. a SAM function built by its Makefile ------------------------------------------------

SAM_BUILT = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: {code_uri}
      Handler: app.handler
      Runtime: python3.12{metadata}
"""
MAKEFILE = (
    "HERE := $(dir $(abspath $(firstword $(MAKEFILE_LIST))))\n\n"
    "build-Orders:\n\tcp $(HERE)../node_modules/fn/app.py $(ARTIFACTS_DIR)/\n"
)


def made(sandbox: Sandbox, code_uri: str, metadata: str) -> None:
    """The deployed handler (B602) is node_modules/fn/app.py; src/app.py is harmless."""
    sandbox.write("template.yaml", SAM_BUILT.format(code_uri=code_uri, metadata=metadata))
    sandbox.write("node_modules/fn/app.py", BAD)
    sandbox.write("src/app.py", GOOD)
    sandbox.write("src/Makefile", MAKEFILE)


def code_uri_in_node_modules(sandbox: Sandbox) -> None:
    """The baseline: `CodeUri: node_modules/fn`: refused (exit 2)."""
    made(sandbox, "node_modules/fn/", "")


def makefile_build_is_not_taken_for_its_code_uri(sandbox: Sandbox) -> None:
    """`sam build` runs the Makefile, which copies node_modules/fn/app.py into the
    artifact; the gate scanned src/, called the Makefile not analysed and passed (exit 0).
    What a program of the bundle builds is code the gate cannot follow: a scan error
    naming the function, with what to do."""
    made(sandbox, "src/", "\n    Metadata:\n      BuildMethod: makefile")


# --- 5. a Serverless layer attached with the `!Ref` short form ------------------------------

SLS_LAYER = """\
service: orders
frameworkVersion: '3'
provider:
  name: aws
  runtime: python3.12
layers:
  deps:
    path: ../deps
functions:
  orders:
    handler: app.handler
    layers:
      - {ref}
"""


def layered(sandbox: Sandbox, ref: str) -> None:
    """Layer `deps`, whose helper.py is shadowed by bytecode of a shell-running helper
    the handler imports."""
    sandbox.write("svc/serverless.yml", SLS_LAYER.format(ref=ref))
    sandbox.write("svc/app.py", IMPORTS_HELPER)
    shadowed_layer(sandbox, "deps")


def test_a_layer_attached_by_a_ref_mapping_is_judged(sandbox: Sandbox) -> None:
    """The baseline: `- Ref: DepsLambdaLayer`: the layer's bytecode is refused (exit 2)."""
    layered(sandbox, "Ref: DepsLambdaLayer")
    assert_refused(sandbox.run(), "helper.cpython-312.pyc")


def a_layer_attached_by_a_ref_tag_is_judged(sandbox: Sandbox) -> None:
    """`- !Ref DepsLambdaLayer`: the Framework reads `{Ref: DepsLambdaLayer}` and attaches
    the layer; the gate attaches none, never judges its bytecode and passes (exit 0)."""
    layered(sandbox, "!Ref DepsLambdaLayer")


# --- held ---------------------------------------------------------------------------------

SAM_IMAGE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
    Metadata:
      DockerContext: .
      Dockerfile: src/Dockerfile
"""
DOCKERFILE = (
    "FROM public.ecr.aws/lambda/python:3.12\n"
    "COPY node_modules/fn/app.py ${LAMBDA_TASK_ROOT}/\n"
    'CMD ["app.handler"]\n'
)


def image_copying_from_node_modules(sandbox: Sandbox) -> None:
    """Held: an image function's Docker context is its code, nothing ignored in it; the
    handler the Dockerfile copies from node_modules is scanned (blocks: GATE-SLS-001)."""
    sandbox.write("template.yaml", SAM_IMAGE)
    sandbox.write("src/Dockerfile", DOCKERFILE)
    sandbox.write("node_modules/fn/app.py", BAD)


def an_upload_named_by_its_literal_bucket_and_key_is_followed(sandbox: Sandbox) -> None:
    """The function names the object by the same literal bucket and key as the upload."""
    uploaded(sandbox, "bundle-zip", TF_S3_OBJECT)
    main = sandbox.bundle / "main.tf"
    text = main.read_text().replace("aws_s3_object.code.bucket", '"orders-artifacts"')
    main.write_text(text.replace("aws_s3_object.code.key", '"orders.zip"'))


def upload_written_from_content(sandbox: Sandbox) -> None:
    """An object written from `content_base64` (a zip in the text): code the gate cannot
    follow, a scan error naming the function."""
    uploaded(sandbox, "bundle-zip", TF_S3_OBJECT)
    main = sandbox.bundle / "main.tf"
    main.write_text(main.read_text().replace("source = ", "content_base64 = "))


def managed_policy_a_tfvars_file_gives(sandbox: Sandbox) -> None:
    """`policy_arn = var.admin`, a variable without a default that terraform.tfvars (which
    Terraform loads by itself) sets to AdministratorAccess: blocks (GATE-IAC-001)."""
    grants = attachment("var.admin") + 'variable "admin" {}\n'
    terraformed(sandbox, "", grants, "aws_iam_role.fn.arn")
    sandbox.write("terraform.tfvars", f'admin = "{ADMIN}"\n')


# --- the bundles that block, in one run --------------------------------------------------

# name: (the bundle, the rule its blocking finding names)
BLOCKING: dict[str, tuple[Layout, str]] = {
    **{
        f"1-{where}-{name}": (partial(attached, where=where, arn=arn), "GATE-IAC-001")
        for where in sorted(ATTACHING)
        for name, arn in STRING_ARNS.items()
    },
    **{
        f"1-{name}": (partial(attached, where=where, arn=arn), "GATE-IAC-001")
        for name, (where, arn) in BUILT_ARNS.items()
    },
    **{
        f"1-{where}-{name}": (partial(attached, where=where, arn=arn), "GATE-IAC-004")
        for where in ("sam-policies", "cfn-role")
        for name, arn in UNNAMED_ARNS.items()
    },
    **{
        f"2-terraform-role-{plain}": (terraform_role_named_plainly(plain), "GATE-IAC-001")
        for plain in sorted(TF_PLAIN)
    },
    "held-image-copying-from-node-modules": (image_copying_from_node_modules, "GATE-SLS-001"),
    "held-managed-policy-from-tfvars": (managed_policy_a_tfvars_file_gives, "GATE-IAC-001"),
}


def test_the_bundles_that_must_block_do(tmp_path: Path) -> None:
    """The baselines of 1 and 2 (3's may be refused, 4's and 5's are), the managed
    policies 1 judges and what held, in one run of every bundle: each blocks, its finding
    naming its rule."""
    each_blocks(tmp_path, BLOCKING)


def test_code_the_gate_cannot_follow_is_refused(tmp_path: Path) -> None:
    """3's baseline, its Makefile build and the upload written from content, in one run:
    each refused by a scan error of its own naming what a run of it alone named."""
    cases: dict[str, tuple[Layout, tuple[str, ...]]] = {
        "3-code-uri-in-node-modules": (code_uri_in_node_modules, ("node_modules/fn",)),
        "3-makefile-build-is-not-taken-for-its-code-uri": (
            makefile_build_is_not_taken_for_its_code_uri,
            ("Orders: its code is at what its Makefile builds", "gate check the built zip"),
        ),
        "held-upload-written-from-content": (
            upload_written_from_content,
            ("aws_lambda_function.orders: its code is at",),
        ),
    }
    each_refused_in_report(tmp_path, cases)


def test_each_trick_is_blocked_or_refused(tmp_path: Path) -> None:
    """The single tricks above, in one run: none of them passes."""
    each_blocked_or_refused(
        tmp_path,
        {
            "layer-attached-by-a-ref-tag": a_layer_attached_by_a_ref_tag_is_judged,
            "upload-named-by-its-literal-bucket-and-key-is-followed": (
                an_upload_named_by_its_literal_bucket_and_key_is_followed
            ),
        },
    )
