"""A fourteenth hostile review of `gate check`: ways around the fixes of 5356004 (only
`s3://bucket/key` and URLs are remote, gate.bundle.discovery.declared `is_remote`) and 5d4bc6f
(Chalice apps and blueprints followed through imports and second names, decorators
applied by calls refused), and around which template the deploy reads.

Each attack was a confirmed problem: the test says what the gate must do, and a
baseline beside it shows the same bundle without the trick blocks. One attack of each
class (Terraform `s3://`, `CodeUri: S3://`, include `https://`, a Chalice decorator
variable, samconfig's `stack.cfn`) was also run by hand with the default policy (checkov
on): exit 0 all the same, no warning that fails the run. What let each through, and the
fix (after each):

1. `is_remote` takes every `https?://` value, and `s3://` in any case, for a location
   outside the bundle, for every kind of IaC. But Terraform's `filename` is always a
   local path (`s3://b/fn.zip` is the file `s3:/b/fn.zip`), and `sam package/deploy`
   pass over only what samcli's `is_s3_protocol_url`/`is_s3_url` match: `s3://` in lower
   case, or an `https://` URL of an S3 endpoint (`*.amazonaws.com`). `S3://b/fn.zip`,
   `https://b/fn.zip` as a `CodeUri`, and `https://x/policies.json` as an `AWS::Include`
   `Location` are local paths the packagers upload; the gate warns
   `function-code-elsewhere`/`zip-not-deployed` (or nothing, for the include) and passes.
   Fixed: `is_remote` matches as samcli does, any URL only for a nested template's
   location, and a Terraform path is never remote.
2. Chalice functions are still found only as `@OWNER.method(...)` decorators on
   module-level functions of `app.py`/`chalicelib/`, with OWNER made there, imported, or
   named again by a plain `x = owner` (gate.bundle.discovery.chalice `_owners`,
   `_registrations`, `_library_modules`, `_given_name`). Chalice registers a function
   whatever reaches its decorator: a second name given by an annotated assignment
   (`api: Chalice = app`), the decorator kept in a variable (`register =
   app.lambda_function(name=...)`, then `@register`), a decorator run inside a function
   body at import, the name given as `**{"name": ...}` (found under the Python
   function's name instead), or a blueprint in `vendor/` (Chalice puts `vendor/` at the
   root of the deployment zip and on `sys.path` when it loads the app). The function is
   not found, or found under another name, so its `lambda_functions` entry (here:
   `autogen_policy: false` with an admin policy file) is never judged. Also by hand:
   `register_blueprint(bp, **{"name_prefix": "admin_"})`, the same. Fixed by class: a
   project whose config gives settings to a function the gate does not find is refused
   (so any registration the gate does not follow fails closed), `**` in a registering
   call is refused, and an annotated second name is followed.
3. The template `sam deploy` deploys is the one `samconfig.toml` names (`template_file`
   in `[default.deploy.parameters]`, a bundle file); the gate reads a template only when
   its name ends `.yaml/.yml/.json/.template` and it is outside the ignored folders. A
   `stack.cfn` (or `.aws-sam/stack.yaml`, by hand) that samconfig names is counted
   scanned or not analysed, never read as IaC: no function, exit 0. Fixed: each
   samconfig's `template_file` is a reference like a nested template's (followed, or
   refused when it is named otherwise than a template, missing or in an ignored folder).

Also by hand, same causes: `S3://x/policies.json` as an include `Location` (exit 0);
a nested stack `Location: https://x/nested.txt` (samcli's `is_s3_url` takes it for a
local file, `aws cloudformation package` skips any http(s) URL there: not asserted).

Also tried, and the gate held: the baselines below; a Chalice policy file and a config
setting an exec wrapper, both JSON indented with tabs (GATE-IAC-001 and GATE-IAC-018:
read as Chalice reads them). The checkov worker prestarted before
staging (gate.scan.workers `prestart`) reads nothing of the bundle until its job: its
environment, home and temp dir are made before the bundle is copied, and its argv and
network setting are checked against the job.
"""

from __future__ import annotations

from pathlib import Path

from tests.hostile.conftest import (
    Layout,
    Sandbox,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review import GOOD_HANDLER, SAM_POLICIES, STAR_ACTION
from tests.hostile.test_review11 import ADMIN_JSON
from tests.hostile.test_review12 import ADMIN_JSON_POLICIES, SAM_INCLUDE
from tests.hostile.test_review13 import zipped
from tests.hostile.test_staging import BAD, TEMPLATE

# --- 1. local paths the gate takes for remote locations ---------------------------------

TF_FUNCTION = """\
resource "aws_lambda_function" "fn" {{
  function_name = "orders"
  role          = "arn:aws:iam::123456789012:role/orders"
  handler       = "app.handler"
  runtime       = "python3.12"
  filename      = "{filename}"
}}
"""


def terraform_zip(sandbox: Sandbox, filename: str) -> None:
    """A Terraform function deploying `s3:/b/fn.zip`, whose handler passes event data to a
    shell, named by `filename`."""
    sandbox.write("main.tf", TF_FUNCTION.format(filename=filename))
    sandbox.write("s3:/b/fn.zip", zipped("app.py", BAD))


def sam_zip(sandbox: Sandbox, uri: str, path: str) -> None:
    """A SAM function deploying the zip at `path`, named by `CodeUri: uri`."""
    sandbox.write("template.yaml", TEMPLATE.format(code=f"'{uri}'", handler="app.handler"))
    sandbox.write(path, zipped("app.py", BAD))


def terraform_zip_in_a_colon_folder(sandbox: Sandbox) -> None:
    """The baseline: `filename = "s3:/b/fn.zip"` is unpacked and scanned: GATE-SLS-001."""
    terraform_zip(sandbox, "s3:/b/fn.zip")


def sam_zip_in_a_colon_folder(sandbox: Sandbox) -> None:
    """The baseline: `CodeUri: S3:/b/fn.zip` is unpacked and scanned: GATE-SLS-001."""
    sam_zip(sandbox, "S3:/b/fn.zip", "S3:/b/fn.zip")


def included_snippet_in_a_colon_folder(sandbox: Sandbox) -> None:
    """The baseline: `Location: ./https:/x/policies.json` is inlined: GATE-IAC-001."""
    sandbox.write("template.yaml", SAM_INCLUDE.format(location="./https:/x/policies.json"))
    sandbox.write("https:/x/policies.json", ADMIN_JSON_POLICIES)
    sandbox.write("src/app.py", GOOD_HANDLER)


def a_terraform_filename_written_like_a_url_is_judged(sandbox: Sandbox) -> None:
    """`filename = "s3://b/fn.zip"`: Terraform reads the file `s3:/b/fn.zip`, the zip of
    the baseline; the gate warns `function-code-elsewhere` and `zip-not-deployed`, counts
    the zip not analysed, and passes (exit 0) with the shell injection unread."""
    terraform_zip(sandbox, "s3://b/fn.zip")


def test_a_code_uri_samcli_packages_is_judged(tmp_path: Path) -> None:
    """`CodeUri: S3://b/fn.zip` or `https://b/fn.zip`: samcli's `upload_local_artifacts`
    passes over only `is_s3_protocol_url` (`s3://`, case-sensitive) and uploads
    `make_abs_path(dir, uri)`, the zip of the baseline; the gate passes (exit 0)."""

    def layout(uri: str, path: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            sam_zip(sandbox, uri, path)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "0-s3-b-fn-zip-s3-b-fn-zip": layout("S3://b/fn.zip", "S3:/b/fn.zip"),
            "1-https-b-fn-zip-https-b-fn-zip": layout("https://b/fn.zip", "https:/b/fn.zip"),
        },
    )


def an_include_samcli_uploads_is_inlined(sandbox: Sandbox) -> None:
    """`Location: 'https://x/policies.json'`: samcli's `include_transform_export_handler`
    passes over only an S3 URL and uploads `os.path.join(dir, location)`, the snippet of
    the baseline; the gate neither inlines nor refuses it and passes (exit 0)."""
    sandbox.write("template.yaml", SAM_INCLUDE.format(location="https://x/policies.json"))
    sandbox.write("https:/x/policies.json", ADMIN_JSON_POLICIES)
    sandbox.write("src/app.py", GOOD_HANDLER)


# --- 2. Chalice functions registered otherwise than as the gate reads them -------------

# `admin_fn` runs with `policy-admin.json`, which may do anything.
CHALICE_CONFIG = (
    '{"version": "2.0", "app_name": "orders", "stages": {"dev": {'
    '"api_gateway_stage": "api", "lambda_functions": {"admin_fn": '
    '{"autogen_policy": false, "iam_policy_file": "policy-admin.json"}}}}}\n'
)
APP_HEAD = (
    "from chalice import Chalice\n{imports}\napp = Chalice(app_name='orders')\n{register}\n\n"
    "@app.route('/')\ndef index():\n    return {{'hello': 'world'}}\n\n\n"
)
HANDLE = "def handle(event, context=None):\n    return {'ok': True}\n"
DECORATED = "@app.lambda_function(name='admin_fn')\n" + HANDLE
BLUEPRINT = (
    "from chalice import Blueprint\n\nbp = Blueprint(__name__)\n\n\n"
    "@bp.lambda_function(name='admin_fn')\n" + HANDLE
)
HEAD = APP_HEAD.format(imports="", register="")
# What each trick writes: app.py, and the other files of the project.
CHALICE_TRICKS: dict[str, tuple[str, dict[str, str]]] = {
    # A second name given by an annotated assignment.
    "annotated-alias": (HEAD + "api: Chalice = app\n\n\n" + DECORATED.replace("@app", "@api"), {}),
    # The decorator kept in a variable, then applied with `@`.
    "decorator-variable": (
        HEAD + "register = app.lambda_function(name='admin_fn')\n\n\n@register\n" + HANDLE,
        {},
    ),
    # The decorator run inside a function body, which the module calls at import.
    "registered-in-a-function": (
        HEAD
        + "def _setup():\n    @app.lambda_function(name='admin_fn')\n"
        + "    def handle(event, context=None):\n        return {'ok': True}\n\n"
        + "    return handle\n\n\nhandle = _setup()\n",
        {},
    ),
    # The name given through `**`: found as `handle`, deployed as `admin_fn`.
    "name-by-mapping": (HEAD + DECORATED.replace("name='admin_fn'", "**{'name': 'admin_fn'}"), {}),
    # A blueprint in vendor/, which Chalice deploys at the root of the zip.
    "vendored-blueprint": (
        APP_HEAD.format(imports="\nfrom jobs import bp\n", register="app.register_blueprint(bp)\n"),
        {"vendor/jobs.py": BLUEPRINT},
    ),
}


def chalice_project(sandbox: Sandbox, app: str, files: dict[str, str]) -> None:
    sandbox.write("app.py", app)
    for name, text in files.items():
        sandbox.write(name, text)
    sandbox.write(".chalice/config.json", CHALICE_CONFIG)
    sandbox.write(".chalice/policy-admin.json", ADMIN_JSON)


def chalice_function_with_an_admin_policy(sandbox: Sandbox) -> None:
    """The baseline: `@app.lambda_function(name='admin_fn')` in app.py: the function's
    entry in the config is judged: GATE-IAC-001."""
    chalice_project(sandbox, HEAD + DECORATED, {})


def test_a_chalice_function_is_found_however_it_is_registered(tmp_path: Path) -> None:
    """`api: Chalice = app`; `register = app.lambda_function(name='admin_fn')` then
    `@register`; the decorator inside a function the module calls; `**{'name': ...}`; or
    a blueprint in `vendor/jobs.py`: Chalice deploys `admin_fn` with `policy-admin.json`
    as in the baseline; the gate finds only `api_handler` (or `handle`) and passes."""

    def layout(trick: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            chalice_project(sandbox, *CHALICE_TRICKS[trick])

        return written

    each_blocked_or_refused(tmp_path, {trick: layout(trick) for trick in sorted(CHALICE_TRICKS)})


# --- 3. the template samconfig.toml names ----------------------------------------------

SAMCONFIG = (
    'version = 0.1\n\n[default.deploy.parameters]\nstack_name = "orders"\n'
    'template_file = "{template}"\n'
)


def samconfig(sandbox: Sandbox, template: str) -> None:
    """A function whose policy may do anything, in the template samconfig.toml names."""
    sandbox.write(template, SAM_POLICIES.format(policies=STAR_ACTION.format(action="'*'")))
    sandbox.write("samconfig.toml", SAMCONFIG.format(template=template))
    sandbox.write("infra/src/app.py", GOOD_HANDLER)


def template_samconfig_names(sandbox: Sandbox) -> None:
    """The baseline: `template_file = "infra/stack.yaml"`: GATE-IAC-001."""
    samconfig(sandbox, "infra/stack.yaml")


def the_template_samconfig_names_is_read_whatever_its_name(sandbox: Sandbox) -> None:
    """`template_file = "infra/stack.cfn"`: `sam deploy` deploys it as in the baseline; the
    gate never reads it as a template, finds no function, and passes (exit 0)."""
    samconfig(sandbox, "infra/stack.cfn")


# --- the baselines, in one run ------------------------------------------------------------

# name: (the bundle without the trick, the rule its blocking finding names)
BASELINES: dict[str, tuple[Layout, str]] = {
    "1-terraform-zip-in-a-colon-folder": (terraform_zip_in_a_colon_folder, "GATE-SLS-001"),
    "1-sam-zip-in-a-colon-folder": (sam_zip_in_a_colon_folder, "GATE-SLS-001"),
    "1-include-in-a-colon-folder": (included_snippet_in_a_colon_folder, "GATE-IAC-001"),
    "2-chalice-admin-policy": (chalice_function_with_an_admin_policy, "GATE-IAC-001"),
    "3-template-samconfig-names": (template_samconfig_names, "GATE-IAC-001"),
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
            "terraform-filename-written-like-a-url": (
                a_terraform_filename_written_like_a_url_is_judged
            ),
            "include-samcli-uploads-is-inlined": an_include_samcli_uploads_is_inlined,
            "template-samconfig-names-is-read-whatever-its-name": (
                the_template_samconfig_names_is_read_whatever_its_name
            ),
        },
    )
