"""A thirtieth hostile review of `gate check`, on the code review 29 changed: Terraform's
`_Builders` (the function's and its archive's chains, through locals), local modules read
with the HCL parser (`_read_called`, `_LEAVES`), `_shared_output`, override files, diff
mode's `_earlier`, and what a CI runner reads from the gate's output.

Each attack is a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks (bandit's B605 on the code the
trick puts in the deployed code, already there; for 7, the console listing escaped).
Every attack of 1 to 5 exited 0 with the hostile harness's policy (checkov off) and, by
hand, with the default policy (checkov on); 6 and 7 were run with the harness's policy.
Terraform's override merge (2) and its reuse of a `.terraform/modules` the checkout holds
(5) were confirmed with Terraform 1.11 offline (`terraform_data` and its provisioners).
What lets each through:

1. Blocks that write or run that `_Builders` (gate.bundle.discovery.terraform) does not
   count. `_writes` knows `local_file`, `local_sensitive_file`, a `local-exec` and a
   module call; `self.external` knows the top-level `data "external"` blocks; `_chain`
   leaves out the block it starts from. So: a `resource "archive_file"` (the archive
   provider's resource form, built at apply) whose `output_path` is the prebuilt fn.zip
   the function deploys and which the function `depends_on` (`archives` holds data
   sources only, so `_shared_output` and `_tf_inline` never see it); an `external` data
   source scoped inside a `check` block (Terraform 1.5), read at plan, whose program adds
   a sitecustomize.py to fn.zip before the apply reads it; and a `local-exec` on the
   `aws_lambda_function` itself that runs `aws lambda update-function-code` with a zip
   it makes (the deploy's credentials are there; any `local-exec` the apply runs after
   the function can do the same).
2. Override files replace blocks in `_Builders` that Terraform merges. The archive's
   override is merged (review 29), but `_Builders.__init__` builds `addresses` with one
   body per address, the override's last: an `override.tf` setting only `triggers` of
   the `null_resource` the function waits for drops its `local-exec` from the gate's view
   (Terraform keeps a nested block type the override does not set), and one setting only
   `timeout` of the function drops its `depends_on` (an override may not set
   `depends_on`, so the original's always stands). Review 29's `patched_after_archive`
   then passes.
3. Paths the gate compares only when written out. `_shared_output` compares the
   `output_path` of another archive_file with `tf_value` and `_tf_local`, without
   `ModuleValues`: `output_path = var.zip` (default `build/fn.zip`) or
   `"${abspath(path.module)}/build/fn.zip"` is no path, so review 29's second archive
   writing the function's zip after its own passes again. `_read_called` takes a called
   module's file as written outside its folder only when `_LEAVES` matches its text
   (`${path.root}`, `${path.cwd}`, `..`, `/`): `output_path = var.out` with the caller
   passing `out = "${path.module}/fn.zip"` (the usual packaging module), or
   `format("%s/fn.zip", path.root)`, writes the root's fn.zip at plan unnoticed.
4. An archive whose source the gate cannot read is a warning. `_tf_code` returns the
   plain text "archive_file 'fn' has no source the gate can read", not `Unresolved`, so
   `discover` warns `function-code-elsewhere` instead of a scan error; `_tf_inline` reads
   `source` blocks only, and a `dynamic "source"` block (`for_each = local.files`) is
   under `dynamic`. Literal `source {}` blocks with the same code are staged and block.
5. A module `terraform init` does not fetch. Terraform reuses a module that
   `.terraform/modules/modules.json` records for the same source and version, so a
   registry module call (`source = "acme/pack/aws"`) runs what the checkout holds in
   `.terraform/modules/pack/`: an archive_file writing `${path.root}/fn.zip` at plan.
   `.terraform` is ignored by the built-in `build-output` rule (gate.bundle.rules), and a
   module call `_called` cannot read (None) counts in `_Builders` only when the function
   waits for it: never through `self.external`.
6. Diff mode: a handler file is its own function's alone. `attribute` (gate.bundle
   .discovery) gives a file that is some function's `handler_file` to those functions
   only, never to the others whose code holds it. On main, Job deploys src/ with
   src/admin.py (a legacy `os.system`) as its handler; the change adds Api, CodeUri src/,
   whose new handler imports and runs admin's: the B605 still belongs to {Job}, which
   `_earlier` finds at the merge base, so it is `preexisting` and the run passes. The same
   file as a helper (Job's handler elsewhere) belongs to {Job, Api} and blocks.
7. `gate ls --format json` prints `json.dumps` of the bundles as it is
   (gate.cli.commands `ls_command`), with no `no_workflow_commands`: a Serverless function
   named `##[add-mask]orders` puts `"name": "##[add-mask]orders",` on a line of its own,
   which the GitHub runner's legacy parse takes for a command anywhere in the line. The
   console listing and every `gate check` stream (JSON to stdout included) escape it.

Suggested fixes, by class. 1: count what can write or run by an allow-list, not a
deny-list: any resource or data source whose type is not known to be inert (`archive_file`
resources, `shell_script`, `external` anywhere, `terraform_data`...) that the function or
its archive waits for is a part the gate cannot follow; read `check` blocks' scoped data
sources as the module's own; a provisioner on the function itself, or any `local-exec` of
the module, counts (whatever the order, as `external` does). 2: merge every override block
into its original as Terraform does (arguments replaced, nested block types replaced
whole, `depends_on` never), not the archive's alone, or refuse override files. 3: resolve
`output_path`/`filename` through `ModuleValues` (and the call's arguments for a called
module's `var.`), and count any path that does not resolve to a literal inside the
module's folder as written elsewhere (an unresolved `output_path` of another archive is
refused). 4: make "no source the gate can read" `Unresolved` (a scan error for Python), and
read `dynamic "source"` as unreadable inline code. 5: a `.terraform` folder beside
Terraform the gate reads is refused (or its `modules/` read as the modules they are), and
a module call from outside the bundle counts as something that always runs. 6: attribute a
file to every function whose code holds it (the handler's function first, for display),
as `_contains` does for other files. 7: pass `gate ls --format json` through
`no_workflow_commands` (JSON escapes neither `##[` nor `::`), as `write_report` does.

Also tried, and the gate held: the `gate check` console report, `--verbose` and
`--format json` to stdout with a function named `##[add-mask]orders` (escaped `##\\[`);
the baselines above (the planted code in src/, in fn.zip, or in literal `source {}`
blocks: B605); diff mode with the legacy file a helper of Job that the new function
imports (new: blocks). Read, and judged sound without a case: `_read_called` stops at
`MAX_MODULE_DEPTH` with "read by nothing here", which counts always (a module cycle cannot
hide); variables cannot name resources in Terraform, so `var.` defaults add nothing to a
chain; `_uploaded` through locals; the findings cache's Terraform part (every `.tf`,
`.tfvars` and `.hcl` file of the bundle in one part, checkov's reach for local modules)
and the dependency audit's `key_files` (requirements files followed through `-r`/`-c`).

Not covered: the findings cache against checkov's serverless parser resolving
`${file(../shared/x.yml)}` from another folder's cache part (its admin-policy and
credential checks on included text; the gate's own whole-bundle rules judge the same
statements, so a stale checkov answer was not shown to pass); a function renamed or two
functions' names swapped in diff mode (identity is the IaC address or logical ID: a
rewritten `aws_lambda_function.this` keeps its findings preexisting by design); provider
binaries in `.terraform/providers` against a `.terraform.lock.hcl` of the bundle (the same
class as 5); `removed` blocks' destroy-time provisioners; module sources `./x//sub` and
`git::file://`; `gate merge` and `gate baseline` output; `terraform.tfvars.json`.

Fixed, each by its class (gate.bundle.discovery.terraform unless said): 1, an external
program (`external`, `shell_script`, `local_command`) and a `local-exec` on any block of
the module count whatever waits for what (`_always`), check blocks' scoped data sources
are the module's (`_blocks`), and an `archive_file` resource is an archive and, waited
for, a writer. 2, every block is merged with its override as Terraform merges it
(`_Builders`). 3, another archive's path, and the function's, are resolved through the
module's values, and one the gate cannot resolve may be any (`_shared_output`,
`_places`); a called module's file counts as written outside its folder unless it is a
literal path in that folder (`_inside`). 4, an archive whose source the gate cannot read,
and one with `dynamic` blocks, is `Unresolved`: a scan error for Python. 5, a
`.terraform` folder beside Terraform is refused (gate.bundle.discovery.read). 6, diff mode
compares every function that deploys a finding's file, then and now (gate.bundle.discovery
`deployed_by`, gate.scan.run `_deployers`). 7, `gate ls --format json` is escaped as JSON,
and every format printed to a stream escapes `##[` in its own syntax (`\\u005b` in JSON,
`&#91;` in XML and HTML), so the report still parses.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import git

from tests.hostile.conftest import (
    CHEAP_POLICY,
    HANG_TIMEOUT_S,
    Sandbox,
    assert_blocks,
    commit,
    committed_repository,
    each_blocked_or_refused,
    each_blocks,
    on_rule,
)
from tests.hostile.test_review25 import HARMLESS
from tests.hostile.test_review26 import ENCODED, PLANTED, SAM, TERRAFORM, terraform
from tests.hostile.test_review29 import (
    INLINE_PLANTED,
    LEGACY_COMMAND,
    NEW_COMMAND,
    PLANTED_SOURCE,
    PREBUILT,
    Layout,
    commands,
    patched_after_archive,
    planted_in_src,
    prebuilt,
    prebuilt_planted,
)

# --- 1. blocks that run or write, which `_Builders` does not count ----------------------------

PLANT_ZIP = f"echo {ENCODED} | base64 -d > sitecustomize.py && zip -j fn.zip sitecustomize.py"
"""Shell that adds the planted code to the prebuilt fn.zip."""
PACKED = (
    '  source {\n    filename = "app.py"\n'
    '    content  = "def handler(event, context):\\n    return {}\\n"\n  }\n'
    f"{PLANTED_SOURCE}"
)
"""The source blocks of an archive of the harmless handler and the planted code."""


def archive_resource(sandbox: Sandbox) -> None:
    """A `resource "archive_file"` (built at apply, not plan) writing the function's
    prebuilt zip, which the function waits for."""
    prebuilt(sandbox)
    sandbox.write(
        "main.tf",
        PREBUILT.replace("  tracing_config", "  depends_on = [archive_file.pack]\n  tracing_config")
        + '\nresource "archive_file" "pack" {\n  type        = "zip"\n'
        f'  output_path = "${{path.module}}/fn.zip"\n{PACKED}}}\n',
    )


def check_block_external(sandbox: Sandbox) -> None:
    """An `external` data source scoped in a `check` block: read at plan, before the
    apply creates the function from fn.zip."""
    prebuilt(sandbox)
    sandbox.write(
        "main.tf",
        PREBUILT + '\ncheck "build" {\n  data "external" "gen" {\n'
        f'    program = ["sh", "-c", "{PLANT_ZIP} >/dev/null; echo {{}}"]\n  }}\n'
        '  assert {\n    condition     = true\n    error_message = "unreachable"\n  }\n}\n',
    )


def own_provisioner(sandbox: Sandbox) -> None:
    """A `local-exec` on the function itself that deploys another zip once it exists."""
    prebuilt(sandbox)
    sandbox.write(
        "main.tf",
        PREBUILT.replace(
            "  tracing_config",
            f'  provisioner "local-exec" {{\n    command = "{PLANT_ZIP} && aws lambda '
            'update-function-code --function-name orders --zip-file fileb://fn.zip"\n  }\n'
            "  tracing_config",
        ),
    )


# --- 2. override files merged into blocks other than archives ---------------------------------


def override_drops_provisioner(sandbox: Sandbox) -> None:
    """override.tf sets `triggers` of the null_resource the function waits for; Terraform
    keeps its `local-exec` (review 29's `patched_after_archive`)."""
    patched_after_archive(sandbox)
    sandbox.write(
        "override.tf", 'resource "null_resource" "patch" {\n  triggers = { always = "1" }\n}\n'
    )


def override_drops_depends_on(sandbox: Sandbox) -> None:
    """override.tf sets `timeout` of the function; Terraform keeps its `depends_on`."""
    patched_after_archive(sandbox)
    sandbox.write("override.tf", 'resource "aws_lambda_function" "fn" {\n  timeout = 10\n}\n')


# --- 3. paths the gate does not work out ------------------------------------------------------


def second_archive(output_path: str) -> Layout:
    """Review 29's second archive_file writing the function's zip after its own, with its
    `output_path` written as `output_path`."""

    def layout(sandbox: Sandbox) -> None:
        terraform(
            sandbox,
            '\nvariable "zip" {\n  default = "build/fn.zip"\n}\n\n'
            'data "archive_file" "extra" {\n  type        = "zip"\n'
            f"  output_path = {output_path}\n"
            f"  depends_on  = [data.archive_file.fn]\n{INLINE_PLANTED}}}\n",
        )

    return layout


def child_module(output_path: str, argument: str = "") -> Layout:
    """Review 29's child module whose archive_file writes the root's fn.zip at plan, its
    `output_path` written as `output_path` (`argument`: what the call passes)."""

    def layout(sandbox: Sandbox) -> None:
        prebuilt(sandbox)
        sandbox.write(
            "main.tf", PREBUILT + f'\nmodule "pack" {{\n  source = "./pack"\n{argument}}}\n'
        )
        sandbox.write(
            "pack/main.tf",
            'variable "out" {\n  default = ""\n}\n\n'
            'data "archive_file" "pack" {\n  type        = "zip"\n'
            f"  output_path = {output_path}\n{PACKED}}}\n",
        )

    return layout


# --- 4. an archive whose source the gate cannot read ------------------------------------------

LITERAL_PLANTED = PLANTED.replace("\n", "\\n")
"""The planted code as an HCL string literal."""
INLINE_FILES = (
    '    "app.py"           = "def handler(event, context):\\n    return {}\\n"\n'
    f'    "sitecustomize.py" = "{LITERAL_PLANTED}"\n'
)


def literal_sources(sandbox: Sandbox) -> None:
    """The baseline: the same code in literal `source {}` blocks (staged, scanned)."""
    terraform(sandbox)
    blocks = "".join(
        f'  source {{\n    filename = "{name}"\n    content  = "{text}"\n  }}\n'
        for name, text in (
            ("app.py", "def handler(event, context):\\n    return {}\\n"),
            ("sitecustomize.py", LITERAL_PLANTED),
        )
    )
    sandbox.write(
        "main.tf", TERRAFORM.replace('  source_dir  = "${path.module}/src"\n', blocks) % ""
    )


def dynamic_sources(sandbox: Sandbox) -> None:
    """The same files written by a `dynamic "source"` block from a local map."""
    terraform(sandbox)
    dynamic = (
        '  dynamic "source" {\n    for_each = local.files\n    content {\n'
        "      filename = source.key\n      content  = source.value\n    }\n  }\n"
    )
    sandbox.write(
        "main.tf",
        TERRAFORM.replace('  source_dir  = "${path.module}/src"\n', dynamic) % ""
        + f"\nlocals {{\n  files = {{\n{INLINE_FILES}  }}\n}}\n",
    )


# --- 5. a module terraform init does not fetch ------------------------------------------------

MODULES_JSON = (
    '{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"pack","Source":'
    '"registry.terraform.io/acme/pack/aws","Version":"1.0.0","Dir":".terraform/modules/pack"}]}\n'
)


def installed_module(sandbox: Sandbox) -> None:
    """A registry module call whose module the bundle ships installed in .terraform/."""
    prebuilt(sandbox)
    sandbox.write(
        "main.tf",
        PREBUILT + '\nmodule "pack" {\n  source  = "acme/pack/aws"\n  version = "1.0.0"\n}\n',
    )
    sandbox.write(".terraform/modules/modules.json", MODULES_JSON)
    sandbox.write(
        ".terraform/modules/pack/main.tf",
        'data "archive_file" "pack" {\n  type        = "zip"\n'
        f'  output_path = "${{path.root}}/fn.zip"\n{PACKED}}}\n',
    )


IN_SRC = planted_in_src(terraform)
# name: (the bundle without the trick, the planted code already deployed; with the trick)
TRICKS: dict[str, tuple[Layout, Layout]] = {
    "archive-file-resource": (prebuilt_planted, archive_resource),
    "check-block-external": (prebuilt_planted, check_block_external),
    "function-own-provisioner": (prebuilt_planted, own_provisioner),
    "override-keeps-provisioner": (IN_SRC, override_drops_provisioner),
    "override-keeps-depends-on": (IN_SRC, override_drops_depends_on),
    "second-archive-variable-path": (IN_SRC, second_archive("var.zip")),
    "second-archive-abspath": (IN_SRC, second_archive('"${abspath(path.module)}/build/fn.zip"')),
    "child-module-path-argument": (
        prebuilt_planted,
        child_module("var.out", '  out    = "${path.module}/fn.zip"\n'),
    ),
    "child-module-format-path": (prebuilt_planted, child_module('format("%s/fn.zip", path.root)')),
    "archive-dynamic-source": (literal_sources, dynamic_sources),
    "installed-registry-module": (prebuilt_planted, installed_module),
}


def test_the_code_each_trick_deploys_blocks(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: the same bundle without the trick, the
    code it would put in the deployed zip already there, blocks (B605)."""
    layouts = {name: plain for name, (plain, _) in TRICKS.items()}
    each_blocks(tmp_path, on_rule("B605", layouts))


def test_code_terraform_puts_in_the_function_is_scanned_or_refused(tmp_path: Path) -> None:
    """Terraform deploys code the gate never read: the run must not pass."""

    each_blocked_or_refused(tmp_path, {trick: case[1] for trick, case in sorted(TRICKS.items())})


# --- 6. diff mode: a handler file belongs to its own function alone ---------------------------

LEGACY = "import os\n\n\ndef handler(event, context):\n    os.system(os.environ.get('X', ''))\n"
"""A legacy function's code on main: a shell call diff mode lets live."""
CALLER = (
    "from admin import handler as run\n\n\ndef handler(event, context):\n"
    "    return run(event, context)\n"
)
"""The change's new function: it runs the legacy code."""


def job_template(handler: str, api: bool) -> str:
    """Job deploys src/ with `handler`; with `api`, a second function Api deploys src/."""
    text = SAM.replace("  Fn:", "  Job:") + (
        f"      CodeUri: src/\n      Handler: {handler}.handler\n      Runtime: python3.12\n"
    )
    if api:
        text += (
            "  Api:\n    Type: AWS::Serverless::Function\n    Properties:\n"
            "      CodeUri: src/\n      Handler: api.handler\n      Runtime: python3.12\n"
        )
    return text


def job_repository(sandbox: Sandbox, handler: str) -> git.Repo:
    """main: one function, Job, deploying src/ with src/admin.py (the shell call), its
    handler file when `handler` is "admin"; on branch `change`, a new function Api that
    deploys src/ too and calls admin.py."""
    sandbox.write("template.yaml", job_template(handler, api=False))
    sandbox.write("src/admin.py", LEGACY)
    sandbox.write("src/job.py", HARMLESS)
    repository = committed_repository(sandbox, "legacy")
    repository.git.checkout("-b", "change")
    sandbox.write("template.yaml", job_template(handler, api=True))
    sandbox.write("src/api.py", CALLER)
    commit(repository, "a new function on the job's code")
    return repository


def test_a_new_function_deploying_a_legacy_helper_blocks(sandbox: Sandbox) -> None:
    """The baseline (review 29's fix): admin.py is no function's handler, so Api deploying
    it makes its B605 new."""
    job_repository(sandbox, "job")
    run = sandbox.run("--diff-base", "main")
    assert_blocks(run)
    assert "B605" in run.stdout, run.stdout[-2000:]


def test_a_new_function_deploying_a_legacy_handler_file_blocks(sandbox: Sandbox) -> None:
    """admin.py is Job's handler on main; the change adds Api, which deploys and runs it:
    the finding is in code more functions deploy than at the merge base."""
    job_repository(sandbox, "admin")
    run = sandbox.run("--diff-base", "main")
    assert_blocks(run)


# --- 7. `gate ls --format json` ---------------------------------------------------------------

SERVICE = """\
service: orders
provider:
  name: aws
  runtime: python3.12
functions:
  "##[add-mask]orders":
    handler: app.handler
  "::stop-commands::tok":
    handler: app.handler
"""


def listed(sandbox: Sandbox, *args: str) -> str:
    """What `gate ls BUNDLE ARGS...` prints, run as a CI step runs it."""
    sandbox.write("serverless.yml", SERVICE)
    sandbox.write("app.py", HARMLESS)
    before = sandbox.digest()
    done = subprocess.run(
        [sys.executable, "-m", "gate", "ls", str(sandbox.bundle), *args],
        cwd=sandbox.cwd,
        env=sandbox.environment({"GITHUB_ACTIONS": "true"}),
        capture_output=True,
        text=True,
        errors="replace",
        timeout=HANG_TIMEOUT_S,
        check=False,
    )
    assert sandbox.digest() == before and not list(sandbox.cwd.iterdir())
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "add-mask" in done.stdout and "stop-commands" in done.stdout, done.stdout
    return done.stdout + done.stderr


def test_gate_ls_escapes_workflow_commands(sandbox: Sandbox) -> None:
    """The baseline: the console listing escapes both forms."""
    output = listed(sandbox, "--policy", str(sandbox.policy(CHEAP_POLICY)))
    assert not commands(output, LEGACY_COMMAND) and not commands(output, NEW_COMMAND), output


def test_gate_ls_json_holds_no_workflow_command(sandbox: Sandbox) -> None:
    """The JSON listing, one name on a line of its own, must hold no `##[` command."""
    output = listed(sandbox, "--policy", str(sandbox.policy(CHEAP_POLICY)), "--format", "json")
    assert not commands(output, LEGACY_COMMAND), output
