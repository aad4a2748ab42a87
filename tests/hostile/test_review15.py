"""A fifteenth hostile review of `gate check`: ways around the fixes of 98c83bf (remote
locations as samcli reads them, gate.bundle.discovery.declared `is_remote`; samconfig's
`template_file` followed, gate.bundle.discovery.references `samconfig_references`; a Chalice
project refused when its config names a function the gate does not find,
gate.bundle.discovery.chalice `_refuse_unfound`).

Each attack was a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks (or, for 2, is refused). Each
attack exited 0 (checkov off, the hostile harness's policy). Fixed: `is_remote` reads a
location by its property (code: `s3://` only; an include: S3 too; a nested template:
any URL); a samconfig's `template_file` is always a path; any use of an app's or
blueprint's registering method but as the decorator of a module-level function is
refused, and so is a registered blueprint not made in the project.

1. `CodeUri` written as an S3 endpoint URL. `is_remote` takes any
   `https://*.amazonaws.com/...` for remote, for every property. But samcli's
   `upload_local_artifacts` (the `CodeUri`, `ContentUri` or `Code` of every zip
   resource) passes over only `is_s3_protocol_url`, `s3://` in lower case; its
   `is_s3_url` (the endpoint regexes) guards only nested stacks, applications and
   includes. `CodeUri: https://b.s3.amazonaws.com/fn.zip` is the local file
   `https:/b.s3.amazonaws.com/fn.zip`, which `sam package` uploads.
2. samconfig's `template_file` written as a URL. `samconfig_references` passes over any
   `is_remote(named, any_url=True)` value, but `sam deploy` opens `template_file` as a
   local path whatever it looks like: `https://x/stack.cfn` is the file
   `https:/x/stack.cfn`, never read as IaC since its name is not a template's.
3. A Chalice function whose role comes from the stage (`autogen_policy: false` and
   `iam_policy_file` in the stage, no `lambda_functions` entry), registered in a way
   the gate does not follow (the decorator kept in a variable). `_refuse_unfound`
   compares only the names the config gives settings to; the stage's policy is judged
   per function found (gate.rules.iam.roles_chalice `chalice_grants`), and none is.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from tests.hostile.conftest import (
    Layout,
    Sandbox,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review import GOOD_HANDLER, SAM_POLICIES, STAR_ACTION
from tests.hostile.test_review11 import ADMIN_JSON
from tests.hostile.test_review13 import zipped
from tests.hostile.test_staging import BAD, TEMPLATE

# --- 1. a CodeUri written as an S3 endpoint URL ----------------------------------------


def sam_zip(sandbox: Sandbox, uri: str, path: str) -> None:
    """A SAM function deploying the zip at `path`, named by `CodeUri: uri`."""
    sandbox.write("template.yaml", TEMPLATE.format(code=f"'{uri}'", handler="app.handler"))
    sandbox.write(path, zipped("app.py", BAD))


def zip_in_an_endpoint_named_folder(sandbox: Sandbox) -> None:
    """The baseline: `CodeUri: ./https:/b.s3.amazonaws.com/fn.zip` is unpacked and
    scanned: GATE-SLS-001."""
    sam_zip(sandbox, "./https:/b.s3.amazonaws.com/fn.zip", "https:/b.s3.amazonaws.com/fn.zip")


def a_code_uri_written_as_an_s3_endpoint_is_judged(sandbox: Sandbox) -> None:
    """`CodeUri: https://b.s3.amazonaws.com/fn.zip`: samcli's `upload_local_artifacts`
    uploads `make_abs_path(dir, uri)`, the zip of the baseline."""
    sam_zip(sandbox, "https://b.s3.amazonaws.com/fn.zip", "https:/b.s3.amazonaws.com/fn.zip")


# --- 2. samconfig's template_file written as a URL --------------------------------------

SAMCONFIG = (
    'version = 0.1\n\n[default.deploy.parameters]\nstack_name = "orders"\n'
    'template_file = "{template}"\n'
)


def samconfig(sandbox: Sandbox, named: str, path: str) -> None:
    """A function whose policy may do anything, in the file at `path`, which
    samconfig.toml names `named`."""
    sandbox.write(path, SAM_POLICIES.format(policies=STAR_ACTION.format(action="'*'")))
    sandbox.write("samconfig.toml", SAMCONFIG.format(template=named))
    sandbox.write(posixpath.join(posixpath.dirname(path), "src/app.py"), GOOD_HANDLER)


def test_a_samconfig_template_in_a_url_named_folder_blocks(sandbox: Sandbox) -> None:
    """The baseline: `template_file = "https:/x/stack.cfn"`: refused, as a template named
    otherwise than a template's (exit 2)."""
    samconfig(sandbox, "https:/x/stack.cfn", "https:/x/stack.cfn")
    run = sandbox.run()
    assert run.code == 2 and "template_file" in run.stderr, run


def a_samconfig_template_written_as_a_url_is_read(sandbox: Sandbox) -> None:
    """`template_file = "https://x/stack.cfn"`: `sam deploy` opens the local file
    `https:/x/stack.cfn`, the template of the baseline."""
    samconfig(sandbox, "https://x/stack.cfn", "https:/x/stack.cfn")


# --- 3. a Chalice stage policy for a function the gate does not find ---------------------

# Every function of stage `dev` runs with `policy-admin.json`, which may do anything.
STAGE_CONFIG = (
    '{"version": "2.0", "app_name": "orders", "stages": {"dev": {'
    '"api_gateway_stage": "api", "autogen_policy": false, '
    '"iam_policy_file": "policy-admin.json"}}}\n'
)
APP = "from chalice import Chalice\n\napp = Chalice(app_name='orders')\n\n\n{register}"
HANDLE = "def handle(event, context=None):\n    return {'ok': True}\n"


def chalice_project(sandbox: Sandbox, register: str) -> None:
    sandbox.write("app.py", APP.format(register=register))
    sandbox.write(".chalice/config.json", STAGE_CONFIG)
    sandbox.write(".chalice/policy-admin.json", ADMIN_JSON)


def chalice_stage_policy(sandbox: Sandbox) -> None:
    """The baseline: `@app.lambda_function(name='worker')`: the stage's policy is
    judged for it: GATE-IAC-001."""
    chalice_project(sandbox, "@app.lambda_function(name='worker')\n" + HANDLE)


def a_chalice_stage_policy_is_judged_however_the_function_is_registered(
    sandbox: Sandbox,
) -> None:
    """`register = app.lambda_function(name='worker')` then `@register`: Chalice deploys
    `worker` with the stage's `policy-admin.json` as in the baseline."""
    chalice_project(
        sandbox, "register = app.lambda_function(name='worker')\n\n\n@register\n" + HANDLE
    )


# --- the baselines that block, in one run -------------------------------------------------

# name: (the bundle without the trick, the rule its blocking finding names)
BASELINES: dict[str, tuple[Layout, str]] = {
    "1-zip-in-an-endpoint-named-folder": (zip_in_an_endpoint_named_folder, "GATE-SLS-001"),
    "3-chalice-stage-policy": (chalice_stage_policy, "GATE-IAC-001"),
}


def test_the_baselines_block(tmp_path: Path) -> None:
    """The baselines of 1 and 3, in one run of both bundles: each blocks, its finding
    naming its rule."""
    each_blocks(tmp_path, BASELINES)


def test_each_trick_is_blocked_or_refused(tmp_path: Path) -> None:
    """The single tricks above, in one run: none of them passes."""
    each_blocked_or_refused(
        tmp_path,
        {
            "code-uri-written-as-an-s3-endpoint": a_code_uri_written_as_an_s3_endpoint_is_judged,
            "samconfig-template-written-as-a-url": a_samconfig_template_written_as_a_url_is_read,
            "chalice-stage-policy-is-judged-however-the-function-is-registered": (
                a_chalice_stage_policy_is_judged_however_the_function_is_registered
            ),
        },
    )
