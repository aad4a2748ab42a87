"""A fifth hostile review of `gate check`: ways around the fixes of 01e7fe8 (Serverless
variables with a deploy-time segment as candidates, lists of mappings merged, custom roles
read from resolved `resources`), 18ce4ae (runtime variables, cache-named bytecode in
ignored caches), dadaad1 (zips nothing unpacks in a Python function's code), 21dc527
(`#!` Python scripts scanned), and the "one problem, one finding" merges of 0ccd60a and
01f4a62.

Each case is a confirmed problem, marked strict xfail until it is fixed: the test says
what the gate must do, and a baseline beside it shows the same bundle without the trick
blocks (or is refused).
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.hostile.conftest import (
    HANG_TIMEOUT_S,
    Layout,
    Sandbox,
    assert_blocks,
    blocked_or_refused,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review import GOOD_HANDLER, SLS
from tests.hostile.test_review4 import (
    ADMIN_ROLE,
    ADMIN_STATEMENT,
    IMPORTS_HELPER,
    environment,
    indent,
    zipped,
)
from tests.hostile.test_staging import BAD, TEMPLATE

# --- 1. Serverless variables ----------------------------------------------------------


def file_stage_case(sandbox: Sandbox, segment: str) -> None:
    provider = (
        "  iam:\n    role:\n      statements:\n        - Effect: Allow\n"
        f"          Action: \"${{file(./acts.yml):{segment}.act, 'sqs:SendMessage'}}\"\n"
        f'          Resource: "${{file(./acts.yml):{segment}.res, '
        "'arn:aws:sqs:us-east-1:123456789012:q'}\"\n"
    )
    sandbox.write("serverless.yml", SLS.format(provider=provider, extra=""))
    sandbox.write("acts.yml", "dev: {act: '*', res: '*'}\nprod: {act: '*', res: '*'}\n")
    sandbox.write("app.py", GOOD_HANDLER)


def file_variable_into_the_stages_settings(sandbox: Sandbox) -> None:
    """The baseline: `${file(./acts.yml):dev.act, 'sqs:SendMessage'}`, dev.act `*`."""
    file_stage_case(sandbox, "dev")


def a_stage_variable_in_a_file_address_is_not_its_fallback(sandbox: Sandbox) -> None:
    """`${file(./acts.yml):${sls:stage}.act, 'sqs:SendMessage'}`: the Framework deploys
    dev.act (`*`) by default, as it would prod.act. The gate's file pattern does not take
    a `$` in the address, the source is "only the deploy knows", and the fallback is
    judged: exit 0 (checkov enabled too)."""
    file_stage_case(sandbox, "${sls:stage}")


def text_candidate_case(sandbox: Sandbox, stage: str) -> None:
    provider = (
        "  iam:\n    role:\n      statements:\n        - Effect: Allow\n"
        f'          Action: "${{self:custom.{stage}.svc}}:*"\n'
        "          Resource: '*'\n"
    )
    extra = "custom:\n  dev: {svc: iam}\n  prod: {svc: sqs}\n"
    sandbox.write("serverless.yml", SLS.format(provider=provider, extra=extra))
    sandbox.write("app.py", GOOD_HANDLER)


def self_variable_inside_an_action(sandbox: Sandbox) -> None:
    """The baseline: `"${self:custom.dev.svc}:*"` is `iam:*`."""
    text_candidate_case(sandbox, "dev")


def candidates_inside_a_string_are_not_left_as_written(sandbox: Sandbox) -> None:
    """`Action: "${self:custom.${sls:stage}.svc}:*"` with custom.dev.svc `iam`: the
    Framework deploys `iam:*`. The gate finds the candidates `iam` and `sqs`, but a
    variable inside text is only written out when it is one scalar, so the action stays
    `${self:custom.${sls:stage}.svc}:*`, which no rule judges: exit 0 (checkov enabled
    too)."""
    text_candidate_case(sandbox, "${sls:stage}")


SAFE_ROLES = 200


def role_candidates_case(sandbox: Sandbox, role: str) -> None:
    """`provider.role: ROLE`; AdminRole and SAFE_ROLES harmless roles in `resources`, each
    the role of some stage in `custom`."""
    safe = "".join(f"Safe{i}:\n  Type: AWS::IAM::Role\n" for i in range(SAFE_ROLES))
    stages = "".join(f"  s{i}: {{role: Safe{i}}}\n" for i in range(SAFE_ROLES))
    extra = (
        "custom:\n"
        + stages
        + "  dev: {role: AdminRole}\n"
        + "resources:\n  Resources:\n"
        + indent(ADMIN_ROLE + safe, 4)
    )
    sandbox.write("serverless.yml", SLS.format(provider=f"  role: {role}\n", extra=extra))
    sandbox.write("app.py", GOOD_HANDLER)


def custom_role_named_through_custom(sandbox: Sandbox) -> None:
    """The baseline: `role: ${self:custom.dev.role}`, AdminRole."""
    role_candidates_case(sandbox, "${self:custom.dev.role}")


def a_role_with_several_candidates_is_judged_for_each(sandbox: Sandbox) -> None:
    """`role: ${self:custom.${sls:stage}.role}`: the candidates are every stage's role,
    the default stage's AdminRole among them, but `_custom_role` judges the first of a
    set (string hash order, random per worker): with 200 harmless roles beside it the
    admin role is judged about one run in 200, and the run passes (exit 0). Measured
    with two candidates: exit 0 about half the time."""
    role_candidates_case(sandbox, "${self:custom.${sls:stage}.role}")


SAFE_ROLE = (
    "SafeRole:\n  Type: AWS::IAM::Role\n  Properties:\n"
    "    AssumeRolePolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, "
    "Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}]}\n"
)


def resources_list_case(sandbox: Sandbox, how: str) -> None:
    parts = "  - Resources:\n" + indent(ADMIN_ROLE, 6)
    if how == "two-parts":
        parts += "  - Resources:\n" + indent(SAFE_ROLE, 6)
    elif how == "null-item":
        parts += "  - ~\n"
    sandbox.write(
        "serverless.yml",
        SLS.format(provider="  role: AdminRole\n", extra="resources:\n" + parts),
    )
    sandbox.write("app.py", GOOD_HANDLER)


def custom_role_in_a_resources_list(sandbox: Sandbox) -> None:
    """The baseline (01e7fe8): `resources: [{Resources: {AdminRole: ...}}]`."""
    resources_list_case(sandbox, "one-part")


def test_a_resources_list_is_merged_as_the_framework_merges_it(tmp_path: Path) -> None:
    """`resources: [{Resources: {AdminRole}}, {Resources: {SafeRole}}]` (one file per
    part, the usual layout) deploys both roles; the gate's merge keeps the last part's
    `Resources` only. `resources: [{Resources: {AdminRole}}, ~]`: the Framework skips the
    null, the gate reads no `Resources` at all. The custom role is not found and the run
    passes (exit 0, checkov enabled too)."""

    def layout(how: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            resources_list_case(sandbox, how)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "two-parts": layout("two-parts"),
            "null-item": layout("null-item"),
        },
    )


def functions_list(second: str) -> str:
    own = "f:\n  handler: app.handler\n  iamRoleStatements:\n" + indent(ADMIN_STATEMENT, 4)
    return (
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n  - "
        + indent(own, 4)[4:]
        + second
    )


def per_function_statements_in_a_functions_list(sandbox: Sandbox) -> None:
    """The baseline (01e7fe8): `functions: [{f: {..., iamRoleStatements: [admin]}}]`."""
    sandbox.write("serverless.yml", functions_list(""))
    sandbox.write("app.py", GOOD_HANDLER)


def test_a_functions_list_does_not_hide_per_function_statements(tmp_path: Path) -> None:
    """The same list with a second item: a null or a variable that is empty by default
    (both skipped by the Framework; discovery skips the null too and finds f), or more
    settings for f (deep-merged by the Framework: f keeps its statements). The gate
    reads `functions.f` as nothing (or as `{timeout: 6}`), judges no statements, and the
    run passes (exit 0, checkov enabled too)."""

    def layout(second: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            sandbox.write("serverless.yml", functions_list(second))
            sandbox.write("app.py", GOOD_HANDLER)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "null-item": layout("  - ~\n"),
            "empty-fallback": layout("  - ${env:MORE_FUNCTIONS, ''}\n"),
            "second-part-for-f": layout("  - f:\n      timeout: 6\n"),
        },
    )


# --- 2. zips Python imports from ------------------------------------------------------


def test_a_zip_on_the_pythonpath_is_refused(sandbox: Sandbox) -> None:
    """The baseline (dadaad1): PYTHONPATH=/var/task/lib.zip, lib.zip in the code."""
    sandbox.write("template.yaml", environment({"PYTHONPATH": "/var/task/lib.zip"}))
    sandbox.write("src/app.py", IMPORTS_HELPER)
    sandbox.write("src/lib.zip", zipped({"helper.py": BAD}))
    blocked_or_refused(sandbox.run().code)


def test_a_zip_in_an_ignored_folder_on_the_pythonpath_is_not_left_unscanned(tmp_path: Path) -> None:
    """PYTHONPATH=/var/task/.mypy_cache/lib.zip: Lambda deploys the folder with the code,
    zipimport loads helper.py from it, and the run passes (exit 0). The same in `.git`,
    and inside a deployed code.zip (its `.mypy_cache` is pruned before anything looks)."""

    def layout(folder: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            inside = folder.removeprefix("zipped/")
            variables = {"PYTHONPATH": f"/var/task/{inside}/lib.zip"}
            archive = zipped({"helper.py": BAD})
            if folder.startswith("zipped/"):
                code = io.BytesIO()
                with zipfile.ZipFile(code, "w", zipfile.ZIP_DEFLATED) as outer:
                    outer.writestr("app.py", IMPORTS_HELPER)
                    outer.writestr(f"{inside}/lib.zip", archive)
                sandbox.write(
                    "template.yaml",
                    environment(variables).replace("CodeUri: src/", "CodeUri: code.zip"),
                )
                sandbox.write("code.zip", code.getvalue())
            else:
                sandbox.write("template.yaml", environment(variables))
                sandbox.write("src/app.py", IMPORTS_HELPER)
                sandbox.write(f"src/{inside}/lib.zip", archive)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "0-mypy-cache": layout(".mypy_cache"),
            "1-git": layout(".git"),
            "2-zipped-mypy-cache": layout("zipped/.mypy_cache"),
        },
    )


# --- 3. Python named without .py -------------------------------------------------------

WRAPPER_BODY = BAD + "handler({'cmd': 'id'}, None)\n"


def wrapper_case(sandbox: Sandbox, first_lines: str) -> None:
    sandbox.write("template.yaml", environment({"AWS_LAMBDA_EXEC_WRAPPER": "/var/task/wrapper"}))
    sandbox.write("src/app.py", GOOD_HANDLER)
    sandbox.write("src/wrapper", first_lines + WRAPPER_BODY).chmod(0o755)


def python_exec_wrapper(sandbox: Sandbox) -> None:
    """The baseline (21dc527): the wrapper starts `#!/usr/bin/env python3`."""
    wrapper_case(sandbox, "#!/usr/bin/env python3\n")


def a_shell_python_polyglot_wrapper_is_not_unscanned(sandbox: Sandbox) -> None:
    """`#!/bin/sh` then `"exec" "python3" "$0" "$@"`: sh runs the second line and execs
    Python on the file, which reads that line as a string expression and runs the rest.
    The same Python as the baseline, not scanned: exit 0."""
    wrapper_case(sandbox, '#!/bin/sh\n"exec" "python3" "$0" "$@"\n')


# --- 4. one problem, one finding, and baselines ---------------------------------------


def create_baseline(sandbox: Sandbox) -> str:
    """`gate baseline create` of the bundle as it is now (the cheap policy)."""
    out = sandbox.base / "baseline.json"
    command = [sys.executable, "-m", "gate", "baseline", "create", str(sandbox.bundle)]
    done = subprocess.run(
        [*command, "--policy", str(sandbox.policy()), "--output", str(out)],
        cwd=sandbox.cwd,
        env=sandbox.environment(),
        capture_output=True,
        text=True,
        timeout=HANG_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return str(out)


def s3_wildcard(actions: str) -> str:
    return TEMPLATE.format(code="src/", handler="app.handler") + (
        "      Policies:\n        - Statement:\n            - Effect: Allow\n"
        f"              Action: {actions}\n"
        "              Resource: arn:aws:s3:::orders-bucket/*\n"
    )


def added_star_case(sandbox: Sandbox, actions: str) -> str:
    sandbox.write("template.yaml", s3_wildcard("['s3:*']"))
    sandbox.write("src/app.py", GOOD_HANDLER)
    baseline = create_baseline(sandbox)
    sandbox.write("template.yaml", s3_wildcard(actions))
    return baseline


def test_a_star_added_on_its_own_line_to_a_baselined_wildcard_blocks(sandbox: Sandbox) -> None:
    """The baseline: `s3:*` is baselined; `'*'` added to the list on a line of its own
    is a new GATE-IAC-001 (critical)."""
    baseline = added_star_case(sandbox, "\n                - 's3:*'\n                - '*'")
    assert_blocks(sandbox.run("--baseline", baseline))


def test_a_star_added_on_the_line_of_a_baselined_wildcard_is_new(sandbox: Sandbox) -> None:
    """`Action: ['s3:*']` is in the baseline; the bundle now says `['s3:*', '*']`. The one
    finding for the line (critical now, "every action of every service") keeps the
    fingerprint of `s3:*`, matches the baseline and does not block: exit 0."""
    baseline = added_star_case(sandbox, "['s3:*', '*']")
    blocked_or_refused(sandbox.run("--baseline", baseline).code)


GLOBALS_38 = (
    "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
    "Globals:\n  Function:\n    Runtime: python3.8\n    Tracing: Active\nResources:\n"
)


def sam_function(name: str, extra: str = "") -> str:
    return (
        f"  {name}:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        f"      CodeUri: src/\n      Handler: app.handler\n{extra}"
    )


def new_function_case(sandbox: Sandbox, own: str) -> str:
    sandbox.write("template.yaml", GLOBALS_38 + sam_function("Legacy"))
    sandbox.write("src/app.py", GOOD_HANDLER)
    baseline = create_baseline(sandbox)
    sandbox.write(
        "template.yaml", GLOBALS_38 + sam_function("Legacy") + sam_function("Orders", own)
    )
    return baseline


def test_a_new_function_on_a_deprecated_runtime_of_its_own_blocks(sandbox: Sandbox) -> None:
    """The baseline: Legacy's deprecated Globals runtime is baselined; a new function
    Orders with `Runtime: python3.8` of its own is a new GATE-IAC-013 (high)."""
    baseline = new_function_case(sandbox, "      Runtime: python3.8\n")
    assert_blocks(sandbox.run("--baseline", baseline))


def test_a_new_function_sharing_a_baselined_setting_is_new(sandbox: Sandbox) -> None:
    """The new function Orders takes the deprecated runtime from Globals: "Legacy, Orders
    (a setting they share)" is one finding with Legacy's fingerprint, baselined, and the
    new function deployed on python3.8 does not block: exit 0."""
    baseline = new_function_case(sandbox, "")
    blocked_or_refused(sandbox.run("--baseline", baseline).code)


# --- the baselines, in one run ----------------------------------------------------------

# name: (the bundle, the rule of its blocking finding)
BASELINES: dict[str, tuple[Layout, str]] = {
    "file-variable-into-the-stages-settings": (
        file_variable_into_the_stages_settings, "GATE-IAC-001"),
    "self-variable-inside-an-action": (self_variable_inside_an_action, "GATE-IAC-001"),
    "custom-role-named-through-custom": (custom_role_named_through_custom, "GATE-IAC-001"),
    "custom-role-in-a-resources-list": (custom_role_in_a_resources_list, "GATE-IAC-001"),
    "per-function-statements-in-a-functions-list": (
        per_function_statements_in_a_functions_list, "GATE-IAC-001"),
    "python-exec-wrapper": (python_exec_wrapper, "GATE-SLS-001"),
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
            "stage-variable-in-a-file-address-is-not-its-fallback": (
                a_stage_variable_in_a_file_address_is_not_its_fallback
            ),
            "candidates-inside-a-string-are-not-left-as-written": (
                candidates_inside_a_string_are_not_left_as_written
            ),
            "role-with-several-candidates-is-judged-for-each": (
                a_role_with_several_candidates_is_judged_for_each
            ),
            "shell-python-polyglot-wrapper-is-not-unscanned": (
                a_shell_python_polyglot_wrapper_is_not_unscanned
            ),
        },
    )
