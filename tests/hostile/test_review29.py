"""A twenty-ninth hostile review of `gate check`: Terraform's ways of writing the code a
function deploys (`_Builders`, archives, uploads, override files, modules), diff mode,
the policy's `leave_out`, and what a CI runner reads from the gate's output.

Each attack is a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks (or, for 6, is refused). Every
attack of 1 to 4 exited 0 with the hostile harness's policy (checkov off) and, by hand,
with the default policy (checkov on); the baseline (the code the trick plants already in
the deployed code) exits 1 with bandit's B605. 5 to 7 were run with the harness's policy
only (checkov reads neither git nor the policy's `leave_out`). What lets each through:

1. What the function waits for, and who else writes its zip. `_Builders.before(archive)`
   (gate.bundle.discovery.terraform) walks what the function's archive_file waits for,
   never what the `aws_lambda_function` itself waits for, and a function whose
   `filename` is a zip of the bundle gets `before(None)`: external data sources only.
   Terraform reads `filename` when it creates the function, at apply, after every data
   source and after what the function depends on. Four ways to change the zip after the
   gate's idea of it is made: a `null_resource` the function `depends_on` whose
   `local-exec` adds a sitecustomize.py to the archive's `output_path` (`zip -j`); the
   same for a prebuilt `fn.zip` of the bundle; a second `archive_file` with the same
   `output_path` and inline `source {}` blocks that `depends_on` the first, so writes
   last (`_archive_name` takes the first archive with that path; `_tf_inline` stages the
   inline code of a function's archive only, so the second's is read by nothing); and an
   archive_file in a child module (`module "pack" { source = "./pack" }`) whose
   `output_path` is `${path.root}/fn.zip`, the prebuilt zip's path (a module's blocks
   are never read as writers of the root's files).
2. References through `locals`. `_Builders.named` keeps the addresses of the module's
   blocks and module calls only, so `excludes = [local.built]` with `locals { built =
   null_resource.build.id }` makes the archive wait for a `local-exec` the chain never
   reaches (a direct `null_resource.build.id` is refused). `_uploaded` matches a
   function's `s3_bucket`/`s3_key` to an `aws_s3_object` by a direct reference or equal
   literals, never through a local: `s3_key = local.code_key` with `locals { code_key =
   aws_s3_object.code.key }` makes the function "code in S3" (a warning), and the zip
   the object uploads from the bundle "a zip no function deploys" (a warning): a
   sitecustomize.py in it is never scanned (a direct reference blocks).
3. Override files. Terraform merges every `override.tf` and `*_override.tf` into the
   blocks of the other files after reading them, whatever their names; the gate reads
   each `.tf` file in name order and keeps the last body of an archive_file by name
   (`archives` in `read_terraform`). An `a_override.tf` (sorted before `zz.tf`, the
   archive's file) setting `source_dir = null` and two inline `source {}` blocks is
   read first and replaced by the original, so the gate scans `src/` while Terraform
   zips the inline code. (Named `override.tf`, after `main.tf`, the inline code is
   refused as not literal; a function block overridden is read as a second function.)
4. An `external` program of a called module the text search misses. `_Builders` looks
   for `data "external"` in the `.tf` text of each local module the module calls
   (`_EXTERNAL`, `_called`): HCL also takes block labels as bare identifiers (`data
   external build {`), which the regular expression does not match, and a module that
   module calls (`./build` calling `./inner`) is never read. Either runs its program at
   plan time and writes src/sitecustomize.py before the archive is made.
5. Diff mode: a rename carries a legacy finding into deployed code. A finding is
   `preexisting` when the merge base's scan has its fingerprint and the change touched
   none of its lines (gate.scan.diff `apply_diff`); a file git sees as renamed gets the
   merge-base fingerprint at its new path (gate.git.changes `fingerprint_now`) and a
   rename alone touches no line. A repository whose main branch has an operator script
   `scripts/admin.py` (`os.system(...)` at module level: a known finding diff mode lets
   live) takes a pull request that `git mv`s it to `src/sitecustomize.py`, the SAM
   function's code, which Python runs at every start: the B605 is `preexisting`, exit 0.
   The fingerprint (scanner, rule, bundle, path, resource, anchor) says nothing of which
   functions deploy the file; a `CodeUri` moved onto `scripts/` is the same.
6. A `leave_out` entry by bare name leaves out every function of that name. `LeftOut.names`
   matches `function: aws_lambda_function.fn` against the name in any IaC file of any
   bundle (gate.policy.model), though `_unique_names` already sees the collision. With
   an entry written for legacy/main.tf's reviewed `local-exec` build, a pull request
   that adds orders/main.tf with its own `aws_lambda_function.fn` and a `local-exec`
   writing code into it gets a `left-out` warning and exit 0; `aws_lambda_function.fn`,
   `.this`, `.lambda` and SAM's `Function` are common names.
7. GitHub's legacy workflow commands. The runner tries `::cmd::` at the start of a line
   (`TryParseV2`) and then `##[cmd]data` anywhere in it (`ActionCommand.TryParse`, still
   called by `ActionCommandManager.TryProcessCommand`), for every registered command:
   `add-mask`, `stop-commands`, `set-output`, `error`, `group`... `no_workflow_commands`
   (gate.reports.base) escapes a `::` at the start of a line only, so a file named
   `##[add-mask]FAIL.py` printed by the console report masks `FAIL.py` for the rest of
   the job, and a zip named `##[stop-commands]tok.zip` (its `zip-not-deployed` warning)
   stops the runner reading commands for the rest of the step.

Suggested fixes, by class: 1 and 3, judge the file the function uploads, not the
archive's source: every block that can write a file (a `local-exec`, `local_file`, an
`archive_file`, a module call) that the function or its archive waits for through any
chain, or whose `output_path`/`filename` is the function's `filename`, makes the code
unfollowed; an `archive_file` of the module whose `output_path` another block shares is
refused; and read `override.tf`/`*_override.tf` last, merged as Terraform merges them
(or refuse them). 2, follow `local.*` (and `var.*` with defaults and tfvars) in
`_Builders.named` and `_uploaded` through `ModuleValues`, as `_tf_related` does; a
function whose code is in S3 while the module uploads a zip of the bundle is refused.
4, read the called modules with the HCL parser, recursively, not with a regular
expression. 5, make the functions that deploy a file part of what diff mode compares
(a finding is new when its file is deployed by a function, or a function of another
name, that did not deploy it at the merge base), or treat a rename into a function's
code as touching every line. 6, refuse a bare `leave_out` name that matches more than
one function (ask for `IAC_FILE:NAME`), as `_unique_names` qualifies them. 7, escape
`##[` wherever it is in a line of every stream a runner reads (`##\\[`), as `::` at a
line's start is, stdout and stderr, `gate ls` included.

Also tried, and the gate held: a `.tf.json` file (refused, one line); the function's
block overridden in `override.tf` or an `a_override.tf` (read as a second function with
the override's `filename`: its zip is scanned); `data external build {` in the root
module (parsed, refused); an inline archive a function deploys whose `source_content`
is `file()` or `base64decode()` (refused, not literal); an archive_file of the
function's own module whose `output_path` is the prebuilt zip the function's `filename`
names (taken as the function's archive, its inline code refused); Python a Terraform
path trick points elsewhere in the bundle (every `.py` of the bundle is scanned by bandit, deployed
or not: only code that is no `.py` file of the bundle can hide); `aws_s3_object.code.key`
referenced directly (the zip is unpacked and scanned, B605); the `github` format (every
line the gate's own `::` command, so the runner's V2 parse takes it whole; warnings are
not printed there); GitLab `section_start` and Jenkins `ConsoleNote` (both need an
escape character, which `printable` escapes). Read, and judged sound without a case:
`gate merge` re-derives the decision from the joined findings and budgets (review 25);
the shard views keep every file no function owns and `keep_own` gives each file to the
lowest shard among its owners; `git diff` against the work tree marks a binary
(`-diff` in a `.gitattributes` of the change) or renamed-from path wholly changed and
`verified` rehashes files the index may lie about; waivers' paths are namespaced by
bundle (review 25).

Not covered: the findings cache (its keys against files a scanner reads beyond its
part: checkov's modules in another folder); `remote-exec` and `file` provisioners (they
run on another host; only a `connection` to the runner itself would matter);
`for_each`/`count` on archives (an indexed `output_path` is unresolved, refused);
`terraform.tfvars.json` and `*.auto.tfvars.json`, which `TFVARS` does not read (they
only feed layers and related resources here); Azure Pipelines' `##vso[` commands;
Jenkins `[Pipeline]` lines (display only); a module source outside the bundle
(deliberately not read: its `external` program is as unseen as a grandchild's).

Fixed, each by its class: 1 to 4, `_Builders.before` walks what the function itself waits
for as well as its archive, through locals; another archive_file writing the same zip is
named (`_shared_output`); a local module the module calls is read with the HCL parser,
however deep, and its external programs, its `local-exec`s and its files written outside
its folder count whatever waits for what (`_read_called`); `_uploaded` follows locals;
override files are read last and an archive's override merged into it as Terraform
merges it (gate.bundle.discovery.terraform). 5, a finding is preexisting only where the
merge base had it in code no fewer functions deployed (gate.scan.diff `_earlier`). 6, a
`leave_out` entry naming more than one function of the run is refused
(gate.bundle.resolve `_one_function_each`). 7, `##[` (and Azure's `##vso[`) is escaped
anywhere in a line of every stream, stderr included (gate.reports.base
`no_workflow_commands`, gate.cli.common `shown`).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import git

from tests.hostile.conftest import (
    CHEAP_POLICY,
    Sandbox,
    assert_blocks,
    blocked_or_refused,
    commit,
    committed_repository,
    each_blocked_or_refused,
    each_blocks,
    on_rule,
)
from tests.hostile.test_review25 import HARMLESS
from tests.hostile.test_review26 import (
    ENCODED,
    PLANT_COMMAND,
    PLANTED,
    SAM_ZIP,
    TERRAFORM,
    terraform,
)

Layout = Callable[[Sandbox], None]


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


HARMLESS_ZIP = zipped({"app.py": HARMLESS})
PLANTED_ZIP = zipped({"app.py": HARMLESS, "sitecustomize.py": PLANTED})

# --- 1. what the function waits for, and who else writes its zip ------------------------------

WAITING = "  depends_on = [null_resource.patch]\n  tracing_config"
PATCH = (
    '\nresource "null_resource" "patch" {\n'
    "  triggers = { zip = data.archive_file.fn.output_path }\n"
    '  provisioner "local-exec" {\n'
    f'    command = "echo {ENCODED} | base64 -d > sitecustomize.py && zip -j '
    '${data.archive_file.fn.output_path} sitecustomize.py"\n  }\n}\n'
)
PREBUILT = """\
resource "aws_lambda_function" "fn" {
  function_name    = "orders"
  role             = "arn:aws:iam::123456789012:role/orders"
  handler          = "app.handler"
  runtime          = "python3.12"
  filename         = "${path.module}/fn.zip"
  source_code_hash = filebase64sha256("${path.module}/fn.zip")
  tracing_config {
    mode = "Active"
  }
}
"""
PLANTED_SOURCE = (
    f'  source {{\n    filename = "sitecustomize.py"\n    content  = base64decode("{ENCODED}")\n'
    "  }\n"
)
"""An archive_file's inline block that writes the planted code (not a literal string)."""
INLINE_PLANTED = (
    '  source {\n    filename = "app.py"\n    content  = file("${path.module}/src/app.py")\n  }\n'
    + PLANTED_SOURCE
)


def patched_after_archive(sandbox: Sandbox) -> None:
    terraform(sandbox)
    sandbox.write("main.tf", (TERRAFORM % "").replace("  tracing_config", WAITING) + PATCH)


def prebuilt(sandbox: Sandbox, code: bytes = HARMLESS_ZIP) -> None:
    """A function deploying fn.zip, a zip of the bundle."""
    sandbox.write("main.tf", PREBUILT)
    sandbox.write("fn.zip", code)


def prebuilt_planted(sandbox: Sandbox) -> None:
    prebuilt(sandbox, PLANTED_ZIP)


def patched_prebuilt(sandbox: Sandbox) -> None:
    prebuilt(sandbox)
    sandbox.write(
        "main.tf",
        PREBUILT.replace("  tracing_config", WAITING)
        + '\nresource "null_resource" "patch" {\n  provisioner "local-exec" {\n'
        f'    command = "echo {ENCODED} | base64 -d > sitecustomize.py && zip -j fn.zip '
        'sitecustomize.py"\n  }\n}\n',
    )


def second_archive(sandbox: Sandbox) -> None:
    terraform(
        sandbox,
        '\ndata "archive_file" "extra" {\n  type        = "zip"\n'
        '  output_path = "${path.module}/build/fn.zip"\n'
        f"  depends_on  = [data.archive_file.fn]\n{INLINE_PLANTED}}}\n",
    )


def child_module_archive(sandbox: Sandbox) -> None:
    prebuilt(sandbox)
    sandbox.write("main.tf", PREBUILT + '\nmodule "pack" {\n  source = "./pack"\n}\n')
    sandbox.write(
        "pack/main.tf",
        'data "archive_file" "pack" {\n  type        = "zip"\n'
        '  output_path = "${path.root}/fn.zip"\n'
        '  source {\n    filename = "app.py"\n'
        '    content  = "def handler(event, context):\\n    return {}\\n"\n  }\n'
        f"{PLANTED_SOURCE}}}\n",
    )


# --- 2. references through locals ------------------------------------------------------------


def local_chain(sandbox: Sandbox) -> None:
    terraform(sandbox)
    sandbox.write(
        "main.tf",
        TERRAFORM
        % "  excludes    = [local.built]\n"
        + "\nlocals {\n  built = null_resource.build.id\n}\n\n"
        'resource "null_resource" "build" {\n  provisioner "local-exec" {\n'
        f'    command = "{PLANT_COMMAND}"\n  }}\n}}\n',
    )


S3_FUNCTION = """\
resource "aws_s3_object" "code" {
  bucket = "orders-artifacts"
  key    = "orders/fn.zip"
  source = "${path.module}/dist/fn.zip"
}

locals {
  code_key = aws_s3_object.code.key
}

resource "aws_lambda_function" "fn" {
  function_name = "orders"
  role          = "arn:aws:iam::123456789012:role/orders"
  handler       = "app.handler"
  runtime       = "python3.12"
  s3_bucket     = "orders-artifacts"
  s3_key        = %s
  tracing_config {
    mode = "Active"
  }
}
"""


def uploaded(key: str) -> Layout:
    """A function deploying the S3 object the module uploads from dist/fn.zip (the
    planted code in it), its key written as `key`."""

    def layout(sandbox: Sandbox) -> None:
        sandbox.write("main.tf", S3_FUNCTION % key)
        sandbox.write("dist/fn.zip", PLANTED_ZIP)

    return layout


# --- 3. override files -----------------------------------------------------------------------


def override_first(sandbox: Sandbox) -> None:
    terraform(sandbox)
    sandbox.write("zz.tf", (sandbox.bundle / "main.tf").read_text(encoding="utf-8"))
    (sandbox.bundle / "main.tf").unlink()
    sandbox.write(
        "a_override.tf", f'data "archive_file" "fn" {{\n  source_dir = null\n{INLINE_PLANTED}}}\n'
    )


# --- 4. an external program of a called module -----------------------------------------------

EXTERNAL = (
    "data {labels} {{\n"
    '  program = ["sh", "-c", "cd {up} && echo {encoded} | base64 -d > src/sitecustomize.py; '
    'echo {{}}"]\n}}\n'
)
CALL_BUILD = '\nmodule "build" {\n  source = "./build"\n}\n'


def called_module(sandbox: Sandbox) -> None:
    terraform(sandbox, CALL_BUILD)
    sandbox.write("build/main.tf", "# nothing\n")


def bare_labels(sandbox: Sandbox) -> None:
    called_module(sandbox)
    sandbox.write(
        "build/main.tf", EXTERNAL.format(labels="external build", up="..", encoded=ENCODED)
    )


def grandchild(sandbox: Sandbox) -> None:
    called_module(sandbox)
    sandbox.write("build/main.tf", 'module "inner" {\n  source = "./inner"\n}\n')
    sandbox.write(
        "build/inner/main.tf",
        EXTERNAL.format(labels='"external" "build"', up="../..", encoded=ENCODED),
    )


def planted_in_src(layout: Layout) -> Layout:
    """`layout` with the code the trick writes already in src/."""

    def planted(sandbox: Sandbox) -> None:
        layout(sandbox)
        sandbox.write("src/sitecustomize.py", PLANTED)

    return planted


# name: (the bundle without the trick, the planted code already deployed; with the trick)
TRICKS: dict[str, tuple[Layout, Layout]] = {
    "function-waits-for-local-exec": (planted_in_src(terraform), patched_after_archive),
    "prebuilt-zip-patched": (prebuilt_planted, patched_prebuilt),
    "second-archive-same-output": (planted_in_src(terraform), second_archive),
    "child-module-archive-writes-zip": (prebuilt_planted, child_module_archive),
    "archive-waits-through-local": (planted_in_src(terraform), local_chain),
    "s3-key-through-local": (uploaded("aws_s3_object.code.key"), uploaded("local.code_key")),
    "override-file-sorted-first": (planted_in_src(terraform), override_first),
    "module-external-bare-labels": (planted_in_src(called_module), bare_labels),
    "grandchild-module-external": (planted_in_src(called_module), grandchild),
}


def test_the_code_each_trick_deploys_blocks(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: the same bundle without the trick, the
    code it would put in the deployed zip already there, blocks (B605)."""
    layouts = {name: plain for name, (plain, _) in TRICKS.items()}
    each_blocks(tmp_path, on_rule("B605", layouts))


def test_code_terraform_writes_into_the_zip_is_scanned_or_refused(tmp_path: Path) -> None:
    """Terraform deploys code the gate never read: the run must not pass."""

    each_blocked_or_refused(tmp_path, {trick: case[1] for trick, case in sorted(TRICKS.items())})


# --- 5. diff mode: a rename into deployed code -----------------------------------------------


def legacy_repository(sandbox: Sandbox) -> git.Repo:
    """main: a SAM function (src/) and an operator script with a shell call; the work
    tree on branch `change`."""
    sandbox.write("template.yaml", SAM_ZIP)
    sandbox.write("src/app.py", HARMLESS)
    sandbox.write("scripts/admin.py", PLANTED)
    repository = committed_repository(sandbox, "legacy")
    repository.git.checkout("-b", "change")
    return repository


def test_the_legacy_script_copied_into_the_function_blocks(sandbox: Sandbox) -> None:
    """The baseline: the same code added to the function as a new file blocks."""
    repository = legacy_repository(sandbox)
    sandbox.write("src/sitecustomize.py", PLANTED)
    commit(repository, "copy")
    run = sandbox.run("--diff-base", "main")
    assert_blocks(run)
    assert "B605" in run.stdout, run.stdout[-2000:]


def test_a_legacy_finding_moved_into_deployed_code_blocks(sandbox: Sandbox) -> None:
    """The change deploys, and runs at every start, code no function deployed before."""
    repository = legacy_repository(sandbox)
    repository.git.mv("scripts/admin.py", "src/sitecustomize.py")
    commit(repository, "move")
    run = sandbox.run("--diff-base", "main")
    assert_blocks(run)


# --- 6. a leave_out entry by bare name -------------------------------------------------------

BUILT = (TERRAFORM % "  depends_on  = [null_resource.build]\n") + (
    '\nresource "null_resource" "build" {\n  provisioner "local-exec" {\n'
    f'    command     = "{PLANT_COMMAND}"\n    working_dir = path.module\n  }}\n}}\n'
)
LEAVING_OUT = CHEAP_POLICY + (
    "leave_out:\n  - function: aws_lambda_function.fn\n"
    "    reason: legacy build step reviewed by security (SEC-12)\n"
)
"""An entry written for legacy/main.tf's function, by the name its IaC gives it."""


def two_modules(sandbox: Sandbox, name: str = "fn") -> None:
    """legacy/, whose local-exec build the policy's author read, and the change's
    orders/, a function named `name` with a local-exec of its own."""
    sandbox.write("legacy/main.tf", BUILT)
    sandbox.write("legacy/src/app.py", HARMLESS)
    function = 'resource "aws_lambda_function" "fn"'
    sandbox.write(
        "orders/main.tf",
        BUILT.replace('"orders"', '"orders2"').replace(function, function.replace("fn", name)),
    )
    sandbox.write("orders/src/app.py", HARMLESS)


def test_a_function_of_another_name_is_not_left_out(sandbox: Sandbox) -> None:
    """The baseline: orders' function, named otherwise, is refused (its local-exec)."""
    two_modules(sandbox, "orders")
    run = sandbox.run(policy=LEAVING_OUT)
    assert run.code == 2, (run.code, run.stdout[-2000:], run.stderr)
    assert "orders/main.tf" in run.stderr, run.stderr


def test_a_leave_out_entry_does_not_cover_a_new_function_of_the_same_name(
    sandbox: Sandbox,
) -> None:
    """The entry was written for legacy/main.tf's function; the change's orders/main.tf
    declares one of the same name: its build must still be refused."""
    two_modules(sandbox)
    run = sandbox.run(policy=LEAVING_OUT)
    blocked_or_refused(run.code)


def test_an_entry_naming_its_iac_file_leaves_out_that_function_only(sandbox: Sandbox) -> None:
    """The fix's way out: `IAC_FILE:NAME` names legacy's function alone, and the change's
    function of the same name is still refused for its local-exec."""
    two_modules(sandbox)
    policy = LEAVING_OUT.replace("function: aws_lambda_", "function: legacy/main.tf:aws_lambda_")
    run = sandbox.run(policy=policy)
    assert run.code == 2, (run.code, run.stdout[-2000:], run.stderr)
    assert "orders/main.tf" in run.stderr and "legacy/main.tf" not in run.lines[0], run.stderr


# --- 7. GitHub's legacy workflow commands ----------------------------------------------------

RUNNER_COMMANDS = (
    "add-mask|stop-commands|set-output|save-state|set-env|add-path|add-matcher|"
    "remove-matcher|debug|warning|error|notice|group|endgroup|echo"
)
LEGACY_COMMAND = re.compile(rf"##\[({RUNNER_COMMANDS})[ \]]")
"""What the runner's `ActionCommand.TryParse` takes for a command, anywhere in a line."""
NEW_COMMAND = re.compile(rf"^\s*::({RUNNER_COMMANDS})[ :]")


def named(sandbox: Sandbox, command: Callable[[str], str]) -> None:
    """A Python file with a finding and a zip nothing deploys (a warning), each named by
    a runner command: `command(name)` writes one."""
    sandbox.write("app.py", PLANTED)
    sandbox.write(f"{command('add-mask')}FAIL.py", PLANTED)
    sandbox.write(f"{command('stop-commands')}tok.zip", HARMLESS_ZIP)


def commands(output: str, pattern: re.Pattern[str]) -> list[str]:
    return [line for line in output.splitlines() if pattern.search(line)]


def test_a_name_starting_with_a_workflow_command_is_escaped(sandbox: Sandbox) -> None:
    """The baseline (review 25's fix): `::add-mask::` and `::stop-commands::` starting a
    name are escaped in the console report and its warnings."""
    named(sandbox, lambda name: f"::{name}::")
    run = sandbox.run(env={"GITHUB_ACTIONS": "true"})
    assert_blocks(run)
    assert "add-mask" in run.stdout and "stop-commands" in run.stdout, run.stdout
    assert not commands(run.stdout + run.stderr, NEW_COMMAND)


def test_no_output_line_holds_a_legacy_workflow_command(sandbox: Sandbox) -> None:
    """`##[add-mask]` and `##[stop-commands]` in file names the console report prints
    must not reach the runner as commands."""
    named(sandbox, lambda name: f"##[{name}]")
    run = sandbox.run(env={"GITHUB_ACTIONS": "true"})
    assert_blocks(run)
    assert "add-mask" in run.stdout and "stop-commands" in run.stdout, run.stdout
    assert not commands(run.stdout + run.stderr, LEGACY_COMMAND)
