"""A seventeenth hostile review of `gate check`: ways around the fixes of cc6dfe5 (Chalice
registrations the gate does not trace refused, manifests a build setting names audited,
a `functions` section included from a file read, Python in an ignored folder of a
function's code scanned), and around what the Serverless rules take for the role the
Framework deploys.

Each attack was a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks (or, for 6, is refused). Each
attack exited 0 with the hostile harness's policy (checkov off); 1 was also run by
hand with the default policy (checkov on): exit 0 all the same. What lets each through:

1. A Serverless service that changes the role the Framework generates through
   `resources`. The Framework deep-merges `resources.Resources` into the template it
   compiles (lib/plugins/aws/package/lib/mergeCustomProviderResources.js, lodash
   `_.merge`), and v3 merges `resources.extensions.<LogicalId>.Properties` into the
   generated resource of that id: `IamRoleLambdaExecution: {Properties:
   {ManagedPolicyArns: [.../AdministratorAccess]}}` (no `Type`: it is the Framework's
   own role) makes every function that uses the provider's role an administrator.
   gate.rules.iam.roles `_serverless` builds that role only from
   `provider.iam.role.statements`/`managedPolicies` (or the v2 keys): the merged policy
   is never judged, where the same ARN in `provider.iam.role.managedPolicies` blocks.
2. A Chalice function registered through code the gate does not trace:
   `getattr` under another name (`fetch = getattr`, then `@fetch(app,
   'lambda_function')(name='worker')`), Chalice's own `app._register_handler(
   'lambda_function', 'worker', handle, handle, {})` (what every decorator calls:
   `_register_<type>` by name), or a helper in `vendor/` handed the app
   (`jobs.register(app)`; Chalice puts `vendor/` on `sys.path` when it loads the app and
   at the root of the deployment zip). gate.bundle.discovery.chalice
   `_refuse_called_decorators` refuses only an attribute named like a registering
   method in app.py and chalicelib, and `_fetches_by_name` only the callables named
   `getattr`/`attrgetter`/...; an app handed to any other call is not refused. No
   function is found, and the stage's `policy-admin.json` is judged for none.
3. A Serverless function whose spec, or its `package`, is included from a file
   (`orders: ${file(./orders.yml)}`, `package: ${file(./package.yml)}`), naming a
   `package.artifact` zip outside the service folder. The Framework resolves the
   variable and deploys the zip; gate.bundle.discovery.serverless `read_serverless` reads the
   spec as written (`as_mapping` of a string is `{}`), takes the service folder for the
   code, and the zip for one no function deploys (`zip-not-deployed`: "its contents
   are not scanned"). The same artifact written out is unpacked and blocks (B602).
4. serverless-python-requirements' `fileName` as the plugin reads it: through a
   variable (`fileName: ${self:custom.reqs}`, resolved by the Framework before any
   plugin runs), or, with `package.individually` and a function's `module: fn`, at
   `<module>/<fileName>` (lib/pip.js `installRequirementsIfNeeded`:
   `path.join(servicePath, modulePath, options.fileName)`). gate.bundle.discovery.references
   `serverless_references` takes only a literal `fileName`, joined to the service
   folder: `fn/deps.txt` pinning `requests==2.5.0` is counted not analysed, never
   audited.
5. serverless-python-requirements' `vendor` folder in a folder the gate ignores. The
   plugin copies every file of `custom.pythonRequirements.vendor` into the requirements
   it injects at the root of the package (lib/pip.js `copyVendors`), so the handler
   imports `helper` from it. With the service in `svc/` and `vendor:
   ../node_modules/pylib`, the folder is outside the function's code: gate.bundle.staging
   leaves it out (`node_modules`), gate.bundle.staging.imports brings back only what lies in a
   function's code or is imported from the importer's folders, and the vendor setting
   is no reference (gate.bundle.discovery.references): helper.py is counted ignored.
6. Bytecode in an ignored folder inside a Python function's code, on PYTHONPATH.
   Python imports a sourceless `helper.pyc` from any folder on its path; `sam deploy`
   zips CodeUri whole. In a plain folder the gate refuses it (gate.bundle.staging.accounting:
   "bytecode without its source"), but gate.bundle.staging.imports `bring_back_code` brings
   back only `.py` files from an ignored folder in a function's code, and
   `bring_back_imported` looks a module up only under the importer's folders: in
   `src/.serverless/lib/` it is counted ignored, and the run passes.

Fixed, each by its class: the role the Framework generates is judged with what
`resources.Resources` or `resources.extensions` merges into it, and an entry that changes
a generated function's role, code, handler, runtime, layers or environment is refused
(gate.bundle.discovery.serverless `_refuse_overrides`); a Chalice app or blueprint handed on
(an argument, a list, a private method) is refused, whatever takes it; every function
spec and `package` may be included from a bundle file, and any other variable there is
refused (`mapping_of`); python-requirements' `fileName` is named at the service and in
each function's `module`, its `vendor` folders are references (refused outside the
bundle or in an ignored folder), and a variable in either is refused; and every
importable file (bytecode and extension modules too) in an ignored folder of a Python
function's code is accounted for like the code around it.

Also tried, and the gate held: `${self:custom.zip}` as a function's `package.artifact`
(warned `function-code-elsewhere`, the zip `zip-not-deployed`: not asserted, the gate
says it did not check it); a zip artifact inside the service folder (refused: a zip in
a function's code); a function's `module:` without a handler module at the service
root (refused: the handler's file is missing).
"""

from __future__ import annotations

import importlib.util
import io
import marshal
import zipfile
from pathlib import Path

from tests.hostile.conftest import (
    Layout,
    Sandbox,
    assert_refused,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review16 import (
    DECORATED,
    GOOD,
    HELPER,
    IMPORTS_HELPER,
    VULNERABLE,
    VULNERABLE_ADVISORY,
    app_py,
    chalice_project,
)
from tests.hostile.test_staging import BAD, TEMPLATE

# --- 1. the Framework's generated role changed through `resources` ------------------------

SLS_PLAIN = """\
service: orders
frameworkVersion: '3'
provider:
  name: aws
  runtime: python3.12
{provider}functions:
  orders:
    handler: app.handler
{resources}"""
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
PROVIDER_ADMIN = f"  iam:\n    role:\n      managedPolicies:\n        - {ADMIN_ARN}\n"
ROLE_CHANGES = {
    # Deep-merged into the compiled template: the generated role gains the policy.
    "resources-merged": (
        "resources:\n  Resources:\n    IamRoleLambdaExecution:\n      Properties:\n"
        f"        ManagedPolicyArns:\n          - {ADMIN_ARN}\n"
    ),
    # v3's documented way to extend a generated resource's properties.
    "resources-extensions": (
        "resources:\n  extensions:\n    IamRoleLambdaExecution:\n      Properties:\n"
        "        Policies:\n          - PolicyName: admin\n            PolicyDocument:\n"
        "              Version: '2012-10-17'\n              Statement:\n"
        "                - Effect: Allow\n                  Action: '*'\n"
        "                  Resource: '*'\n"
    ),
}


def admin_policy_on_the_provider_role(sandbox: Sandbox) -> None:
    """The baseline: AdministratorAccess in `provider.iam.role.managedPolicies`:
    GATE-IAC-001 (critical)."""
    sandbox.write("serverless.yml", SLS_PLAIN.format(provider=PROVIDER_ADMIN, resources=""))
    sandbox.write("app.py", GOOD)


def test_the_generated_role_as_resources_change_it_is_judged(tmp_path: Path) -> None:
    """`resources.Resources.IamRoleLambdaExecution` (merged) or `resources.extensions`
    gives the Framework's role an admin policy; the gate judges the provider's role
    without it and passes (exit 0)."""

    def layout(change: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            sandbox.write(
                "serverless.yml", SLS_PLAIN.format(provider="", resources=ROLE_CHANGES[change])
            )
            sandbox.write("app.py", GOOD)

        return written

    each_blocked_or_refused(tmp_path, {change: layout(change) for change in sorted(ROLE_CHANGES)})


# --- 2. a Chalice function registered through code the gate does not trace ---------------

HANDLE = "def handle(event, context=None):\n    return {'ok': True}\n"
APP = "from chalice import Chalice\n\napp = Chalice(app_name='orders')\n"
UNTRACED: dict[str, dict[str, str]] = {
    # getattr under a second name.
    "getattr-renamed": {
        "app.py": APP
        + "fetch = getattr\n\n\n@fetch(app, 'lambda_function')(name='worker')\n"
        + HANDLE
    },
    # What every Chalice decorator calls: `_register_lambda_function` by name.
    "register-handler": {
        "app.py": APP
        + "\n\n"
        + HANDLE
        + "\n\napp._register_handler('lambda_function', 'worker', handle, handle, {})\n"
    },
    # A helper in vendor/ (on sys.path when Chalice loads the app) handed the app.
    "vendor-helper": {
        "app.py": "from chalice import Chalice\n\nimport jobs\n\n"
        "app = Chalice(app_name='orders')\njobs.register(app)\n",
        "vendor/jobs.py": HANDLE
        + "\n\ndef register(app):\n    app.lambda_function(name='worker')(handle)\n",
    },
}


def decorated_chalice_function(sandbox: Sandbox) -> None:
    """The baseline: `@app.lambda_function(name='worker')`: the stage's admin policy is
    judged for it: GATE-IAC-001."""
    chalice_project(sandbox, {"app.py": app_py(DECORATED)})


def test_a_chalice_registration_through_untraced_code_is_refused(tmp_path: Path) -> None:
    """`fetch = getattr`, `app._register_handler(...)` or `jobs.register(app)` in vendor/:
    Chalice deploys `worker` with the stage's admin policy; the gate finds no function
    and passes (exit 0)."""

    def layout(trick: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            chalice_project(sandbox, UNTRACED[trick])

        return written

    each_blocked_or_refused(tmp_path, {trick: layout(trick) for trick in sorted(UNTRACED)})


# --- 3. a Serverless function's spec or package included from a file ---------------------

SLS_ARTIFACT = """\
service: orders
frameworkVersion: '3'
provider:
  name: aws
  runtime: python3.12
functions:
  orders:
{spec}"""
ARTIFACT = "../dist/orders.zip"
SPECS = {
    "spec-from-file": (
        "    ${file(./orders.yml)}\n",
        {"svc/orders.yml": f"handler: app.handler\npackage:\n  artifact: {ARTIFACT}\n"},
    ),
    "package-from-file": (
        "    handler: app.handler\n    package: ${file(./package.yml)}\n",
        {"svc/package.yml": f"artifact: {ARTIFACT}\n"},
    ),
}


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def serverless_artifact(sandbox: Sandbox, spec: str, files: dict[str, str]) -> None:
    """A service in svc/ whose function deploys dist/orders.zip (a handler with B602);
    svc/app.py is harmless."""
    sandbox.write("svc/serverless.yml", SLS_ARTIFACT.format(spec=spec))
    sandbox.write("svc/app.py", GOOD)
    sandbox.write("dist/orders.zip", zipped({"app.py": BAD}))
    for path, text in files.items():
        sandbox.write(path, text)


def serverless_artifact_written_out(sandbox: Sandbox) -> None:
    """The baseline: `package.artifact: ../dist/orders.zip` written out: the zip is
    unpacked and scanned: B602 (high)."""
    spec = f"    handler: app.handler\n    package:\n      artifact: {ARTIFACT}\n"
    serverless_artifact(sandbox, spec, {})


def test_an_artifact_named_in_an_included_file_is_scanned(tmp_path: Path) -> None:
    """The function's spec, or its `package`, from `${file()}`: the Framework deploys
    dist/orders.zip as in the baseline; the gate takes svc/ for the code, warns the zip
    is deployed by no function, and passes (exit 0)."""

    def layout(form: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            spec, files = SPECS[form]
            serverless_artifact(sandbox, spec, files)

        return written

    each_blocked_or_refused(tmp_path, {form: layout(form) for form in sorted(SPECS)})


# --- 4. python-requirements' fileName through a variable, or per module ------------------

SLS_REQUIREMENTS = """\
service: orders
frameworkVersion: '3'
provider:
  name: aws
  runtime: python3.12
plugins:
  - serverless-python-requirements
{package}custom:
  reqs: deps.txt
  pythonRequirements:
    fileName: {name}
functions:
  orders:
    handler: app.handler
{module}"""


def named_manifest(sandbox: Sandbox) -> None:
    """The baseline: `fileName: deps.txt` pinning `requests==2.5.0`: audited, known
    vulnerabilities (high)."""
    sandbox.write("serverless.yml", SLS_REQUIREMENTS.format(package="", name="deps.txt", module=""))
    sandbox.write("app.py", GOOD)
    sandbox.write("deps.txt", VULNERABLE)


def a_file_name_from_a_variable_is_audited(sandbox: Sandbox) -> None:
    """`fileName: ${self:custom.reqs}` (deps.txt): the plugin installs deps.txt as in the
    baseline; the gate does not resolve the setting, counts deps.txt not analysed, and
    passes (exit 0)."""
    sandbox.write(
        "serverless.yml",
        SLS_REQUIREMENTS.format(package="", name="${self:custom.reqs}", module=""),
    )
    sandbox.write("app.py", GOOD)
    sandbox.write("deps.txt", VULNERABLE)


def a_modules_file_name_is_audited(sandbox: Sandbox) -> None:
    """`package.individually` and `module: fn`: the plugin installs fn/deps.txt (the
    pin); the gate audits only ./deps.txt (empty), counts fn/deps.txt not analysed, and
    passes (exit 0)."""
    sandbox.write(
        "serverless.yml",
        SLS_REQUIREMENTS.format(
            package="package:\n  individually: true\n", name="deps.txt", module="    module: fn\n"
        ),
    )
    sandbox.write("app.py", GOOD)
    sandbox.write("fn/app.py", GOOD)
    sandbox.write("deps.txt", "")
    sandbox.write("fn/deps.txt", VULNERABLE)


# --- 5. python-requirements' vendor folder in a folder the gate ignores -------------------

SLS_VENDOR = """\
service: orders
frameworkVersion: '3'
provider:
  name: aws
  runtime: python3.12
plugins:
  - serverless-python-requirements
custom:
  pythonRequirements:
    vendor: ../{folder}
functions:
  orders:
    handler: app.handler
"""


def vendored(sandbox: Sandbox, folder: str) -> None:
    """A service in svc/ whose handler imports helper.py (B602), which the plugin copies
    from FOLDER into the package (it copies vendor files only beside a requirement)."""
    sandbox.write("svc/serverless.yml", SLS_VENDOR.format(folder=folder))
    sandbox.write("svc/app.py", IMPORTS_HELPER)
    sandbox.write("svc/requirements.txt", "six==1.16.0\n")
    sandbox.write(f"{folder}/helper.py", HELPER)


def vendor_folder(sandbox: Sandbox) -> None:
    """The baseline: `vendor: ../shared/pylib`: helper.py is scanned: B602 (high)."""
    vendored(sandbox, "shared/pylib")


def test_a_vendor_folder_the_gate_ignores_is_refused(tmp_path: Path) -> None:
    """`vendor: ../node_modules/pylib`: the plugin ships helper.py as in the baseline; the
    gate leaves the folder out (outside the function's code), and passes (exit 0)."""

    def layout(folder: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            vendored(sandbox, folder)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "0-node-modules-pylib": layout("node_modules/pylib"),
            "1-serverless-pylib": layout(".serverless/pylib"),
        },
    )


# --- 6. bytecode in an ignored folder inside a Python function's code --------------------

PATH_TEMPLATE = TEMPLATE + "      Environment:\n        Variables:\n          PYTHONPATH: {path}\n"


def bytecode(source: str) -> bytes:
    """A sourceless .pyc of `source` for this interpreter, as Python imports one."""
    code = compile(source, "helper.py", "exec")
    return importlib.util.MAGIC_NUMBER + bytes(12) + marshal.dumps(code)


def compiled_helper(sandbox: Sandbox, folder: str) -> None:
    """PYTHONPATH=/var/task/FOLDER, where helper.pyc (B602's code, compiled) is; the
    handler imports helper."""
    template = PATH_TEMPLATE.format(code="src/", handler="app.handler", path=f"/var/task/{folder}")
    sandbox.write("template.yaml", template)
    sandbox.write("src/app.py", IMPORTS_HELPER)
    sandbox.write(f"src/{folder}/helper.pyc", bytecode(HELPER))


def test_bytecode_in_the_code_is_refused(sandbox: Sandbox) -> None:
    """The baseline: src/lib/helper.pyc, no source beside it: refused (exit 2)."""
    compiled_helper(sandbox, "lib")
    assert_refused(sandbox.run(), "helper.pyc")


def test_bytecode_in_an_ignored_folder_of_the_code_is_refused(tmp_path: Path) -> None:
    """src/.serverless/lib/helper.pyc on PYTHONPATH: `sam deploy` ships it and Python
    imports it as in the baseline; the gate counts it ignored and passes (exit 0)."""

    def layout(folder: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            compiled_helper(sandbox, folder)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "0-serverless-lib": layout(".serverless/lib"),
            "1-cdk-out-lib": layout("cdk.out/lib"),
        },
    )


# --- the baselines, in one run ------------------------------------------------------------

# name: (the bundle without the trick, the rule its blocking finding names)
BASELINES: dict[str, tuple[Layout, str]] = {
    "1-admin-policy-on-the-provider-role": (admin_policy_on_the_provider_role, "GATE-IAC-001"),
    "2-decorated-chalice-function": (decorated_chalice_function, "GATE-IAC-001"),
    "3-artifact-written-out": (serverless_artifact_written_out, "B602"),
    "4-named-manifest": (named_manifest, VULNERABLE_ADVISORY),
    "5-vendor-folder": (vendor_folder, "B602"),
}


def test_the_baselines_block(tmp_path: Path) -> None:
    """The baselines of 1 to 5 (6's is refused), in one run of every bundle: each
    blocks, its finding naming its rule."""
    each_blocks(tmp_path, BASELINES)


def test_each_trick_is_blocked_or_refused(tmp_path: Path) -> None:
    """The single tricks above, in one run: none of them passes."""
    each_blocked_or_refused(
        tmp_path,
        {
            "file-name-from-a-variable-is-audited": a_file_name_from_a_variable_is_audited,
            "modules-file-name-is-audited": a_modules_file_name_is_audited,
        },
    )
