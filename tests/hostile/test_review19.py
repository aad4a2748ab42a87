"""A nineteenth hostile review of `gate check`: CloudFormation intrinsics and deploy-time
values the gate reads as literals (or not at all) where the deploy tool evaluates them
from the bundle's own files: `Fn::Split` in a role's actions, samconfig's
`parameter_overrides`, a SAM `CodeUri` written as a parameter, and Terraform `locals`,
variables and `terraform.tfvars` in an `archive_file`'s source; and the layers a
Serverless provider gives every function.

Each attack is a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks (or is refused). Each attack
exited 0 with the hostile harness's policy (checkov off). What lets each through:

1. An IAM action list built by `Fn::Split` (`Action: !Split [',', '*,s3:GetObject']`,
   or the long form `{'Fn::Split': [',', 'iam:*,s3:GetObject']}`). CloudFormation
   evaluates the split and the role gets `*` (or `iam:*`); SAM copies the statement
   into the role it generates untouched. gate.rules.iam.policy `action_strings` judges
   "every string in" an intrinsic as an action, which holds for `Fn::Join` (each part
   with a wildcard is a wildcard) but not for `Fn::Split`: the whole
   `'*,s3:GetObject'` is taken for one action, which is no wildcard the gate knows
   (`wildcard_scope`), only a below-threshold GATE-SLS-010. The same list written out
   blocks (GATE-IAC-001).
2. A parameter's value given by the bundle's samconfig.toml (`[default.deploy.
   parameters] parameter_overrides = "Act=iam:*"`), the file `sam deploy` reads from the
   project folder (and `sam deploy --guided` writes). The template's `Action: !Ref Act`
   has the harmless `Default: s3:GetObject`. gate.rules.intrinsics `literal_value` /
   `with_parameters` write a `Ref` of a parameter as its `Default` (and `literal_values`
   calls anything else "the deployer's"), and gate.bundle.discovery.references
   `samconfig_references` reads only `template_file` from a samconfig: the override in
   the bundle is never read, and the role deployed with `iam:*` passes, where
   `Default: 'iam:*'` blocks.
3. A SAM function's `CodeUri` written as a parameter of the template
   (`CodeUri: {Ref: CodeDir}` or `!Sub '${CodeDir}'`, `Default: node_modules/fn`).
   `sam build` resolves the template's parameters (defaults, and samconfig's
   overrides) before it builds (samcli SamBaseProvider `get_resolved_template_dict`,
   IntrinsicResolver), builds node_modules/fn, and `sam deploy` ships it.
   gate.bundle.discovery.cloudformation `_sam_code` takes a non-string `CodeUri` for
   "a code location the gate does not resolve" and a `${...}` in one for "not
   resolved": both are a `function-code-elsewhere` warning, exit 0, while the handler
   (B602) is counted ignored (`dependency-tree`). Written out, the same path is
   refused (exit 2). (The short form `!Ref CodeDir` arrives as the string `CodeDir`,
   a missing folder: refused, held.)
4. A Terraform function whose `archive_file` source is a local value, a variable with a
   default, or a variable set in `terraform.tfvars` (`source_dir = var.src`,
   `src = "node_modules/fn"`). Terraform evaluates them from the module's own files
   (terraform.tfvars and `*.auto.tfvars` are loaded automatically), zips the source at
   plan time and uploads it. gate.bundle.discovery.terraform `_tf_local` calls any
   `${...}` left after `path.module` "needs Terraform to resolve", a
   `function-code-elsewhere` warning, exit 0; the handler (B602) in node_modules is
   counted ignored. Written as a literal path the source is followed and refused
   (exit 2). A Terraform `filename` is always a local file (the provider reads it from
   disk), so it can never be "elsewhere".

5. A Serverless layer attached through `provider.layers` (`- Ref: DepsLambdaLayer`),
   the Framework's documented default for every function without its own `layers`
   (lib/plugins/aws/package/compile/functions.js: `functionObject.layers ||
   provider.layers`). gate.bundle.discovery.serverless `read_serverless` takes a
   function's layers from its own spec only (`_serverless_layer_refs(spec)`): the layer
   is no code place of the function, so its `python/__pycache__/helper.cpython-312.pyc`
   (an unchecked-hash pyc Python loads in place of the harmless helper.py) is never
   judged by gate.bundle.staging.bytecode `refuse_cached`, and the run passes; with the
   layer in the function's own `layers` it is refused (review 18's fourth attack,
   through the provider).

Suggested fixes, by class: one evaluator of the template's intrinsics for what the
rules and discovery read, with the deploy's parameter values (every `Default`, and
every samconfig `parameter_overrides` in the bundle, for any environment, as
alternatives), `Fn::Split`/`Fn::Select` evaluated over literals and any intrinsic it
cannot evaluate in a role's actions or resources reported as unreadable (never one
opaque action); a function's code location that needs a value the bundle itself gives
(a template parameter, a Terraform local, variable default or tfvars) is resolved,
and one the gate cannot resolve for a local-only property (SAM `CodeUri` not naming
S3, Terraform `filename`/`source_dir`) is refused for a Python or unknown runtime
rather than warned; and a function's settings are read with the provider-level
defaults the Framework applies to it (`provider.layers`, as `Globals` is for SAM).

Fixed, each by its class: a `[delimiter, text]` pair in a policy's `Action` is judged in
the pieces `Fn::Split` makes too (gate.rules.iam.policy `split_pieces`); a function of a
Python or unknown runtime whose code location only the deploy works out (a parameter, a
Terraform variable or local, a Serverless variable) is a scan error, never "code
elsewhere" (gate.bundle.discovery `_unresolved`); and a Serverless function without
layers of its own takes `provider.layers`. And 2: a parameter stands for its `Default` and
for every value any samconfig of the bundle passes it (gate.rules.intrinsics
`parameter_values`, read by gate.bundle.discovery.references `parameter_overrides`),
each judged as an alternative.

Also tried, and the gate held: `Fn::Select` (short and long form) and `!Split [',',
'*']` in an action (a `*` is among the strings: blocks); `!Join ['', ['ia', 'm:*']]`
(`m:*` blocks); `!Sub '${Svc}:*'` with a parameter default (resolved: blocks);
`Fn::Transform: AWS::Include` of a statement list, of a role's properties
(`ManagedPolicyArns`) and of a function's `CodeUri` (all read: block or refused); the
short form `CodeUri: !Ref CodeDir` (refused, its parameter's name is no folder).
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.hostile.conftest import (
    Layout,
    Sandbox,
    assert_refused,
    blocked_or_refused,
    each_blocked_or_refused,
    each_blocks,
    each_refused_in_report,
    with_file,
)
from tests.hostile.test_review16 import IMPORTS_HELPER
from tests.hostile.test_review18 import shadowed_layer
from tests.hostile.test_staging import BAD, GOOD

# --- 1. an action list built by Fn::Split -----------------------------------------------

SAM_ACTION = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Act:
    Type: String
    Default: {default}
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
              Resource: 'arn:aws:s3:::b/*'
"""


def granted(sandbox: Sandbox, action: str, default: str = "'s3:GetObject'") -> None:
    """A SAM function with a harmless handler whose role's one statement is `action`."""
    sandbox.write("template.yaml", SAM_ACTION.format(action=action, default=default))
    sandbox.write("src/app.py", GOOD)


def action_list_written_out(action: str) -> Layout:
    """The baseline: the list the split makes, written out, blocks (GATE-IAC-001)."""
    return partial(granted, action=action)


def test_an_action_list_built_by_split_is_judged(tmp_path: Path) -> None:
    """CloudFormation splits the string: the role gets `*` (or `iam:*`); the gate takes
    `'*,s3:GetObject'` for one unknown action and passes (exit 0). The last case splits
    a parameter whose Default is `s3:GetObject,iam:*`."""

    def layout(action: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            granted(sandbox, action, default="'s3:GetObject,iam:*'")

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "0-split-s3-getobject": layout("!Split [',', '*,s3:GetObject']"),
            "1-split-iam-s3-getobject": layout("!Split [',', 'iam:*,s3:GetObject']"),
            "2-fn-split-iam-s3-getobject": layout("{'Fn::Split': [',', 'iam:*,s3:GetObject']}"),
            "3-split-ref-act": layout("!Split [',', !Ref Act]"),
        },
    )


# --- 2. a parameter's value from the bundle's samconfig.toml ------------------------------

SAMCONFIG = """\
version = 0.1

[default.deploy.parameters]
stack_name = "orders"
parameter_overrides = "Act=iam:*"
"""


def parameters_wildcard_default(sandbox: Sandbox) -> None:
    """The baseline: `Action: !Ref Act` with `Default: 'iam:*'` blocks (GATE-IAC-001)."""
    granted(sandbox, "!Ref Act", default="'iam:*'")


# samconfig -> (its path, its text): each overrides `Act` with `iam:*` (or `*`).
OVERRIDES: dict[str, tuple[str, str]] = {
    "default-environment": ("samconfig.toml", SAMCONFIG),
    "a-list-in-another-environment": (
        "samconfig.toml",
        '[prod.deploy.parameters]\nparameter_overrides = ["Act=iam:*"]\n',
    ),
    "long-form": (
        "samconfig.toml",
        SAMCONFIG.replace('"Act=iam:*"', '"ParameterKey=Act,ParameterValue=*"'),
    ),
    "yaml-elsewhere": (
        "ops/samconfig.yaml",
        "version: 0.1\ndefault:\n  global:\n    parameters:\n"
        "      parameter_overrides: Stage=dev Act=iam:*\n",
    ),
}


def samconfig_parameter_override(override: str) -> Layout:
    """`Default: s3:GetObject`, and a samconfig of the bundle overrides it with `iam:*`:
    `sam deploy` deploys `iam:*`; the gate judged the Default alone and passed (exit 0).
    Every override in any samconfig, environment and command is a value the deploy may
    use (`sam deploy --config-env prod`, `--config-file ops/samconfig.yaml`): it blocks
    (GATE-IAC-001)."""
    return with_file(partial(granted, action="!Ref Act"), *OVERRIDES[override])


def override_split_into_actions(sandbox: Sandbox) -> None:
    """`!Split [',', !Ref Act]` over an override's `s3:GetObject,iam:*` (GATE-IAC-001)."""
    granted(sandbox, "!Split [',', !Ref Act]")
    sandbox.write("samconfig.toml", SAMCONFIG.replace("Act=iam:*", "Act=s3:GetObject,iam:*"))


def override_of_a_resource_policy_principal(sandbox: Sandbox) -> None:
    """A bucket policy's principal is `!Ref Reader` (`Default` an account): the samconfig
    gives `*`, and the bucket is open to anyone (GATE-IAC-019)."""
    granted(sandbox, "s3:GetObject")
    template = sandbox.bundle / "template.yaml"
    text = template.read_text().replace(
        "Parameters:\n", "Parameters:\n  Reader:\n    Type: String\n    Default: '111122223333'\n"
    )
    template.write_text(text + BUCKET_POLICY)
    sandbox.write("samconfig.toml", SAMCONFIG.replace("Act=iam:*", "Reader=*"))


BUCKET_POLICY = """\
  Open:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {AWS: !Ref Reader}
            Action: s3:PutObject
            Resource: 'arn:aws:s3:::b/*'
"""


def test_a_harmless_override_passes(sandbox: Sandbox) -> None:
    """Quiet: an override that names another object keeps the role as narrow as it was."""
    granted(sandbox, "!Ref Act")
    sandbox.write("samconfig.toml", SAMCONFIG.replace("Act=iam:*", "Act=s3:PutObject"))
    assert sandbox.run().code == 0


# --- 3. a SAM CodeUri written as a parameter of the template -------------------------------

SAM_CODE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  CodeDir:
    Type: String
    Default: node_modules/fn
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: {code_uri}
      Handler: app.handler
      Runtime: python3.12
"""


def coded(sandbox: Sandbox, code_uri: str) -> None:
    """A SAM function whose code (B602) is node_modules/fn, named by `code_uri`."""
    sandbox.write("template.yaml", SAM_CODE.format(code_uri=code_uri))
    sandbox.write("node_modules/fn/app.py", BAD)
    sandbox.write("src/app.py", GOOD)


def code_uri_written_out(sandbox: Sandbox) -> None:
    """The baseline: `CodeUri: node_modules/fn`, a folder the copy ignores: refused."""
    coded(sandbox, "node_modules/fn")


def test_a_code_uri_from_a_parameter_is_followed(tmp_path: Path) -> None:
    """`sam build` resolves the parameter to node_modules/fn and builds it; the gate
    warns `function-code-elsewhere`, counts the handler ignored and passes (exit 0)."""

    def layout(code_uri: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            coded(sandbox, code_uri)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "0-ref-codedir": layout("{Ref: CodeDir}"),
            "1-sub-codedir": layout("!Sub '${CodeDir}'"),
        },
    )


# --- 4. a Terraform archive_file's source from locals, variables or tfvars ----------------

TF_SOURCE = """\
{declarations}
data "archive_file" "fn" {{
  type        = "zip"
  source_dir  = {source}
  output_path = "${{path.module}}/build/fn.zip"
}}

resource "aws_lambda_function" "orders" {{
  function_name = "orders"
  role          = "arn:aws:iam::123456789012:role/orders"
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = data.archive_file.fn.output_path
}}
"""
LOCAL = 'locals {\n  src = "node_modules/fn"\n}\n'
DEFAULT = 'variable "src" {\n  type    = string\n  default = "node_modules/fn"\n}\n'
DECLARED = 'variable "src" {\n  type = string\n}\n'
# trick -> (declarations, source, files): each makes Terraform zip node_modules/fn.
TF_TRICKS: dict[str, tuple[str, str, dict[str, str]]] = {
    "local": (LOCAL, '"${path.module}/${local.src}"', {}),
    "variable-default": (DEFAULT, "var.src", {}),
    "tfvars": (DECLARED, "var.src", {"terraform.tfvars": 'src = "node_modules/fn"\n'}),
    "auto-tfvars": (DECLARED, "var.src", {"build.auto.tfvars": 'src = "node_modules/fn"\n'}),
}


def sourced(sandbox: Sandbox, declarations: str, source: str, files: dict[str, str]) -> None:
    """The archive_file zips node_modules/fn (a handler with B602) for the function."""
    sandbox.write("main.tf", TF_SOURCE.format(declarations=declarations, source=source))
    sandbox.write("node_modules/fn/app.py", BAD)
    for name, text in files.items():
        sandbox.write(name, text)


def archive_source_written_out(sandbox: Sandbox) -> None:
    """The baseline: `source_dir = "${path.module}/node_modules/fn"`: refused."""
    sourced(sandbox, "", '"${path.module}/node_modules/fn"', {})


def test_an_archive_source_from_the_modules_values_is_followed(tmp_path: Path) -> None:
    """Terraform evaluates the local, the default or the tfvars and zips node_modules/fn;
    the gate warns `function-code-elsewhere`, counts the handler ignored and passes
    (exit 0)."""

    def layout(trick: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            sourced(sandbox, *TF_TRICKS[trick])

        return written

    each_blocked_or_refused(tmp_path, {trick: layout(trick) for trick in sorted(TF_TRICKS)})


# --- 5. a Serverless layer attached through provider.layers -------------------------------

SLS_PROVIDER_LAYER = """\
service: orders
frameworkVersion: '3'
provider:
  name: aws
  runtime: python3.12{provider}
layers:
  deps:
    path: ../deps
functions:
  orders:
    handler: app.handler{own}
"""
ATTACHED = "\n    layers:\n      - Ref: DepsLambdaLayer"


def layered(sandbox: Sandbox, provider: str, own: str) -> None:
    """Layer `deps`, whose helper.py is shadowed by bytecode of a shell-running helper
    the handler imports."""
    text = SLS_PROVIDER_LAYER.format(provider=provider, own=own)
    sandbox.write("svc/serverless.yml", text)
    sandbox.write("svc/app.py", IMPORTS_HELPER)
    shadowed_layer(sandbox, "deps")


def test_a_functions_own_layers_bytecode_is_refused(sandbox: Sandbox) -> None:
    """The baseline: the layer in the function's own `layers`: refused (exit 2)."""
    layered(sandbox, "", ATTACHED)
    assert_refused(sandbox.run(), "helper.cpython-312.pyc")


def test_a_providers_layers_are_attached(sandbox: Sandbox) -> None:
    """`provider.layers: [{Ref: DepsLambdaLayer}]`: the Framework attaches the layer to
    `orders`, and Python loads its bytecode; the gate attaches no layer, never judges
    the bytecode, and passes (exit 0)."""
    layered(sandbox, ATTACHED.replace("\n    ", "\n  "), "")
    blocked_or_refused(sandbox.run().code)


# --- the bundles that block, in one run --------------------------------------------------

# name: (the bundle, the rule its blocking finding names)
BLOCKING: dict[str, tuple[Layout, str]] = {
    "1-action-list-written-out": (action_list_written_out("['*', 's3:GetObject']"), "GATE-IAC-001"),
    "1-iam-action-list-written-out": (
        action_list_written_out("['iam:*', 's3:GetObject']"),
        "GATE-IAC-001",
    ),
    "2-parameters-wildcard-default": (parameters_wildcard_default, "GATE-IAC-001"),
    **{
        f"2-samconfig-override-{name}": (samconfig_parameter_override(name), "GATE-IAC-001")
        for name in OVERRIDES
    },
    "2-override-split-into-actions": (override_split_into_actions, "GATE-IAC-001"),
    "2-override-of-a-principal": (override_of_a_resource_policy_principal, "GATE-IAC-019"),
}


def test_the_code_a_baseline_names_in_node_modules_is_followed(tmp_path: Path) -> None:
    """The baselines of 3 and 4, in one run: each refused by a scan error of its own
    naming node_modules/fn, the folder the copy ignores."""
    each_refused_in_report(
        tmp_path,
        {
            "3-code-uri-written-out": (code_uri_written_out, ("node_modules/fn",)),
            "4-archive-source-written-out": (archive_source_written_out, ("node_modules/fn",)),
        },
    )


def test_the_bundles_that_must_block_do(tmp_path: Path) -> None:
    """The baselines of 1 and 2 (3's, 4's and 5's are refused) and the overrides 2
    judges, in one run of every bundle: each blocks, its finding naming its rule."""
    each_blocks(tmp_path, BLOCKING)
