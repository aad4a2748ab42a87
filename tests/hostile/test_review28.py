"""A twenty-eighth hostile review of `gate check`, on what a deploy's build does before it
packages a Python function: what `npm ci` runs before `sls package`, Serverless service
files written as programs, serverless-python-requirements' caches and vendor folders, a
Serverless function's container image, SAM's build methods, what a Dockerfile's base
image and a plain `COPY` put in an image, and pip sources named through the environment.

Each attack is a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks (bandit's B605 on the file the
trick puts in the deployed code, already there). Every attack exited 0 with the hostile
harness's policy (checkov off) and, by hand, with the default policy (checkov on). What
lets each through:

1. npm runs the service's package.json before `sls package`. A Serverless pipeline runs
   `npm ci` (or `npm install`) to get the Framework and its plugins, and npm runs the
   root package's `preinstall`/`install`/`postinstall`/`prepare` scripts, and the install
   scripts of every dependency it unpacks, a tarball of the bundle
   (`"boot": "file:tools/boot-1.0.0.tgz"`) included: `"postinstall": "node
   tools/setup.js"` writes a sitecustomize.py into the service folder, which the
   Framework then zips. The gate already reads that package.json as the deploy's, for
   the plugins npm links from a folder (gate.bundle.discovery.serverless
   `_local_packages`, `build_programs`, judged by read.py `_built_by`), but reads neither
   its `scripts` nor what a non-plugin local dependency runs: tools/setup.js, or the
   tarball, is counted not analysed (a warning).
2. A Serverless service written as a program. The Framework loads serverless.ts (or .js,
   .cjs, .mjs) with `require`, running it before it packages anything, exactly as it runs
   a `${file(./x.js)}` variable (a scan error since review 26); the gate warns
   `not-analysed` and passes (gate.bundle.discovery.read `IacReader._unread`,
   `SERVERLESS_PROGRAMS`). A serverless.ts that writes sitecustomize.py at load (and
   declares a python3.12 function) exits 0. tests/hostile/test_discovery.py
   `test_a_serverless_program_is_warned_and_can_fail` records that design (warned,
   exit 0); the promise that code a build step runs is a scan error or refused says
   otherwise, and no function can carry the scan error here, so it must refuse.
3. serverless-python-requirements installs from folders the gate does not take as the
   function's code. Its static cache (`useStaticCache`, on by default) is looked up in
   `cacheLocation` under `<sha256 of the generated requirements.txt>_<arch>_slspyc/`;
   when that folder holds `.completed_requirements`, the plugin injects it as the
   installed requirements and runs no pip (lib/pip.js `installRequirementsIfNeeded`).
   `cacheLocation: ../cdk.out/spr` names a folder the gate ignores (build-output), so
   its six.py is deployed and read by nothing (the same holds for `useDownloadCache`,
   pip's cache in `cacheLocation`, and any folder the policy excludes). And `vendor`,
   whose files the plugin copies into the package root, is a reference of kind `folder`
   that is only checked not to leave the bundle or lie in an ignored folder
   (gate.bundle.discovery.serverless `python_requirements`, references `refusal`): it
   never joins the function's code, so with the service in svc/ and `vendor: ../libs`,
   a forged `telemetry-1.0.dist-info/RECORD` makes libs/telemetry.py third-party (in the
   code folder it is `undeclared-package` and scanned), and a policy `exclude` of the
   folder hides it (in the code folder it is brought back).
4. A Serverless function's container image built from the bundle. `functions.api.image:
   {name: appimage}` with `provider.ecr.images.appimage.path: ./` makes the Framework
   `docker build` the service folder's Dockerfile, `RUN` steps and all; the gate takes
   the function's code as elsewhere, "a container image" (gate.bundle.discovery
   .serverless `read_serverless`: `if "image" in spec`), and never reads the Dockerfile
   the way it reads a SAM image function's (`Declared.dockerfile`,
   gate.bundle.discovery.dockerfile `image_programs`).
5. SAM builds a Python function with another workflow. `Metadata: BuildMethod:
   nodejs20.x` on a `Runtime: python3.12` function: `sam build` picks the build method
   before the runtime (samcli.lib.build.workflow_config `get_selector`), so the npm
   workflow runs `npm pack` and `npm install` on CodeUri's package.json, whose
   `postinstall` writes into the artifact. Only `makefile` is judged
   (gate.bundle.discovery.cloudformation `_made`); `esbuild`, `python-uv` (uv, with its
   own sources and configuration), `dotnet`, `rust-cargolambda` and every `nodejs*`/
   `ruby*`/`java*` name are read as the pip build of the runtime.
6. What a Dockerfile the allow-list accepts still puts in the image. `FROM` is an option
   whatever image it names (gate.bundle.discovery.dockerfile `_OPTIONS`): `FROM
   ghcr.io/attacker/lambda-python:3.12` brings the attacker's site-packages, while `COPY
   --from` that same image is refused and serverless-python-requirements' non-AWS
   `dockerImage` is a scan error; the README says nothing of base images being trusted
   (only the module's docstring calls them third-party). And a `COPY` of a context file
   may rename it: `COPY boot.txt ${LAMBDA_TASK_ROOT}/sitecustomize.py` deploys Python
   the gate read as a text file (`_plain_copy` looks at the source's origin only; the
   context is scanned as the code, by its own names).
7. A pip source named through the environment the bundle knows. pip expands `${NAME}` in
   a requirements file from the environment, and the Framework `${env:NAME}`; in CI
   `PWD` (or `GITHUB_WORKSPACE`, `CI_PROJECT_DIR`, `CODEBUILD_SRC_DIR`) is the checkout,
   the bundle. `--find-links ${PWD}/wheels` with `--no-index` in src/requirements.txt,
   or `pipCmdExtraArgs: ['--find-links', '${env:PWD}/wheels']`, installs the bundle's
   wheels/six-1.16.0-*.whl, while `../wheels` is refused: a value starting with `${` is
   taken for the runner's (gate.bundle.manifests.requirements `local_source`;
   gate.bundle.discovery.serverless `_local_sources` exempts `${env:`).

Suggested fixes, by class. 1, 2, 4 and 5: one list of what the deploy's build runs, fed
by every reader, each entry a part the gate cannot follow (a scan error for a Python
function, accepted by `leave_out` once read): for a Serverless service, its package.json's
install-time scripts (`preinstall`, `install`, `postinstall`, `prepare`, and the
`pre`/`post` forms npm runs) and any dependency installed from a file, folder, tarball or
git URL (not only plugins); a service file that is a program refused outright (no function
can carry the error), unless the policy excludes it; a Serverless image function read
like SAM's (`provider.ecr.images.<name>.path`, `file`, `buildArgs`: its Dockerfile through
`image_programs`); any SAM/CloudFormation `BuildMethod` other than the function's own
Python runtime name (an allow-list, as for Dockerfile steps). 3: every folder
serverless-python-requirements installs or copies from is a part of each function's code,
or refused: `vendor` joins the code places (so `exclude` and third-party proofs work
as they do in the code folder), and a `cacheLocation` in the bundle (with `useStaticCache`
or `useDownloadCache`, both on by default) is refused, or its `*_slspyc` folders read as
the function's code. 6: allow `FROM` only AWS's Lambda base images (or a stage of the same
file), resolving `ARG` defaults and `Metadata.DockerBuildArgs`; accept a `COPY` only when
each destination keeps the source's name and type (a destination ending in `/`, or the
same file name), otherwise a part the gate cannot follow; document that base images are
trusted if any are. 7: a pip source (requirements file, `pipCmdExtraArgs`, the plugin's
docker options) whose value holds any variable is unresolved, so refused, unless the
whole value is one variable (`${PIP_FIND_LINKS}`, `${env:X}`) and nothing of the bundle
is appended to it.

Also tried, and the gate held: a SAM image function whose `Metadata.Dockerfile` leaves its
context for a file outside the bundle (`../../Dockerfile`: a scan error) or whose
`DockerContext` is `../` (refused); the baselines above (Python the trick would deploy,
planted in the bundle: blocks, B605; a sitecustomize.py beside a serverless.ts or a
Serverless image function is scanned as a file of the bundle); a CDK app (cdk.json, a
Python stack whose `Code.from_asset` bundling command writes into `/asset-output`) is
read as no IaC at all: every file is scanned, and the README does not claim CDK (nor
Zappa, whose `zappa_settings.json` no reader knows: read, not run; see below); with
checkov on, a base64 payload in serverless.ts is a secret finding (high entropy), which
blocks by chance, so the case writes the Python as it is (exit 0 either way). Read,
and judged sound without a case: `provider.environment` (`PIP_FIND_LINKS` there is the
function's environment on Lambda, not pip's at build time); `dockerEnv` and
`dockerRunCmdExtraArgs` (the container mounts the plugin's working folder and its download
cache only, so a local source needs `cacheLocation`, attack 3, or an absolute host path
from the environment, attack 7); a remote `--index-url https://...` (a server, like any
index: the gate trusts packages by name wherever they come from, as it trusts a plugin from
npm); Chalice's `vendor/` (inside the project, so the code: review 24 held it) and a
Chalice app writing files when `chalice package` imports it (that is obfuscated code in
scanned Python, the same as at run time); `AWS::Serverless::Application` and
`AWS::Include` with a local file (read and inlined: earlier reviews).

Not covered: a CDK app or a Zappa project says nothing (no `not-analysed` warning as a
serverless.ts gets, no "0 functions" note): a pipeline deploying either passes whatever
its bundling command or `prebuild_script` writes; the README names the IaC it reads, so
this is a gap in scope rather than a broken promise, but a `cdk.json` or
`zappa_settings.json` beside Python should at least be warned. `package.patterns`/
`include` naming `../` files outside the service folder (whether the Framework v3 zips
them was not established offline); `.npmrc` in the service folder (`node-options=
--require ./x.js`, `script-shell`), which npm reads for `npm ci` and `npx`; a layer built
with a non-Python `BuildMethod`; uv's `[tool.uv.sources]` and `uv.toml` under `BuildMethod:
python-uv` (the same class as 5 and 7); diff mode, shards and `gate merge` against these
bundles.

Fixed, each by its class: 1, npm's install scripts in the service's package.json
(`preinstall`, `install`, `postinstall`, `prepare` and their kin) and every package it
installs from the bundle are parts of each function the gate cannot follow
(gate.bundle.discovery.serverless `_npm_programs`). 2, a service written as a program beside
Python code is refused (gate.bundle.discovery.read `_unread`); beside none it is still
warned. 3, a `cacheLocation` other than an absolute path written out is a part the gate
cannot follow, and `vendor` folders join each function's code places, where a RECORD at
their top proves nothing a manifest there does not declare (gate.bundle.staging.thirdparty).
4, a Serverless image `provider.ecr.images` builds is its folder, its Dockerfile read as
SAM's (`_image`). 5, any `BuildMethod` but pip's for a Python runtime is a part the gate
cannot follow (gate.bundle.discovery.cloudformation `_other_workflow`). 6, a `FROM` other
than AWS's Lambda images or an earlier stage, and a `COPY` that renames a file, are steps
the gate cannot follow (gate.bundle.discovery.dockerfile `_known_base`, `_plain_copy`); an
image function's runtime is its AWS base image's. 7, a pip source that is a path built on
a variable is a local source (gate.bundle.manifests.requirements `local_source`), in a
requirements file and in `pipCmdExtraArgs` alike.
"""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    CHEAP_POLICY,
    Sandbox,
    each_blocked_or_refused,
    each_blocks,
    on_rule,
    with_file,
)
from tests.hostile.test_review25 import HARMLESS, SERVICE
from tests.hostile.test_review26 import (
    ENCODED,
    PLANTED,
    SAM_ZIP,
    WRITE_JS,
    service,
)
from tests.hostile.test_review27 import (
    CMD,
    EXCLUDING_WHEELS,
    FROM,
    image,
    python_requirements,
    sam_wheels,
)

Layout = Callable[[Sandbox], None]
WRITE_SITECUSTOMIZE = f"({WRITE_JS})();\n"
"""A Node.js script that writes a sitecustomize.py (PLANTED) into its working folder."""

# --- 1. npm runs the service's package.json -------------------------------------------------


def npm_script(event: str) -> Layout:
    """The service's package.json runs tools/setup.js on npm's `event`."""

    def layout(sandbox: Sandbox) -> None:
        service(sandbox)
        sandbox.write(
            "package.json",
            f'{{"name": "orders", "private": true, "scripts": {{"{event}": '
            '"node tools/setup.js"}, "devDependencies": {"serverless": "^3.38.0"}}\n',
        )
        sandbox.write("tools/setup.js", WRITE_SITECUSTOMIZE)

    return layout


def npm_tarball(sandbox: Sandbox) -> None:
    """A dependency npm installs from a tarball of the bundle, whose postinstall writes
    into the folder npm was run in (INIT_CWD)."""
    service(sandbox)
    sandbox.write(
        "package.json",
        '{"name": "orders", "private": true, "devDependencies": '
        '{"serverless": "^3.38.0", "boot": "file:tools/boot-1.0.0.tgz"}}\n',
    )
    files = {
        "package/package.json": (
            '{"name": "boot", "version": "1.0.0", "scripts": {"postinstall": "node boot.js"}}\n'
        ),
        "package/boot.js": WRITE_SITECUSTOMIZE.replace(
            "'sitecustomize.py'", "process.env.INIT_CWD + '/sitecustomize.py'"
        ),
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, text in files.items():
            member = tarfile.TarInfo(name)
            member.size = len(text.encode())
            archive.addfile(member, io.BytesIO(text.encode()))
    sandbox.write("tools/boot-1.0.0.tgz", buffer.getvalue())


# --- 2. a service written as a program ----------------------------------------------------------

SERVICE_TS = """\
%smodule.exports = {
  service: 'orders',
  frameworkVersion: '3',
  provider: { name: 'aws', runtime: 'python3.12', tracing: { lambda: true } },
  functions: { api: { handler: 'app.handler' } },
};
"""


def service_ts(sandbox: Sandbox) -> None:
    """A service in serverless.ts, writing nothing."""
    sandbox.write("serverless.ts", SERVICE_TS % "")
    sandbox.write("app.py", HARMLESS)


def service_ts_writing(sandbox: Sandbox) -> None:
    """The same serverless.ts, writing sitecustomize.py as the Framework loads it."""
    sandbox.write("serverless.ts", SERVICE_TS % WRITE_SITECUSTOMIZE)
    sandbox.write("app.py", HARMLESS)


# --- 3. serverless-python-requirements installs from outside the code --------------------------


def requirements_service(settings: str = "", imports: str = "six") -> Layout:
    """A service in svc/ whose requirements the plugin installs, with `settings` (YAML
    under `custom.pythonRequirements`), its handler importing `imports`."""

    def layout(sandbox: Sandbox) -> None:
        plugin = "plugins:\n  - serverless-python-requirements\ncustom:\n  pythonRequirements:\n"
        sandbox.write(
            "svc/serverless.yml",
            SERVICE.replace("functions:", f"{plugin}    dockerizePip: false\n{settings}functions:"),
        )
        sandbox.write("svc/app.py", f"import {imports}  # noqa: F401\n\n\n" + HARMLESS)
        sandbox.write("svc/requirements.txt", "six==1.16.0\n")

    return layout


# The folder the plugin's static cache is looked up in: the sha256 of the requirements.txt
# it generates (comments and options dropped, sorted), then the architecture.
STATIC_CACHE = hashlib.sha256(b"six==1.16.0\n").hexdigest() + "_x86_64_slspyc"


def static_cache(sandbox: Sandbox) -> None:
    requirements_service("    cacheLocation: ../cdk.out/spr\n")(sandbox)
    sandbox.write(f"cdk.out/spr/{STATIC_CACHE}/.completed_requirements", "")
    sandbox.write(f"cdk.out/spr/{STATIC_CACHE}/requirements.txt", "six==1.16.0\n")
    sandbox.write(f"cdk.out/spr/{STATIC_CACHE}/six.py", PLANTED)


def vendored(folder: str, record: bool) -> Layout:
    """`vendor: ../<folder>`, holding telemetry.py (PLANTED), with a RECORD proving it."""

    def layout(sandbox: Sandbox) -> None:
        requirements_service(f"    vendor: ../{folder}\n", "telemetry")(sandbox)
        sandbox.write(f"{folder}/telemetry.py", PLANTED)
        if record:
            digest = hashlib.sha256(PLANTED.encode()).digest()
            encoded = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            info = f"{folder}/telemetry-1.0.dist-info"
            sandbox.write(
                f"{info}/METADATA", "Metadata-Version: 2.1\nName: telemetry\nVersion: 1.0\n"
            )
            sandbox.write(
                f"{info}/RECORD",
                f"telemetry.py,sha256={encoded},{len(PLANTED)}\n"
                "telemetry-1.0.dist-info/METADATA,,\ntelemetry-1.0.dist-info/RECORD,,\n",
            )

    return layout


EXCLUDING_TESTS = CHEAP_POLICY + 'exclude: ["tests/**"]\n'

# --- 4. a Serverless function's image built from the bundle --------------------------------------

SERVICE_IMAGE = """\
service: orders
frameworkVersion: '3'
provider:
  name: aws
  tracing: {lambda: true}
  ecr:
    images:
      appimage:
        path: ./
functions:
  api:
    image:
      name: appimage
"""


def ecr_image(sandbox: Sandbox, steps: str = "") -> None:
    """A Serverless image function the Framework builds from the service's Dockerfile
    (with `steps` before its CMD)."""
    sandbox.write("serverless.yml", SERVICE_IMAGE)
    sandbox.write("app.py", HARMLESS)
    sandbox.write("Dockerfile", f"{FROM}{steps}{CMD}")


def ecr_image_run(sandbox: Sandbox) -> None:
    run = f"RUN echo {ENCODED} | base64 -d > ${{LAMBDA_TASK_ROOT}}/sitecustomize.py\n"
    ecr_image(sandbox, run)


# --- 5. SAM builds a Python function with the npm workflow ---------------------------------------


def sam_zip(sandbox: Sandbox) -> None:
    sandbox.write("template.yaml", SAM_ZIP)
    sandbox.write("src/app.py", HARMLESS)


def sam_npm_build(sandbox: Sandbox) -> None:
    sandbox.write("template.yaml", SAM_ZIP + "    Metadata:\n      BuildMethod: nodejs20.x\n")
    sandbox.write("src/app.py", HARMLESS)
    sandbox.write(
        "src/package.json",
        '{"name": "fn", "version": "1.0.0", "private": true, '
        '"scripts": {"postinstall": "node boot.js"}}\n',
    )
    sandbox.write("src/boot.js", WRITE_SITECUSTOMIZE)


# --- 6. what an accepted Dockerfile puts in the image --------------------------------------------


def base_image(sandbox: Sandbox) -> None:
    image(
        sandbox,
        "FROM ghcr.io/attacker/lambda-python:3.12\nCOPY . ${LAMBDA_TASK_ROOT}\n" + CMD,
    )


def copy_renamed(sandbox: Sandbox) -> None:
    image(sandbox, f"{FROM}COPY boot.txt ${{LAMBDA_TASK_ROOT}}/sitecustomize.py\n{CMD}")
    sandbox.write("src/boot.txt", PLANTED)


# --- 7. a pip source named through the environment -----------------------------------------------


def requirements_pwd(sandbox: Sandbox) -> None:
    sam_wheels(sandbox, "--no-index\n--find-links ${PWD}/wheels\nsix==1.16.0\n")


# name: (the bundle without the trick, with it, where it puts code, the policy)
TRICKS: dict[str, tuple[Layout, Layout, str, str]] = {
    "npm-postinstall": (service, npm_script("postinstall"), "sitecustomize.py", CHEAP_POLICY),
    "npm-prepare": (service, npm_script("prepare"), "sitecustomize.py", CHEAP_POLICY),
    "npm-tarball-dependency": (service, npm_tarball, "sitecustomize.py", CHEAP_POLICY),
    # The baseline is the service as YAML: a serverless.ts beside Python is refused.
    "serverless-ts": (service, service_ts_writing, "sitecustomize.py", CHEAP_POLICY),
    "spr-static-cache": (
        requirements_service(), static_cache, "svc/six.py", CHEAP_POLICY,
    ),
    "spr-vendor-record": (
        requirements_service(imports="telemetry"), vendored("libs", record=True),
        "svc/telemetry.py", CHEAP_POLICY,
    ),
    "spr-vendor-excluded": (
        requirements_service(imports="telemetry"), vendored("tests/vendor", record=False),
        "svc/telemetry.py", EXCLUDING_TESTS,
    ),
    "serverless-ecr-image": (ecr_image, ecr_image_run, "sitecustomize.py", CHEAP_POLICY),
    "sam-build-method-nodejs": (sam_zip, sam_npm_build, "src/sitecustomize.py", CHEAP_POLICY),
    "dockerfile-base-image": (image, base_image, "src/sitecustomize.py", CHEAP_POLICY),
    "dockerfile-copy-renamed": (image, copy_renamed, "src/sitecustomize.py", CHEAP_POLICY),
    "requirements-pwd": (sam_wheels, requirements_pwd, "src/six.py", CHEAP_POLICY),
    "pip-args-env-pwd": (
        python_requirements(),
        python_requirements("    pipCmdExtraArgs: ['--find-links', '${env:PWD}/wheels']\n"),
        "six.py",
        EXCLUDING_WHEELS,
    ),
}  # fmt: skip


@pytest.mark.parametrize("policy", [CHEAP_POLICY, EXCLUDING_WHEELS, EXCLUDING_TESTS])
def test_the_code_each_trick_puts_in_blocks(tmp_path: Path, policy: str) -> None:
    """The baselines, in one run of every bundle under one policy: the same bundle without
    the trick, the file it would put in the deployed code already there, blocks (B605)."""

    layouts = {
        name: with_file(plain, planted, PLANTED)
        for name, (plain, _, planted, own) in TRICKS.items()
        if own == policy
    }
    each_blocks(tmp_path, on_rule("B605", layouts), policy)


@pytest.mark.parametrize("policy", [CHEAP_POLICY, EXCLUDING_WHEELS, EXCLUDING_TESTS])
def test_code_the_build_puts_in_is_scanned_or_refused(tmp_path: Path, policy: str) -> None:
    """The deploy's build puts code the gate never read into the function: the run must
    not pass (the tricks checked under one policy at a time, each under its own)."""
    layouts = {
        name: tricked for name, (_, tricked, _, own) in sorted(TRICKS.items()) if own == policy
    }
    each_blocked_or_refused(tmp_path, layouts, policy)
