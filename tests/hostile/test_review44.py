"""A forty-fourth hostile review of `gate check`, on the layer between a bundle's files and
what each scanner sees: the copy's built-in rules (gate.bundle.rules `dir_rule`,
gate.bundle.staging.copy), the IaC readers (gate.bundle.discovery.read, cloudformation,
references `with_includes`, terraform `_tf_local`), the layers no function is tied to
(gate.bundle.discovery.bundle `_unpack_layers`, `Discovery.foreign_services`) and the
accounting (gate.bundle.staging.accounting).

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off), and the baseline (the same
problem without the trick, in one run) blocks: the taint rule's GATE-SLS-001, bandit's
B605, GATE-IAC-001 for an admin role, GATE-IAC-010 for a public function URL; or, for
3d and 3e, is a scan error (exit 2) the gate's own rule makes of a code location given
by a parameter. All twenty tricks also exit 0, in one run, with the default policy
(checkov on), run by hand once. What lets each through:

1. IaC in a folder that holds a `pyvenv.cfg`. `dir_rule` takes any folder holding
   `pyvenv.cfg` for a virtualenv and the copy leaves the whole folder out (`_enter`); the
   IaC readers walk the copy (`IacReader._candidates`), so a template, serverless.yml or
   `.tf` in that folder is never read, no function is declared, and nothing of the
   service is brought back (`bring_back_code` needs a declared function). `python -m
   venv .` in a service's folder writes exactly that file beside the template, and `sam
   deploy`, `serverless deploy` and `terraform apply` deploy the folder all the same.
   (a) SAM, `svc/template.yaml`, `svc/src/app.py` running the event's command, and
   `svc/pyvenv.cfg`: exit 0, `files` 0 scanned, 3 ignored (virtualenv); (b) the same
   with `svc/serverless.yml`; (c) Terraform, `infra/main.tf` with a function URL whose
   `authorization_type` is NONE; (d) only the template in the folder (`infra/`, CodeUri
   `../src/`), giving the function a role allowing `*` on `*`: the code is scanned, but
   no IaC rule ever reads the role (checkov reads the same copy: the template is not
   there either). (e) The same marker hides code that
   a function the gate does not list deploys: terraform-aws-modules/lambda's
   `source_path = "${path.module}/src"` (modules are warned `iac-not-read`, their code
   scanned as the bundle's files) with `src/pyvenv.cfg`: the handler's command is never
   read, where without the marker GATE-SLS-001 blocks. The marker is one empty-looking
   file the bundle's author writes: nothing checks that the folder is a virtualenv.
2. A layer that no function of the bundle is tied to (a layer stack publishing a shared
   layer for other stacks, the common layout) is "deployed all the same" to
   `_unpack_layers` and `bring_back_code` since review 38, but to the rest of the gate its
   files are "files no function deploys": `Discovery.foreign_services` (gate.bundle
   .discovery.bundle) and the accounting's refusals `_refuse_startup_pth`,
   `_refuse_importable_zip` (gate.bundle.staging.accounting) look only at the functions'
   `code_places`, not at `Discovery.layers`; and `_unpack_layers` unpacks a layer only
   when its place ends in `.zip`. (a) A serverless.yml of another cloud (`provider: {name:
   google}`) in the layer's folder sets the whole folder aside as out of scope (warned
   `out-of-scope`, exit 0): the layer's `python/helper.py` is never read; (b) the same
   with an Azure service in the folder above the layer (`layers/serverless.yml`,
   `ContentUri: layers/deps/`); (c) Terraform, an `aws_lambda_layer_version` built by an
   `archive_file` of `layer/` holding the Google service; (d) `ContentUri: deps.whl`, a
   zip under another name (`aws cloudformation package` and `sam package` upload a file
   that is a zip as it is, and Lambda unpacks it): not unpacked, counted not analysed,
   where `deps.zip` is unpacked and blocks (tied to a function, the same `deps.whl` is
   refused); (e) a `.pth` with an `import` line in the layer's `python/`: refused in a
   tied layer, passed here; (f) a zip in the layer's `python/` (`lib.zip`, zipimport):
   refused in a tied layer, here "a zip no function or layer deploys" (the layer does);
   (g) a layer tied only to a function of another runtime (nodejs22.x) is judged the same
   way for (e) and (f) (`python_function(f)` in both refusals): its `.pth` passes, though
   the layer says `CompatibleRuntimes: [python3.12]` and is published for any
   function that names it.
3. A short-form intrinsic read as the literal path it names. The loader returns `!Ref X`,
   `!Sub '...'` and `!ImportValue X` as their scalar (the tag kept in `document.tags`,
   which only `_runtime` and the `!Transform` check consult), so a path property written
   with one is read as a path of the bundle, where the long form (`{Ref: X}`) is a code
   location the gate cannot follow (a scan error) or a macro (refused). A file or folder
   of the bundle named like the parameter is a decoy the gate reads in place of what the
   deploy uses. (a) `AWS::Include` with `Location: !Ref RoleSnippet` (the form of AWS's
   own Fn::Transform example; the parameter's default an S3 URL), and a harmless
   `RoleSnippet` file: the gate inlines the decoy role (`_include_location` and
   `with_includes` in gate.bundle.discovery.references, `_read_include` in
   cloudformation), CloudFormation includes the S3 snippet, here an admin role; (b) `!Sub
   '${RoleSnippet}'` with a file named `${RoleSnippet}`; (c) `!ImportValue` likewise (for
   b and c only the gate's side was run; whether AWS::Include resolves them was not
   checked); (d) `CodeUri: !Ref CodeParam`, the parameter's default `fn/` (the folder
   `sam build` builds from once it resolves the parameter, as SAM CLI does for a
   template's parameters; not run here), and a folder `CodeParam/` holding a harmless
   app.py (`_sam_code`): the decoy is scanned as the function's code and `fn/`, which
   holds a `pyvenv.cfg`, stays ignored, exit 0; `CodeUri: {Ref: CodeParam}` is a scan
   error; (e) a layer's `ContentUri: !Ref CodeParam` likewise (`_template_layers`). The
   same was seen for `AWS::Lambda::Function` `Code: !Ref CodeDir` (`_cfn_code`, exit 0;
   not a case here).
   Related, not a case: `PackageType` given by a parameter in either form (`!Ref
   PkgType`, `{Ref: PkgType}`, default `Image`) makes the function a zip function to
   `_sam_code` and `_dockerfile` (`== "Image"`), so its Dockerfile's `RUN` step, a scan
   error when `PackageType: Image` is written out, is never judged (exit 0). Whether SAM's
   transform accepts a parameter there (its `_validate_package_type` compares the value
   with `Zip`/`Image`) was not checked.
4. Terraform's `${path.root}` and `${path.cwd}` read as `${path.module}`. `_tf_local`
   (gate.bundle.discovery.terraform) strips `_PATH_PREFIX`, which holds all three, and
   reads the rest from the module's own folder; every folder of `.tf` files is read as a
   module of its own, a local child module too. In a child module, `path.root` is the
   root module's folder and `path.cwd` Terraform's working folder (the root's, as
   Terraform is run), a common way for a module to name a zip the root's build writes.
   So a decoy beside the child module is scanned as the function's code, and what
   Terraform deploys is not: (a) `modules/fn/main.tf` with `filename =
   "${path.root}/build/fn.zip"`, a harmless `modules/fn/build/fn.zip` and the real
   `build/fn.zip`, which is then "a zip no function or layer deploys" (warned, exit 0);
   (b) the same with `${path.cwd}`; (c) an `archive_file` of `"${path.root}/src"`, whose
   `src/` holds a `pyvenv.cfg` (class 1's marker) and so stays ignored, the decoy
   `modules/fn/src/` scanned. Each blocks written in the root module with
   `${path.module}`.

Suggested fixes, by class. 1, a `pyvenv.cfg` makes a virtualenv of what `venv` writes
beside it (`bin/`, `lib/`, `lib64`, `include/`, `Scripts/`), never of the rest of its
folder: or the copy keeps any folder that holds IaC (a template with markers, a
serverless.yml, a `.tf`) or Python outside those subfolders, and the IaC readers look
for candidates in the original tree, refusing IaC they find in an ignored folder. 2,
every layer the IaC declares is deployed code wherever the gate asks "whose code is this
file": `code_places` of the bundle are the functions' places and `Discovery.layers`
(for `foreign_services`, `_refuse_startup_pth`, `_refuse_importable_zip`,
`_refuse_loadable_bytecode`, `_per_function`'s "files no function deploys"), a layer
of a function of any runtime is judged as a Python function's layer (it is published for
every function that names it), and a layer place that is a file is unpacked when it is a
zip by its content, not its name (or refused, as it is when tied). 3, read every path
property through the document's tags (`document.long_form`, as `_untied_layers` does):
a value written with any tag but `!Transform` is an intrinsic, so an unresolved location
(a scan error for Python code, a refusal for an include), never a path. 4, resolve
`path.root` and `path.cwd` to the folder of the root module that calls the module
(following the local `module` calls' `source` up; a folder no call reaches is a root),
and, where more than one root calls it or the gate cannot tell, an unresolved location
(a scan error for Python code).

Also tried, and the gate held: a handler module that is both `app.py` and a package
`app/__init__.py` (Python imports the package; the taint rule reads every file, so
GATE-SLS-001 blocks either way), and `app.main.handler` beside `app.py`; a zip
written as `src/lib.py` on the handler's `sys.path` (bandit and the rules cannot parse it:
scan errors, exit 2); a `pyvenv.cfg` at the bundle's root (the root is never a virtualenv);
a template-level `Transform: {Name: AWS::Include, ...}` (refused as a macro); the long
forms of 3 (a scan error, or refused as a macro); `AWS::Include` of a missing local
file, and a nested application's `Location: !Ref Child` with no file `Child` (refused; a
parameter's name cannot end in `.yaml`, so no decoy template); a layer tied to a Python
function, for each of 2's tricks (refused or blocked); a Serverless service's own layer
holding a Google service (the service folder is the function's code: not foreign).

Robustness, not a bypass (fails closed): a bundle nested 1,100 folders deep stops the
run with "internal error: RecursionError" (os.walk in `IacReader._candidates`, Python
3.11) and leaves its staged copy in the lasting scratch dir (`<cache>/worker-tmp`); every
later run with that cache dir, whatever it checks, then fails the same way in
`remove_leftovers` (`shutil.rmtree` recurses too), until someone deletes the folder. One
hostile bundle makes a runner that keeps its cache refuse every later job; the
refusal is not one line naming the folder. (Seen with a private GATE_CACHE_DIR; not a
case here, as it would poison the suite's cache.)

False refusals seen: a SAM function whose `CodeUri` folder itself holds a `pyvenv.cfg`
(`python -m venv .` in the function's folder) is a scan error, "its code 'fn' is not in
the bundle": discovery runs on the copy, which left the folder out, so `_checked` finds
nothing and `bring_back_code`, which needs the function's code place, brings nothing
back (a subfolder with one is brought back, review 38).

Limits (not bypasses): a handler that loads Python from a file of another name
(`SourceFileLoader("m", "m.txt")`, `exec(open(...).read())`) is bandit's and the taint
rule's to see; that Lambda's runtime runs a layer's `.pth` at start is the gate's own
model (the tied case is refused), not checked against the runtime here.

Not covered: Serverless `package.patterns`/`individually`/`module`, Terraform modules'
own functions, `for_each` and `override.tf`, nested stacks' `Location`/`TemplateURL`
written with `!Sub` (the same class as 3, not run), Chalice, `.aws-sam/build` layouts,
third-party records beyond reading the code, and diff mode, caches, shards and
`--policy-ref` against these tricks; Terraform's `path.root` in a layer's `filename`
(the same code, `_tf_local`, not run).

Fixed, 2 by its class: every layer the IaC declares is deployed code wherever the gate
asks whose code a file is. A layer may hold Python unless each of its compatible runtimes
names another language (`may_hold_python`, gate.bundle.discovery.declared, read by the
SAM/CloudFormation, Serverless and Terraform readers into `Discovery.python_layers` and
`Bundle.python_layers`); `python_owner` (gate.bundle.discovery) is the one answer to
"which function or layer deploys this file as Python", whatever the runtime of the
functions that name the layer, and the accounting's `.pth`, importable-zip and bytecode
refusals and `refuse_cached` (gate.bundle.staging.bytecode) ask it;
`Discovery.foreign_services` counts every layer's folder as deployed. `_unpack_layers`
knows a layer's zip by its content: one not named `.zip` is refused (the gate unpacks
into `<zip>.contents`, named by the `.zip` alone), tied or not.

Fixed, 4 by its class (gate.bundle.discovery.terraform): `path.root` and `path.cwd` are
the folder of the root module a module runs in, the folder whose local module calls
reach it (followed up, `RootModules`), written as the path there from the module's own
folder before anything is read (`_with_root`); a module reached from several roots, or
from a cycle, keeps them, a location only Terraform resolves (a scan error for Python
code). `_PATH_PREFIX` is `path.module`'s alone.
"""

from __future__ import annotations

from pathlib import Path

from tests.hostile.conftest import (
    Layout,
    each_blocked_or_refused,
    each_blocks,
    files,
    zipped,
)

HEAD = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
FUNCTION = (
    "  OrdersFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      CodeUri: {code}\n      Handler: app.handler\n      Runtime: python3.12\n"
    "      Tracing: Active\n{extra}"
)
SAM = HEAD + "Resources:\n" + FUNCTION.format(code="src/", extra="")
HARMLESS = "def handler(event, context):\n    return {'ok': True}\n"
RUNS_EVENT = "import os\n\n\ndef handler(event, context):\n    os.system(event['cmd'])\n"
HELPER = "import os\n\n\ndef run(event):\n    os.system(event['cmd'])\n"
AT_START = "import os; os.system(os.environ.get('BOOT', 'true'))\n"
VENV = "home = /usr/bin\n"
SERVICE = (
    "service: orders\nprovider:\n  name: aws\n  runtime: python3.12\n"
    "functions:\n  orders:\n    handler: handler.handler\n"
)
GOOGLE = (
    "service: x\nprovider:\n  name: google\n  runtime: python39\n"
    "functions:\n  f:\n    handler: main.f\n"
)
AZURE = GOOGLE.replace("google", "azure").replace("python39", "python3.8")
TERRAFORM = """data "archive_file" "fn" {{
  type        = "zip"
  source_dir  = "${{path.module}}/src"
  output_path = "${{path.module}}/fn.zip"
}}
resource "aws_lambda_function" "fn" {{
  function_name    = "orders"
  filename         = data.archive_file.fn.output_path
  source_code_hash = data.archive_file.fn.output_base64sha256
  handler          = "app.handler"
  runtime          = "python3.12"
  role             = "arn:aws:iam::123456789012:role/orders"
}}
{extra}"""
URL = """resource "aws_lambda_function_url" "public" {
  function_name      = aws_lambda_function.fn.function_name
  authorization_type = "NONE"
}
"""
TF_LAYER = """data "archive_file" "deps" {
  type        = "zip"
  source_dir  = "${path.module}/layer"
  output_path = "${path.module}/deps.zip"
}
resource "aws_lambda_layer_version" "deps" {
  layer_name          = "deps"
  filename            = data.archive_file.deps.output_path
  source_code_hash    = data.archive_file.deps.output_base64sha256
  compatible_runtimes = ["python3.12"]
}
"""
TF_FUNCTION = """resource "aws_lambda_function" "fn" {{
  function_name = "orders"
  filename      = "{filename}"
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = "arn:aws:iam::123456789012:role/orders"
}}
"""
TF_ARCHIVED = """data "archive_file" "fn" {{
  type        = "zip"
  source_dir  = "{source}"
  output_path = "${{path.module}}/fn.zip"
}}
resource "aws_lambda_function" "fn" {{
  function_name    = "orders"
  filename         = data.archive_file.fn.output_path
  source_code_hash = data.archive_file.fn.output_base64sha256
  handler          = "app.handler"
  runtime          = "python3.12"
  role             = "arn:aws:iam::123456789012:role/orders"
}}
"""
CALLS_CHILD = 'module "fn" {\n  source = "./modules/fn"\n}\n'
MODULE = """module "orders" {
  source        = "terraform-aws-modules/lambda/aws"
  version       = "7.2.0"
  function_name = "orders"
  handler       = "app.handler"
  runtime       = "python3.12"
  source_path   = "${path.module}/src"
}
"""
NODE = (
    "  Web:\n    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: web/\n"
    "      Handler: index.handler\n      Runtime: nodejs22.x\n      Layers: [!Ref Deps]\n"
)
INDEX_JS = "exports.handler = async () => ({ ok: true });\n"
ROLE_HEAD = (
    "    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n"
    "        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n"
    "            Principal: {Service: lambda.amazonaws.com}\n"
    "            Action: sts:AssumeRole\n"
)
ADMIN = (
    "      Policies:\n        - PolicyName: all\n          PolicyDocument:\n"
    "            Version: '2012-10-17'\n            Statement:\n"
    "              - Effect: Allow\n                Action: '*'\n                Resource: '*'\n"
)
ADMIN_ROLE = "  AdminRole:\n" + ROLE_HEAD + ADMIN
# A role that allows nothing: what the decoy snippet says CloudFormation includes.
DECOY_ROLE = "\n".join(line[4:] for line in ROLE_HEAD.splitlines()) + "\n"
PARAMETERS = (
    "Parameters:\n  RoleSnippet:\n    Type: String\n"
    "    Default: s3://corp-templates/role.yaml\n"
    "  CodeParam:\n    Type: String\n    Default: fn/\n"
)


def layer(content_uri: str) -> str:
    """The layer resource `Deps`, which no function is tied to unless one names it."""
    return (
        "  Deps:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n"
        f"      ContentUri: {content_uri}\n      CompatibleRuntimes: [python3.12]\n"
    )


def with_role(role: str) -> str:
    """The template whose function has the role `AdminRole`, declared by `role`."""
    extra = "      Role: !GetAtt AdminRole.Arn\n"
    return HEAD + PARAMETERS + "Resources:\n" + FUNCTION.format(code="src/", extra=extra) + role


def included(location: str) -> str:
    return (
        "  AdminRole:\n    Fn::Transform:\n      Name: AWS::Include\n      Parameters:\n"
        f"        Location: {location}\n"
    )


def coded(code: str, extra: str = "") -> str:
    return HEAD + PARAMETERS + "Resources:\n" + FUNCTION.format(code=code, extra=extra)


SAM_UP = (
    HEAD
    + "Resources:\n"
    + FUNCTION.format(code="../src/", extra="      Role: !GetAtt AdminRole.Arn\n")
    + ADMIN_ROLE
)
TF_PLAIN = TERRAFORM.format(extra="")

# name: (the bundle without the trick, its rule; the bundle with it; what lets it through)
TRICKS: dict[str, tuple[Layout, str, Layout, str]] = {
    "1a-sam-service-with-pyvenv-cfg": (
        files({"svc/template.yaml": SAM, "svc/src/app.py": RUNS_EVENT}), "GATE-SLS-001",
        files({"svc/template.yaml": SAM, "svc/src/app.py": RUNS_EVENT, "svc/pyvenv.cfg": VENV}),
        "dir_rule ignores the folder as a virtualenv; the IaC readers walk the copy"),
    "1b-serverless-service-with-pyvenv-cfg": (
        files({"svc/serverless.yml": SERVICE, "svc/handler.py": RUNS_EVENT}), "GATE-SLS-001",
        files({"svc/serverless.yml": SERVICE, "svc/handler.py": RUNS_EVENT,
               "svc/pyvenv.cfg": VENV}),
        "dir_rule ignores the folder as a virtualenv; the IaC readers walk the copy"),
    "1c-terraform-with-pyvenv-cfg": (
        files({"infra/main.tf": TERRAFORM.format(extra=URL), "infra/src/app.py": HARMLESS}),
        "GATE-IAC-010",
        files({"infra/main.tf": TERRAFORM.format(extra=URL), "infra/src/app.py": HARMLESS,
               "infra/pyvenv.cfg": VENV}),
        "dir_rule ignores the folder as a virtualenv; the IaC readers walk the copy"),
    "1d-template-alone-with-pyvenv-cfg": (
        files({"infra/template.yaml": SAM_UP, "src/app.py": HARMLESS}), "GATE-IAC-001",
        files({"infra/template.yaml": SAM_UP, "src/app.py": HARMLESS,
               "infra/pyvenv.cfg": VENV}),
        "the template is never read: no IaC rule sees the role"),
    "1e-terraform-registry-module-code-with-pyvenv-cfg": (
        files({"main.tf": MODULE, "src/app.py": RUNS_EVENT}), "GATE-SLS-001",
        files({"main.tf": MODULE, "src/app.py": RUNS_EVENT, "src/pyvenv.cfg": VENV}),
        "a folder no declared function's code is in is a virtualenv to dir_rule"),
    "2a-untied-layer-holding-a-google-service": (
        files({"template.yaml": SAM + layer("layer/"), "src/app.py": HARMLESS,
               "layer/python/helper.py": HELPER}), "B605",
        files({"template.yaml": SAM + layer("layer/"), "src/app.py": HARMLESS,
               "layer/python/helper.py": HELPER, "layer/serverless.yml": GOOGLE}),
        "foreign_services looks at the functions' code places, not Discovery.layers"),
    "2b-untied-layer-under-an-azure-service": (
        files({"template.yaml": SAM + layer("layers/deps/"), "src/app.py": HARMLESS,
               "layers/deps/python/helper.py": HELPER}), "B605",
        files({"template.yaml": SAM + layer("layers/deps/"), "src/app.py": HARMLESS,
               "layers/deps/python/helper.py": HELPER, "layers/serverless.yml": AZURE}),
        "foreign_services looks at the functions' code places, not Discovery.layers"),
    "2c-terraform-untied-layer-holding-a-google-service": (
        files({"main.tf": TF_PLAIN, "src/app.py": HARMLESS, "layer.tf": TF_LAYER,
               "layer/python/helper.py": HELPER}), "B605",
        files({"main.tf": TF_PLAIN, "src/app.py": HARMLESS, "layer.tf": TF_LAYER,
               "layer/python/helper.py": HELPER, "layer/serverless.yml": GOOGLE}),
        "foreign_services looks at the functions' code places, not Discovery.layers"),
    "2d-untied-layer-zip-named-whl": (
        files({"template.yaml": SAM + layer("deps.zip"), "src/app.py": HARMLESS,
               "deps.zip": zipped({"python/helper.py": HELPER})}), "B605",
        files({"template.yaml": SAM + layer("deps.whl"), "src/app.py": HARMLESS,
               "deps.whl": zipped({"python/helper.py": HELPER})}),
        "_unpack_layers unpacks a place ending in .zip only; the accounting's zip "
        "refusal looks at the functions' code places"),
    "2e-pth-in-an-untied-layer": (
        files({"template.yaml": SAM + layer("layer/"), "src/app.py": HARMLESS,
               "layer/python/boot.py": AT_START.replace("; ", "\n")}), "B605",
        files({"template.yaml": SAM + layer("layer/"), "src/app.py": HARMLESS,
               "layer/python/boot.pth": AT_START}),
        "_refuse_startup_pth looks at the functions' code places"),
    "2f-zip-in-an-untied-layer": (
        files({"template.yaml": SAM + layer("layer/"), "src/app.py": HARMLESS,
               "layer/python/evil.py": HELPER}), "B605",
        files({"template.yaml": SAM + layer("layer/"), "src/app.py": HARMLESS,
               "layer/python/lib.zip": zipped({"evil.py": HELPER})}),
        "_refuse_importable_zip looks at the functions' code places"),
    "2g-pth-in-a-layer-of-a-node-function": (
        files({"template.yaml": SAM + NODE + layer("layer/"), "src/app.py": HARMLESS,
               "web/index.js": INDEX_JS, "layer/python/boot.py": AT_START.replace("; ", "\n")}),
        "B605",
        files({"template.yaml": SAM + NODE + layer("layer/"), "src/app.py": HARMLESS,
               "web/index.js": INDEX_JS, "layer/python/boot.pth": AT_START}),
        "_refuse_startup_pth looks at the Python functions' code places"),
    "3a-include-location-ref": (
        files({"template.yaml": with_role(ADMIN_ROLE), "src/app.py": HARMLESS}), "GATE-IAC-001",
        files({"template.yaml": with_role(included("!Ref RoleSnippet")),
               "src/app.py": HARMLESS, "RoleSnippet": DECOY_ROLE}),
        "_include_location takes !Ref's parameter name for a local file"),
    "3b-include-location-sub": (
        files({"template.yaml": with_role(ADMIN_ROLE), "src/app.py": HARMLESS}), "GATE-IAC-001",
        files({"template.yaml": with_role(included("!Sub '${RoleSnippet}'")),
               "src/app.py": HARMLESS, "${RoleSnippet}": DECOY_ROLE}),
        "_include_location takes !Sub's text for a local file"),
    "3c-include-location-import-value": (
        files({"template.yaml": with_role(ADMIN_ROLE), "src/app.py": HARMLESS}), "GATE-IAC-001",
        files({"template.yaml": with_role(included("!ImportValue corp-role-snippet")),
               "src/app.py": HARMLESS, "corp-role-snippet": DECOY_ROLE}),
        "_include_location takes !ImportValue's export name for a local file"),
    "4a-path-root-in-a-child-module": (
        files({"main.tf": TF_FUNCTION.format(filename="${path.module}/build/fn.zip"),
               "build/fn.zip": zipped({"app.py": RUNS_EVENT})}), "GATE-SLS-001",
        files({"main.tf": CALLS_CHILD,
               "modules/fn/main.tf": TF_FUNCTION.format(filename="${path.root}/build/fn.zip"),
               "modules/fn/build/fn.zip": zipped({"app.py": HARMLESS}),
               "build/fn.zip": zipped({"app.py": RUNS_EVENT})}),
        "_PATH_PREFIX reads ${path.root} as the module's own folder"),
    "4b-path-cwd-in-a-child-module": (
        files({"main.tf": TF_FUNCTION.format(filename="${path.module}/build/fn.zip"),
               "build/fn.zip": zipped({"app.py": RUNS_EVENT})}), "GATE-SLS-001",
        files({"main.tf": CALLS_CHILD,
               "modules/fn/main.tf": TF_FUNCTION.format(filename="${path.cwd}/build/fn.zip"),
               "modules/fn/build/fn.zip": zipped({"app.py": HARMLESS}),
               "build/fn.zip": zipped({"app.py": RUNS_EVENT})}),
        "_PATH_PREFIX reads ${path.cwd} as the module's own folder"),
    "4c-archive-of-path-root-in-a-child-module": (
        files({"main.tf": TF_ARCHIVED.format(source="${path.module}/src"),
               "src/app.py": RUNS_EVENT}), "GATE-SLS-001",
        files({"main.tf": CALLS_CHILD,
               "modules/fn/main.tf": TF_ARCHIVED.format(source="${path.root}/src"),
               "modules/fn/src/app.py": HARMLESS,
               "src/app.py": RUNS_EVENT, "src/pyvenv.cfg": VENV}),
        "_PATH_PREFIX reads ${path.root} as the module's own folder"),
}  # fmt: skip

TIED = "      Layers: [!Ref Deps]\n"
# What the parameter's default names, in a folder the copy ignores but for a function's
# code or layer (a pyvenv.cfg): the code the deploy builds from, not the decoy.
HIDDEN_CODE = {"fn/app.py": RUNS_EVENT, "fn/pyvenv.cfg": VENV}
HIDDEN_LAYER = {"fn/python/helper.py": HELPER, "fn/pyvenv.cfg": VENV}

# The tricks whose baseline is a scan error: a code location given by a parameter.
# name: (the long form, a scan error; the short form beside a decoy)
UNRESOLVED: dict[str, tuple[Layout, Layout]] = {
    "3d-code-uri-ref": (
        files({"template.yaml": coded("{Ref: CodeParam}"), **HIDDEN_CODE}),
        files({"template.yaml": coded("!Ref CodeParam"), **HIDDEN_CODE,
               "CodeParam/app.py": HARMLESS}),
    ),
    "3e-layer-content-uri-ref": (
        files({"template.yaml": coded("src/", TIED) + layer("{Ref: CodeParam}"),
               "src/app.py": HARMLESS, **HIDDEN_LAYER}),
        files({"template.yaml": coded("src/", TIED) + layer("!Ref CodeParam"),
               "src/app.py": HARMLESS, **HIDDEN_LAYER, "CodeParam/python/deps.py": HARMLESS}),
    ),
}  # fmt: skip


def test_the_problem_each_trick_hides_blocks(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: the same problem, written plainly."""
    each_blocks(tmp_path, {name: (case[0], case[1]) for name, case in TRICKS.items()})


def test_a_code_location_given_by_a_parameter_is_a_scan_error(tmp_path: Path) -> None:
    """The baselines of 3d and 3e, in one run: the long form is a scan error."""
    each_blocked_or_refused(tmp_path, {name: case[0] for name, case in UNRESOLVED.items()})


def tricks_of(classes: str) -> dict[str, Layout]:
    """The tricked bundles of the classes numbered in `classes`."""
    tricks = {name: case[2] for name, case in TRICKS.items()}
    tricks.update({name: case[1] for name, case in UNRESOLVED.items()})
    return {name: layout for name, layout in tricks.items() if name[0] in classes}


def test_a_virtualenv_marker_or_a_short_form_hides_nothing(tmp_path: Path) -> None:
    """Classes 1 and 3: the code and IaC beside a `pyvenv.cfg`, and what a path written
    with a short-form intrinsic names, are read or refused."""
    each_blocked_or_refused(tmp_path, tricks_of("13"))


def test_an_untied_layer_is_deployed_code(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, tricks_of("2"))


def test_a_root_path_in_a_child_module_is_the_root_s(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, tricks_of("4"))
