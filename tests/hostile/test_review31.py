"""A thirty-first hostile review of `gate check`, on review 28's fixes: what npm installs and
runs before `sls package` (`_npm_programs`), a Serverless image's Dockerfile (`_image`), a
service written as a program (`_unread`), the runtime an image function is judged by
(`base_runtime`), what a Dockerfile's options and plain `COPY` steps put in an image, pip
sources named by one variable (`local_source`), and CDK and Zappa projects.

Each attack is a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks (bandit's B605 on the code the
trick deploys, put where the gate reads it; for 4, the same startup program named in the
template, GATE-IAC-018). Every attack exited 0 with the hostile harness's policy (checkov
off) and, by hand, with the default policy (checkov on). What npm does was checked with npm
11 offline (local tarballs: each install wrote the sitecustomize.py). What lets each
through:

1. The runtime an image function is judged by is not its image's. `_unbuilt`
   (gate.bundle.discovery) reads a function's Dockerfile only when `analysed_runtime` says
   the function may be Python, taking `item.runtime` first and `base_runtime` only when it
   is None. (a) A Serverless image function with `runtime: nodejs24.x` (its own, or the
   provider's for the service's other functions): `read_serverless` reads `runtime` for an
   image function too, but the Framework sets no `Runtime` for one (compile/functions.js
   sets it only for a `handler`), so the Lambda runs the Python base image, and the
   Dockerfile's `RUN` that writes sitecustomize.py is never judged. (b) A SAM image whose
   `Metadata.DockerBuildTarget` names a Python stage (`FROM public.ecr.aws/lambda/
   python:3.12 AS app`, with the `RUN`) while the file's last stage is
   `FROM public.ecr.aws/lambda/nodejs:24`: `base_runtime` takes the last `FROM`, `sam
   build` builds the target stage.
2. What npm installs from the bundle that `_npm_programs`/`_local_packages`
   (gate.bundle.discovery.serverless) do not read: they know the service package.json's
   `scripts` and the `dependencies`/`devDependencies`/`optionalDependencies` whose spec
   starts with `file:`, `./` and the like. npm also installs (and runs the install scripts
   of) a bare tarball name, `"boot": "boot-1.0.0.tgz"` (npm-package-arg reads a name
   ending in .tgz/.tar.gz/.tar as a file); the root's `peerDependencies` (installed by
   npm 7 and later); an `overrides` entry that swaps a dependency of the Framework for a
   tarball of the bundle (`"chalk": "file:tools/boot-1.0.0.tgz"`); and a
   package-lock.json entry under a registry package whose `resolved` is
   `file:tools/boot-1.0.0.tgz` (`npm ci` trusts the lock's edges; package.json is
   clean). `.npmrc` is not read either: `node-options=--require ./tools/boot.js` makes
   every node process npm starts (the Framework's own postinstall on `npm ci`, and `npx
   serverless deploy`, `npm run deploy`) run the bundle's script first. Nor is a
   package.json in a folder above the service (a monorepo root, where the Framework and
   plugins are installed for svc/, whose postinstall writes into svc/).
3. A service written as a program with no Python beside it. `IacReader._unread`
   (gate.bundle.discovery.read) refuses serverless.ts only when `path.parent.rglob("*.py")`
   finds Python; a serverless.ts declaring a python3.12 function whose handler module it
   writes as the Framework loads it (app.py holding `os.system`) has none, so it is only
   warned (`not-analysed`) and the run passes with 0 functions.
4. Dockerfile options that make the runtime start a program. `ENV` and `ENTRYPOINT` are
   in `_OPTIONS` (gate.bundle.discovery.dockerfile), so `ENV
   AWS_LAMBDA_EXEC_WRAPPER=/var/task/wrap.sh` (wrap.sh running `python3
   /var/task/boot.txt`, Python the gate reads as text) and `ENTRYPOINT ["/bin/sh", "-c",
   "python3 /var/task/boot.txt; exec /lambda-entrypoint.sh ..."]` pass; the same
   variable in the template's `Environment` is GATE-IAC-018 (gate.rules.iac.startup reads
   the IaC's environment only).
5. A plain `COPY` out of a `__pycache__`. `COPY __pycache__/app.py
   ${LAMBDA_TASK_ROOT}/app.py` keeps the file's name, so `_plain_copy` accepts it, but
   replaces the handler module with a Python source the gate ignores: a `.py` in a
   `__pycache__` is left to the bytecode rules (gate.bundle.staging.imports
   `_cache_of_its_own`), which judge bytecode only, so it is never brought back, though
   the function's code holds it.
6. A pip source that is one variable naming the bundle. `local_source`
   (gate.bundle.manifests.requirements) takes a value that is one variable whole
   (`_ONE_VARIABLE`) for the runner's, but `--find-links ${PWD}` (in CI, the checkout: the
   bundle) with `--no-index` installs six-1.16.0-py3-none-any.whl from the bundle's root,
   a file counted not analysed; `${PWD}/wheels` is refused since review 28.
7. A CDK app that is a cloud assembly. `cdk deploy` with cdk.json `{"app": "cdk.out"}`
   skips synthesis and deploys the assembly in cdk.out (the CLI takes an `app` that is a
   folder for a synthesized assembly), its templates and `asset.*` folders; the gate
   ignores cdk.out whole (rule `build-output`), so the Lambda's code in
   cdk.out/asset.abc/app.py is read by nothing; the same assembly under another name
   (assembly/) is read: its template, and app.py, which blocks.

Suggested fixes, by class. 1: judge an image function by its image alone: ignore
`runtime` where the IaC deploys an image (Serverless `image`, `PackageType: Image`), and
take the runtime of the stage the build targets (`DockerBuildTarget`, `--target` in
Serverless `buildOptions`), or of every stage when that cannot be told; a Dockerfile whose
stages mix runtimes is read as Python's. 2: read what npm reads, not one manifest: every
dependency section (`peerDependencies`, `overrides`, `resolutions`) with npm-package-arg's
own rules for a local spec (any `.tgz`/`.tar.gz`/`.tar` name, `git+file:`), the lock files
(package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml) for any `resolved`/
`link` that is a path, `.npmrc` (`node-options`, `script-shell`, `ignore-scripts`),
`.yarnrc.yml` (`yarnPath`, `plugins`) and `.pnpmfile.cjs`, and the same in every folder
from the service up to the bundle's root (and workspace roots): each a part the gate
cannot follow. 3: refuse a service written as a program whatever lies beside it (or when
it names a python runtime anywhere), as the Framework runs it before it packages
anything; a policy `exclude` can still take it out. 4: allow in a Dockerfile only the
options that cannot start a program: `ENTRYPOINT`, `SHELL`, `HEALTHCHECK`, and an `ENV` of
a startup variable (`AWS_LAMBDA_EXEC_WRAPPER`, `LD_PRELOAD`, `PYTHONPATH`,
`PYTHONSTARTUP`, `PYTHONHOME`) are parts the gate cannot follow or fed to the startup rule
as the function's environment. 5: judge a `COPY` by where its sources come from, not only
their names: a source in a folder a built-in rule ignores (or the policy excludes) makes
the copy a step the gate cannot follow, or brings the file back as the function's code;
and a Python source in a `__pycache__` of a function's code is its code. 6: take a
variable that names the checkout (`PWD`, `GITHUB_WORKSPACE`, `CI_PROJECT_DIR`,
`CODEBUILD_SRC_DIR`, `CI_WORKSPACE`, `BITBUCKET_CLONE_DIR`...) for the bundle's root, alone
or not, or every variable source as unresolved. 7: when a cdk.json's `app` (or any file a
deploy reads) names a folder a built-in rule ignores, read that folder (as
`.aws-sam/build` is read when its template exists), or refuse; at least warn that a CDK
app's code is not analysed.

Also tried, and the gate held: `FROM ${BASE}` with `ARG BASE=public.ecr.aws/lambda/
python:3.12` (the unresolved image is a step the gate cannot follow); `COPY` in JSON form,
after `WORKDIR /var/task` to a bare name, with a `?` glob, or of a file without a suffix to
a `.py` name (each a renaming copy: refused); `WORKDIR /var/task/sitecustomize.py` then
`COPY boot.txt .` (a folder named sitecustomize.py: nothing Python imports); a plain `COPY`
out of cdk.out, .serverless, .aws-sam, .terraform, node_modules, .git or .venv inside the
context (each brought back as the function's code: blocks), and of a policy-excluded
folder (blocks); a sitecustomize.py in a context's `__pycache__` (brought back); a
Serverless image function without a runtime (review 28's fix: its RUN refused);
`--find-links $PWD/wheels` and `~/wheels` (refused as local); a service package.json
that is not valid JSON (the run does not pass). Judged without a case: a CDK app the
pipeline synthesizes (`cdk.json` `"app": "python3 app.py"`) is Python of the bundle,
scanned (review 28), and the README claims neither CDK nor Zappa; a Zappa project's
`prebuild_script` is a Python function of the bundle, scanned like any other, and its zip
is the project folder, whose Python the gate scans as files no function deploys.

Not covered: `.yarnrc.yml` (`yarnPath`, `plugins`), `.pnpmfile.cjs`, `script-shell` and
npm workspaces beyond a parent package.json (the same class as 2, not run); `git+file:`
dependencies; Serverless `provider.ecr.images.<name>.buildOptions` (`--target`, `--file`)
and `buildArgs` with an `ARG`-named base (the same class as 1 and review 28's 6, not
run); `serverless.yml` and `serverless.ts` in one folder (the Framework reads the YAML
first; the gate refuses the .ts beside Python, which errs on the safe side); `--config`
names the gate does not read (`serverless-prod.yml`: chosen by the pipeline, not the
bundle); SAM `Globals` giving an image function a Runtime (whether SAM accepts it was not
established offline); a nested stack's or `AWS::Serverless::Application`'s `Metadata`
(`BuildMethod` on those is not read by `sam build`); CDK's `Code.from_asset` bundling
with a local `tryBundle`; diff mode, shards and `gate merge` against these bundles.

Fixed, each by its class: 1, an image function is judged by its image alone, every stage
of it (gate.bundle.discovery.dockerfile `base_runtime`: one AWS runtime for all stages,
else read as Python). 2, what a Node.js install reads is read in the service's folder and
every folder above it in the bundle: install scripts, every dependency section with a
local spec (tarball names, `git+file:`, nested overrides), lock entries resolved from a
path, `.npmrc`/`.yarnrc`/`.yarnrc.yml` settings that run programs, pnpm hooks, and any of
those the gate cannot read (gate.bundle.discovery.npm). 3, a service written as a program
is refused when Python lies beside it, when it names Python, or when no other IaC of the
bundle declares a function (gate.bundle.discovery.read). 4, `ENTRYPOINT`, `SHELL`,
`HEALTHCHECK` and an `ENV` of a startup variable (the startup rule's, and Python's
`PYTHON*`) are Dockerfile steps the gate cannot follow. 5, a `COPY` of a `__pycache__` is
one too. 6, a pip source naming the checkout (`${PWD}`, `${GITHUB_WORKSPACE}` and their
kin) is local, alone or not (gate.bundle.manifests.requirements `local_source`). 7, a
cdk.json whose `app` is a cloud assembly in a folder the gate ignores is refused, and any
CDK app is warned `not-analysed`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from tests.hostile.conftest import (
    Sandbox,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review25 import HARMLESS, SERVICE
from tests.hostile.test_review26 import (
    ENCODED,
    PLANTED,
    SAM_IMAGE,
    sam_function,
    service,
    wheel,
)
from tests.hostile.test_review27 import CMD, FROM, image, sam_wheels
from tests.hostile.test_review28 import (
    SERVICE_IMAGE,
    SERVICE_TS,
    WRITE_SITECUSTOMIZE,
    ecr_image,
    npm_tarball,
)

Layout = Callable[[Sandbox], None]
HANDLER_PLANTED = PLANTED + "\n\ndef handler(event, context):\n    return {'ok': True}\n"
"""A handler module that runs a command as it is imported (B605)."""
RUN_PLANT = f"RUN echo {ENCODED} | base64 -d > ${{LAMBDA_TASK_ROOT}}/sitecustomize.py\n"


def planted(layout: Layout, path: str, text: str = PLANTED) -> Layout:
    """`layout` with `path` holding `text`: the code a trick would deploy, where the gate
    reads it."""

    def with_file(sandbox: Sandbox) -> None:
        layout(sandbox)
        sandbox.write(path, text)

    return with_file


# --- 1. an image function judged by another runtime than its image's ---------------------------


def ecr_image_node_runtime(sandbox: Sandbox) -> None:
    """A Serverless image function with `runtime: nodejs24.x`, which the Framework drops
    for an image, built from a Dockerfile whose RUN writes sitecustomize.py."""
    ecr_image(sandbox, RUN_PLANT)
    sandbox.write(
        "serverless.yml",
        SERVICE_IMAGE.replace(
            "      name: appimage\n", "      name: appimage\n    runtime: nodejs24.x\n"
        ),
    )


def sam_build_target(sandbox: Sandbox) -> None:
    """A SAM image built from its Python stage (`DockerBuildTarget: app`), the file's last
    stage being Node.js's."""
    sandbox.write("template.yaml", SAM_IMAGE + "      DockerBuildTarget: app\n")
    sandbox.write("src/app.py", HARMLESS)
    sandbox.write(
        "src/Dockerfile",
        FROM.replace("python:3.12\n", "python:3.12 AS app\n")
        + RUN_PLANT
        + CMD
        + "FROM public.ecr.aws/lambda/nodejs:24\n"
        + CMD,
    )


# --- 2. what npm installs from the bundle beyond the service's dependencies ---------------------


def npm_manifest(extra: str, tarball: str = "tools/boot-1.0.0.tgz") -> Layout:
    """The service with review 28's boot tarball (whose postinstall writes
    sitecustomize.py) at `tarball`, and a package.json with `extra` after its
    devDependencies on the Framework."""

    def layout(sandbox: Sandbox) -> None:
        npm_tarball(sandbox)
        if tarball != "tools/boot-1.0.0.tgz":
            (sandbox.bundle / "tools/boot-1.0.0.tgz").rename(sandbox.bundle / tarball)
        sandbox.write(
            "package.json",
            '{"name": "orders", "private": true, "devDependencies": '
            f'{{"serverless": "^3.38.0"{extra}}}}}\n',
        )

    return layout


# A lock whose entry for the Framework says it depends on boot, which the lock resolves to
# a tarball of the bundle: `npm ci` installs what the lock says.
LOCK = {
    "name": "orders",
    "lockfileVersion": 3,
    "requires": True,
    "packages": {
        "": {"name": "orders", "devDependencies": {"serverless": "^3.38.0"}},
        "node_modules/serverless": {
            "version": "3.38.0",
            "resolved": "https://registry.npmjs.org/serverless/-/serverless-3.38.0.tgz",
            "dev": True,
            "dependencies": {"boot": "^1.0.0"},
        },
        "node_modules/boot": {
            "version": "1.0.0",
            "resolved": "file:tools/boot-1.0.0.tgz",
            "dev": True,
            "hasInstallScript": True,
        },
    },
}


def npm_lock(sandbox: Sandbox) -> None:
    npm_manifest("")(sandbox)
    sandbox.write("package-lock.json", json.dumps(LOCK, indent=2) + "\n")


def npmrc(sandbox: Sandbox) -> None:
    """`.npmrc` making every node process npm starts require tools/boot.js first."""
    service(sandbox)
    sandbox.write(
        "package.json",
        '{"name": "orders", "private": true, "scripts": {"deploy": "serverless deploy"}, '
        '"devDependencies": {"serverless": "^3.38.0"}}\n',
    )
    sandbox.write(".npmrc", "node-options=--require ./tools/boot.js\n")
    sandbox.write("tools/boot.js", WRITE_SITECUSTOMIZE)


def svc_service(sandbox: Sandbox) -> None:
    """The service in svc/, its Framework installed by a package.json at the root."""
    sandbox.write("svc/serverless.yml", SERVICE)
    sandbox.write("svc/app.py", HARMLESS)
    sandbox.write(
        "package.json",
        '{"name": "mono", "private": true, "devDependencies": {"serverless": "^3.38.0"}}\n',
    )


def parent_package(sandbox: Sandbox) -> None:
    """The root package.json's postinstall writes svc/sitecustomize.py."""
    svc_service(sandbox)
    sandbox.write(
        "package.json",
        '{"name": "mono", "private": true, "scripts": {"postinstall": "node tools/setup.js"}, '
        '"devDependencies": {"serverless": "^3.38.0"}}\n',
    )
    sandbox.write(
        "tools/setup.js",
        WRITE_SITECUSTOMIZE.replace("'sitecustomize.py'", "'svc/sitecustomize.py'"),
    )


# --- 3. a service written as a program, with no Python beside it --------------------------------


def service_ts_alone(sandbox: Sandbox) -> None:
    """serverless.ts declaring a python3.12 function whose app.py it writes at load."""
    writer = WRITE_SITECUSTOMIZE.replace("'sitecustomize.py'", "'app.py'").replace(
        json.dumps(PLANTED), json.dumps(HANDLER_PLANTED)
    )
    sandbox.write("serverless.ts", SERVICE_TS % writer)


# --- 4. Dockerfile options that start a program ---------------------------------------------------

WRAPPER = '#!/bin/sh\npython3 /var/task/boot.txt\nexec "$@"\n'
"""A startup wrapper running boot.txt (PLANTED) with Python before the runtime."""


def wrapped(sandbox: Sandbox, dockerfile: str) -> None:
    image(sandbox, dockerfile)
    os.chmod(sandbox.write("src/wrap.sh", WRAPPER), 0o755)
    sandbox.write("src/boot.txt", PLANTED)


def wrapper_in_template(sandbox: Sandbox) -> None:
    """The baseline: the wrapper named in the template's environment (GATE-IAC-018)."""
    wrapped(sandbox, FROM + CMD)
    sandbox.write(
        "template.yaml",
        SAM_IMAGE.replace(
            "      PackageType: Image\n",
            "      PackageType: Image\n      Environment:\n        Variables:\n"
            "          AWS_LAMBDA_EXEC_WRAPPER: /var/task/wrap.sh\n",
        ),
    )


def wrapper_in_dockerfile(sandbox: Sandbox) -> None:
    wrapped(sandbox, FROM + "ENV AWS_LAMBDA_EXEC_WRAPPER=/var/task/wrap.sh\n" + CMD)


def entrypoint(sandbox: Sandbox) -> None:
    wrapped(
        sandbox,
        FROM + 'ENTRYPOINT ["/bin/sh", "-c", "python3 /var/task/boot.txt; '
        'exec /lambda-entrypoint.sh \\"$@\\"", "sh"]\n' + CMD,
    )


# --- 5. a plain COPY out of a __pycache__ -------------------------------------------------------


def copy_from_cache(sandbox: Sandbox) -> None:
    image(sandbox, FROM + "COPY __pycache__/app.py ${LAMBDA_TASK_ROOT}/app.py\n" + CMD)
    sandbox.write("src/__pycache__/app.py", HANDLER_PLANTED)


# --- 6. a pip source that is one variable naming the bundle ---------------------------------------


def requirements_pwd_alone(sandbox: Sandbox) -> None:
    sam_function(sandbox, "--no-index\n--find-links ${PWD}\nsix==1.16.0\n")
    sandbox.write("six-1.16.0-py3-none-any.whl", wheel())


# --- 7. a CDK app that is a cloud assembly --------------------------------------------------------


def cdk_assembly(folder: str) -> Layout:
    """cdk.json's app is the synthesized assembly in `folder`: a stack whose function's
    code is the asset folder asset.abc, its app.py HANDLER_PLANTED."""

    def layout(sandbox: Sandbox) -> None:
        sandbox.write("cdk.json", json.dumps({"app": folder}) + "\n")
        stack = {"type": "aws:cloudformation:stack", "properties": {"templateFile": "S.json"}}
        sandbox.write(
            f"{folder}/manifest.json",
            json.dumps({"version": "36.0.0", "artifacts": {"S": stack}}) + "\n",
        )
        function = {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "Runtime": "python3.12",
                "Handler": "app.handler",
                "Code": {"S3Bucket": "assets", "S3Key": "abc.zip"},
            },
            "Metadata": {"aws:asset:path": "asset.abc", "aws:asset:property": "Code"},
        }
        sandbox.write(f"{folder}/S.json", json.dumps({"Resources": {"Fn": function}}) + "\n")
        sandbox.write(f"{folder}/asset.abc/app.py", HANDLER_PLANTED)

    return layout


# name: (the bundle without the trick, with it, the baseline's finding, why it passes)
TRICKS: dict[str, tuple[Layout, Layout, str, str]] = {
    "serverless-image-node-runtime": (
        planted(ecr_image, "sitecustomize.py"), ecr_image_node_runtime, "B605",
        "an image function's runtime is read from the IaC, which the Framework drops",
    ),
    "sam-docker-build-target": (
        planted(image, "src/sitecustomize.py"), sam_build_target, "B605",
        "base_runtime takes the last stage, not DockerBuildTarget's",
    ),
    "npm-bare-tarball": (
        planted(service, "sitecustomize.py"),
        npm_manifest(', "boot": "boot-1.0.0.tgz"', "boot-1.0.0.tgz"), "B605",
        "a spec ending in .tgz is a file to npm, not to _LOCAL_SPEC",
    ),
    "npm-peer-dependency": (
        planted(service, "sitecustomize.py"),
        npm_manifest('}, "peerDependencies": {"boot": "file:tools/boot-1.0.0.tgz"'), "B605",
        "peerDependencies are not read",
    ),
    "npm-overrides": (
        planted(service, "sitecustomize.py"),
        npm_manifest('}, "overrides": {"chalk": "file:tools/boot-1.0.0.tgz"'), "B605",
        "overrides are not read",
    ),
    "npm-lock-file": (
        planted(service, "sitecustomize.py"), npm_lock, "B605",
        "package-lock.json is not read",
    ),
    "npmrc-node-options": (
        planted(service, "sitecustomize.py"), npmrc, "B605", ".npmrc is not read",
    ),
    "npm-parent-package": (
        planted(svc_service, "svc/sitecustomize.py"), parent_package, "B605",
        "only the service folder's package.json is read",
    ),
    "serverless-ts-without-python": (
        planted(service, "app.py", HANDLER_PLANTED), service_ts_alone, "B605",
        "a service program is refused only beside Python",
    ),
    "dockerfile-env-exec-wrapper": (
        wrapper_in_template, wrapper_in_dockerfile, "GATE-IAC-018",
        "ENV is an option, and the startup rule reads the IaC's environment only",
    ),
    "dockerfile-entrypoint": (
        wrapper_in_template, entrypoint, "GATE-IAC-018", "ENTRYPOINT is an option",
    ),
    "dockerfile-copy-from-pycache": (
        planted(image, "src/app.py", HANDLER_PLANTED), copy_from_cache, "B605",
        "a .py in __pycache__ is left to the bytecode rules, and the COPY keeps its name",
    ),
    "requirements-pwd-alone": (
        planted(sam_wheels, "src/six.py"), requirements_pwd_alone, "B605",
        "a source that is one variable is taken for the runner's",
    ),
    "cdk-app-assembly": (
        cdk_assembly("assembly"), cdk_assembly("cdk.out"), "B605",
        "cdk.out is ignored whole, though cdk.json deploys it",
    ),
}  # fmt: skip


def test_the_code_each_trick_deploys_blocks(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: the same bundle without the trick, the
    code it would deploy where the gate reads it, blocks."""
    each_blocks(tmp_path, {name: (plain, rule) for name, (plain, _, rule, _) in TRICKS.items()})


def test_code_the_deploy_runs_or_puts_in_is_scanned_or_refused(tmp_path: Path) -> None:
    """The deploy runs, or puts into a Python function, code the gate never read: the run
    must not pass."""

    each_blocked_or_refused(tmp_path, {trick: case[1] for trick, case in sorted(TRICKS.items())})
