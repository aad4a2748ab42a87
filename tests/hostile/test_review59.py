"""A fifty-ninth hostile review of `gate check`, on the fixes of review 57's classes: a
Chalice function's exposure and its files in diff mode (gate.bundle.discovery
.chalice_exposure `Exposures`, chalice_config `config_exposure`, `setting_places`;
gate.model `Function.defined_in`; gate.scan.diff `_resource_of_function_touched`,
`_definition_touched`), the one build-backend reader and its judges
(gate.bundle.manifests.backends `build_system`; gate.bundle.manifests `_lock_of_tool`,
`_beyond_lock`; gate.bundle.manifests.found `Found.elsewhere`, `Found.names`;
gate.bundle.manifests.builds `_copies_only`; declared `_flit_code`, `_pdm_hook`,
`_reads_setup_cfg`; pbr `runs_pbr`) and setup.cfg's lists (declared `_setup_cfg_list`,
`_parse_strings`; pbr `handed_to_setuptools`).

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0, where the same thing written plainly exits 1 (`test_the_plain_forms_block`,
`test_the_plain_changes_are_new`) or 2. Policies: the hostile harness's (checkov off);
class 2 with `fail_on: medium` besides (its plain form, build code that may set the
dependencies, is GATE-DEP-001, medium, the gate's stated report for dependencies only
the build knows). Gate runs: one for the plain forms, one for the tricks of classes 3
and 4, one for class 2, three for class 1 (`gate baseline create` at the merge base, a
diff-mode run, a `--baseline` run). What lets each through:

1. A Chalice route's authorizer decided by code the exposure does not read. A
   function's `exposure` (`Exposures.written`) holds each registration's decorator and
   the statements that bind, by name, what it uses, followed through app.py's and
   chalicelib's imports; `Function.defined_in` holds the files of those statements, and
   diff mode counts a change to app.py (no extent: the whole file) or to those files
   (`_defining_files`) only. But Python runs more before the decorator is evaluated
   than the statements binding its names, and Chalice (`chalice deploy`, which imports
   app.py as the module `app`, with `vendor/` appended to `sys.path`; and the Lambda
   runtime, which has `vendor/`'s contents at the package's top) takes the authorizer
   object the decorator is given then. The merge base (and the baseline, `gate baseline
   create` there) holds review 57's Chalice project: `.chalice/config.json` gives its
   functions an admin policy (`autogen_policy: false`, `policy-dev.json` allowing `*`
   on `*`: GATE-IAC-001, critical, accepted), and its one route is behind an
   `IAMAuthorizer` named `iam`. The change leaves app.py and the statements binding
   `iam` alone, and makes `iam` None when the decorator reads it: (a) `iam` imported
   from a module of `vendor/` (`from authz import iam`: not a project module, so not
   followed), which the change rewrites to `iam = None`; (b) a chalicelib module that
   app.py imports first (`import chalicelib.settings`) assigns the attribute
   (`chalicelib.auth.iam = None`: an attribute assignment binds no name of its
   module); (c) chalicelib's `__init__.py`, which Python runs before any module of the
   package, does `from . import auth` and `auth.iam = None`; (d) `iam` is app.py's own,
   and a chalicelib module app.py imports after binding it does
   `sys.modules['app'].iam = None`. Each exits 0 in diff mode (GATE-IAC-001
   `preexisting`) and with `--baseline` (`baselined`): the admin function is callable
   by anyone. The same change where the exposure reads it (`iam = None` written in
   chalicelib/auth.py, which binds the name) blocks in both modes, and each end state
   checked whole blocks (GATE-IAC-001). Not run under Chalice (no binary here): (a)-(d)
   rest on Python's import semantics and Chalice's loader as its source states it
   (`CLIFactory.load_chalice_app`: the project folder prepended and `vendor/` appended
   to `sys.path`, then `importlib.import_module('app')`).
   Suggested fix, by class: take every Python file Chalice deploys or imports for the
   project (app.py, all of `chalicelib/`, and `vendor/`'s importable modules) as
   defining every function of the project: in `defined_in` (any change to one touches
   them all in diff mode) and, as a digest of their texts, in each `exposure` (a
   baseline entry no longer matches). Following names stays useful for what the report
   says, not for what the gate trusts; or refuse a project whose registrations use a
   name bound outside app.py and chalicelib, or whose modules assign attributes of
   modules (`x.y = ...` where `x` is a module or `sys.modules[...]`).

   Fixed (gate.bundle.discovery.chalice_exposure `deployed_files`, `code_digest`,
   `Exposures.of`; gate.bundle.discovery.chalice `read_chalice`, `_exposures`): every
   file Chalice deploys with the app (`app.py`, everything under `chalicelib/` and
   `vendor/`) defines every function of the project: each is in its `defined_in`, so
   diff mode counts a change to any of them (and gate.scan.diff
   `_deployed_folder_touched`, a file deleted from those folders), and their content
   is one digest in its `exposure` (Python as `ast.unparse` writes its tree, so layout
   and comments keep it; other files, and Python that does not parse, as bytes), so a
   baseline entry of the function before no longer matches. The name-following
   exposure, which added nothing the digest does not, is gone. Any change to the
   project's code now makes its functions' findings new in diff mode and unbaselined.

2. A lock beside a manifest silences the build code that may set its dependencies.
   `_beyond_lock` drops every `DYNAMIC` entry of a manifest that has its tool's lock
   beside it ("dynamic dependencies (it resolved them)"), and every setting that makes
   a build backend run the project's code (`_CODE_SETTINGS`: `_flit_code`,
   `_hatch_code`, `_pdm_code`, `_setuptools_code`, `_poetry_code`...) is recorded as
   `DYNAMIC`. A lock the bundle writes pins what its author chooses: it cannot stand
   for what code nobody runs adds at build time, and pip ignores it (`pip install .`
   builds the project and installs what its metadata says). With review 54's hooks
   (each built for real there: the project's module, imported or executed by the
   backend, adds `requests==2.19.0` to the metadata it writes), each beside a lock
   that pins nothing: (a) flit_core's dynamic version (`_flit_code`) with a `uv.lock`;
   (b) Hatch's `code` version source (`_hatch_code`) with a `uv.lock`; (c)
   pdm-backend's `call` version source (`_pdm_code`) with a `pdm.lock`; (d)
   setuptools' `[tool.setuptools.cmdclass]` (`_setuptools_code`) with a `uv.lock`.
   Each exits 0 with no finding at all under `fail_on: medium`, where the same project
   without the lock is reported and blocks there (GATE-DEP-001), and the dependency
   declared plainly blocks under any policy (PYSEC-2018-28).
   Suggested fix, by class: never let a lock stand for a `DYNAMIC` entry that comes
   from build code (`_CODE_SETTINGS`, `_setup_cfg_code`, pbr's hooks): keep the reason
   apart from "dynamic dependencies" read from files, and report it whatever is beside
   it; a lock excuses only what it pins, and it pins no code.

   Fixed (gate.bundle.manifests.found `BUILD_CODE`, `DYNAMIC`; declared `_dynamic`;
   gate.bundle.manifests `_beyond_lock`, `_stands_for`): every setting that makes a
   backend run the project's code (`_CODE_SETTINGS`, `_setup_cfg_code`, a `setup.py`'s
   code, pbr's hooks) is reported as `BUILD_CODE`, apart from a manifest's dynamic
   dependencies (`DYNAMIC`), and no lock stands for it; a lock that locks no package, or
   none of those the manifest names, stands for nothing, so the manifest is read whole.

3. A lock excuses a manifest's dependency by its name alone. `_beyond_lock` excuses a
   range when the lock names the package (`resolved`, `Found.names`), whatever version
   it pins, and a dependency from elsewhere when the lock takes a package of that name
   from anywhere but an index (`Found.elsewhere`), whatever that source is and however
   it is reported. (a) `dependencies = ["requests>=2.19,<2.20"]` beside a `uv.lock`
   pinning requests 2.32.4; (b) the same with `requests==2.19.*`: the audit reads
   2.32.4, a version no installer can give a project that excludes it (pip ignores the
   lock and installs 2.19.1; uv relocks a lock whose root requirements differ from the
   project's, `uv sync --locked` refuses it): exit 0 with no finding, where the range
   without the lock blocks (every version it admits has PYSEC-2018-28). (c)
   `dependencies = ["requests @ git+https://github.com/example/requests@main"]`
   (GATE-DEP-002, high: code from a repository nothing audits) beside a `uv.lock` whose
   `requests` is a local `directory` (a copying project, or no folder at all) or (d) an
   `editable` one: the lock's entry is reported as a local path dependency
   (GATE-DEP-001, medium, allowed) and the repository is not reported at all: exit 0,
   where the project without the lock blocks (GATE-DEP-002). `pip install .` installs
   the repository's code. (With the lock taking requests from another repository, the
   manifest's URL is hidden behind the lock's: a waiver by the lock's fingerprint, for
   a fork the organisation controls, then passes the attacker's URL; not built.)
   Suggested fix, by class: match a manifest's dependency to the lock's entry by what
   it pins, not its name: a range only where the lock's version of the name satisfies
   its specifiers (`Unauditable.admits`; otherwise report the range, and the lock as
   stale); a dependency from elsewhere only where the lock takes it from the same
   source (the same URL, normalised as the fingerprint is), else report it; simplest,
   report every dependency from elsewhere whatever the lock holds (it is the
   manifest's own line a reviewer must see).

   Fixed (gate.bundle.manifests `_beyond_lock`, `_locked`, `_admitted`;
   gate.bundle.manifests.sources `place`, `Place.holds`, `taken_alike`;
   gate.bundle.manifests.found `Unauditable.source`): a range is left to the lock only
   where the lock pins a version it admits (packaging's `SpecifierSet`), or where the
   manifest and the lock take its package from the same place; otherwise it is
   reported and audited as a range. A dependency from elsewhere is left to the lock only
   where the lock takes a package of its name from the same place: the repository or
   URL without VCS prefix, credentials, query or `.git`, at every ref the manifest names
   (uv's `?rev=`, `#<commit>`), or the same folder, normalised.

4. A local folder's build hooks in `hatch.toml` are not read. `runs_a_build` lets a
   requirement install a local folder (`./lib`) when `_copies_only` says pip's build
   of it only copies files; for hatchling that means no hook in the `[tool.hatch]` of
   the folder's `pyproject.toml` (`_holds_hooks`) and no hook file of the default names
   (`_HOOK_FILES`). hatchling also reads `hatch.toml` beside it (its settings merged
   over `[tool.hatch]`), which the gate's own manifest reader knows (`hatch_config`)
   and `_copies_only` does not: (a) `[build.hooks.custom] path = "pin.py"`, (b)
   `[build.targets.wheel.hooks.custom] path = "pin.py"` in `lib/hatch.toml`; `pin.py`
   a build hook that adds `requests==2.19.0` to the wheel's dependencies
   (`build_data["dependencies"]`, which hatchling's wheel builder writes into the
   metadata). Each exits 0 (GATE-DEP-001, medium, for the hook and for the local path),
   where the same hook configured in `lib/pyproject.toml` is refused (exit 2: "installs
   a folder whose build may run code of the bundle") and the dependency declared in
   `lib/pyproject.toml` blocks (PYSEC-2018-28). With class 2's lock beside lib's
   `pyproject.toml`, even the hook's report is gone. Not built (hatchling is not here):
   the hook follows hatchling's documented `BuildHookInterface` and build data.
   Suggested fix, by class: judge a folder's build with the configuration its backend
   reads: for hatchling, `hatch_config` (pyproject with `hatch.toml` over it), for every
   tool the same file list the manifest readers use; or take any `hatch.toml` (or any
   file a backend reads settings from) in the folder as a build that may run code.

   Fixed (gate.bundle.manifests.builds `_copies_only`, `BUILD_FILES`; gate.bundle
   .manifests.backends `hatch_config`, moved there from gate.bundle.manifests.hatch so
   the build judge can reach it): a folder's build is judged with the settings its
   backend reads, hatchling's as `hatch_config` reads them for the manifest readers
   (`[tool.hatch]` with the `hatch.toml` beside the pyproject over it, as
   `ProjectMetadata.hatch` merges them): a hook anywhere there, however it is written,
   is a build that may run code (refused, exit 2), and a `hatch.toml` that does not
   parse is one the gate cannot judge (refused too). The other copying backends
   (flit_core, poetry-core, pdm-backend, uv_build) read their settings from
   `pyproject.toml` alone. `hatch.toml` is among the files that decide a folder's build
   (`BUILD_FILES`). The manifest's own judges (declared `_hatch_code`, the requirements
   plugin's `hatch_files`) already read `hatch_config`.

What held (tried for real): a Chalice authorizer rebound where the exposure follows it
(`iam = None` in the chalicelib module that binds it: blocked in both modes, the plain
form here); a lock beside a manifest whose exact pin differs from the lock's version
(the pin stands and blocks); a manifest's plain `requests==2.19.0` beside a lock pinning
2.32.4 (blocked); the hatch hook written in `lib/pyproject.toml` (refused); review 57's
spellings (a backend written `module:`, a one-line setup.cfg list with other line
breaks: read as pip and setuptools read them). Read against their tools, with no
divergence found: `_parse_strings` against setuptools' `_reqs.parse_strings`
(jaraco.text `yield_lines`, `drop_comment`, `join_continuation`, in that order, the
backslash quirk included), `_setup_cfg_list` against `_parse_list_semicolon` and
`_parse_requirements_list`, `handed_to_setuptools` against pbr's `requirement_pattern`s
of `setup_cfg_to_setup_kwargs` (an install_requires marker moved to an extra key, an
extra's marker dropped), `split_multiline`, `_as_imported` against pyproject-hooks'
`_build_backend`.

What was not covered: pbr's `parse_requirements` beyond its egg-fragment and URL lines
(its `\\s*(https?|git...)\\S*:` test against the gate's `urlparse`: no divergence that
hides a requirement found); pbr's `test-requirements.txt` (an extra, `test`, only
installed on request); a lock in a uv workspace or with dependency groups; Chalice's
`api_gateway_custom_domain` and websocket settings in diff mode (read into the
exposure; not attacked); review 58's areas.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    CHEAP_POLICY,
    HARMLESS,
    SAM,
    Batch,
    Change,
    Layout,
    Sandbox,
    changes_judged,
    each_blocks,
    files,
    in_both_modes,
)
from tests.hostile.test_review54 import (
    FLIT_MODULE,
    FLIT_PYPROJECT,
    HATCH_CODE,
    HATCH_PYPROJECT,
    HOOKS,
    PDM_GETTER,
    PDM_PYPROJECT,
    SETUPTOOLS,
)
from tests.hostile.test_review57 import ADMIN_POLICY, CHALICE_CONFIG, ROUTE

MEDIUM_POLICY = CHEAP_POLICY + "fail_on: medium\n"
"""The harness's policy, blocking medium findings (as `builtin:strict` does)."""


def project(written: dict[str, str]) -> Layout:
    """A SAM function whose code folder `src/` holds these files besides its handler."""
    code = {f"src/{name}": text for name, text in written.items()}
    return files({"template.yaml": SAM, "src/app.py": HARMLESS, **code})


def _outcomes(base: Path, layouts: dict[str, Layout], policy: str) -> dict[str, str]:
    """Each bundle's outcome in one run under `policy`: "refused" (an error of its own),
    "blocked" (a blocking finding) or "passed"."""
    batch = Batch(base, layouts, policy)
    run = batch.run(layouts)
    assert run.stdout.strip(), (run.code, run.stderr)
    report = json.loads(run.stdout)
    outcomes = {}
    for name in layouts:
        own = batch.of(name, report, "findings")
        if batch.of(name, report, "errors"):
            outcomes[name] = "refused"
        elif any(f["status"] == "blocking" for f in own):
            outcomes[name] = "blocked"
        else:
            outcomes[name] = "passed"
    return outcomes


# --- 2. a lock beside a manifest silences the build code that may set its dependencies ------

UV_LOCK_EMPTY = 'version = 1\nrequires-python = ">=3.12"\n'
PDM_LOCK_EMPTY = (
    '[metadata]\ngroups = ["default"]\nstrategy = ["cross_platform"]\n'
    'lock_version = "4.5.0"\ncontent_hash = "sha256:0"\n'
)
CMDCLASS_PYPROJECT = (
    SETUPTOOLS + '[project]\nname = "orders"\nversion = "1.0.0"\n[tool.setuptools]\n'
    'py-modules = ["app"]\n[tool.setuptools.cmdclass]\negg_info = "hooks.Pin"\n'
)
HOOKED = {
    "flit": {"pyproject.toml": FLIT_PYPROJECT, "hooks.py": FLIT_MODULE},
    "hatch": {"pyproject.toml": HATCH_PYPROJECT, "hooks.py": HATCH_CODE},
    "pdm": {"pyproject.toml": PDM_PYPROJECT, "hooks.py": PDM_GETTER},
    "setuptools": {"pyproject.toml": CMDCLASS_PYPROJECT, "hooks.py": HOOKS},
}
"""Review 54's projects whose backend runs their code, which adds requests 2.19.0."""
LOCKED_HOOKS: dict[str, Layout] = {
    "2a-flit-uv-lock": project({**HOOKED["flit"], "uv.lock": UV_LOCK_EMPTY}),
    "2b-hatch-uv-lock": project({**HOOKED["hatch"], "uv.lock": UV_LOCK_EMPTY}),
    "2c-pdm-pdm-lock": project({**HOOKED["pdm"], "pdm.lock": PDM_LOCK_EMPTY}),
    "2d-setuptools-uv-lock": project({**HOOKED["setuptools"], "uv.lock": UV_LOCK_EMPTY}),
}
BASELINES: dict[str, tuple[Layout, str]] = {
    f"2-{tool}-no-lock": (project(hooked), "GATE-DEP-001") for tool, hooked in HOOKED.items()
}
BASELINES["2-declared"] = (
    project(
        {
            "pyproject.toml": '[project]\nname = "orders"\nversion = "1.0.0"\n'
            'dependencies = ["requests==2.19.0"]\n'
        }
    ),
    "PYSEC-2018-28",
)

# --- 3. a lock excuses a manifest's dependency by its name alone ---------------------------

PROJECT = (
    '[project]\nname = "orders"\nversion = "1.0.0"\nrequires-python = ">=3.12"\n'
    "dependencies = [{dependency}]\n"
)
UV_LOCK = """\
version = 1
requires-python = ">=3.12"

[[package]]
name = "orders"
version = "1.0.0"
source = {{ virtual = "." }}

[[package]]
name = "requests"
version = "2.32.4"
source = {{ {source} }}
"""
FROM_INDEX = 'registry = "https://pypi.org/simple"'
GIT = '"requests @ git+https://github.com/example/requests@main"'
SHIM = (
    '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
    '[project]\nname = "requests"\nversion = "2.32.4"\n'
)
"""A copying project named requests: what the lock says it takes requests from."""


def declared(dependency: str, source: str | None = None, shim: bool = False) -> Layout:
    """A project declaring `dependency`, beside a uv.lock taking requests from `source`."""
    written = {"pyproject.toml": PROJECT.format(dependency=dependency)}
    if source is not None:
        written["uv.lock"] = UV_LOCK.format(source=source)
    if shim:
        written.update({"shim/pyproject.toml": SHIM, "shim/requests.py": ""})
    return project(written)


BY_NAME: dict[str, Layout] = {
    "3a-range-beside-another-version": declared('"requests>=2.19,<2.20"', FROM_INDEX),
    "3b-prefix-beside-another-version": declared('"requests==2.19.*"', FROM_INDEX),
    "3c-repository-beside-a-folder": declared(GIT, 'directory = "shim"', shim=True),
    "3c-repository-beside-no-folder": declared(GIT, 'directory = "shim"'),
    "3d-repository-beside-an-editable": declared(GIT, 'editable = "shim"', shim=True),
}
BASELINES.update(
    {
        "3-range-no-lock": (declared('"requests>=2.19,<2.20"'), "PYSEC-2018-28"),
        "3-prefix-no-lock": (declared('"requests==2.19.*"'), "PYSEC-2018-28"),
        "3-repository-no-lock": (declared(GIT), "GATE-DEP-002"),
    }
)

# --- 4. a local folder's build hooks in hatch.toml are not read ----------------------------

LIB = (
    '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
    '[project]\nname = "helpers"\nversion = "1.0.0"\n'
)
PIN_HOOK = """\
from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class PinHook(BuildHookInterface):
    def initialize(self, version, build_data):
        build_data["dependencies"].append("requests==2.19.0")
"""
"""A hatchling build hook: the wheel it builds requires requests 2.19.0."""


def library(**written: str) -> Layout:
    """The function installs its folder `lib/` (`./lib` in its requirements file)."""
    lib = {"lib/helpers.py": HARMLESS, "lib/pin.py": PIN_HOOK, **written}
    return project({"requirements.txt": "./lib\n", **lib})


HATCH_TOML: dict[str, Layout] = {
    "4a-build-hook-in-hatch-toml": library(
        **{"lib/pyproject.toml": LIB, "lib/hatch.toml": '[build.hooks.custom]\npath = "pin.py"\n'}
    ),
    "4b-wheel-hook-in-hatch-toml": library(
        **{
            "lib/pyproject.toml": LIB,
            "lib/hatch.toml": '[build.targets.wheel.hooks.custom]\npath = "pin.py"\n',
        }
    ),
}
HOOK_IN_PYPROJECT = "4-build-hook-in-pyproject"
"""Class 4's plain form that is refused: the same hook configured in `lib/pyproject.toml`."""
CONTROLS: dict[str, Layout] = {
    HOOK_IN_PYPROJECT: library(
        **{"lib/pyproject.toml": LIB + '\n[tool.hatch.build.hooks.custom]\npath = "pin.py"\n'}
    )
}
BASELINES["4-declared-in-lib"] = (
    library(**{"lib/pyproject.toml": LIB + 'dependencies = ["requests==2.19.0"]\n'}),
    "PYSEC-2018-28",
)

# --- 1. a Chalice route's authorizer decided by code the exposure does not read ------------

AUTH = "from chalice import IAMAuthorizer\n\niam = IAMAuthorizer()\n"
PACKAGE: dict[str, str | bytes] = {"chalicelib/__init__.py": "", "chalicelib/auth.py": AUTH}


def app(imports: str) -> str:
    """review 57's app.py, its route behind `iam`, after `imports`."""
    return f"from chalice import Chalice\n{imports}\n\napp = Chalice(app_name='ops')\n\n\n{ROUTE}"


def chalice(app_py: str, modules: dict[str, str | bytes], changed: dict[str, str]) -> Change:
    """A Chalice project whose config gives every function an admin policy, with `app_py`
    and `modules` at the merge base; the change rewrites the files `changed`."""
    before: dict[str, str | bytes] = {
        ".chalice/config.json": CHALICE_CONFIG,
        ".chalice/policy-dev.json": ADMIN_POLICY,
        "app.py": app_py,
        **modules,
    }
    return before, dict(changed)


OWN_IAM = (
    "from chalice import Chalice, IAMAuthorizer\n\napp = Chalice(app_name='ops')\n"
    "iam = IAMAuthorizer()\nimport chalicelib.settings  # noqa: E402\n\n\n" + ROUTE
)
SETTINGS = {"chalicelib/settings.py": "DEBUG = False\n"}
UNREAD: dict[str, Change] = {
    "1a-vendored-module": chalice(
        app("from authz import iam"), {"vendor/authz.py": AUTH}, {"vendor/authz.py": "iam = None\n"}
    ),
    "1b-attribute-assigned": chalice(
        app("import chalicelib.settings\nfrom chalicelib.auth import iam"),
        {**PACKAGE, **SETTINGS},
        {"chalicelib/settings.py": "import chalicelib.auth\n\nchalicelib.auth.iam = None\n"},
    ),
    "1c-package-init": chalice(
        app("from chalicelib.auth import iam"),
        PACKAGE,
        {"chalicelib/__init__.py": "from . import auth\n\nauth.iam = None\n"},
    ),
    "1d-sys-modules": chalice(
        OWN_IAM,
        {"chalicelib/__init__.py": "", **SETTINGS},
        {"chalicelib/settings.py": "import sys\n\nsys.modules['app'].iam = None\n"},
    ),
}
READ: dict[str, Change] = {
    "plain-rebound-where-bound": chalice(
        app("from chalicelib.auth import iam"), PACKAGE, {"chalicelib/auth.py": "iam = None\n"}
    )
}
"""Class 1's plain form: `iam = None` written in the module that binds it, which the
exposure reads. New in diff mode and not baselined: it blocks."""
BASELINES.update(
    {
        f"1-{name}-as-it-ends": (files({**before, **after}), "GATE-IAC-001")
        for name, (before, after) in {**UNREAD, **READ}.items()
    }
)


def test_the_plain_forms_block(tmp_path: Path) -> None:
    """Each problem written plainly blocks, in one run, under `fail_on: medium` (every one
    but class 2's unlocked hooks blocks under the harness's policy too)."""
    each_blocks(tmp_path, BASELINES, policy=MEDIUM_POLICY)


@pytest.fixture(scope="module")
def trick_outcomes(tmp_path_factory: pytest.TempPathFactory, grammar_cache: None) -> dict[str, str]:
    """The tricks of classes 3 and 4, and class 4's refused plain form, in one run."""
    tricks = {**BY_NAME, **HATCH_TOML, **CONTROLS}
    return _outcomes(tmp_path_factory.mktemp("tricks"), tricks, CHEAP_POLICY)


@pytest.fixture(scope="module")
def locked_outcomes(
    tmp_path_factory: pytest.TempPathFactory, grammar_cache: None
) -> dict[str, str]:
    """Class 2's tricks in one run, under `fail_on: medium`."""
    return _outcomes(tmp_path_factory.mktemp("locked"), LOCKED_HOOKS, MEDIUM_POLICY)


def _passed(outcomes: dict[str, str], names: dict[str, Layout]) -> list[str]:
    return [name for name in names if outcomes[name] not in ("blocked", "refused")]


def test_a_hook_in_a_folders_pyproject_is_refused(trick_outcomes: dict[str, str]) -> None:
    assert trick_outcomes[HOOK_IN_PYPROJECT] == "refused", trick_outcomes


def test_a_lock_never_stands_for_build_code(locked_outcomes: dict[str, str]) -> None:
    assert not _passed(locked_outcomes, LOCKED_HOOKS), locked_outcomes


def test_a_lock_excuses_only_what_it_pins(trick_outcomes: dict[str, str]) -> None:
    assert not _passed(trick_outcomes, BY_NAME), trick_outcomes


def test_a_folders_build_is_judged_by_all_its_settings(trick_outcomes: dict[str, str]) -> None:
    assert not _passed(trick_outcomes, HATCH_TOML), trick_outcomes


@pytest.fixture(scope="module")
def changed_outcomes(
    tmp_path_factory: pytest.TempPathFactory, grammar_cache: None
) -> Iterator[dict[str, str]]:
    """Each change of class 1 and its plain form as folders of one repository: `main` the
    merge base (where `gate baseline create` runs), `change` the change; each in diff
    mode (`d...`) and on a baseline (`b...`). One `gate baseline create`, one diff-mode
    run and one `--baseline` run."""
    box = Sandbox(tmp_path_factory.mktemp("changed"))
    cases = in_both_modes({**READ, **UNREAD})
    yield changes_judged(box, cases)


def test_the_plain_changes_are_new(changed_outcomes: dict[str, str]) -> None:
    """The authorizer rebound where the exposure reads it: new in diff mode, not
    baselined."""
    plain = [mode + name for name in READ for mode in "db"]
    assert all(changed_outcomes[n] == "blocked" for n in plain), changed_outcomes


def test_every_module_chalice_runs_defines_its_functions(
    changed_outcomes: dict[str, str],
) -> None:
    passed = [n for n in changed_outcomes if n[1:] in UNREAD and changed_outcomes[n] != "blocked"]
    assert not passed, passed
