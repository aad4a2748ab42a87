"""A twelfth hostile review of `gate check`: ways around the fixes of 290979b (files the
IaC makes the deploy read are followed or refused, `AWS::Include` inlined), 95dcaa8
(Chalice's config looked up as Chalice does), 84b85c1/7d0b12f (a package record vouches
only for modules named like its distribution), and around the import path a function's
environment sets.

Each case was a confirmed problem; the test says what the gate must do, a baseline
beside it shows the same bundle without the trick blocks (or is refused), and its
docstring says what the gate once did (each attack was also run by hand with the
default policy, checkov on: exit 0 all the same; one case was a crash, not a pass).
Fixed by class: the copy records every folder a built-in rule leaves out, and a file
the IaC names there (a module's own folder, a `${file()}` however its path is written)
is refused, in discovery and in the rules' variable resolver; a nested template or
snippet is followed whatever its name, and refused when the gate cannot read it; an
include is found under any key; Chalice names a function as its decorators do (any
position, any event decorator, a blueprint's `name_prefix`) and its config is read as
JSON; a Python source in a cache, resource fork or VCS folder inside a function's code
is scanned; no record vouches for code under its metadata folders or for a `.py`
named like mypyc's runtime.

Also tried, and the gate held: `!Transform` (the short form) for an `AWS::Include`; a
template whose every `Type` is a YAML alias of an escaped string (aliases are resolved
in the composed node graph); a CodeUri written with a literal `${` (warned, and the taint
rules judge the handler all the same).
"""

from __future__ import annotations

from pathlib import Path

from tests.hostile.conftest import (
    Layout,
    Sandbox,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review import GOOD_HANDLER
from tests.hostile.test_review4 import environment
from tests.hostile.test_review11 import (
    SLS_ADMIN_RESOURCES,
    SLS_CUSTOM_ROLE,
    TF_MODULE,
    TF_ROOT,
    chalice,
)
from tests.hostile.test_staging import TEMPLATE, install

# --- 1. a Terraform module whose own folder a built-in rule ignores ---------------------


def tf_module(sandbox: Sandbox, module: str, marker: str | None = None) -> None:
    """`module "fn" { source = "./MODULE" }`: the module declares a function with an admin role."""
    sandbox.write("main.tf", TF_ROOT.format(module=module))
    sandbox.write(f"{module}/main.tf", TF_MODULE)
    sandbox.write(f"{module}/src/app.py", GOOD_HANDLER)
    if marker is not None:
        sandbox.write(f"{module}/{marker}", "home = /usr/bin\n")


def local_module_in_its_own_folder(sandbox: Sandbox) -> None:
    """The baseline (290979b): `source = "./modules/fn"`: GATE-IAC-001."""
    tf_module(sandbox, "modules/fn")


TF_MODULE_FOLDERS = {
    # The module's folder is itself `node_modules` (dependency-tree).
    "named-ignored": ("node_modules", None),
    # The module's folder holds a pyvenv.cfg, so the copy takes it for a virtualenv.
    "virtualenv-marker": ("modules/fn", "pyvenv.cfg"),
}


def test_a_module_folder_the_gate_ignores_is_read_or_refused(tmp_path: Path) -> None:
    """`source = "./node_modules"`, or `./modules/fn` with a `pyvenv.cfg` in it:
    Terraform loads the module all the same; the copy leaves the whole folder out (3
    files `ignored`), the reference check looks only at the folders above it, and the
    run passes (exit 0) with the admin role never read."""

    def layout(trick: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            tf_module(sandbox, *TF_MODULE_FOLDERS[trick])

        return written

    each_blocked_or_refused(tmp_path, {trick: layout(trick) for trick in sorted(TF_MODULE_FOLDERS)})


# --- 2. AWS::Include snippets the gate does not inline -----------------------------------

SAM_INCLUDE = TEMPLATE.format(code="src/", handler="app.handler") + (
    "      Policies:\n"
    "        Fn::Transform:\n"
    "          Name: AWS::Include\n"
    "          Parameters:\n"
    "            Location: '{location}'\n"
)
ADMIN_JSON_POLICIES = '[{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]\n'
# Python's json, and CloudFormation, take the last of a key written twice: `*`.
TWICE_JSON_POLICIES = (
    '[{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", '
    '"Action": "*", "Resource": "*"}]}]\n'
)


def include(sandbox: Sandbox, location: str, snippet: str) -> None:
    sandbox.write("template.yaml", SAM_INCLUDE.format(location=location))
    sandbox.write(location, snippet)
    sandbox.write("src/app.py", GOOD_HANDLER)


def included_admin_snippet(sandbox: Sandbox) -> None:
    """The baseline (290979b): `./policies.json` inlined into `Policies`: GATE-IAC-001."""
    include(sandbox, "./policies.json", ADMIN_JSON_POLICIES)


INCLUDE_TRICKS = {
    # A literal `${` (no !Sub: nothing substitutes it) in the file's name: the packagers
    # (`aws cloudformation package`, `sam deploy`) upload any local Location that is a
    # file; the gate takes the path for a variable, neither inlines nor refuses it.
    "dollar-in-name": ("./policies${Stage}.json", ADMIN_JSON_POLICIES),
    # A snippet the gate's loader cannot read (a key written twice): left as it is, and
    # the `Fn::Transform` mapping judged as a policy that grants nothing.
    "unreadable-snippet": ("./policies.json", TWICE_JSON_POLICIES),
}


def test_an_include_the_gate_cannot_inline_is_refused(tmp_path: Path) -> None:
    """`Location: './policies${Stage}.json'` (a file of that very name), or a snippet
    with `Action` written twice: CloudFormation inlines the admin statement as in the
    baseline; the gate judges the untouched `Fn::Transform` and passes (exit 0)."""

    def layout(trick: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            include(sandbox, *INCLUDE_TRICKS[trick])

        return written

    each_blocked_or_refused(tmp_path, {trick: layout(trick) for trick in sorted(INCLUDE_TRICKS)})


def include_under(sandbox: Sandbox, key: str) -> None:
    """An `AWS::Include` of a harmless note under `Metadata.KEY`."""
    sandbox.write(
        "template.yaml",
        TEMPLATE.format(code="src/", handler="app.handler").replace(
            "Resources:\n",
            f"Metadata:\n  {key}:\n    Fn::Transform:\n      Name: AWS::Include\n"
            "      Parameters:\n        Location: ./notes.yaml\nResources:\n",
            1,
        ),
    )
    sandbox.write("notes.yaml", "note: hello\n")
    sandbox.write("src/app.py", GOOD_HANDLER)


def test_an_include_under_a_string_key_is_read(sandbox: Sandbox) -> None:
    """The baseline: the include under `Metadata.Notes` is inlined; nothing blocks."""
    include_under(sandbox, "Notes")
    run = sandbox.run()
    assert run.code == 0, run.stderr


def test_an_include_under_a_number_key_is_no_internal_error(sandbox: Sandbox) -> None:
    """`Metadata: {1: {Fn::Transform: ...}}` (YAML reads the key as the int 1): the run
    stops with `internal error: KeyError: '1'` (exit 2, no line saying what to fix); the
    gate must read it as in the baseline, or refuse it naming the file."""
    include_under(sandbox, "1")
    run = sandbox.run()
    assert "internal error" not in run.stderr, run.stderr
    assert run.code in (0, 1) or "template.yaml" in run.stderr, run.stderr


# --- 3. a Serverless file variable whose path holds a variable --------------------------

# The resources file named through a variable of the same document (`custom.dir`).
SLS_FILE_IN_DIR = SLS_CUSTOM_ROLE.format(resources="${self:custom.dir}/res.yml")


def sls_file_in(sandbox: Sandbox, folder: str) -> None:
    custom = f"custom:\n  dir: {folder}\nfunctions:"
    sandbox.write("serverless.yml", SLS_FILE_IN_DIR.replace("functions:", custom))
    sandbox.write(f"{folder}/res.yml", SLS_ADMIN_RESOURCES)
    sandbox.write("app.py", GOOD_HANDLER)


def resources_file_named_through_a_variable(sandbox: Sandbox) -> None:
    """The baseline: `${file(./${self:custom.dir}/res.yml)}`, custom.dir `conf`: the
    gate resolves it and judges the admin role: GATE-IAC-001."""
    sls_file_in(sandbox, "conf")


def a_resources_file_in_an_ignored_folder_through_a_variable_is_read(
    sandbox: Sandbox,
) -> None:
    """custom.dir `.mypy_cache`: the Framework resolves the inner variable and reads
    `.mypy_cache/res.yml` (the per-stage idiom `${file(./config.${opt:stage}.yml)}`);
    the copy left it out (tool-cache) and the run passes (exit 0)."""
    sls_file_in(sandbox, ".mypy_cache")


# --- 4. Chalice functions and config ---------------------------------------------------

CHALICE_EVENT_APP = (
    "from chalice import Chalice\n\napp = Chalice(app_name='orders')\n\n\n"
    "@app.{decorator}\ndef handle(event, context=None):\n    return {{'ok': True}}\n"
)
CHALICE_FUNCTION_CONFIG = (
    '{{"version": "2.0", "app_name": "orders", "stages": {{"dev": {{'
    '"api_gateway_stage": "api", "lambda_functions": {{"{name}": '
    '{{"autogen_policy": false, "iam_policy_file": "policy-admin.json"}}}}}}}}}}\n'
)
ADMIN_JSON = (
    '{"Version": "2012-10-17", "Statement": '
    '[{"Effect": "Allow", "Action": "*", "Resource": "*"}]}\n'
)
# decorator as named by its Python function, the same with a name of its own.
CHALICE_DECORATORS = {
    "on_s3_event": (
        "on_s3_event(bucket='uploads')",
        "on_s3_event(bucket='uploads', name='resize')",
    ),
    "lambda_function": ("lambda_function()", "lambda_function('resize')"),
}


def chalice_function(sandbox: Sandbox, decorator: str, name: str) -> None:
    """A Chalice function whose own entry in the stage's `lambda_functions` turns the
    generated policy off, so Chalice deploys `policy-admin.json`, which may do anything."""
    sandbox.write("app.py", CHALICE_EVENT_APP.format(decorator=decorator))
    sandbox.write(".chalice/config.json", CHALICE_FUNCTION_CONFIG.format(name=name))
    sandbox.write(".chalice/policy-admin.json", ADMIN_JSON)


def chalice_functions_own_policy_file(kind: str) -> Layout:
    """The baseline: the function's entry keyed by its Python name (`handle`):
    GATE-IAC-001."""

    def written(sandbox: Sandbox) -> None:
        chalice_function(sandbox, CHALICE_DECORATORS[kind][0], "handle")

    return written


def test_a_chalice_function_named_in_its_decorator_is_judged(tmp_path: Path) -> None:
    """`@app.on_s3_event(bucket=..., name='resize')` (every event decorator of Chalice
    takes `name`) or `@app.lambda_function('resize')` (positional), the config entry keyed
    `resize` as Chalice keys it: the gate looks `handle` up, finds the generated policy,
    and the run passes (exit 0)."""

    def layout(kind: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            chalice_function(sandbox, CHALICE_DECORATORS[kind][1], "resize")

        return written

    each_blocked_or_refused(tmp_path, {kind: layout(kind) for kind in sorted(CHALICE_DECORATORS)})


def chalice_config_turning_the_policy_off(sandbox: Sandbox) -> None:
    """The baseline (95dcaa8): `"autogen_policy": false`: GATE-IAC-001."""
    chalice(sandbox, top="false")


def a_chalice_config_is_read_as_json(sandbox: Sandbox) -> None:
    """`"autogen_policy": 0e0`: Python's json reads 0.0, false, and Chalice deploys the
    policy file; YAML 1.1 reads the string '0e0', true, and the run passes (exit 0)."""
    chalice(sandbox, top="0e0")


# --- 5. an import path into a folder the copy ignores ---------------------------------

IMPORTS_HELPER = (
    "import helper\n\n\ndef handler(event, context):\n    return helper.run(event['cmd'])\n"
)
SHELL_HELPER = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n"


def on_pythonpath(sandbox: Sandbox, folder: str) -> None:
    """PYTHONPATH=/var/task/FOLDER, and the handler imports helper.py from there."""
    sandbox.write("template.yaml", environment({"PYTHONPATH": f"/var/task/{folder}"}))
    sandbox.write("src/app.py", IMPORTS_HELPER)
    sandbox.write(f"src/{folder}/helper.py", SHELL_HELPER)


def module_imported_from_the_pythonpath(sandbox: Sandbox) -> None:
    """The baseline: `src/lib/helper.py` on PYTHONPATH: bandit B602 (high)."""
    on_pythonpath(sandbox, "lib")


def a_module_imported_from_an_ignored_pythonpath_folder_is_scanned(sandbox: Sandbox) -> None:
    """PYTHONPATH=/var/task/.mypy_cache/lib: `import helper` loads
    `src/.mypy_cache/lib/helper.py`, which the copy left out (tool-cache, 1 file) and
    never brought back: exit 0. (`sitecustomize` there is brought back: review 9.)"""
    on_pythonpath(sandbox, ".mypy_cache/lib")


# --- 6. names a package record may vouch for whatever its distribution ------------------

EXEMPT_MODULES = {
    # The shared runtime mypyc compiles (a hash, `__mypyc`): taken from any record, as a
    # source too; the handler imports it by name.
    "mypyc-runtime": ("0123456789abcdef0123__mypyc", "."),
    # A folder named like a wheel's data folder: every file under it is the record's;
    # PYTHONPATH puts its `purelib` on the import path.
    "data-folder": ("helper", "six-1.0.data/purelib"),
}


def vouched(sandbox: Sandbox, module: str, folder: str) -> None:
    """`six` installed and declared beside the handler; its RECORD, with true hashes,
    also lists FOLDER/MODULE.py, which runs a shell command the handler passes in."""
    if folder == ".":
        template = TEMPLATE.format(code="src/", handler="app.handler")
    else:
        template = environment({"PYTHONPATH": f"/var/task/{folder}"})
    sandbox.write("template.yaml", template)
    sandbox.write(
        "src/app.py",
        f"import importlib\n\nhelper = importlib.import_module({module!r})\n\n\n"
        "def handler(event, context):\n    return helper.run(event['cmd'])\n",
    )
    path = module + ".py" if folder == "." else f"{folder}/{module}.py"
    install(sandbox, "src", "six", {"six.py": "'''six'''\n", path: SHELL_HELPER})


def module_a_record_lists_under_another_name(sandbox: Sandbox) -> None:
    """The baseline (7d0b12f): the same with `lib/helper.py` on PYTHONPATH: not named
    like `six`, warned `foreign-module` and scanned: bandit B602 (high)."""
    vouched(sandbox, "helper", "lib")


def test_a_record_vouches_for_no_module_under_an_exempt_name(tmp_path: Path) -> None:
    """`0123456789abcdef0123__mypyc.py`, or `six-1.0.data/purelib/helper.py` with
    PYTHONPATH naming that folder: Python imports either as in the baseline; the gate
    counts it third-party (`six 1.0`) and the run passes (exit 0)."""

    def layout(trick: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            vouched(sandbox, *EXEMPT_MODULES[trick])

        return written

    each_blocked_or_refused(tmp_path, {trick: layout(trick) for trick in sorted(EXEMPT_MODULES)})


# --- the baselines, in one run ----------------------------------------------------------

# name: (the bundle, the rule of its blocking finding)
BASELINES: dict[str, tuple[Layout, str]] = {
    "local-module-in-its-own-folder": (local_module_in_its_own_folder, "GATE-IAC-001"),
    "included-admin-snippet": (included_admin_snippet, "GATE-IAC-001"),
    "resources-file-named-through-a-variable": (
        resources_file_named_through_a_variable, "GATE-IAC-001"),
    **{
        f"chalice-functions-own-policy-file-{kind}": (
            chalice_functions_own_policy_file(kind), "GATE-IAC-001")
        for kind in sorted(CHALICE_DECORATORS)
    },
    "chalice-config-turning-the-policy-off": (
        chalice_config_turning_the_policy_off, "GATE-IAC-001"),
    "module-imported-from-the-pythonpath": (module_imported_from_the_pythonpath, "B602"),
    "module-a-record-lists-under-another-name": (module_a_record_lists_under_another_name, "B602"),
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
            "resources-file-in-an-ignored-folder-through-a-variable": (
                a_resources_file_in_an_ignored_folder_through_a_variable_is_read
            ),
            "chalice-config-is-read-as-json": a_chalice_config_is_read_as_json,
            "module-imported-from-an-ignored-pythonpath-folder": (
                a_module_imported_from_an_ignored_pythonpath_folder_is_scanned
            ),
        },
    )
