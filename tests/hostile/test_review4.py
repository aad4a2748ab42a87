"""A fourth hostile review of `gate check`: ways around the fixes of 2b99e1d / fa9f7ea
(Serverless variables resolved on the way to IAM statements, with budgets), d989912
(packages installed inside a function's code directory need a declaration) and 24fd634
(cache-named bytecode outside `__pycache__` is refused).

Each case is a confirmed problem, marked strict xfail until it is fixed: the test says
what the gate must do, and a baseline beside it shows the same bundle without the trick
blocks (or is refused).
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    Layout,
    Sandbox,
    assert_refused,
    blocked_or_refused,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review import GOOD_HANDLER, SLS, unchecked_pyc
from tests.hostile.test_staging import BAD, TEMPLATE, install

ADMIN_STATEMENT = "- Effect: Allow\n  Action: '*'\n  Resource: '*'\n"
IMPORTS_HELPER = (
    "import helper\n\n\ndef handler(event, context):\n    return helper.handler(event, context)\n"
)
CLEAN_HELPER = "def handler(event, context):\n    return {}\n"


def indent(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line + "\n" for line in text.splitlines())


def environment(variables: dict[str, str]) -> str:
    """The SAM function of TEMPLATE (code `src/`, handler `app.handler`) with `variables`."""
    lines = "".join(f"          {k}: {v}\n" for k, v in variables.items())
    return (
        TEMPLATE.format(code="src/", handler="app.handler")
        + "      Environment:\n        Variables:\n"
        + lines
    )


# --- 1. Serverless variables and roles ------------------------------------------------

WIDE_PROVIDER = "  iam:\n    role:\n      statements:\n" + indent(ADMIN_STATEMENT, 8)


def wide_custom(levels: int, width: int) -> str:
    """custom.s0 is a list of `width` times `${self:custom.s1}`, ... down to a list of
    `AWS::NoValue`: a few hundred resolution steps, `width ** levels` items when walked."""
    variable = "'${{self:custom.s{}}}'"
    custom = "".join(
        f"  s{i}: [{', '.join([variable.format(i + 1)] * width)}]\n" for i in range(levels)
    )
    return "custom:\n" + custom + f"  s{levels}: [AWS::NoValue]\n"


def admin_statement_beside_custom_lists(sandbox: Sandbox) -> None:
    """The baseline: the admin statement, with the same `custom` lists, none referenced."""
    sandbox.write("serverless.yml", SLS.format(provider=WIDE_PROVIDER, extra=wide_custom(12, 40)))
    sandbox.write("app.py", GOOD_HANDLER)


def test_a_statement_list_of_shared_variables_does_not_stall_the_gate(
    sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`statements: [admin, ${self:custom.s0}]`, custom.s0 holding 40 times
    `${self:custom.s1}`, twelve levels deep (under MAX_DEPTH). Measured: a minute of CPU
    with no output and flat memory, then killed. The gate must stop quickly (exit 1 for
    the admin statement, or 2)."""
    from tests.hostile import conftest

    monkeypatch.setattr(conftest, "HANG_TIMEOUT_S", 60)
    provider = WIDE_PROVIDER + "        - ${self:custom.s0}\n"
    sandbox.write("serverless.yml", SLS.format(provider=provider, extra=wide_custom(12, 40)))
    sandbox.write("app.py", GOOD_HANDLER)
    blocked_or_refused(sandbox.run().code)


def stage_case(sandbox: Sandbox, address: str) -> None:
    provider = (
        "  stage: dev\n  iam:\n    role:\n      statements:\n        - Effect: Allow\n"
        f"          Action: \"${{self:{address}.act, 'sqs:SendMessage'}}\"\n"
        f'          Resource: "${{self:{address}.res, '
        "'arn:aws:sqs:us-east-1:123456789012:q'}\"\n"
    )
    extra = "custom:\n  dev: {act: '*', res: '*'}\n  prod: {act: '*', res: '*'}\n"
    sandbox.write("serverless.yml", SLS.format(provider=provider, extra=extra))
    sandbox.write("app.py", GOOD_HANDLER)


def self_variable_into_the_stages_settings(sandbox: Sandbox) -> None:
    """The baseline: `${self:custom.dev.act, 'sqs:SendMessage'}` with custom.dev.act `*`."""
    stage_case(sandbox, "custom.dev")


def a_stage_variable_in_the_address_is_not_its_fallback(sandbox: Sandbox) -> None:
    """`${self:custom.${sls:stage}.act, 'sqs:SendMessage'}` is the common per-stage
    settings idiom: the Framework resolves `${sls:stage}` (dev by default) and deploys
    custom.dev.act, `*`, as it would custom.prod.act. The gate leaves the inner variable
    as written, the address then matches nothing, and the fallback is judged: exit 0
    (checkov enabled or not)."""
    stage_case(sandbox, "custom.${sls:stage}")


def per_function_statements(listed: bool) -> str:
    own = "f:\n  handler: app.handler\n  iamRoleStatements:\n" + indent(ADMIN_STATEMENT, 4)
    functions = "  - " + indent(own, 4)[4:] if listed else indent(own, 2)
    return "service: s\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n" + functions


def per_function_admin_statements(sandbox: Sandbox) -> None:
    """The baseline: a function's own `iamRoleStatements` (serverless-iam-roles-per-function)."""
    sandbox.write("serverless.yml", per_function_statements(listed=False))
    sandbox.write("app.py", GOOD_HANDLER)


def a_functions_list_does_not_hide_per_function_statements(sandbox: Sandbox) -> None:
    """`functions: [{f: {..., iamRoleStatements: [admin]}}]`: the Framework merges the
    list (discovery does too, and finds f), the plugin gives f its admin role; the gate
    reads no statements and passes (exit 0, checkov enabled or not)."""
    sandbox.write("serverless.yml", per_function_statements(listed=True))
    sandbox.write("app.py", GOOD_HANDLER)


ADMIN_ROLE = (
    "AdminRole:\n  Type: AWS::IAM::Role\n  Properties:\n"
    "    AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, "
    "Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]}\n"
    "    Policies:\n      - PolicyName: p\n        PolicyDocument:\n"
    "          Version: '2012-10-17'\n          Statement:\n" + indent(ADMIN_STATEMENT, 12)
)


def custom_role_case(sandbox: Sandbox, how: str) -> None:
    if how == "inline":
        resources = "resources:\n  Resources:\n" + indent(ADMIN_ROLE, 4)
    elif how == "file-key":
        resources = "resources: ${file(./res.yml):res}\n"
        sandbox.write("res.yml", "res:\n  Resources:\n" + indent(ADMIN_ROLE, 4))
    else:
        resources = "resources:\n  - Resources:\n" + indent(ADMIN_ROLE, 6)
    sandbox.write("serverless.yml", SLS.format(provider="  role: AdminRole\n", extra=resources))
    sandbox.write("app.py", GOOD_HANDLER)


def custom_role_in_resources(sandbox: Sandbox) -> None:
    """The baseline: `provider.role: AdminRole`, the role written in `resources.Resources`."""
    custom_role_case(sandbox, "inline")


def test_resources_from_a_file_or_a_list_do_not_hide_the_custom_role(tmp_path: Path) -> None:
    """`resources: ${file(./res.yml):res}` and `resources: [{Resources: ...}]` are both
    merged into the stack by the Framework. Measured with checkov enabled too: exit 0
    (checkov reads neither; it does catch `${file(./resources.yml)}` of a whole
    template-shaped file)."""

    def layout(how: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            custom_role_case(sandbox, how)

        return written

    each_blocked_or_refused(tmp_path, {"file-key": layout("file-key"), "list": layout("list")})


# --- 2. packages installed where a function imports from ------------------------------

LAYERED = TEMPLATE + (
    "      Layers: [!Ref Deps]\n  Deps:\n    Type: AWS::Serverless::LayerVersion\n"
    "    Properties:\n      ContentUri: layer/\n"
)


def module_in_a_layer_without_a_record(sandbox: Sandbox) -> None:
    """The baseline: the handler imports helper.py from its layer's `python/`."""
    sandbox.write("template.yaml", LAYERED.format(code="src/", handler="app.handler"))
    sandbox.write("src/app.py", IMPORTS_HELPER)
    sandbox.write("layer/python/helper.py", BAD)


def a_made_up_package_in_a_layer_is_not_third_party(sandbox: Sandbox) -> None:
    """The layer is the bundle's as much as the code directory: a RECORD written beside
    helper.py in layer/python, with no manifest anywhere naming `helperpkg`, once made
    the module the handler imports third-party, never scanned (exit 0). A record now
    vouches only for modules named like its distribution (`helperpkg/`, not
    `helper.py`); layers, often uploaded as built zips with no manifest, still need no
    declaration."""
    sandbox.write("template.yaml", LAYERED.format(code="src/", handler="app.handler"))
    sandbox.write("src/app.py", IMPORTS_HELPER)
    install(sandbox, "layer/python", "helperpkg", {"helper.py": BAD}, declare=False)


def test_a_layers_installed_packages_need_no_declaration(sandbox: Sandbox) -> None:
    """A layer built as AWS documents it (`pip install -t python/lib/python3.12/
    site-packages`), with the bytecode pip compiled and no requirements file, as real
    layer zips ship: third-party, and the run passes. (Asking layers for a declaration
    once refused such a layer of a public repository for its `__pycache__`.)"""
    sandbox.write("template.yaml", LAYERED.format(code="src/", handler="app.handler"))
    sandbox.write("src/app.py", "import cffi\n\n\n" + CLEAN_HELPER)
    site = "layer/python/lib/python3.12/site-packages"
    install(sandbox, site, "cffi", {"cffi/__init__.py": "import os\nos.system('x')\n"}, False)
    sandbox.write(f"{site}/cffi/__pycache__/__init__.cpython-312.pyc", unchecked_pyc(BAD))
    run = sandbox.run("--format", "json")
    assert run.code == 0, run.stderr
    packages = json.loads(run.stdout)["files"]["distributions"]
    assert [(d["name"], d["site"]) for d in packages] == [("cffi", site)]


# --- 3. code Python loads that no scanner reads ---------------------------------------


def prefix_case(sandbox: Sandbox, folder: str) -> None:
    sandbox.write("template.yaml", environment({"PYTHONPYCACHEPREFIX": f"/var/task/{folder}"}))
    sandbox.write("src/app.py", IMPORTS_HELPER)
    sandbox.write("src/helper.py", CLEAN_HELPER)
    sandbox.write(f"src/{folder}/var/task/helper.cpython-312.pyc", unchecked_pyc(BAD))


def test_a_pycache_prefix_in_the_code_is_refused(sandbox: Sandbox) -> None:
    """The baseline (24fd634): PYTHONPYCACHEPREFIX=/var/task/cache, bytecode under it."""
    prefix_case(sandbox, "cache")
    assert_refused(sandbox.run(), "helper.cpython-312.pyc")


def test_a_pycache_prefix_in_an_ignored_folder_is_refused(tmp_path: Path) -> None:
    """PYTHONPYCACHEPREFIX=/var/task/.mypy_cache: `import helper` loads
    .mypy_cache/var/task/helper.cpython-312.pyc (unchecked hash) in place of the clean
    helper.py; the folder is ignored as a tool cache and the run passes (exit 0)."""

    def layout(folder: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            prefix_case(sandbox, folder)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "0-mypy-cache": layout(".mypy_cache"),
            "1-pycache": layout("__pycache__"),
        },
    )


def runtime_case(sandbox: Sandbox, runtime: str) -> None:
    sandbox.write(
        "serverless.yml",
        "service: s\ncustom:\n  runtime: python3.12\nprovider:\n  name: aws\n"
        f"  runtime: {runtime}\n  environment:\n    PYTHONPYCACHEPREFIX: /var/task/cache\n"
        "functions:\n  f:\n    handler: app.handler\n",
    )
    sandbox.write("app.py", IMPORTS_HELPER)
    sandbox.write("helper.py", CLEAN_HELPER)
    sandbox.write("cache/var/task/helper.cpython-312.pyc", unchecked_pyc(BAD))


def test_a_pycache_prefix_of_a_python_serverless_function_is_refused(sandbox: Sandbox) -> None:
    """The baseline: `runtime: python3.12` written out."""
    runtime_case(sandbox, "python3.12")
    assert_refused(sandbox.run(), "helper.cpython-312.pyc")


def a_runtime_variable_does_not_make_the_function_not_python(sandbox: Sandbox) -> None:
    """`runtime: ${self:custom.runtime}` (python3.12): the cached bytecode is not
    refused, and the run passes (exit 0)."""
    runtime_case(sandbox, "${self:custom.runtime}")


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def module_the_handler_imports_from_its_code(sandbox: Sandbox) -> None:
    """The baseline for the PYTHONPATH cases: helper.py beside the handler."""
    sandbox.write("template.yaml", TEMPLATE.format(code="src/", handler="app.handler"))
    sandbox.write("src/app.py", IMPORTS_HELPER)
    sandbox.write("src/helper.py", BAD)


def test_a_zip_on_the_pythonpath_is_not_left_unscanned(tmp_path: Path) -> None:
    """PYTHONPATH=/var/task/lib.zip: zipimport loads helper.py from the archive (any file
    name: lib.dat too) when the handler imports it; nothing scans it, exit 0."""

    def layout(name: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            sandbox.write("template.yaml", environment({"PYTHONPATH": f"/var/task/{name}"}))
            sandbox.write("src/app.py", IMPORTS_HELPER)
            sandbox.write(f"src/{name}", zipped({"helper.py": BAD}))

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "lib.zip": layout("lib.zip"),
            "lib.dat": layout("lib.dat"),
        },
    )


WRAPPER = "#!/usr/bin/env python3\n" + BAD + "handler({'cmd': 'id'}, None)\n"


def exec_wrapper_named_py(sandbox: Sandbox) -> None:
    """The baseline: AWS_LAMBDA_EXEC_WRAPPER=/var/task/wrapper.py is scanned."""
    sandbox.write("template.yaml", environment({"AWS_LAMBDA_EXEC_WRAPPER": "/var/task/wrapper.py"}))
    sandbox.write("src/app.py", GOOD_HANDLER)
    sandbox.write("src/wrapper.py", WRAPPER)


def an_exec_wrapper_without_a_suffix_is_not_unscanned(sandbox: Sandbox) -> None:
    """AWS_LAMBDA_EXEC_WRAPPER=/var/task/wrapper, `#!/usr/bin/env python3`: Lambda runs
    it before the runtime; exit 0."""
    sandbox.write("template.yaml", environment({"AWS_LAMBDA_EXEC_WRAPPER": "/var/task/wrapper"}))
    sandbox.write("src/app.py", GOOD_HANDLER)
    sandbox.write("src/wrapper", WRAPPER)


# --- the baselines, in one run ----------------------------------------------------------

# name: (the bundle, the rule of its blocking finding)
BASELINES: dict[str, tuple[Layout, str]] = {
    "admin-statement-beside-custom-lists": (admin_statement_beside_custom_lists, "GATE-IAC-001"),
    "self-variable-into-the-stages-settings": (
        self_variable_into_the_stages_settings, "GATE-IAC-001"),
    "per-function-admin-statements": (per_function_admin_statements, "GATE-IAC-001"),
    "custom-role-in-resources": (custom_role_in_resources, "GATE-IAC-001"),
    "module-in-a-layer-without-a-record": (module_in_a_layer_without_a_record, "GATE-SLS-001"),
    "module-the-handler-imports-from-its-code": (
        module_the_handler_imports_from_its_code, "GATE-SLS-001"),
    "exec-wrapper-named-py": (exec_wrapper_named_py, "GATE-SLS-001"),
}  # fmt: skip


def test_the_baselines_block(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: each blocks, its finding on the rule
    named beside it."""
    each_blocks(tmp_path, BASELINES)


def test_each_trick_is_blocked_or_refused(tmp_path: Path) -> None:
    """The single tricks above, in one run: none of them passes."""
    each_blocked_or_refused(
        tmp_path,
        {
            "stage-variable-in-the-address-is-not-its-fallback": (
                a_stage_variable_in_the_address_is_not_its_fallback
            ),
            "functions-list-does-not-hide-per-function-statements": (
                a_functions_list_does_not_hide_per_function_statements
            ),
            "made-up-package-in-a-layer-is-not-third-party": (
                a_made_up_package_in_a_layer_is_not_third_party
            ),
            "runtime-variable-does-not-make-the-function-not-python": (
                a_runtime_variable_does_not_make_the_function_not_python
            ),
            "exec-wrapper-without-a-suffix-is-not-unscanned": (
                an_exec_wrapper_without_a_suffix_is_not_unscanned
            ),
        },
    )
