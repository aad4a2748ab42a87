"""A ninth hostile review of `gate check`: ways around the fixes of 7e1ba9c (a wrapper is
Python only when its `#!` line runs python, programs under junk names copied, unreadable
startup settings failing closed where programs could run, `.pth` import lines refused)
and around the values the IaC rules take a template's parameters and a service's
variables for.

Each case was a confirmed problem; the test says what the gate must do, a baseline
beside it shows the same bundle without the trick blocks (or is refused), and its
docstring says what the gate once did. The fixes, by class: a `#!` line runs python
only when the kernel would start python (its first word, `..` resolved, or `env`
running python); the programs a function's environment could start are found in the
bundle as it is (hidden ones, and any file with an execute bit: gate.bundle.staging.programs);
a value built from a template parameter stands for its Default and for whatever the
deploy passes; `.pth` files are read as `site` reads them (a BOM dropped); a
`sitecustomize` is never left out; IAM documents read `!Ref`/`!Sub` of parameter
defaults; `${param:}` stands for every stage's value.
"""

from __future__ import annotations

from pathlib import Path

from tests.hostile.conftest import (
    DEFAULT_POLICY,
    Layout,
    Sandbox,
    assert_refused,
    blocked_or_refused,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review import GOOD_HANDLER, SAM_POLICIES, SLS, STAR_ACTION
from tests.hostile.test_review4 import environment
from tests.hostile.test_review8 import SHELL, SHELL_WRAPPER, START_CODE, START_LINE, sam_wrapper
from tests.hostile.test_staging import TEMPLATE

# --- 1. a `#!` line that names python and runs the shell -------------------------------

# /var/lang/lib/python3.12 is the runtime's standard library folder on every python3.12
# function: the kernel resolves the `..` after it and runs /bin/sh. The rest is the
# shell payload written so that it also parses as Python (one string expression).
PYTHON_IN_THE_PATH = '#!/var/lang/lib/python3.12/../../../../bin/sh\n"""":\n' + SHELL + '"""\n'


def shell_wrapper(sandbox: Sandbox) -> None:
    """The baseline: AWS_LAMBDA_EXEC_WRAPPER=/var/task/wrapper, a `#!/bin/sh` script."""
    sam_wrapper(sandbox, "/var/task/wrapper")


def a_shebang_that_only_mentions_python_is_judged(sandbox: Sandbox) -> None:
    """The wrapper's `#!` line is `/var/lang/lib/python3.12/../../../../bin/sh`: the
    kernel resolves the path (the folder exists in the python3.12 runtime) and runs
    /bin/sh, which runs the same payload as the baseline before the handler (checked by
    hand with the same `..` path: sh ran it, python3 parses the file). The gate sees
    `python` in the `#!` line, takes the wrapper for Python, bandit reads one string
    expression, GATE-IAC-018 is not raised and the file is counted scanned: exit 0,
    with no warning."""
    sam_wrapper(sandbox, "/var/task/wrapper", text=PYTHON_IN_THE_PATH)


# --- 2. a wrapper in a layer, under a name a built-in rule ignores ---------------------

LAYER_WRAPPER = (
    TEMPLATE.format(code="src/", handler="app.handler")
    + "      Layers: [!Ref Tools]\n"
    + "      Environment:\n        Variables:\n          AWS_LAMBDA_EXEC_WRAPPER: /opt/{name}\n"
    + "  Tools:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n"
    + "      ContentUri: layer/\n"
)
# The same wrapper at names a built-in rule ignores; a file without `#!` is run by the
# shell (sh runs an executable text file that execve refuses as a shell script).
IGNORED_NAMES = {
    "scanner-config": (".bandit", SHELL_WRAPPER),
    "build-output": (".serverless/wrapper", SHELL_WRAPPER),
    "apple-double": (".DS_Store", SHELL),
}


def layer_wrapper(sandbox: Sandbox, name: str, text: str) -> None:
    sandbox.write("template.yaml", LAYER_WRAPPER.format(name=name))
    sandbox.write("src/app.py", GOOD_HANDLER)
    sandbox.write(f"layer/{name}", text).chmod(0o755)


def shell_wrapper_in_a_layer(sandbox: Sandbox) -> None:
    """The baseline: AWS_LAMBDA_EXEC_WRAPPER=/opt/wrapper, the shell wrapper at
    layer/wrapper of the function's own layer."""
    layer_wrapper(sandbox, "wrapper", SHELL_WRAPPER)


def test_a_wrapper_in_a_layer_under_an_ignored_name_is_judged(tmp_path: Path) -> None:
    """The wrapper at layer/.bandit, layer/.serverless/wrapper or layer/.DS_Store (no
    `#!`: sh runs it as a script), AWS_LAMBDA_EXEC_WRAPPER=/opt/<that>. `sam deploy`
    zips the layer folder whole (samcli make_zip walks every file, modes kept), Lambda
    unpacks it in /opt, and the runtime runs it as the baseline's before the handler.
    The copy leaves the file out (scanner-config, build-output, apple-double), so
    `_placed` finds no layer holding it, reads the path as a layer from elsewhere: no
    finding, exit 0 (the same file under /var/task is GATE-IAC-018)."""

    def layout(rule: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            name, text = IGNORED_NAMES[rule]
            layer_wrapper(sandbox, name, text)

        return written

    each_blocked_or_refused(tmp_path, {rule: layout(rule) for rule in sorted(IGNORED_NAMES)})


# --- 3. an unreadable wrapper setting, the program under an ignored name ----------------

UNREAD_WRAPPER = (
    environment({"AWS_LAMBDA_EXEC_WRAPPER": "!Ref Wrapper"})
    + "Parameters:\n  Wrapper:\n    Type: String\n"
)


def unread_case(sandbox: Sandbox, name: str, text: str = SHELL_WRAPPER) -> None:
    sandbox.write("template.yaml", UNREAD_WRAPPER)
    sandbox.write("src/app.py", GOOD_HANDLER)
    sandbox.write(f"src/{name}", text).chmod(0o755)


def unread_wrapper_setting_beside_a_shell_script(sandbox: Sandbox) -> None:
    """The baseline (7e1ba9c): AWS_LAMBDA_EXEC_WRAPPER is `!Ref Wrapper`, a parameter
    without a default, and src/wrapper is a `#!/bin/sh` script: GATE-IAC-018."""
    unread_case(sandbox, "wrapper")


def test_a_program_under_an_ignored_name_counts_for_an_unread_setting(tmp_path: Path) -> None:
    """The same script at src/.bandit or src/.serverless/wrapper; `sam deploy
    --parameter-overrides Wrapper=/var/task/.bandit` deploys it as the wrapper (SAM
    zips CodeUri whole). The copy leaves the file out (scanner-config, build-output;
    neither kind is kept for being a program), `_programs` finds nothing unanalysed,
    the unread setting is no finding: exit 0."""

    def layout(name: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            unread_case(sandbox, name)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "0-bandit": layout(".bandit"),
            "1-serverless-wrapper": layout(".serverless/wrapper"),
        },
    )


def test_a_shell_script_without_a_shebang_counts_for_an_unread_setting(sandbox: Sandbox) -> None:
    """The baseline's src/wrapper without its `#!/bin/sh` line (mode 755). The runtime's
    bootstrap runs `exec -- "$wrapper" ...` in sh; execve fails with ENOEXEC and sh runs
    the file as a shell script (POSIX; checked by hand with bash and dash): the same
    payload before the handler. The gate does not take the file for a program, the
    unread setting is no finding: exit 0 (under the default policy checkov's secret
    scan counts the file scanned, so there is not even a not-analysed warning)."""
    unread_case(sandbox, "wrapper", SHELL)
    blocked_or_refused(sandbox.run(policy=None).code)


SAMCONFIG = (
    'version = 0.1\n[default.deploy.parameters]\nstack_name = "orders"\n'
    'parameter_overrides = "Wrapper=/var/task/wrapper"\n'
)
# A wrapper in Python, which the gate scans: it execs the runtime it is given.
PYTHON_WRAPPER = (
    "#!/usr/bin/env python3\nimport os\nimport sys\n\nos.execv(sys.argv[1], sys.argv[1:])\n"
)


def test_a_parameter_default_is_not_the_only_wrapper_judged(sandbox: Sandbox) -> None:
    """AWS_LAMBDA_EXEC_WRAPPER is `!Ref Wrapper`, its Default `/var/task/boot` (a
    `#!/usr/bin/env python3` wrapper, scanned), and the bundle's samconfig.toml, which
    `sam deploy` reads by default, sets `parameter_overrides = "Wrapper=/var/task/wrapper"`:
    the deploy sets the baseline's shell wrapper. The gate judges the default only, finds
    Python, and passes (exit 0, under the default policy too), the shell script only
    counted not analysed."""
    sandbox.write("template.yaml", UNREAD_WRAPPER + "    Default: /var/task/boot\n")
    sandbox.write("samconfig.toml", SAMCONFIG)
    sandbox.write("src/app.py", GOOD_HANDLER)
    sandbox.write("src/boot", PYTHON_WRAPPER).chmod(0o755)
    sandbox.write("src/wrapper", SHELL_WRAPPER).chmod(0o755)
    blocked_or_refused(sandbox.run(policy=None).code)


# --- 4. code the interpreter runs at start, hidden from the copy -----------------------


def python313(sandbox: Sandbox) -> None:
    sandbox.write(
        "template.yaml",
        TEMPLATE.format(code="src/", handler="app.handler").replace("python3.12", "python3.13"),
    )
    sandbox.write("src/app.py", GOOD_HANDLER)


def test_a_pth_import_line_is_refused(sandbox: Sandbox) -> None:
    """The baseline (7e1ba9c): src/boot.pth with one `import` line is refused."""
    python313(sandbox)
    sandbox.write("src/boot.pth", START_LINE)
    assert_refused(sandbox.run(), "boot.pth")


def a_pth_import_line_after_a_bom_is_refused(sandbox: Sandbox) -> None:
    """The same file with a UTF-8 BOM before its `import` line. Python 3.13's `site`
    decodes .pth files with `utf-8-sig` ("Accept BOM markers in .pth files"), so on the
    python3.13 runtime the line is run at every start, before the handler, as the
    baseline's would be. The gate reads `\\ufeffimport ...`, not an import line: the
    file is counted scanned or not analysed, exit 0."""
    python313(sandbox)
    sandbox.write("src/boot.pth", b"\xef\xbb\xbf" + START_LINE.encode())


def sitecustomize_case(sandbox: Sandbox, folder: str) -> None:
    sandbox.write("template.yaml", environment({"PYTHONPATH": f"/var/task/{folder}"}))
    sandbox.write("src/app.py", GOOD_HANDLER)
    sandbox.write(f"src/{folder}/sitecustomize.py", START_CODE)


def sitecustomize_on_the_pythonpath(sandbox: Sandbox) -> None:
    """The baseline: PYTHONPATH=/var/task/lib and src/lib/sitecustomize.py running a
    shell command (bandit B602)."""
    sitecustomize_case(sandbox, "lib")


def test_a_sitecustomize_in_an_ignored_folder_on_the_pythonpath_is_scanned(tmp_path: Path) -> None:
    """The same sitecustomize.py in src/__pycache__ (or .mypy_cache, __MACOSX, .hg),
    PYTHONPATH naming that folder. The runtime starts /var/lang/bin/python3.12 without
    -E or -S, `site` imports `sitecustomize` from the PYTHONPATH folder at start
    (checked by hand: it runs before any other code), so the shell command runs at
    every start with the function's role. The gate counts the file ignored, nothing
    imports it, bandit never reads it: exit 0 with no warning."""

    def layout(folder: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            sitecustomize_case(sandbox, folder)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "0-pycache": layout("__pycache__"),
            "1-mypy-cache": layout(".mypy_cache"),
            "2-macosx": layout("__MACOSX"),
            "3-hg": layout(".hg"),
        },
    )


# --- 5. an action from a template parameter or a service parameter ---------------------

PARAMETER = "Parameters:\n  Act:\n    Type: String\n    Default: '*'\n"


def star_action_written_plainly(sandbox: Sandbox) -> None:
    """The baseline: `Action: '*'` in the function's SAM policy (GATE-IAC-001)."""
    sandbox.write("template.yaml", SAM_POLICIES.format(policies=STAR_ACTION.format(action="'*'")))
    sandbox.write("src/app.py", GOOD_HANDLER)


def star_action_from_a_parameter(action: str) -> Layout:
    """`Action: ACTION` in the function's SAM policy, the parameter `Act` defaulting to
    `'*'`."""

    def layout(sandbox: Sandbox) -> None:
        template = SAM_POLICIES.format(policies=STAR_ACTION.format(action=action))
        sandbox.write("template.yaml", template.replace("Resources:\n", PARAMETER + "Resources:\n"))
        sandbox.write("src/app.py", GOOD_HANDLER)

    return layout


def test_a_star_action_from_a_parameter_default_blocks(tmp_path: Path) -> None:
    """`Action: !Ref Act` (or `{Ref: Act}`, `!Sub '${Act}'`), the parameter's Default
    `'*'`: CloudFormation deploys `Action: '*'` with the default, and README says `!Ref`
    of a parameter's literal Default and `!Sub` of literals are read as what they stand
    for. The gate reads the action `Act` (or `${Act}`), "an IAM action the gate's data
    does not know" at low, or nothing; checkov does not flag it either: exit 0 under the
    default policy."""
    each_blocked_or_refused(
        tmp_path,
        {
            name: star_action_from_a_parameter(action)
            for name, action in {
                "ref": "!Ref Act",
                "ref-map": "{Ref: Act}",
                "sub": "!Sub '${Act}'",
            }.items()
        },
        DEFAULT_POLICY,
    )


SLS_PARAM_ACTION = (
    "  iam:\n    role:\n      statements:\n        - Effect: Allow\n"
    "          Action: {action}\n          Resource: '*'\n"
)


def serverless_star_action(sandbox: Sandbox) -> None:
    """The baseline: `Action: '*'` in provider.iam.role.statements."""
    provider = SLS_PARAM_ACTION.format(action="'*'")
    sandbox.write("serverless.yml", SLS.format(provider=provider, extra=""))
    sandbox.write("app.py", GOOD_HANDLER)


def a_star_action_from_the_services_params(sandbox: Sandbox) -> None:
    """`Action: '${param:act}'` with `params: {default: {act: '*'}}` in serverless.yml:
    the Framework (v3 stage parameters) resolves it from the file alone, for every
    stage, and deploys `Action: '*'`. The gate reads `${param:act}` as "an IAM action
    the gate's data does not know" at low: exit 0."""
    provider = SLS_PARAM_ACTION.format(action="'${param:act}'")
    extra = "params:\n  default:\n    act: '*'\n"
    sandbox.write("serverless.yml", SLS.format(provider=provider, extra=extra))
    sandbox.write("app.py", GOOD_HANDLER)


# --- the baselines, in one run ----------------------------------------------------------

# name: (the bundle, the rule of its blocking finding)
BASELINES: dict[str, tuple[Layout, str]] = {
    "shell-wrapper": (shell_wrapper, "GATE-IAC-018"),
    "shell-wrapper-in-a-layer": (shell_wrapper_in_a_layer, "GATE-IAC-018"),
    "unread-wrapper-setting-beside-a-shell-script": (
        unread_wrapper_setting_beside_a_shell_script, "GATE-IAC-018"),
    "sitecustomize-on-the-pythonpath": (sitecustomize_on_the_pythonpath, "B602"),
    "star-action-written-plainly": (star_action_written_plainly, "GATE-IAC-001"),
    "serverless-star-action": (serverless_star_action, "GATE-IAC-001"),
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
            "shebang-that-only-mentions-python": a_shebang_that_only_mentions_python_is_judged,
            "pth-import-line-after-a-bom-is-refused": a_pth_import_line_after_a_bom_is_refused,
            "star-action-from-the-services-params": a_star_action_from_the_services_params,
        },
    )
