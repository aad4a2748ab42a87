"""A thirty-eighth hostile review of `gate check`, away from the build steps the last reviews
attacked: which functions and layers the IaC readers see (gate.bundle.discovery
cloudformation.py, terraform.py), and what the file accounting does with the code they
do not see (gate.bundle.rules `dir_rule`, gate.bundle.staging.accounting `zip-not-deployed`).

Each attack is a confirmed problem: the tricked bundle exits 0 with the hostile harness's
policy (checkov off), and a baseline shows the same bundle without the trick blocks:
bandit's B605 on the code the trick hides (a layer's helper.py, or a folder of the
function's code), or, for 1b, the gate's own GATE-IAC-001 and GATE-IAC-010. 1b was also
run by hand with the default policy (checkov on): exit 0, checkov's CloudFormation
parser does not expand `Fn::ForEach` either. What lets each through:

1. Functions declared in a `Fn::ForEach` loop (`Transform: [AWS::LanguageExtensions,
   AWS::Serverless-2016-10-31]`, which `sam build`, `sam deploy` and CloudFormation
   expand). `read_template` (gate.bundle.discovery.cloudformation) iterates `Resources`
   and keeps the values whose `Type` is a function type; a `Fn::ForEach::Functions` key
   holds a list, read as `{}`: no `Type`, so the function is never declared. Nothing says
   so: no warning, no refusal. (a) What only a declared function's code brings back is
   then left out: a folder of the function's code holding a `pyvenv.cfg`
   (`src/lib/`, the handler putting it on `sys.path`) is a virtualenv the built-in rule
   ignores (gate.bundle.rules `dir_rule`), brought back only inside a Python function's
   code (gate.bundle.staging.imports `bring_back_code`); its helper.py's `os.system` is
   never read. The same folder under a plain `OrdersFunction:` blocks (B605). (b) Every
   IaC rule of the function is silent: a `FunctionUrlConfig` with `AuthType: NONE` and a
   role allowing `*` on `*` pass, which the same function written out blocks
   (GATE-IAC-001, GATE-IAC-010). AWS documents `Fn::ForEach` for exactly this, one
   function per folder (`CodeUri: ${Name}/`).
2. A layer the reader cannot tie to a file is dropped without a word, where a function's
   code the reader cannot resolve is a scan error. The layer's zip is then "a zip no
   function or layer deploys" (gate.bundle.staging.accounting: `zip-not-deployed`, a
   warning), its contents never unpacked nor scanned, and the run passes:
   (a) Terraform, a layer whose `filename` names a variable with no default
   (`"${path.module}/layer-${var.layer_version}.zip"`, set by `-var` or `TF_VAR_`):
   `read_terraform` builds `layers` from `_tf_code(...)[0]`, None for an unresolved path,
   and a function's `layers` keeps only the addresses `layers.get(ref)` is not None for
   (gate.bundle.discovery.terraform); (b) Terraform, the layer in a local module of its
   own, the function's `layers = [module.deps.arn]`: `layers` holds the calling
   module's `aws_lambda_layer_version` blocks only, and `_tf_references` finds no
   resource address in `module.deps.arn`; (c) SAM, the layer declared in the parent
   template and passed to a nested application (`AWS::Serverless::Application`, local
   `Location`) as a parameter, the child's function `Layers: [!Ref DepsLayer]`:
   `_template_layers` knows the template's own layer resources, and a parameter is none.
   (b) and (c) are how layers are commonly laid out (a module or a stack per layer).

Suggested fixes, by class. 1: read `Fn::ForEach::*` keys of `Resources` (and of resource
properties and `Outputs`) as CloudFormation's language extensions expand them: the
collection a literal list (or a parameter's `Default`/samconfig values), `${Identifier}`
and `&{Identifier}` substituted in the keys and values of the template fragment; a loop
the gate cannot expand (a collection from `Fn::GetAZs`, an import) is refused as IaC the
gate cannot read. Any key of `Resources` that is not a logical id (`Fn::*`) the gate does
not know is refused, never skipped. 2: a function's layer is a code place like its code:
a layer reference the gate cannot follow to a layer of the bundle (a resource whose
content it cannot resolve, a module output, a parameter, a variable, `Fn::If`) is, for a
Python function, a scan error naming it, as an unresolved code location is; follow
module outputs (`module.X.arn` to the module's `output "arn"` and on to its layer
block) and nested stacks' parameters (the parent's `Parameters:` of the
`AWS::Serverless::Application`/`AWS::CloudFormation::Stack` to the child's `!Ref`) where
they are literal references; and a zip in the bundle that a layer resource of any
template or module names (a `ContentUri`/`Content`/`filename`) is deployed, unpacked and
scanned whether or not a function is tied to it.

Also tried, and the gate held: the layer of 2c as a folder (`ContentUri: layer/` with
`python/pyvenv.cfg`): the handler's `import helper` brings helper.py back from the ignored
folder (`_layer_folders`), B605; a samconfig `template_file` in a folder the policy
excludes (`tests/**`): refused; a module starting with `#!/bin/sh` (counted not analysed
by `_state`, but bandit still reads every `.py`: B605 blocks; the count is wrong, see
below); a made-up `DB_PASSWORD = "q'..."` for B105's text (`'***'***'`: masked); 2a with
`for_each` on the layer and `aws_lambda_layer_version.deps["py"].arn` (followed: B605).

False refusals seen on realistic files: none new. A miscount, not a refusal: a Python
module whose first line is `#!` and names another interpreter (`#!/bin/sh`) is counted
`not analysed` in `files` (`is_program` and not `runs_python`, gate.bundle.staging
.accounting `_state`) and warned `not-analysed`, though bandit reads and flags it: the
`files` object under-counts what was scanned.

Not covered: `Fn::ForEach` inside resource properties (a role's `Policies` built by a loop)
and in `Outputs` (same class as 1, not run); a SAM layer whose `ContentUri` is a long-form
intrinsic (`Fn::If`, `Fn::Sub`): dropped the same way (exit 0 seen) but whether `sam
build`/`sam package` deploy such a value was not checked, so it is left out of the cases;
the bandit anchors (gate.pysource `python_lines`), `_in_bundle` (gate.scan.run),
`file_at_ref`/`baseline_at_ref` under `--policy-ref` and the `Seen` severity in diff mode
were read only; reports other than console and JSON were not checked for secrets;
OpenTofu's `.tofu` files (which override a `.tf` of the same name) were not tried.

Fixed, each by its class. 1, a template (or a Serverless service) holding a `Fn::ForEach`
loop anywhere, in `Resources`, properties or `Outputs`, is refused, naming the loop and
its line: the gate and its scanners read a template as written, so what a loop makes
would go unchecked (gate.bundle.discovery.cloudformation `unexpanded_loop`). 2, a
function's layer is tied or said: a layer entry that is neither a layer of the file or
module whose code the gate finds (or knows to be in S3) nor a published one (an ARN, a
parameter whose default is one, another stack's export, a Terraform `data` source) is a
part of a Python function the gate cannot follow, as an unresolved code location is
(`_untied_layers` in the CloudFormation, Terraform and Serverless readers); a layer whose
content only the deploy resolves is too; and the zip of every layer the IaC declares is
unpacked and scanned whether or not a function is tied to it (gate.bundle.discovery.bundle
`_unpack_layers`), so a parent template's layer passed to a nested stack is read.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.hostile.conftest import (
    Sandbox,
    each_blocked_or_refused,
    each_blocks,
)

Layout = Callable[[Sandbox], None]

PLANTED_HELPER = "import os\n\n\ndef run():\n    os.system(os.environ.get('X', ''))\n"
"""The code each trick hides: bandit's B605 wherever the gate reads it."""
IMPORTS_HELPER = "import helper\n\n\ndef handler(event, context):\n    return helper.run()\n"
ON_PATH = (
    "import sys\n\nsys.path.insert(0, '/var/task/lib')\n\nimport helper  # noqa: E402\n\n\n"
    "def handler(event, context):\n    return helper.run()\n"
)
HARMLESS = "def handler(event, context):\n    return {'ok': True}\n"
TRANSFORMS = (
    "AWSTemplateFormatVersion: '2010-09-09'\n"
    "Transform:\n  - AWS::LanguageExtensions\n  - AWS::Serverless-2016-10-31\n"
    "Resources:\n"
)
FUNCTION = (
    "Type: AWS::Serverless::Function\nProperties:\n  CodeUri: src/\n  Handler: app.handler\n"
    "  Runtime: python3.12\n  Tracing: Active\n"
)
OPEN = (
    "  FunctionUrlConfig:\n    AuthType: NONE\n  Policies:\n    - Statement:\n"
    "        - Effect: Allow\n          Action: '*'\n          Resource: '*'\n"
)


def _indent(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line if line else line for line in text.splitlines(True))


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


# --- 1. functions declared by Fn::ForEach ----------------------------------------------------


def sam_functions(looped: bool, properties: str = "") -> str:
    """A template declaring OrdersFunction, written out or made by a `Fn::ForEach` loop."""
    body = FUNCTION + properties
    if not looped:
        return TRANSFORMS + "  OrdersFunction:\n" + _indent(body, 4)
    return (
        TRANSFORMS
        + "  Fn::ForEach::Functions:\n    - Name\n    - [Orders]\n    - ${Name}Function:\n"
        + _indent(body, 8)
    )


def virtualenv_folder(looped: bool) -> Layout:
    """1a: src/lib holds a pyvenv.cfg (a virtualenv to the built-in rule) and the helper
    the handler imports once it puts the folder on sys.path."""

    def layout(sandbox: Sandbox) -> None:
        sandbox.write("template.yaml", sam_functions(looped))
        sandbox.write("src/app.py", ON_PATH)
        sandbox.write("src/lib/pyvenv.cfg", "home = /usr/bin\n")
        sandbox.write("src/lib/helper.py", PLANTED_HELPER)

    return layout


def open_function(looped: bool) -> Layout:
    """1b: a function URL without auth and a role allowing everything."""

    def layout(sandbox: Sandbox) -> None:
        sandbox.write("template.yaml", sam_functions(looped, OPEN))
        sandbox.write("src/app.py", HARMLESS)

    return layout


# --- 2. layers the reader cannot tie to a file -----------------------------------------------

FN_ZIP = zipped({"app.py": IMPORTS_HELPER})
LAYER_ZIP = zipped({"python/helper.py": PLANTED_HELPER})
TF_FUNCTION = """\
resource "aws_lambda_function" "fn" {{
  function_name    = "orders"
  role             = "arn:aws:iam::123456789012:role/orders"
  handler          = "app.handler"
  runtime          = "python3.12"
  filename         = "${{path.module}}/fn.zip"
  source_code_hash = filebase64sha256("${{path.module}}/fn.zip")
  layers           = [{layer}]
  tracing_config {{
    mode = "Active"
  }}
}}
"""
TF_LAYER = """\
resource "aws_lambda_layer_version" "deps" {{
  layer_name          = "deps"
  filename            = "{filename}"
  compatible_runtimes = ["python3.12"]
}}
"""


def tf_layer(filename: str, zip_name: str, variable: bool = False) -> Layout:
    """A Terraform function deploying fn.zip with the layer `deps` of the same module."""

    def layout(sandbox: Sandbox) -> None:
        declared = 'variable "layer_version" {\n  type = string\n}\n\n' if variable else ""
        sandbox.write(
            "main.tf",
            declared
            + TF_FUNCTION.format(layer="aws_lambda_layer_version.deps.arn")
            + TF_LAYER.format(filename=filename),
        )
        sandbox.write("fn.zip", FN_ZIP)
        sandbox.write(zip_name, LAYER_ZIP)

    return layout


def tf_layer_module(sandbox: Sandbox) -> None:
    """2b: the layer in a local module of its own, its ARN an output."""
    sandbox.write(
        "main.tf",
        'module "deps" {\n  source = "./modules/deps"\n}\n\n'
        + TF_FUNCTION.format(layer="module.deps.arn"),
    )
    sandbox.write(
        "modules/deps/main.tf",
        TF_LAYER.format(filename="${path.module}/layer.zip")
        + '\noutput "arn" {\n  value = aws_lambda_layer_version.deps.arn\n}\n',
    )
    sandbox.write("fn.zip", FN_ZIP)
    sandbox.write("modules/deps/layer.zip", LAYER_ZIP)


SAM = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
SAM_LAYER = (
    "  Deps:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n"
    "      ContentUri: layer.zip\n      CompatibleRuntimes: [python3.12]\n"
)
SAM_FUNCTION = (
    "  OrdersFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      CodeUri: fn.zip\n      Handler: app.handler\n      Runtime: python3.12\n"
    "      Tracing: Active\n      Layers: [!Ref {layer}]\n"
)


def sam_layer(sandbox: Sandbox) -> None:
    """The baseline of 2c: the layer and the function in one template."""
    sandbox.write(
        "template.yaml", SAM + "Resources:\n" + SAM_LAYER + SAM_FUNCTION.format(layer="Deps")
    )
    sandbox.write("fn.zip", FN_ZIP)
    sandbox.write("layer.zip", LAYER_ZIP)


def sam_nested_layer(sandbox: Sandbox) -> None:
    """2c: the layer passed to a nested application as a parameter."""
    sandbox.write(
        "template.yaml",
        SAM
        + "Resources:\n"
        + SAM_LAYER
        + "  Orders:\n    Type: AWS::Serverless::Application\n    Properties:\n"
        "      Location: orders.yaml\n      Parameters:\n        DepsLayer: !Ref Deps\n",
    )
    sandbox.write(
        "orders.yaml",
        SAM
        + "Parameters:\n  DepsLayer:\n    Type: String\nResources:\n"
        + SAM_FUNCTION.format(layer="DepsLayer"),
    )
    sandbox.write("fn.zip", FN_ZIP)
    sandbox.write("layer.zip", LAYER_ZIP)


TF_LITERAL = tf_layer("${path.module}/layer-1.zip", "layer-1.zip")
# name: (the bundle without the trick, its rule; the bundle with it; what lets it through)
TRICKS: dict[str, tuple[Layout, str, Layout, str]] = {
    "1a-foreach-hides-virtualenv-folder": (
        virtualenv_folder(False), "B605", virtualenv_folder(True),
        "read_template skips Fn::ForEach: no function, so its pyvenv.cfg folder stays ignored"),
    "1b-foreach-hides-iac-rules": (
        open_function(False), "GATE-IAC-001", open_function(True),
        "read_template skips Fn::ForEach: no function for the IaC rules to judge"),
    "2a-terraform-layer-variable-path": (
        TF_LITERAL, "B605",
        tf_layer("${path.module}/layer-${var.layer_version}.zip", "layer-1.zip", variable=True),
        "an unresolved layer filename is dropped from layers: zip-not-deployed"),
    "2b-terraform-layer-module": (
        TF_LITERAL, "B605", tf_layer_module,
        "layers holds the calling module's layer blocks only: module.deps.arn is none"),
    "2c-sam-nested-layer-parameter": (
        sam_layer, "B605", sam_nested_layer,
        "_template_layers knows the template's own layers: a parameter is none"),
}  # fmt: skip


def test_the_code_each_trick_hides_blocks(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: the same bundle without the trick."""
    each_blocks(tmp_path, {name: (case[0], case[1]) for name, case in TRICKS.items()})


def test_functions_and_layers_the_deploy_makes_are_read(tmp_path: Path) -> None:
    """The deploy makes the function, or gives it the layer; the run must not pass."""

    each_blocked_or_refused(tmp_path, {trick: case[2] for trick, case in sorted(TRICKS.items())})
