"""A sixty-first hostile review of `gate check`, on the fixes of review 59's classes: a
Chalice project's identity as a digest of its deployed files (gate.bundle.discovery
.chalice_exposure `deployed_files`, `code_digest`, `Exposures.of`; gate.bundle.discovery
.chalice `read_chalice`, `_exposures`; gate.scan.diff `_definition_touched`,
`_deployed_folder_touched`), the lock rules (gate.bundle.manifests `_beyond_lock`,
`_stands_for`, `_locked`, `_admitted`; gate.bundle.manifests.sources `place`,
`taken_alike`; gate.bundle.manifests.found `BUILD_CODE`) and `hatch.toml` in a folder's
build judge (gate.bundle.manifests.builds `_copies_only`; gate.bundle.manifests.backends
`hatch_config`).

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off), where the same thing
written plainly exits 1 (`test_the_plain_forms_block`, `test_the_plain_change_is_new`).
Gate runs: one for the plain forms, one for the tricks of classes 2 and 3, three for
class 1 (`gate baseline create` at the merge base, a diff-mode run, a `--baseline` run).
What lets each through:

1. A Chalice decorator's authorizer decided by a module beside app.py, which `chalice
   deploy` imports and the digest does not hold. Review 59's fix makes every file
   Chalice deploys (`deployed_files`: `app.py`, everything under `chalicelib/` and
   `vendor/`) define every function of the project, digested in its `exposure`. But the
   code `chalice deploy` runs is not only what it deploys: `CLIFactory.load_chalice_app`
   puts the project folder first on `sys.path` (and `vendor/` last) and imports app.py
   there, so any module or package beside app.py is importable at deploy time, ahead of
   `vendor/`, though it is never packaged. The authorizer object a route's decorator is
   given then is what API Gateway is configured with. The merge base (and the baseline,
   `gate baseline create` there) holds review 57's project: `.chalice/config.json`
   gives its functions an admin policy (GATE-IAC-001, critical, accepted), and its
   route is behind an `IAMAuthorizer` named `iam`. The change makes `iam` None at deploy
   time in a file outside the digest: (a) app.py does `from authz import iam` (falling
   back to its own `IAMAuthorizer()` on ImportError, as it must on Lambda, where
   `authz.py` is not deployed), and the change rewrites `authz.py`, beside app.py, to
   `iam = None`; (b) the same with a package `authz/__init__.py` beside app.py; (c)
   app.py does `from authz import iam` with `vendor/authz.py` defining it (deployed,
   digested, unchanged: what runs on Lambda), and the change adds `authz.py` beside
   app.py (`iam = None`), which shadows `vendor/` at deploy time only. Each exits 0 in
   diff mode (GATE-IAC-001 `preexisting`: the change touches no file of the function's
   `defined_in`) and with `--baseline` (`baselined`: the digest is the same), where
   the same change written in `chalicelib/auth.py` (deployed) blocks in both, and each
   end state checked whole blocks (GATE-IAC-001). Not run under Chalice (no binary
   here): the tricks rest on Python's import semantics and Chalice's loader as its
   source states it (`sys.path.insert(0, project_dir)`, `sys.path.append(vendor_dir)`,
   `importlib.import_module('app')`).
   Suggested fix, by class: digest (and put in `defined_in`) what `chalice deploy` can
   import, not only what it deploys: every file under the project's folder but
   `.chalice/deployed/` and what cannot be imported (or simply every file of the
   project's folder), with a file added or deleted anywhere there touching the
   functions in diff mode (`_deployed_folder_touched` for the whole folder); or refuse a
   Chalice project whose folder holds an importable module or package (`*.py`, `*.pyc`,
   `*.so`, a folder with Python in it) beside app.py other than `chalicelib/` and
   `vendor/`.

   Fixed (gate.bundle.discovery.chalice_exposure `project_files`, `is_build_output`;
   gate.bundle.discovery.chalice `read_chalice`, `_exposures`; gate.scan.diff
   `_project_folder_touched`): every file of the Chalice project's folder, but what
   Chalice writes itself when it deploys (`.chalice/deployed/`, `.chalice/deployments/`:
   rewritten by each deploy, never on `sys.path`), defines every function of the
   project: it is in their `defined_in` and their digest, and a file added or deleted
   anywhere in the folder touches them in diff mode. Any change in a Chalice project's
   folder (a README included) now makes its functions' findings new in diff mode and
   unbaselined.

2. A lock excuses a range whose package `[tool.uv.sources]` takes from a folder,
   whatever version and marker. `_locked` leaves a range to the lock where it pins a
   version the range admits (`_admitted`), or where the manifest and the lock take its
   package from the same place (`name in alike.values()`, `taken_alike`): the second
   checks neither that the lock's version is one the range admits nor that the source
   applies where the function runs. The manifest declares `requests>=2.19,<2.20` (every
   version has PYSEC-2018-28) and `[tool.uv.sources] requests = { path = "shim" }`; its
   `uv.lock` takes `requests` from the `directory` `shim` (reported as a local path,
   GATE-DEP-001, medium, allowed): (a) the lock's (and the shim's) version 2.32.4,
   outside the range: no installer can give the project that (uv refuses a source whose
   version the requirement excludes; pip ignores both the lock and `[tool.uv.sources]`
   and installs 2.19.1 from the index); (b) the source limited by a marker
   (`marker = "sys_platform == 'win32'"`), the lock's entry at 2.19.1: on Linux (Lambda,
   the build) uv itself installs requests from the index, within the range. Each exits
   0, where the same manifest without the lock (the source still written) blocks
   (PYSEC-2018-28).
   Suggested fix, by class: leave a range to a lock only where the lock pins a version
   the range admits, whatever the source (`_admitted` for every entry, the lock's folder
   or repository entries included: a version recorded with its place); and take a
   source with a marker (or any `[tool.uv.sources]` entry, which pip never reads) as not
   replacing the index, so the range is audited as without the lock. Simplest: a range
   is excused only by `_admitted`.

   Fixed (gate.bundle.manifests `_locked`, `_beyond_lock`; gate.bundle.manifests
   .sources `taken_alike`): a range is left to a lock only where the lock pins a release
   it admits (`_admitted`), whatever place a `[tool.uv.sources]` entry (with a marker or
   not) or the lock takes its package from; a lock taking it from the same folder or
   repository no longer excuses it, so it is reported and audited as a range, as
   without the lock.

3. hatchling's `force-include` makes a "copying" build install a data file as a module.
   `runs_a_build` lets a requirement install a local folder (`./lib`) when
   `_copies_only` says pip's build of it copies its files as they are (a copying
   backend, no hook in `hatch_config`, no dynamic metadata), "and those are scanned as
   part of the bundle". But hatchling's `force-include` (in `[tool.hatch.build]` or a
   target's table, in `pyproject.toml` or `hatch.toml`) maps any file to any path in the
   wheel: a file the gate reads as data (or does not read) is installed as a module
   the handler imports. The function's `app.py` does `from ops import handler`, and
   `lib/` installs: (a) `lib/ops.json` as `ops.py` (`[build.targets.wheel
   .force-include]` in `lib/hatch.toml`); (b) `lib/ops.yaml` as `ops.py`
   (`[tool.hatch.build.force-include]` in `lib/pyproject.toml`); each holding
   `os.system(event['cmd'])`: exit 0 with no warning at all (a `.json` or `.yaml` is
   neither analysed nor warned); (c) `lib/ops.txt` as `ops.py`: exit 0, warned only
   `not-analysed` (as any text file is). The same code as `lib/ops.py` blocks
   (GATE-SLS-001, critical). Not built (hatchling is not here): `force-include` as
   hatchling documents it (`build.force-include`, `build.targets.<target>.force-include`:
   source path to distribution path, any file).
   Suggested fix, by class: take any setting that moves or renames files in the build
   (hatchling's `force-include`, `sources`, `shared-data`, `shared-scripts`, and any
   other backend's setting that maps a file to another path) as a build that does
   not copy its files as they are (refused as
   `BUILDS_FROM_BUNDLE`); or, where the gate follows it, scan each file it installs as
   what its target name makes it (a `.py` target as Python).

   Fixed (gate.bundle.manifests.builds `runs_a_build`, `_refusal` (was `_copies_only`),
   `_mapping`, `MAPPING_SETTINGS`, `MAPS_FILES`; gate.bundle.manifests.found
   `Found.build_refusal` (was `builds`), which the manifest readers' refusals now
   quote): a copying backend's setting that installs a file under another path or name,
   anywhere in the backend's table, however it is written, makes a build that does not
   copy its files as they are, so the folder is refused, the refusal naming the file and
   the setting: hatchling's `force-include`, `force-include-editable`, `sources`,
   `shared-data`, `shared-scripts`, `extra-metadata` and `dev-mode-dirs` in its `build`
   table (and each target's) as `hatch_config` reads them (`hatch.toml` over
   `[tool.hatch]`); flit_core's `external-data`; pdm-backend's `wheel-data`;
   poetry-core's `to` (a package installed under another name); uv_build's
   `build-backend.data`. Settings that only choose files or strip a folder every file
   shares (hatchling's `packages`, `only-include`) keep the names the gate scans and
   still copy.

What held (tried for real): a module of `chalicelib/` rebinding the authorizer (the
plain form here: new in diff mode, not baselined); the uv source written without the
lock (the range audited as from the index: blocked); code in a folder outside the
function's `CodeUri` (scanned, blocked); a force-included sourceless `.pyc` (refused)
and `.pyw` (read as Python: blocked).

What was not covered: `force-include` of files outside the folder or the bundle (the
same class), hatchling's plugins registered by installed packages; pdm's and Poetry's
sources beside their locks; a sourceless `.pyc` or an extension module beside app.py
(the same class as 1, not run); `.chalice/config.json`'s `environment_variables` that
`chalice local` (not `deploy`) sets before importing app.py; review 60's
areas.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    CHEAP_POLICY,
    HARMLESS,
    RUNS_EVENT,
    SAM,
    Change,
    Layout,
    Sandbox,
    changes_judged,
    each_blocks,
    files,
    in_both_modes,
)
from tests.hostile.test_review57 import ADMIN_POLICY, CHALICE_CONFIG, ROUTE
from tests.hostile.test_review59 import _outcomes

# --- 1. a Chalice authorizer decided by a module beside app.py -----------------------------

AUTH = "from chalice import IAMAuthorizer\n\niam = IAMAuthorizer()\n"
FALLING_BACK = (
    "from chalice import Chalice, IAMAuthorizer\n\n"
    "try:\n    from {module} import iam  # beside app.py: `chalice deploy` imports it\n"
    "except ImportError:  # on Lambda, where it is not deployed\n    iam = IAMAuthorizer()\n\n"
    "app = Chalice(app_name='ops')\n\n\n"
)


def falling_back(module: str) -> str:
    """review 57's app.py, its route behind `iam` imported from `module`, or its own."""
    return FALLING_BACK.format(module=module) + ROUTE


VENDORED = (
    "from chalice import Chalice\nfrom authz import iam\n\napp = Chalice(app_name='ops')\n\n\n"
)


def chalice(modules: dict[str, str | bytes], changed: dict[str, str | bytes]) -> Change:
    """A Chalice project whose config gives every function an admin policy, with
    `modules` (app.py among them) at the merge base; the change writes `changed`."""
    before: dict[str, str | bytes] = {
        ".chalice/config.json": CHALICE_CONFIG,
        ".chalice/policy-dev.json": ADMIN_POLICY,
        **modules,
    }
    return before, changed


NONE = "iam = None\n"
BESIDE: dict[str, Change] = {
    "1a-module-beside-app": chalice(
        {"app.py": falling_back("authz"), "authz.py": AUTH}, {"authz.py": NONE}
    ),
    "1b-package-beside-app": chalice(
        {"app.py": falling_back("authz"), "authz/__init__.py": AUTH},
        {"authz/__init__.py": NONE},
    ),
    "1c-shadowing-vendor": chalice(
        {"app.py": VENDORED + ROUTE, "vendor/authz.py": AUTH}, {"authz.py": NONE}
    ),
}
DEPLOYED: dict[str, Change] = {
    "plain-in-chalicelib": chalice(
        {
            "app.py": falling_back("chalicelib.auth"),
            "chalicelib/__init__.py": "",
            "chalicelib/auth.py": AUTH,
        },
        {"chalicelib/auth.py": NONE},
    )
}
"""Class 1's plain form: the same change in a module Chalice deploys. New in diff mode
and not baselined: it blocks."""
PLAIN: dict[str, tuple[Layout, str]] = {
    f"1-{name}-as-it-ends": (files({**before, **after}), "GATE-IAC-001")
    for name, (before, after) in {**BESIDE, **DEPLOYED}.items()
}

# --- 2. a lock excuses a range whose package a uv source takes from a folder ---------------

SHIM = (
    '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
    '[project]\nname = "requests"\nversion = "{version}"\n'
)
"""A copying project named requests: where `[tool.uv.sources]` takes requests from."""
RANGED = (
    '[project]\nname = "orders"\nversion = "1.0.0"\nrequires-python = ">=3.12"\n'
    'dependencies = ["requests>=2.19,<2.20"]\n\n[tool.uv.sources]\nrequests = {source}\n'
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
version = "{version}"
source = {{ directory = "shim" }}
"""
FOLDER = '{ path = "shim" }'
ON_WINDOWS = '{ path = "shim", marker = "sys_platform == \'win32\'" }'


def sourced(source: str, version: str, locked: bool) -> Layout:
    """A SAM function whose `src/pyproject.toml` takes a range of requests, its uv source
    `source` the folder `shim` (requests `version`), with a `uv.lock` when `locked`."""
    written = {
        "template.yaml": SAM,
        "src/app.py": HARMLESS,
        "src/pyproject.toml": RANGED.format(source=source),
        "src/shim/pyproject.toml": SHIM.format(version=version),
        "src/shim/requests.py": "",
    }
    if locked:
        written["src/uv.lock"] = UV_LOCK.format(version=version)
    return files(written)


ALIKE: dict[str, Layout] = {
    "2a-folder-at-a-version-the-range-excludes": sourced(FOLDER, "2.32.4", locked=True),
    "2b-folder-on-windows-only": sourced(ON_WINDOWS, "2.19.1", locked=True),
}
PLAIN.update(
    {
        "2-folder-no-lock": (sourced(FOLDER, "2.32.4", locked=False), "PYSEC-2018-28"),
        "2-windows-no-lock": (sourced(ON_WINDOWS, "2.19.1", locked=False), "PYSEC-2018-28"),
    }
)

# --- 3. hatchling's force-include renames a data file into a module ------------------------

LIB = (
    '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n'
    '[project]\nname = "helpers"\nversion = "1.0.0"\n'
)
IMPORTS_OPS = "from ops import handler  # noqa: F401\n"
WHEEL_INCLUDES = "[build.targets.wheel.force-include]\n"
"""hatchling's table (in `hatch.toml`) of files the wheel takes from anywhere, to any name."""


def folder(**written: str) -> Layout:
    """A SAM function whose handler imports `ops`, with its folder `lib/` installed
    (`./lib` in its requirements file): a hatchling project whose build copies files."""
    lib = {f"src/lib/{name.replace('__', '.')}": text for name, text in written.items()}
    return files(
        {
            "template.yaml": SAM,
            "src/app.py": IMPORTS_OPS,
            "src/requirements.txt": "./lib\n",
            "src/lib/helpers.py": "",
            **lib,
        }
    )


RENAMED: dict[str, Layout] = {
    "3a-json-in-hatch-toml": folder(
        pyproject__toml=LIB,
        hatch__toml=WHEEL_INCLUDES + '"ops.json" = "ops.py"\n',
        ops__json=RUNS_EVENT,
    ),
    "3b-yaml-in-pyproject": folder(
        pyproject__toml=LIB + '\n[tool.hatch.build.force-include]\n"ops.yaml" = "ops.py"\n',
        ops__yaml=RUNS_EVENT,
    ),
    "3c-text-warned": folder(
        pyproject__toml=LIB,
        hatch__toml=WHEEL_INCLUDES + '"ops.txt" = "ops.py"\n',
        ops__txt=RUNS_EVENT,
    ),
}
PLAIN["3-module-in-the-folder"] = (
    folder(pyproject__toml=LIB, ops__py=RUNS_EVENT),
    "GATE-SLS-001",
)


def test_the_plain_forms_block(tmp_path: Path) -> None:
    """Each problem written plainly blocks, in one run: class 1's end states
    (GATE-IAC-001), class 2's manifests without the lock (PYSEC-2018-28)."""
    each_blocks(tmp_path, PLAIN)


@pytest.fixture(scope="module")
def alike_outcomes(tmp_path_factory: pytest.TempPathFactory, grammar_cache: None) -> dict[str, str]:
    """The tricks of classes 2 and 3 in one run."""
    return _outcomes(tmp_path_factory.mktemp("alike"), {**ALIKE, **RENAMED}, CHEAP_POLICY)


def test_a_lock_excuses_a_range_only_by_a_version_it_admits(
    alike_outcomes: dict[str, str],
) -> None:
    passed = [name for name in ALIKE if alike_outcomes[name] not in ("blocked", "refused")]
    assert not passed, alike_outcomes


def test_a_folders_build_that_renames_files_is_refused(alike_outcomes: dict[str, str]) -> None:
    passed = [name for name in RENAMED if alike_outcomes[name] not in ("blocked", "refused")]
    assert not passed, alike_outcomes


@pytest.fixture(scope="module")
def changed_outcomes(
    tmp_path_factory: pytest.TempPathFactory, grammar_cache: None
) -> Iterator[dict[str, str]]:
    """Each change of class 1 and its plain form as folders of one repository: `main` the
    merge base (where `gate baseline create` runs), `change` the change; each in diff
    mode (`d...`) and on a baseline (`b...`). One `gate baseline create`, one diff-mode
    run and one `--baseline` run."""
    box = Sandbox(tmp_path_factory.mktemp("changed"))
    yield changes_judged(box, in_both_modes({**DEPLOYED, **BESIDE}))


def test_the_plain_change_is_new(changed_outcomes: dict[str, str]) -> None:
    """The authorizer rebound in a module Chalice deploys: new in diff mode, not
    baselined."""
    plain = [mode + name for name in DEPLOYED for mode in "db"]
    assert all(changed_outcomes[n] == "blocked" for n in plain), changed_outcomes


def test_every_module_chalice_deploy_imports_defines_its_functions(
    changed_outcomes: dict[str, str],
) -> None:
    passed = [n for n in changed_outcomes if n[1:] in BESIDE and changed_outcomes[n] != "blocked"]
    assert not passed, passed
