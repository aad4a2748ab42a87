"""A twenty-sixth hostile review of `gate check`, starting from review 25's fixes: code
the policy excludes brought back when deployed code imports it, programs of the bundle
that the deploy runs while it builds the package, baselines and bandit anchors, waiver
paths, workflow commands in reports.

Each attack is a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks. Every attack exited 0 with the
hostile harness's policy (checkov off); 1 to 4 exited 0 by hand with the default policy
(checkov on) all the same (for 1, `sys-path`; for 2 and 3, every trick but the
file-dependency plugin, run with checkov off only), and 5 needs checkov (its test runs
it). What lets each through:

1. The exclude's bring-back follows only imports it can read. Review 25 made a Python
   file the policy's `exclude` names come back when deployed code imports it, but the
   import is found by reading `import`/`from` statements and `import_module(...)`/
   `__import__(...)` calls with a literal argument (gate.bundle.staging.imports
   `_module_names`, `_is_dynamic_import`, `_imported`). With `exclude: ["tests/**"]`,
   a Serverless handler that reaches tests/helpers.py (`subprocess.run(cmd,
   shell=True)`) in any other way passes, the helper counted excluded and read by
   nothing: `sys.path.insert(0, <its folder>/tests)` then `from helpers import run`;
   `from importlib import import_module as load; load("tests.helpers")`;
   `import_module(".helpers", "tests")`; `runpy.run_module("tests.helpers")`;
   `importlib.util.spec_from_file_location(...)`; `from tests import *` with
   `__all__ = ["helpers"]` in tests/__init__.py (the package is brought back, the
   submodule `__all__` names is not). The Framework zips the whole service folder,
   tests/ included. Built-in-ignored folders inside a function's code are brought back
   whole (`bring_back_code`); a policy-excluded one is skipped there
   (`if found.by_policy: continue`).
2. The Serverless Framework runs more of the bundle at `sls package` than review 25's
   list (gate.bundle.discovery.serverless `build_programs`,
   gate.bundle.discovery.references `serverless_references`, `_program_refusal`):
   a JavaScript variable source, `${file(./config.js)}` (the Framework `require`s the
   file and calls what it exports while it resolves the service, before packaging; the
   reference is of kind `file`, never refused; the iam rules refuse it only where they
   need its value, so in `custom:` it passes); serverless-plugin-scripts'
   `custom.scripts.hooks` (shell commands written in serverless.yml, run on the
   Framework's lifecycle events: nothing in the bundle is even counted not analysed);
   serverless-scriptable-plugin's `custom.scriptable.hooks` naming a .js file of the
   bundle; and a plugin named like an npm package whose package.json dependency is
   `file:./tools/telemetry` (npm links the bundle's folder into node_modules; the gate
   looks only in `.serverless_plugins/`). Each writes a sitecustomize.py into the
   service before it is zipped.
3. SAM and Terraform builds that run the bundle's programs. A SAM image function
   (`PackageType: Image`, `Metadata: DockerContext/Dockerfile`): `sam build` runs
   `docker build` on the bundle's Dockerfile, whose `RUN` lines write anything into the
   image; the gate scans the context folder as the code (gate.bundle.discovery
   .cloudformation `_sam_code`) and counts the Dockerfile not analysed. Terraform: an
   `archive_file` whose `depends_on` is a `null_resource` with a `local-exec`
   provisioner, or a `data "external"` program, that writes into its `source_dir`
   before the zip is made; the gate reads `source_dir` as it is
   (gate.bundle.discovery.terraform `_tf_code`) and reads no provisioner or external
   program. `BuildMethod: makefile` is refused for the same reason (`_MADE`).
4. A requirements file makes the build install a wheel of the bundle. A SAM function's
   src/requirements.txt with `--no-index` and `--find-links ../wheels` beside
   `six==1.16.0` makes `sam build` (pip) install the bundle's own
   wheels/six-1.16.0-py3-none-any.whl into the deployed code; the gate audits
   `six==1.16.0` as PyPI's and counts the wheel "not analysed: files no function
   deploys" (gate.bundle.manifests.requirements: `--find-links`/`--index-url` lines are
   options, skipped; a local-path requirement is at least GATE-DEP-001, medium, not
   blocking). The same through serverless-python-requirements' `pipCmdExtraArgs`
   (read by nothing), or with the wheel in a folder the policy excludes.
5. A new secret in a baselined file is baselined. A checkov secret's fingerprint has
   no anchor and no resource (gate.scanners.checkov: `anchor="" if secret`, resource
   None: the value's hash is kept out), so it is (scanner, check, bundle, path): a
   baseline that recorded the documentation's example key `AKIAIOSFODNN7EXAMPLE` in
   src/settings.py makes any other AWS key anywhere in that file `baselined`
   (critical, exit 0). Severity cannot tell them apart, as review 25's fix for bandit
   does.

Suggested fixes, by class: 1, a Python file the policy excludes inside a Python
function's code folder or a layer is deployed, and so scanned (warned
`exclude-imported`) whatever imports it or not, as built-in-ignored files there are
(`bring_back_code`), or such an exclude is an error naming the pattern and function;
guessing the import graph cannot be complete (a string built at run time names any
module). 2 and 3, one list of "the deploy runs a program of the bundle" that every IaC
reader feeds and that is refused unless the gate can see it is not the bundle's: every
`${file(...)}` whose file is not YAML/JSON (.js, .cjs, .mjs, .ts), the command-running
plugins' hook settings (serverless-plugin-scripts, serverless-scriptable-plugin) and
any plugin whose package.json spec is `file:`/`link:`/a path or a git URL, a SAM image
function built from a Dockerfile of the bundle, Terraform provisioners and `external`
data sources; 4, a requirements option that points pip at the bundle (`--find-links`,
`--index-url`, `--extra-index-url` with a local path or `file:` URL, and the same in
`pipCmdExtraArgs`) or a local wheel requirement makes the wheels it names deployed code
(unpacked and scanned as the function's) or is refused; 5, a secret's fingerprint
anchors on the hash checkov gives its value (already a hash), so only the recorded
secret is baselined or waived by fingerprint.

Also tried, and the gate held: an excluded module imported plainly, with a relative
import, inside a function or try block, and the package walked by `pkgutil` then
imported by a literal name (brought back, B602 blocks); unchecked-hash bytecode in an
excluded `tests/__pycache__/` beside the brought-back benign source (refused: Python may
run it instead of the source); a `.whl` that pip installs from inside the function's own
code folder (refused: a zip in the code); `plugins.localPath` with `modules`, and a
plugin path into `node_modules/` (refused); `${file(./config.js)}` in `provider:`
(refused, one line, by the iam rules); `pipCmdExtraArgs: [-r, tools/extra.txt]` with an
editable local package (its setup.py is scanned: blocks); `dockerExtraFiles` (paths in
AWS's build image); a file name holding ` ::add-mask::` and ` ::stop-commands::` after
a space, printed under `COLUMNS` 12, 20, 25 and 30 and with `GITHUB_ACTIONS=true`
(`no_workflow_commands` runs on the wrapped text: no line starts with `::`, stdout or
stderr). Read, and judged sound without a case: bandit's anchor blanks strings, so a
recorded literal command covers another literal one of the same severity (same risk,
by design); a waiver's
`resource` glob matches names the bundle chooses, as its `path` does (the policy's
author picks the glob); `_take` prefers the least severe recorded finding at or above
the new one's severity.

Robustness: no traceback, hang, secret leak or wordless exit 2 was met.

Not covered in the time: sharding of a Terraform root module whose checkov finding
depends on a local module inside a function's code folder dealt to another shard (read
only: the module's own findings are in its files, owned by the shard that scans them);
lazy loading of the advisory database (`AdvisoryDatabase`, `_builtin`'s meta) and
`open_repository`'s `.git` check; `dockerRunCmdExtraArgs` (a bind mount or `-e
PIP_CONFIG_FILE=` of the bundle's mounted folder is the same class as 2 and 4);
`useStaticCache`; `package.patterns`; a `.pth` or namespace package in an excluded
folder; GitLab and Jenkins log conventions.

Fixed, each by its class: 1, Python the policy excludes inside a Python function's code
or layers is deployed, so it is scanned whatever imports it, warned `exclude-imported`
(gate.bundle.staging.imports `bring_back_code`); the exclude holds outside deployed
code. 2, the Serverless reader's list of programs the deploy runs grew: a `${file()}` of
a script is a `program` reference (gate.bundle.discovery.references `_file_kind`), the
hook settings of serverless-plugin-scripts and serverless-scriptable-plugin are refused,
and a plugin package.json installs from a folder is a program
(gate.bundle.discovery.serverless `build_programs`, `_local_packages`). 3, a Dockerfile's
`RUN`/`ONBUILD` steps or `ADD` of a URL (gate.bundle.discovery.dockerfile), a
`local-exec` an `archive_file` waits for through any chain of blocks, and any `external`
data source (gate.bundle.discovery.terraform `_Builders`) are parts of the code the gate
cannot follow: scan errors naming the function, which `leave_out` turns into a warning
once the policy's author has read the step (its source still scanned). 4, a requirements
line or `pipCmdExtraArgs` pointing pip at a folder or `file:` index, and a local archive
requirement, are refused (gate.bundle.manifests.requirements `local_source`). 5, a secret
in plaintext is never baselined (gate.policy.baseline `_secret`): its fingerprint leaves
the value out, so no baseline can tell another secret in its place from the old one (a
digest of the value in the fingerprint, tried first, let a reader confirm a guessed
password: review 27).
"""

from __future__ import annotations

import base64
import functools
import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    CHEAP_POLICY,
    Layout,
    Sandbox,
    assert_blocks,
    each_blocks,
    on_rule,
    with_file,
)
from tests.hostile.test_review25 import HARMLESS, SERVICE, SHELL, gate

SAM = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
"""
SAM_ZIP = SAM + "      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n"
SAM_IMAGE = (
    SAM + "      PackageType: Image\n    Metadata:\n      DockerContext: ./src\n"
    "      Dockerfile: Dockerfile\n"
)

PLANTED = "import os\nos.system(os.environ.get('X', ''))\n"
"""What each build trick writes into the artifact: a sitecustomize.py run at every start
(bandit B605 where the gate scans it)."""
ENCODED = base64.b64encode(PLANTED.encode()).decode()
WRITE_JS = (
    "() => { require('fs').writeFileSync('sitecustomize.py', "
    f"{json.dumps(PLANTED)}); return 'dev'; }}"
)


def service(sandbox: Sandbox, settings: str = "") -> None:
    """A Serverless service at the bundle root, `settings` (top-level YAML) before its
    functions."""
    sandbox.write("serverless.yml", SERVICE.replace("functions:", f"{settings}functions:"))
    sandbox.write("app.py", HARMLESS)


# --- 1. an excluded module imported in a way the import reader does not follow ----------------

EXCLUDING = CHEAP_POLICY + 'exclude: ["tests/**"]\n'

IMPORTS = {
    "sys-path": (
        "import os\nimport sys\n\n"
        "sys.path.insert(0, os.path.join(os.path.dirname(__file__), 'tests'))\n"
        "from helpers import run  # noqa: E402\n"
    ),
    "aliased-import-module": (
        "from importlib import import_module as load\n\nrun = load('tests.helpers').run\n"
    ),
    "import-module-package": (
        "import importlib\n\nrun = importlib.import_module('.helpers', 'tests').run\n"
    ),
    "runpy": "import runpy\n\nrun = runpy.run_module('tests.helpers')['run']\n",
    "spec-from-file": (
        "import importlib.util\n\n"
        "spec = importlib.util.spec_from_file_location('helpers', 'tests/helpers.py')\n"
        "helpers = importlib.util.module_from_spec(spec)\n"
        "spec.loader.exec_module(helpers)\nrun = helpers.run\n"
    ),
    "star-all": "from tests import *\n\nrun = helpers.run  # noqa: F405\n",
}


def importing(sandbox: Sandbox, trick: str) -> None:
    """A service whose handler runs a shell command from its event through
    tests/helpers.py, reached by `trick`."""
    service(sandbox)
    sandbox.write(
        "app.py",
        IMPORTS[trick] + "\n\ndef handler(event, context):\n    return run(event['cmd'])\n",
    )
    sandbox.write("tests/__init__.py", "__all__ = ['helpers']\n" if trick == "star-all" else "")
    sandbox.write("tests/helpers.py", SHELL)


def test_the_imported_helper_blocks_unexcluded(tmp_path: Path) -> None:
    """The baselines, in one run: without the exclude, the shell injection in
    tests/helpers.py blocks, however the handler imports it."""
    layouts = {trick: functools.partial(importing, trick=trick) for trick in IMPORTS}
    each_blocks(tmp_path, on_rule("B602", layouts))


def test_an_excluded_module_the_handler_loads_is_scanned(tmp_path: Path) -> None:
    """tests/ is zipped with the service, and the handler loads tests/helpers.py: the
    exclude must not hide it, however the handler reaches it."""
    layouts = {trick: functools.partial(importing, trick=trick) for trick in sorted(IMPORTS)}
    each_blocks(tmp_path, on_rule("B602", layouts), EXCLUDING)


# --- 2 and 3. the deploy's build runs a program of the bundle ---------------------------------

TERRAFORM = """\
data "archive_file" "fn" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/fn.zip"
%s}

resource "aws_lambda_function" "fn" {
  function_name    = "orders"
  role             = "arn:aws:iam::123456789012:role/orders"
  handler          = "app.handler"
  runtime          = "python3.12"
  filename         = data.archive_file.fn.output_path
  source_code_hash = data.archive_file.fn.output_base64sha256
  tracing_config {
    mode = "Active"
  }
}
"""
PLANT_COMMAND = f"echo {ENCODED} | base64 -d > src/sitecustomize.py"


def terraform(sandbox: Sandbox, extra: str = "", depends: str = "") -> None:
    """A Terraform function zipped from src/ by archive_file (after `depends`)."""
    after = f"  depends_on = [{depends}]\n" if depends else ""
    sandbox.write("main.tf", TERRAFORM % after + extra)
    sandbox.write("src/app.py", HARMLESS)


def sam_image(sandbox: Sandbox, steps: str = "") -> None:
    """A SAM image function built from src/Dockerfile (with `steps` before its CMD)."""
    sandbox.write("template.yaml", SAM_IMAGE)
    sandbox.write("src/app.py", HARMLESS)
    sandbox.write(
        "src/Dockerfile",
        "FROM public.ecr.aws/lambda/python:3.12\nCOPY . ${LAMBDA_TASK_ROOT}\n"
        f'{steps}CMD ["app.handler"]\n',
    )


def js_variable(sandbox: Sandbox) -> None:
    service(sandbox, "custom:\n  stage: ${file(./config.js):stage}\n")
    sandbox.write("config.js", f"module.exports.stage = {WRITE_JS};\n")


def plugin_scripts(sandbox: Sandbox) -> None:
    service(
        sandbox,
        "plugins:\n  - serverless-plugin-scripts\ncustom:\n  scripts:\n    hooks:\n"
        f"      'package:createDeploymentArtifacts': '{PLANT_COMMAND.replace('src/', '')}'\n",
    )


def scriptable_plugin(sandbox: Sandbox) -> None:
    service(
        sandbox,
        "plugins:\n  - serverless-scriptable-plugin\ncustom:\n  scriptable:\n    hooks:\n"
        "      before:package:createDeploymentArtifacts: tools/prepare.js\n",
    )
    sandbox.write("tools/prepare.js", f"({WRITE_JS})();\n")


def file_dependency_plugin(sandbox: Sandbox) -> None:
    """A plugin named like an npm package that package.json installs from the bundle."""
    service(sandbox, "plugins:\n  - telemetry\n")
    sandbox.write(
        "package.json",
        '{"devDependencies": {"serverless": "^3.38.0", "telemetry": "file:./tools/telemetry"}}\n',
    )
    sandbox.write("tools/telemetry/package.json", '{"name": "telemetry", "main": "index.js"}\n')
    sandbox.write(
        "tools/telemetry/index.js",
        "class Telemetry {\n  constructor() {\n    this.hooks = {\n"
        f"      'before:package:createDeploymentArtifacts': {WRITE_JS},\n"
        "    };\n  }\n}\nmodule.exports = Telemetry;\n",
    )


def local_exec(sandbox: Sandbox) -> None:
    terraform(
        sandbox,
        '\nresource "null_resource" "build" {\n  provisioner "local-exec" {\n'
        f'    command = "{PLANT_COMMAND}"\n  }}\n}}\n',
        depends="null_resource.build",
    )


def external_program(sandbox: Sandbox) -> None:
    terraform(
        sandbox,
        '\ndata "external" "build" {\n'
        f'  program = ["sh", "-c", "{PLANT_COMMAND}; echo {{}}"]\n}}\n',
        depends="data.external.build",
    )


def dockerfile_run(sandbox: Sandbox) -> None:
    sam_image(sandbox, f"RUN echo {ENCODED} | base64 -d > ${{LAMBDA_TASK_ROOT}}/sitecustomize.py\n")


BUILDS: dict[str, tuple[Layout, Layout, str, str]] = {
    # name: (the bundle without the trick, with it, where it plants, the file to name)
    "js-variable": (service, js_variable, "sitecustomize.py", "serverless.yml"),
    "plugin-scripts": (service, plugin_scripts, "sitecustomize.py", "serverless.yml"),
    "scriptable-plugin": (service, scriptable_plugin, "sitecustomize.py", "serverless.yml"),
    "file-dependency-plugin": (service, file_dependency_plugin, "sitecustomize.py", "serverless"),
    "terraform-local-exec": (terraform, local_exec, "src/sitecustomize.py", "main.tf"),
    "terraform-external": (terraform, external_program, "src/sitecustomize.py", "main.tf"),
    "sam-dockerfile": (sam_image, dockerfile_run, "src/sitecustomize.py", "template.yaml"),
}


def test_the_code_a_build_would_plant_blocks(tmp_path: Path) -> None:
    """The baselines, in one run: the same bundle without the build step, the
    sitecustomize.py it writes already in the code, blocks (B605)."""
    layouts = {
        name: with_file(plain, planted, PLANTED) for name, (plain, _, planted, _) in BUILDS.items()
    }
    each_blocks(tmp_path, on_rule("B605", layouts))


@pytest.mark.parametrize("build", sorted(BUILDS))
def test_a_program_the_build_runs_is_refused(sandbox: Sandbox, build: str) -> None:
    """The build runs a program or command the bundle supplies, which can write any file
    into what is deployed: refused (as `BuildMethod: makefile` is), naming the IaC."""
    _, trick, _, named = BUILDS[build]
    trick(sandbox)
    run = sandbox.run()
    assert run.code == 2, (run.code, run.stdout[-2000:], run.stderr)
    assert len(run.lines) == 1 and named in run.lines[0], run.stderr


def test_a_build_the_policy_author_has_read_is_left_out_and_its_source_scanned(
    sandbox: Sandbox,
) -> None:
    """`leave_out` names the function whose build step the policy's author has read: the
    run says so, and the source the step starts from is still scanned (blocks)."""
    local_exec(sandbox)
    sandbox.write("src/app.py", SHELL)
    policy = CHEAP_POLICY + (
        "leave_out:\n  - {function: aws_lambda_function.fn, reason: 'sed of the bucket name'}\n"
    )
    run = sandbox.run(policy=policy)
    assert_blocks(run)
    assert "[left-out]" in run.stdout and "local-exec" in run.stdout, run.stdout[-2000:]


def an_image_that_only_copies_the_code_is_scanned(sandbox: Sandbox) -> None:
    """A Dockerfile that runs nothing (FROM, COPY, CMD) makes an image of its base and the
    files it copies: those are scanned, and the run decides."""
    sam_image(sandbox)
    sandbox.write("src/app.py", SHELL)


# --- 4. pip installs a wheel of the bundle -----------------------------------------------------


def wheel() -> bytes:
    """A six 1.16.0 wheel whose six.py runs a command."""
    buffer = io.BytesIO()
    info = "six-1.16.0.dist-info"
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("six.py", PLANTED)
        archive.writestr(f"{info}/METADATA", "Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n")
        archive.writestr(f"{info}/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: true\n")
        archive.writestr(f"{info}/RECORD", f"six.py,,\n{info}/METADATA,,\n")
    return buffer.getvalue()


def sam_function(sandbox: Sandbox, requirements: str) -> None:
    sandbox.write("template.yaml", SAM_ZIP)
    sandbox.write("src/app.py", "import six  # noqa: F401\n\n\n" + HARMLESS)
    sandbox.write("src/requirements.txt", requirements)


def the_wheels_module_in_the_code(sandbox: Sandbox) -> None:
    """The baseline: the wheel's six.py in the function's code, where pip would put it."""
    sam_function(sandbox, "six==1.16.0\n")
    sandbox.write("src/six.py", PLANTED)


LOCAL_WHEELS = {
    "find-links": "--no-index\n--find-links ../wheels\nsix==1.16.0\n",
    "index-url": "--index-url=file:///../wheels\nsix==1.16.0\n",
    "wheel-path": "../wheels/six-1.16.0-py3-none-any.whl\n",
}


@pytest.mark.parametrize("requirements", sorted(LOCAL_WHEELS))
def test_a_wheel_the_requirements_install_from_the_bundle_is_refused(
    sandbox: Sandbox, requirements: str
) -> None:
    """`sam build` installs the bundle's own wheels/six-*.whl: its code is deployed and the
    gate does not scan inside it, so the requirements file is refused, naming the line."""
    sam_function(sandbox, LOCAL_WHEELS[requirements])
    sandbox.write("wheels/six-1.16.0-py3-none-any.whl", wheel())
    run = sandbox.run()
    assert run.code == 2, (run.code, run.stdout[-2000:], run.stderr)
    assert "src/requirements.txt" in run.stderr and "bundle" in run.stderr, run.stderr


def test_pip_arguments_of_the_python_requirements_plugin_are_read(sandbox: Sandbox) -> None:
    """The same through serverless-python-requirements' `pipCmdExtraArgs`."""
    service(
        sandbox,
        "plugins:\n  - serverless-python-requirements\ncustom:\n  pythonRequirements:\n"
        "    pipCmdExtraArgs: ['--find-links', './wheels']\n",
    )
    sandbox.write("requirements.txt", "six==1.16.0\n")
    sandbox.write("wheels/six-1.16.0-py3-none-any.whl", wheel())
    # Excluded, so that the wheel is not refused first as a zip in the service's code.
    run = sandbox.run(policy=CHEAP_POLICY + 'exclude: ["wheels/**"]\n')
    assert run.code == 2, (run.code, run.stdout[-2000:], run.stderr)
    assert len(run.lines) == 1 and "pipCmdExtraArgs" in run.lines[0], run.stderr


# --- 5. a new secret in a baselined file ------------------------------------------------------

CHECKOV_ON = "version: 1\n"
EXAMPLE_KEY = 'REGION = "eu-west-1"\nEXAMPLE_KEY = "AKIAIOSFODNN7EXAMPLE"\n'
LIVE_KEY = 'REGION = "eu-west-1"\n\n\nDEPLOY_KEY = "AKIA2E0A8F3B244C9986"\n'


def baselined_secret(sandbox: Sandbox) -> str:
    """A baseline recorded with the documentation's example key in src/settings.py; the
    file then holds another key. The baseline's path."""
    sandbox.write("template.yaml", SAM_ZIP)
    sandbox.write("src/app.py", HARMLESS)
    sandbox.write("src/settings.py", EXAMPLE_KEY)
    recorded = sandbox.base / "baseline.json"
    policy = str(sandbox.policy(CHECKOV_ON))
    made = gate(sandbox, "baseline", "create", str(sandbox.bundle), "--policy", policy,
                "--output", str(recorded))  # fmt: skip
    assert made.code == 0, made.stderr
    findings = json.loads(recorded.read_text(encoding="utf-8"))["findings"]
    assert any(f["rule_id"].startswith("CKV_SECRET") for f in findings), findings
    sandbox.write("src/settings.py", LIVE_KEY)
    return str(recorded)


def test_a_new_secret_is_not_matched_to_a_recorded_one(sandbox: Sandbox) -> None:
    """The recorded secret was the example key; a different key in the same file is new:
    a critical checkov secret, blocking with the baseline (so without it too), its value
    never shown."""
    recorded = baselined_secret(sandbox)
    run = sandbox.run("--baseline", recorded, "--format", "json", policy=CHECKOV_ON)
    assert_blocks(run)
    blocking = [f for f in json.loads(run.stdout)["findings"] if f["status"] == "blocking"]
    assert any(f["rule_id"].startswith("CKV_SECRET") for f in blocking), blocking
    assert "AKIA2E0A8F3B244C9986" not in run.stdout


def test_each_single_baseline_blocks_on_its_rule(tmp_path: Path) -> None:
    """The single baselines above, in one run: each bundle blocks on its rule."""
    each_blocks(
        tmp_path,
        {
            "image-that-only-copies-the-code": (
                an_image_that_only_copies_the_code_is_scanned,
                "B602",
            ),
            "wheels-module-in-the-code": (the_wheels_module_in_the_code, "B605"),
        },
    )
