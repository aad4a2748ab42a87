"""An eighteenth hostile review of `gate check`: ways around the fixes of review 17 (the
Serverless `functions`, specs and `package` included from files; `resources` overriding a
generated function refused; the generated role judged with what `resources` merges into
it; python-requirements' `fileName` and `vendor` as references; Chalice registrations
and apps handed on refused; importable files of ignored folders in a Python function's
code restored), and around which functions the gate takes for Python, which layers it
attaches and which zip a Terraform function deploys.

Each attack was a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks (or is refused). Each attack
exited 0 with the hostile harness's policy (checkov off). What let each through:

1. serverless-python-requirements' settings where the gate does not read them: the
   whole `custom.pythonRequirements` included from a file (`pythonRequirements:
   ${file(./pyreq.yml)}` holding `fileName: deps.txt`), or the functions whose `module`
   names the folder of the manifest included from a file (`functions:
   ${file(./functions.yml)}`, `module: fn`). The Framework resolves every variable
   before any plugin runs, and the plugin installs `<service>/<module>/<fileName>`
   (lib/pip.js `installRequirementsIfNeeded`). gate.bundle.discovery.references
   `_python_requirements` reads `custom.pythonRequirements` and `functions` as written
   (`as_mapping` of a variable is `{}`): the pinned `requests==2.5.0` is counted not
   analysed, never audited. The same holds for `vendor` read there.
2. serverless.yml's `resources` included from a file (`resources: ${file(./res.yml)}`)
   or written as a list of parts (`resources: [${file(./res.yml)}]`), both documented
   idioms. gate.bundle.discovery.serverless `_refuse_overrides` reads
   `service.get("resources")` as written, so a `Resources.OrdersLambdaFunction.
   Properties.Role` naming an admin role made in the same file is not refused (the
   baseline, written out in serverless.yml, is); the Framework merges it into the
   function it deploys, and gate.rules.iam.roles judges the provider's role (nothing).
   And gate.rules.iam.roles `_generated_role_changes` reads `resources.extensions` as
   written (only `resources.Resources` through the resolver): an `extensions.
   IamRoleLambdaExecution` with AdministratorAccess in the included file is never
   judged (review 17's first attack, through a file).
3. A runtime the gate reads as another language's because of a short-form tag:
   `Runtime: !Ref nodejsRuntime`, a parameter whose Default is `python3.12`.
   CloudFormation (and `sam build`) resolve the Ref to python3.12; the YAML loader gives
   the tag's value, the parameter's *name*, and gate.model `other_runtime` matches
   `^nodejs` on it. The function is then not Python: gate.bundle.staging.imports
   `bring_back_code` does not restore the Python in `src/.serverless/` that PYTHONPATH
   puts first (review 16's fourth attack), and gate.bundle.discovery.cloudformation
   `_inline` does not stage a `Code.ZipFile` handler at all ("its inline code is
   nodejsRuntime code": a not-analysed warning, exit 0), where `Runtime: python3.12`
   blocks on GATE-SLS-001/B602.
4. A Serverless layer the gate does not attach: its zip given by `package.artifact`
   (documented: a prebuilt layer archive), or the `layers` section included from a file.
   gate.bundle.discovery.serverless `read_serverless` maps each layer to its `path`
   (default the service folder) read as written: the artifact zip outside the service
   is "a zip no function or layer deploys" (`zip-not-deployed`, its contents never
   unpacked), and a `layers: ${file()}` section gives no layer at all, so the layer's
   `python/__pycache__/helper.cpython-312.pyc` (an unchecked-hash pyc, which Python
   loads in place of the harmless helper.py whatever the source holds) is never judged
   by gate.bundle.staging.bytecode `refuse_cached` (only a Python function's code and
   layers are).
5. SAM's `Globals.Function.Layers` beside the function's own `Layers`. SAM's globals
   are additive for lists (the function gets the globals' layers and its own);
   gate.bundle.discovery.cloudformation `read_template` merges `{**globals_,
   **properties}`, so the function's `Layers` replace the globals'. The globals' layer
   is no code place of the function, and its unchecked-hash `__pycache__` bytecode (as
   in 4) is never judged; with the layer in the function's own list it is refused.
6. A Chalice function registered through the app's public registry:
   `app.pure_lambda_functions.append(LambdaFunction(handle, 'worker', 'app.handle'))`
   (what `_register_lambda_function` does; chalice.deploy.deployer
   `ApplicationGraphBuilder.build` makes one Lambda function per entry, a pattern
   projects use to add functions in a loop). gate.bundle.discovery.chalice_decorators
   `_refuse_handed_on` lets any public attribute of an app through
   (`app.pure_lambda_functions`, `app.event_sources`, `app.routes`,
   `app.websocket_handlers` are public), and `_refuse_called_decorators` refuses only
   the registering methods' names: no function is found, and the stage's
   `policy-admin.json` is judged for none.
7. A Terraform function whose `filename` is the zip an `archive_file` writes, spelled
   otherwise than its `output_path` (`"build/fn.zip"` for
   `"${path.module}/build/fn.zip"`). Terraform reads the data source at plan time and
   writes the zip from `source_dir` (here `node_modules/fn`, a handler passing event data
   to a shell), and the function uploads it. gate.bundle.discovery.terraform
   `_archive_name` matches a literal filename to an archive only when the strings are
   equal, so the gate takes `build/fn.zip`, a harmless zip left in the bundle, for the
   code and counts the real source ignored; written as the `output_path` (the
   baseline) the source is followed and refused.

Fixed, each by its class: serverless.yml's `custom`, `pythonRequirements`, `resources`
(with its `Resources` and `extensions`) and `layers` (each layer, and its `package`) are
read as the Framework builds them, written out or included from bundle files, a list
of parts merged, and anything else there refused (gate.bundle.discovery.serverless
`mapping_of`); the plugin's manifests and vendor folders come from those resolved
settings and functions, and the rules judge the generated role with `resources`'
resolved `extensions` too; a layer's `package.artifact` is its code; a runtime written
as a tag (`!Ref`, `!Sub`) names no runtime, so the code is analysed; SAM's Globals are
merged as SAM merges them (lists added, maps merged); a Chalice app or blueprint may be
used only through the attributes that read or configure it and its decorators; and a
Terraform function's `filename` is matched to an `archive_file`'s `output_path` as the
paths they name.

Also tried, and the gate held: a Serverless layer zip inside the service folder
(refused: a zip in a function's code); a layer artifact or `Globals` layer given as
the function's own (the baselines). Read, and judged sound, without a case: YAML merge
keys (the loader inlines them after refusing duplicates); a sourceless
`__pycache__/<module>.<tag>.pyc` (Python loads cached bytecode only beside its source,
and one beside a source is judged by its header); a zip entry's name and execute bits
(normalised and kept as Lambda unpacks them); a runtime written as a Serverless or
Terraform variable (`${...}` is never another language's, so it is analysed).
"""

from __future__ import annotations

import importlib.util
import io
import marshal
import zipfile
from functools import partial
from pathlib import Path

from tests.hostile.conftest import (
    Layout,
    Sandbox,
    assert_refused,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review16 import (
    GOOD,
    HELPER,
    IMPORTS_HELPER,
    VULNERABLE,
    VULNERABLE_ADVISORY,
)
from tests.hostile.test_staging import BAD

# --- 1. python-requirements' settings included from a file --------------------------------

SLS_PYREQ = """\
service: orders
frameworkVersion: '3'
provider:
  name: aws
  runtime: python3.12
plugins:
  - serverless-python-requirements
{package}custom:
  pythonRequirements: {settings}
functions: {functions}
"""
FILE_NAME = "\n    fileName: deps.txt"
ORDERS = "\n  orders:\n    handler: app.handler"
# trick -> (package, settings, functions, files): each makes the plugin install the pin.
PYREQ_TRICKS: dict[str, tuple[str, str, str, dict[str, str]]] = {
    # The plugin's settings included whole from a file.
    "settings-from-file": (
        "",
        "${file(./pyreq.yml)}",
        ORDERS,
        {"pyreq.yml": "fileName: deps.txt\n", "deps.txt": VULNERABLE},
    ),
    # The functions (one with `module: fn`) included from a file: fn/deps.txt installed.
    "module-in-included-functions": (
        "package:\n  individually: true\n",
        FILE_NAME,
        "${file(./functions.yml)}",
        {
            "functions.yml": "orders:\n  handler: app.handler\n  module: fn\n",
            "fn/app.py": GOOD,
            "deps.txt": "",
            "fn/deps.txt": VULNERABLE,
        },
    ),
}


def named_manifest(sandbox: Sandbox) -> None:
    """The baseline: `fileName: deps.txt` written out, pinning `requests==2.5.0`: audited,
    known vulnerabilities (high)."""
    sandbox.write(
        "serverless.yml", SLS_PYREQ.format(package="", settings=FILE_NAME, functions=ORDERS)
    )
    sandbox.write("app.py", GOOD)
    sandbox.write("deps.txt", VULNERABLE)


def test_python_requirements_settings_from_a_file_are_read(tmp_path: Path) -> None:
    """The plugin's settings, or the functions naming the manifest's module, from
    `${file()}`: the plugin installs the pin as in the baseline; the gate counts the
    manifest not analysed and passes (exit 0)."""

    def layout(trick: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            package, settings, functions, files = PYREQ_TRICKS[trick]
            sandbox.write(
                "serverless.yml",
                SLS_PYREQ.format(package=package, settings=settings, functions=functions),
            )
            sandbox.write("app.py", GOOD)
            for path, text in files.items():
                sandbox.write(path, text)

        return written

    each_blocked_or_refused(tmp_path, {trick: layout(trick) for trick in sorted(PYREQ_TRICKS)})


# --- 2. serverless.yml's resources included from a file ----------------------------------

SLS_RESOURCES = """\
service: orders
frameworkVersion: '3'
provider:
  name: aws
  runtime: python3.12
functions:
  orders:
    handler: app.handler
resources:{resources}
"""
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
# The function's role replaced by an administrator's, made beside it.
OVERRIDE = f"""\
Resources:
  AdminRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {{Service: lambda.amazonaws.com}}
            Action: sts:AssumeRole
      ManagedPolicyArns:
        - {ADMIN_ARN}
  OrdersLambdaFunction:
    Properties:
      Role: {{'Fn::GetAtt': [AdminRole, Arn]}}
"""
# The Framework's own role extended (v3) with an administrator's policy.
EXTENSION = f"""\
extensions:
  IamRoleLambdaExecution:
    Properties:
      ManagedPolicyArns:
        - {ADMIN_ARN}
"""
RESOURCE_TRICKS = {
    "override-from-file": (" ${file(./res.yml)}", OVERRIDE),
    "override-in-a-list": ("\n  - ${file(./res.yml)}", OVERRIDE),
    "extension-from-file": (" ${file(./res.yml)}", EXTENSION),
}


def indented(text: str) -> str:
    return "".join(f"\n  {line}" for line in text.splitlines())


def test_an_override_of_the_generated_function_is_refused(sandbox: Sandbox) -> None:
    """The baseline: `resources.Resources.OrdersLambdaFunction.Properties.Role` written out
    in serverless.yml: refused (exit 2)."""
    sandbox.write("serverless.yml", SLS_RESOURCES.format(resources=indented(OVERRIDE)))
    sandbox.write("app.py", GOOD)
    assert_refused(sandbox.run(), "OrdersLambdaFunction")


def extension_of_the_generated_role(sandbox: Sandbox) -> None:
    """The baseline: `resources.extensions.IamRoleLambdaExecution` written out with
    AdministratorAccess: GATE-IAC-001."""
    sandbox.write("serverless.yml", SLS_RESOURCES.format(resources=indented(EXTENSION)))
    sandbox.write("app.py", GOOD)


def test_resources_from_a_file_are_read_as_the_framework_builds_them(tmp_path: Path) -> None:
    """The same `resources` from `${file()}`, or a list of parts: the Framework deploys
    the function with the admin role; the gate judges the provider's role and passes
    (exit 0)."""

    def layout(trick: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            resources, included = RESOURCE_TRICKS[trick]
            sandbox.write("serverless.yml", SLS_RESOURCES.format(resources=resources))
            sandbox.write("res.yml", included)
            sandbox.write("app.py", GOOD)

        return written

    each_blocked_or_refused(tmp_path, {trick: layout(trick) for trick in sorted(RESOURCE_TRICKS)})


# --- 3. a runtime read as the name of the parameter it refers to ------------------------

SAM_RUNTIME = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  nodejsRuntime:
    Type: String
    Default: python3.12
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: {runtime}
      Environment:
        Variables:
          PYTHONPATH: /var/task/.serverless
"""
CFN_INLINE = """\
AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  nodejsRuntime:
    Type: String
    Default: python3.12
Resources:
  Orders:
    Type: AWS::Lambda::Function
    Properties:
      Handler: index.handler
      Runtime: {runtime}
      Role: arn:aws:iam::123456789012:role/orders
      Code:
        ZipFile: |
{code}"""
REF_RUNTIME = "!Ref nodejsRuntime"


def runtime_project(sandbox: Sandbox, form: str, runtime: str) -> None:
    """`sam`: src/app.py imports helper from src/.serverless/ (PYTHONPATH), which runs a
    shell command; `inline`: the handler written in the template does."""
    if form == "sam":
        sandbox.write("template.yaml", SAM_RUNTIME.format(runtime=runtime))
        sandbox.write("src/app.py", IMPORTS_HELPER)
        sandbox.write("src/.serverless/helper.py", HELPER)
    else:
        code = "".join(f"          {line}\n" if line else "\n" for line in BAD.splitlines())
        sandbox.write("template.yaml", CFN_INLINE.format(runtime=runtime, code=code))


def python_runtime(form: str) -> Layout:
    """The baseline: `Runtime: python3.12`: the helper (or the inline handler) is
    scanned: B602 / GATE-SLS-001."""
    return partial(runtime_project, form=form, runtime="python3.12")


def test_a_runtime_given_by_a_parameter_is_python(tmp_path: Path) -> None:
    """`Runtime: !Ref nodejsRuntime` (Default python3.12): CloudFormation deploys
    python3.12; the gate takes the function for Node.js and passes (exit 0)."""

    def layout(form: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            runtime_project(sandbox, form, REF_RUNTIME)

        return written

    each_blocked_or_refused(tmp_path, {"inline": layout("inline"), "sam": layout("sam")})


# --- 4. a Serverless layer the gate does not attach --------------------------------------


def unchecked_pyc(source: str) -> bytes:
    """An unchecked hash-based pyc of `source` (PEP 552): Python loads it in place of
    the source beside it, whatever that source holds."""
    code = compile(source, "helper.py", "exec")
    return importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little") + bytes(8) + marshal.dumps(code)


def shadowed_layer(sandbox: Sandbox, folder: str) -> None:
    """A layer in FOLDER whose harmless python/helper.py is shadowed by cached bytecode
    of the shell-running helper."""
    sandbox.write(f"{folder}/python/helper.py", GOOD)
    sandbox.write(f"{folder}/python/__pycache__/helper.cpython-312.pyc", unchecked_pyc(HELPER))


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


SLS_LAYER = """\
service: orders
frameworkVersion: '3'
provider:
  name: aws
  runtime: python3.12
layers:{layers}
functions:
  orders:
    handler: app.handler
    layers:
      - Ref: DepsLambdaLayer
"""
LAYER_PATH = "\n  deps:\n    path: ../deps"


def layer_folder(sandbox: Sandbox) -> None:
    """The baseline: layer `deps` at `path: ../deps`, its python/helper.py (B602)
    imported by the handler: blocks."""
    sandbox.write("svc/serverless.yml", SLS_LAYER.format(layers=LAYER_PATH))
    sandbox.write("svc/app.py", IMPORTS_HELPER)
    sandbox.write("deps/python/helper.py", HELPER)


def test_a_layers_bytecode_is_refused(sandbox: Sandbox) -> None:
    """The baseline: the layer's `__pycache__` bytecode that Python loads in place of
    helper.py: refused (exit 2)."""
    sandbox.write("svc/serverless.yml", SLS_LAYER.format(layers=LAYER_PATH))
    sandbox.write("svc/app.py", IMPORTS_HELPER)
    shadowed_layer(sandbox, "deps")
    assert_refused(sandbox.run(), "helper.cpython-312.pyc")


def a_layer_artifact_is_unpacked(sandbox: Sandbox) -> None:
    """Layer `deps` with `package.artifact: ../dist/deps.zip` (python/helper.py, B602):
    the Framework deploys the zip as the layer; the gate warns `zip-not-deployed` and
    passes (exit 0)."""
    layers = "\n  deps:\n    package:\n      artifact: ../dist/deps.zip"
    sandbox.write("svc/serverless.yml", SLS_LAYER.format(layers=layers))
    sandbox.write("svc/app.py", IMPORTS_HELPER)
    sandbox.write("dist/deps.zip", zipped({"python/helper.py": HELPER}))


def layers_from_a_file_are_attached(sandbox: Sandbox) -> None:
    """`layers: ${file(./layers.yml)}` (the baseline's layer): the function gets the
    layer, and Python loads its bytecode; the gate attaches no layer, never judges the
    bytecode, and passes (exit 0)."""
    sandbox.write("svc/serverless.yml", SLS_LAYER.format(layers=" ${file(./layers.yml)}"))
    sandbox.write("svc/layers.yml", "deps:\n  path: ../deps\n")
    sandbox.write("svc/app.py", IMPORTS_HELPER)
    shadowed_layer(sandbox, "deps")


# --- 5. SAM Globals layers, which add to the function's own ------------------------------

SAM_LAYERS = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Layers:
      - !Ref Deps
Resources:
  Deps:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: deps/
  Other:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: other/
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Layers:
        - !Ref Other{more}
"""


def globals_layers(sandbox: Sandbox, more: str) -> None:
    sandbox.write("template.yaml", SAM_LAYERS.format(more=more))
    sandbox.write("src/app.py", IMPORTS_HELPER)
    sandbox.write("other/python/other.py", "X = 1\n")
    shadowed_layer(sandbox, "deps")


def test_a_functions_own_layers_bytecode_is_refused(sandbox: Sandbox) -> None:
    """The baseline: `Deps` in the function's own `Layers` too: its bytecode is refused."""
    globals_layers(sandbox, "\n        - !Ref Deps")
    assert_refused(sandbox.run(), "helper.cpython-312.pyc")


def globals_layers_are_added_to_the_functions(sandbox: Sandbox) -> None:
    """`Deps` only in `Globals.Function.Layers`: SAM deploys the function with `Deps` and
    `Other`; the gate attaches only `Other` and passes (exit 0)."""
    globals_layers(sandbox, "")


# --- 6. a Chalice function added to the app's public registry -----------------------------

STAGE_CONFIG = (
    '{"version": "2.0", "app_name": "orders", "stages": {"dev": {'
    '"api_gateway_stage": "api", "autogen_policy": false, '
    '"iam_policy_file": "policy-admin.json"}}}\n'
)
ADMIN_JSON = (
    '{"Version": "2012-10-17", "Statement": '
    '[{"Effect": "Allow", "Action": "*", "Resource": "*"}]}\n'
)
CHALICE_APP = (
    "from chalice import Chalice\nfrom chalice.app import LambdaFunction\n\n"
    "app = Chalice(app_name='orders')\n\n\n{decorator}"
    "def handle(event, context=None):\n    return {{'ok': True}}\n{after}"
)


def chalice_project(sandbox: Sandbox, decorator: str, after: str) -> None:
    sandbox.write("app.py", CHALICE_APP.format(decorator=decorator, after=after))
    sandbox.write(".chalice/config.json", STAGE_CONFIG)
    sandbox.write(".chalice/policy-admin.json", ADMIN_JSON)


def decorated_chalice_function(sandbox: Sandbox) -> None:
    """The baseline: `@app.lambda_function(name='worker')`: the stage's admin policy is
    judged for it: GATE-IAC-001."""
    chalice_project(sandbox, "@app.lambda_function(name='worker')\n", "")


def a_function_added_to_the_apps_registry_is_refused(sandbox: Sandbox) -> None:
    """`app.pure_lambda_functions.append(LambdaFunction(handle, 'worker', 'app.handle'))`:
    Chalice deploys `worker` with the admin policy; the gate finds no function and
    passes (exit 0)."""
    after = "\n\napp.pure_lambda_functions.append(LambdaFunction(handle, 'worker', 'app.handle'))\n"
    chalice_project(sandbox, "", after)


# --- 7. a Terraform archive_file's zip named otherwise than its output_path --------------

TF_ARCHIVE = """\
data "archive_file" "fn" {{
  type        = "zip"
  source_dir  = "${{path.module}}/node_modules/fn"
  output_path = "${{path.module}}/build/fn.zip"
}}

resource "aws_lambda_function" "orders" {{
  function_name = "orders"
  role          = "arn:aws:iam::123456789012:role/orders"
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "{filename}"
}}
"""


def archived(sandbox: Sandbox, filename: str) -> None:
    """The archive_file zips node_modules/fn (a handler with B602) into build/fn.zip; a
    harmless build/fn.zip is in the bundle."""
    sandbox.write("main.tf", TF_ARCHIVE.format(filename=filename))
    sandbox.write("node_modules/fn/app.py", BAD)
    sandbox.write("build/fn.zip", zipped({"app.py": GOOD}))


def test_the_archive_files_output_path_is_followed(sandbox: Sandbox) -> None:
    """The baseline: `filename` written as the `output_path`: the gate follows the
    archive to its source, in a folder it ignores, and refuses (exit 2)."""
    archived(sandbox, "${path.module}/build/fn.zip")
    run = sandbox.run()
    assert run.code == 2 and "node_modules/fn" in run.stderr, run


def an_archive_files_zip_named_otherwise_is_its_output(sandbox: Sandbox) -> None:
    """`filename = "build/fn.zip"`, the same file: Terraform rebuilds it from
    node_modules/fn at plan time and deploys it; the gate scans the stale zip and passes
    (exit 0)."""
    archived(sandbox, "build/fn.zip")


# --- the baselines, in one run ------------------------------------------------------------

# name: (the bundle without the trick, the rule its blocking finding names)
BASELINES: dict[str, tuple[Layout, str]] = {
    "1-named-manifest": (named_manifest, VULNERABLE_ADVISORY),
    "2-extension-of-the-generated-role": (extension_of_the_generated_role, "GATE-IAC-001"),
    "3-python-runtime-inline": (python_runtime("inline"), "GATE-SLS-001"),
    "3-python-runtime-sam": (python_runtime("sam"), "B602"),
    "4-layer-folder": (layer_folder, "B602"),
    "6-decorated-chalice-function": (decorated_chalice_function, "GATE-IAC-001"),
}


def test_the_baselines_block(tmp_path: Path) -> None:
    """The baselines that block (2's override, 4's bytecode, 5's and 7's are refused), in one
    run of every bundle: each blocks, its finding naming its rule."""
    each_blocks(tmp_path, BASELINES)


def test_each_trick_is_blocked_or_refused(tmp_path: Path) -> None:
    """The single tricks above, in one run: none of them passes."""
    each_blocked_or_refused(
        tmp_path,
        {
            "layer-artifact-is-unpacked": a_layer_artifact_is_unpacked,
            "layers-from-a-file-are-attached": layers_from_a_file_are_attached,
            "globals-layers-are-added-to-the-functions": globals_layers_are_added_to_the_functions,
            "function-added-to-the-apps-registry-is-refused": (
                a_function_added_to_the_apps_registry_is_refused
            ),
            "archive-files-zip-named-otherwise-is-its-output": (
                an_archive_files_zip_named_otherwise_is_its_output
            ),
        },
    )
