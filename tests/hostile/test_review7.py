"""A seventh hostile review of `gate check`: ways around the fixes of 49cfdf5 (a deploy-time
address segment with a fallback, list parts merged item by item, `#!` scripts that run
python on themselves, zips behind a linked folder in an ignored folder).

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
from tests.hostile.test_review4 import IMPORTS_HELPER, environment, zipped
from tests.hostile.test_review6 import (
    POLYGLOT,
    WRAPPER_BODY,
    functions_list,
    statement,
    wrapper_case,
)
from tests.hostile.test_staging import BAD

# --- 1. a deploy-time segment one `self:` away -----------------------------------------


def stage_case(sandbox: Sandbox, segment: str) -> None:
    extra = "custom:\n  st: ${opt:stage, 'dev'}\n  dev: {act: 's3:GetObject'}\n  prod: {act: '*'}\n"
    provider = "  stage: ${opt:stage, 'dev'}\n" + statement(
        f'"${{self:custom.{segment}.act}}"', "'arn:aws:s3:::b/*'"
    )
    sandbox.write("serverless.yml", SLS.format(provider=provider, extra=extra))
    sandbox.write("app.py", "import boto3\n" + GOOD_HANDLER)


def stage_option_segment_with_a_fallback(sandbox: Sandbox) -> None:
    """The baseline (49cfdf5): `${self:custom.${opt:stage, 'dev'}.act}` reads every
    stage's `act`, and prod's `*` blocks."""
    stage_case(sandbox, "${opt:stage, 'dev'}")


def test_a_stage_segment_through_self_stands_for_every_stage(tmp_path: Path) -> None:
    """The usual idiom: `provider.stage: ${opt:stage, 'dev'}` and
    `${self:custom.${self:provider.stage}.act}`. The segment's first source is `self:`,
    but what it reaches is decided at deploy: every stage's `act` is judged, and
    `sls deploy --stage prod` would deploy `Action: '*'`. (Once, only custom.dev.act
    was judged and the run passed.)"""

    def layout(segment: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            stage_case(sandbox, segment)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "0-self-provider-stage": layout("${self:provider.stage}"),
            "1-self-custom-st": layout("${self:custom.st}"),
        },
    )


# --- 2. a later part that is a mapping where the earlier is a list ---------------------


def empty_later_statements_list(sandbox: Sandbox) -> None:
    """The baseline (49cfdf5): a later part's `iamRoleStatements: []` is merged item by
    item and the admin statement blocks."""
    sandbox.write("serverless.yml", functions_list("  - f:\n      iamRoleStatements: []\n"))
    sandbox.write("app.py", GOOD_HANDLER)


def test_a_later_mapping_does_not_replace_a_functions_statements(tmp_path: Path) -> None:
    """`functions: [{f: {..., iamRoleStatements: [admin]}}, {f: {iamRoleStatements: {}}}]`:
    lodash `merge` (Service.mergeArrays) keeps the earlier array when the later value is a
    plain object (it only sets the object's keys on the array), so the admin statement
    is deployed. `_merge_value` returns the later mapping, the gate judges no statement,
    and the run passes (exit 0)."""

    def layout(statements: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            second = f"  - f:\n      iamRoleStatements: {statements}\n"
            sandbox.write("serverless.yml", functions_list(second))
            sandbox.write("app.py", GOOD_HANDLER)

        return written

    each_blocked_or_refused(tmp_path, {"empty": layout("{}"), "sid": layout("{Sid: More}")})


# --- 3. #! scripts that run python, spelled so the pattern does not see it -------------

PAD = "#" + "x" * (1024 * 1024 + 10) + "\n"


def large_polyglot_wrapper(sandbox: Sandbox) -> None:
    """The baseline (49cfdf5): the `"exec" "python3" "$0" "$@"` polyglot padded past
    1 MiB is still Python to the gate, and blocks."""
    wrapper_case(sandbox, POLYGLOT + WRAPPER_BODY + PAD)


POLYGLOTS = {
    # sh joins the lines; Python reads one expression of concatenated strings.
    "line-continuation": '#!/bin/sh\n"exec" "python3" \\\n"$0" "$@"\n',
    # the exec line past the first 64 KiB, after comment lines both languages skip
    "past-64-KiB": "#!/bin/sh\n" + ("#" + "y" * 100 + "\n") * 700 + POLYGLOT[len("#!/bin/sh\n") :],
    # GNU env -S takes the quotes out: /usr/bin/env python3 FILE
    "env-S-quoted": '#!/usr/bin/env -S py"thon"3\n',
    # bash's name for the script, not `$0`
    "bash-source": '#!/bin/bash\n"exec" "python3" "$BASH_SOURCE" "$@"\n',
}


def test_a_large_polyglot_spelled_otherwise_is_not_left_unscanned(tmp_path: Path) -> None:
    """Each head runs the file with python3 (checked by hand with a print body): a line
    continuation, the exec line after 64 KiB of comments, `env -S py"thon"3`, or
    `$BASH_SOURCE`. Padded past 1 MiB, the script is not Python to the gate and was
    once only counted "not analysed" (a warning): the run passed. Guessing what a shell
    line runs cannot be complete, so the exec wrapper itself is judged: one the gate
    does not analyse is GATE-IAC-018, which blocks."""

    def layout(how: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            wrapper_case(sandbox, POLYGLOTS[how] + WRAPPER_BODY + PAD)

        return written

    each_blocked_or_refused(tmp_path, {how: layout(how) for how in sorted(POLYGLOTS)})


def test_a_heredoc_wrapper_is_not_left_unscanned(sandbox: Sandbox) -> None:
    """`#!/bin/sh` + `exec python3 - <<'EOF'` + the Python + `EOF`: a small wrapper (no
    padding) that runs the same Python as the baseline polyglot. No `$0`, and the file
    does not parse as Python: once "not analysed", and the run passed; now GATE-IAC-018."""
    wrapper_case(sandbox, "#!/bin/sh\nexec python3 - <<'EOF'\n" + WRAPPER_BODY + "EOF\n")
    blocked_or_refused(sandbox.run().code)


# --- 4. a link inside a linked folder in an ignored folder -----------------------------


def test_a_linked_folder_in_an_ignored_folder_is_refused(sandbox: Sandbox) -> None:
    """The baseline (49cfdf5): src/.mypy_cache/d links to node_modules/x holding lib.zip
    on PYTHONPATH: refused."""
    sandbox.write("template.yaml", environment({"PYTHONPATH": "/var/task/.mypy_cache/d/lib.zip"}))
    sandbox.write("src/app.py", IMPORTS_HELPER)
    sandbox.write("node_modules/x/lib.zip", zipped({"helper.py": BAD}))
    (sandbox.bundle / "src/.mypy_cache").mkdir(parents=True)
    os.symlink("../../node_modules/x", sandbox.bundle / "src/.mypy_cache/d")
    blocked_or_refused(sandbox.run().code)


def test_a_link_inside_a_linked_folder_is_not_left_unscanned(sandbox: Sandbox) -> None:
    """The same, with node_modules/x/y a link to ../z, which holds lib.zip, and
    PYTHONPATH=/var/task/.mypy_cache/d/y/lib.zip: `file.rglob("*")` lists y but does not
    go into it, y is not a file, lib.zip is never looked at: exit 0."""
    sandbox.write("template.yaml", environment({"PYTHONPATH": "/var/task/.mypy_cache/d/y/lib.zip"}))
    sandbox.write("src/app.py", IMPORTS_HELPER)
    sandbox.write("node_modules/z/lib.zip", zipped({"helper.py": BAD}))
    (sandbox.bundle / "node_modules/x").mkdir(parents=True)
    os.symlink("../z", sandbox.bundle / "node_modules/x/y")
    (sandbox.bundle / "src/.mypy_cache").mkdir(parents=True)
    os.symlink("../../node_modules/x", sandbox.bundle / "src/.mypy_cache/d")
    blocked_or_refused(sandbox.run().code)


# --- the baselines, in one run ----------------------------------------------------------

# name: (the bundle, the rule of its blocking finding)
BASELINES: dict[str, tuple[Layout, str]] = {
    "stage-option-segment-with-a-fallback": (stage_option_segment_with_a_fallback, "GATE-IAC-001"),
    "empty-later-statements-list": (empty_later_statements_list, "GATE-IAC-001"),
    "large-polyglot-wrapper": (large_polyglot_wrapper, "GATE-SLS-001"),
}  # fmt: skip


def test_the_baselines_block(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: each blocks, its finding on the rule
    named beside it."""
    each_blocks(tmp_path, BASELINES)
