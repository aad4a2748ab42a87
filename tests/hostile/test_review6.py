"""A sixth hostile review of `gate check`: ways around the fixes of 7c299ad (functions and
resources lists merged in depth), a2790a0 (deploy-time segments and strings of several
values), 5cfe387 (`#!` scripts that also parse as Python) and c574764 (zips in ignored
folders).

Each case is a confirmed problem, marked strict xfail until it is fixed: the test says
what the gate must do, and a baseline beside it shows the same bundle without the trick
blocks (or is refused).
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.hostile.conftest import (
    Layout,
    Sandbox,
    blocked_or_refused,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review import GOOD_HANDLER, SLS
from tests.hostile.test_review4 import (
    ADMIN_STATEMENT,
    IMPORTS_HELPER,
    environment,
    indent,
    zipped,
)
from tests.hostile.test_staging import BAD

# --- 1. Serverless variables ----------------------------------------------------------


def statement(action: str, resource: str = "'*'") -> str:
    return (
        "  iam:\n    role:\n      statements:\n        - Effect: Allow\n"
        f"          Action: {action}\n          Resource: {resource}\n"
    )


def boolean_candidate_case(sandbox: Sandbox, prod: str) -> None:
    extra = f"custom:\n  dev: {{svc: iam}}\n  prod: {{svc: {prod}}}\n"
    provider = statement('"${self:custom.${sls:stage}.svc}:*"')
    sandbox.write("serverless.yml", SLS.format(provider=provider, extra=extra))
    sandbox.write("app.py", GOOD_HANDLER)


def action_of_several_stage_candidates(sandbox: Sandbox) -> None:
    """The baseline (a2790a0): `"${self:custom.${sls:stage}.svc}:*"`, dev `iam`, prod
    `sqs`: the candidates `iam:*` and `sqs:*` are judged."""
    boolean_candidate_case(sandbox, "sqs")


def a_boolean_candidate_does_not_leave_the_action_as_written(sandbox: Sandbox) -> None:
    """The same with prod `true`: `_candidates` takes a bool for a scalar (bool is an
    int) and returns Candidates(['iam', True]); `_expanded` then sees a value it does
    not write out and leaves the whole string as written,
    `${self:custom.${sls:stage}.svc}:*`, which no rule judges. The default stage deploys
    `iam:*` on `*`: exit 0 (GATE-IAC-004 "unknown action", low)."""
    boolean_candidate_case(sandbox, "true")


def stage_option_case(sandbox: Sandbox, segment: str) -> None:
    extra = "custom:\n  dev: {act: 's3:GetObject'}\n  prod: {act: '*'}\n"
    provider = statement(f'"${{self:custom.{segment}.act}}"', "'arn:aws:s3:::b/*'")
    sandbox.write("serverless.yml", SLS.format(provider=provider, extra=extra))
    sandbox.write("app.py", "import boto3\n" + GOOD_HANDLER)


def stage_segment_for_every_stage(sandbox: Sandbox) -> None:
    """The baseline (01e7fe8): `${self:custom.${sls:stage}.act}`: dev `s3:GetObject`,
    prod `*`; prod's `*` blocks."""
    stage_option_case(sandbox, "${sls:stage}")


def a_stage_option_with_a_fallback_stands_for_every_stage(sandbox: Sandbox) -> None:
    """`${self:custom.${opt:stage, 'dev'}.act}`, the usual idiom: `sls deploy --stage
    prod` deploys `*`. `_source` writes the inner variable out first (`text`), to its
    fallback `dev`, so the address has no `${` left and only custom.dev.act is read:
    exit 0 (checkov enabled too)."""
    stage_option_case(sandbox, "${opt:stage, 'dev'}")


# --- 2. functions lists merged as lodash merges them -----------------------------------


def functions_list(second: str) -> str:
    own = "f:\n  handler: app.handler\n  iamRoleStatements:\n" + indent(ADMIN_STATEMENT, 4)
    return (
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n  - "
        + indent(own, 4)[4:]
        + second
    )


def second_part_for_a_function(sandbox: Sandbox) -> None:
    """The baseline (7c299ad): `functions: [{f: {..., iamRoleStatements: [admin]}},
    {f: {timeout: 6}}]` deep-merged: f keeps its statements, which block."""
    sandbox.write("serverless.yml", functions_list("  - f:\n      timeout: 6\n"))
    sandbox.write("app.py", GOOD_HANDLER)


def test_a_later_part_does_not_replace_a_functions_statements(tmp_path: Path) -> None:
    """The Framework merges `functions` lists with lodash `_.merge` (Service.mergeArrays),
    which merges arrays index by index: a later `iamRoleStatements: []` leaves the admin
    statement as it is, and `[{Sid: More}]` only adds a Sid to it. `deep_merge` lets the
    later list replace the earlier one, the gate judges no admin statement, and the run
    passes (exit 0)."""

    def layout(statements: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            second = f"  - f:\n      iamRoleStatements: {statements}\n"
            sandbox.write("serverless.yml", functions_list(second))
            sandbox.write("app.py", GOOD_HANDLER)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "empty-list": layout("[]"),
            "sid-only": layout("[{Sid: More}]"),
        },
    )


# --- 3. #! scripts that are also Python ------------------------------------------------

WRAPPER_BODY = BAD + "handler({'cmd': 'id'}, None)\n"
POLYGLOT = '#!/bin/sh\n"exec" "python3" "$0" "$@"\n'


def wrapper_case(sandbox: Sandbox, text: str) -> None:
    sandbox.write("template.yaml", environment({"AWS_LAMBDA_EXEC_WRAPPER": "/var/task/wrapper"}))
    sandbox.write("src/app.py", GOOD_HANDLER)
    sandbox.write("src/wrapper", text).chmod(0o755)


def shell_python_polyglot_wrapper(sandbox: Sandbox) -> None:
    """The baseline (5cfe387): the polyglot wrapper is scanned as Python."""
    wrapper_case(sandbox, POLYGLOT + WRAPPER_BODY)


def test_a_polyglot_wrapper_is_not_left_unscanned(tmp_path: Path) -> None:
    """The same polyglot, padded past 1 MiB with a comment (`is_python_script` stops
    trying), or with one line of python3.12 syntax (a PEP 701 f-string) that the gate's
    Python 3.11 `ast.parse` rejects although the function's python3.12 runs it: the
    script is not Python to the gate, is counted "not analysed" (a warning, not a
    failure by default), and the run passes (exit 0). A `.py` file that does not parse
    is an error; a `#!` script that fails to parse silently is not."""

    def layout(how: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            if how == "over-1-MiB":
                tail = "#" + "x" * (1024 * 1024 + 10) + "\n"
            else:
                tail = 'x = f"{\'a\' + "b"}"\n'
            wrapper_case(sandbox, POLYGLOT + WRAPPER_BODY + tail)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "over-1-MiB": layout("over-1-MiB"),
            "newer-syntax": layout("newer-syntax"),
        },
    )


# --- 4. zips the ignore rules leave unchecked ------------------------------------------


def zip_file_case(sandbox: Sandbox, name: str) -> None:
    sandbox.write("template.yaml", environment({"PYTHONPATH": f"/var/task/{name}"}))
    sandbox.write("src/app.py", IMPORTS_HELPER)
    sandbox.write(f"src/{name}", zipped({"helper.py": BAD}))


def a_zip_named_without_zip_on_the_pythonpath_is_refused(sandbox: Sandbox) -> None:
    """The baseline (dadaad1): a zip named lib.dat in the code is refused."""
    zip_file_case(sandbox, "lib.dat")


def test_a_zip_named_as_an_ignored_file_is_not_left_unscanned(tmp_path: Path) -> None:
    """A zip named `._lib` or `.DS_Store` (the apple-double file rule) in the code, with
    PYTHONPATH=/var/task/._lib: zipimport does not care for the name, the file is
    deployed, helper.py is imported from it; the gate counts it "ignored" (c574764 only
    looks in ignored folders) and the run passes (exit 0)."""

    def layout(name: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            zip_file_case(sandbox, name)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "0-lib": layout("._lib"),
            "1-ds-store": layout(".DS_Store"),
        },
    )


def test_a_zip_in_an_ignored_folder_is_refused(sandbox: Sandbox) -> None:
    """The baseline (c574764): src/.mypy_cache/d/lib.zip on PYTHONPATH is refused."""
    sandbox.write("template.yaml", environment({"PYTHONPATH": "/var/task/.mypy_cache/d/lib.zip"}))
    sandbox.write("src/app.py", IMPORTS_HELPER)
    sandbox.write("src/.mypy_cache/d/lib.zip", zipped({"helper.py": BAD}))
    blocked_or_refused(sandbox.run().code)


def test_a_linked_folder_in_an_ignored_folder_is_not_left_unscanned(sandbox: Sandbox) -> None:
    """src/.mypy_cache/d is a link to node_modules/x (outside the function's code, an
    ignored folder too), which holds lib.zip. `_files_under` does not follow the link and
    takes it for a file, which is not a zip; lib.zip itself is not in a Python function's
    code. Packaging follows links inside the bundle (the gate copies their targets as
    deployed elsewhere), so /var/task/.mypy_cache/d/lib.zip is deployed and imported:
    exit 0."""
    sandbox.write("template.yaml", environment({"PYTHONPATH": "/var/task/.mypy_cache/d/lib.zip"}))
    sandbox.write("src/app.py", IMPORTS_HELPER)
    sandbox.write("node_modules/x/lib.zip", zipped({"helper.py": BAD}))
    (sandbox.bundle / "src/.mypy_cache").mkdir(parents=True)
    os.symlink("../../node_modules/x", sandbox.bundle / "src/.mypy_cache/d")
    blocked_or_refused(sandbox.run().code)


# --- the baselines, in one run ----------------------------------------------------------

# name: (the bundle, the rule of its blocking finding)
BASELINES: dict[str, tuple[Layout, str]] = {
    "action-of-several-stage-candidates": (action_of_several_stage_candidates, "GATE-IAC-001"),
    "stage-segment-for-every-stage": (stage_segment_for_every_stage, "GATE-IAC-001"),
    "second-part-for-a-function": (second_part_for_a_function, "GATE-IAC-001"),
    "shell-python-polyglot-wrapper": (shell_python_polyglot_wrapper, "GATE-SLS-001"),
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
            "boolean-candidate-does-not-leave-the-action-as-written": (
                a_boolean_candidate_does_not_leave_the_action_as_written
            ),
            "stage-option-with-a-fallback-stands-for-every-stage": (
                a_stage_option_with_a_fallback_stands_for_every_stage
            ),
            "zip-named-without-zip-on-the-pythonpath-is-refused": (
                a_zip_named_without_zip_on_the_pythonpath_is_refused
            ),
        },
    )
