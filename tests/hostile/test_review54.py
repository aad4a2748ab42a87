"""A fifty-fourth hostile review of `gate check`, on review 53's class-3 fix (every value
read from a `setup.cfg` expanded as setuptools or pbr expands it: gate.bundle.manifests
shapes `load_ini`, `ini_value`, `ini_line`; pbr `pbr_config`, `pbr_code_settings`;
declared `_setup_cfg_values`, `_read_pbr_code`), the build backends other than
setuptools, Terraform's `for_each`/`count` around functions, layers and stacks.

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off) and no finding at all,
where the baseline (the same dependency declared plainly, in one run) blocks on
PYSEC-2018-28 (requests 2.19.0, high), or where the same build code written in a
`setup.py` is reported (GATE-DEP-001, dynamic dependencies, the gate's stated limit for
what only the build knows). What lets each through:

1. A setuptools build behind a backend whose top-level module the gate takes for one
   that never reads `setup.cfg` or `setup.py`. `_reads_setup_cfg`
   (gate.bundle.manifests.declared) judges a `pyproject.toml`'s `build-backend` by its
   first dotted part (`_NEVER_READ_SETUP_CFG`: hatchling, flit_core, poetry, pdm,
   uv_build, maturin, scikit_build_core, mesonpy); scikit-build-core ships
   `scikit_build_core.setuptools.build_meta`, a PEP 517 backend that is setuptools'
   (`build_wheel`, `prepare_metadata_for_build_wheel` call `setuptools.build_meta`'s),
   so setuptools reads `setup.cfg` and runs `setup.py` as ever. Both readers
   (`read_setup_cfg`, `read_setup_py`) return at once: (a) `[options] install_requires =
   requests==2.19.0`; (b) `install_requires = file: deps.in` (a name no discovery reads
   as requirements); (c) an extra of `[options.extras_require]`; (d) `setup.py`'s
   `install_requires=[...]`; (e) a `setup.py` with a `cmdclass` of its own, reported
   (GATE-DEP-001) beside a setuptools backend: silent here. (a)-(d) exit 0 with no
   finding where the same files beside `build-backend = "setuptools.build_meta"` (or no
   `pyproject.toml`) block (PYSEC-2018-28). Built for real: `pip install --dry-run
   --no-deps --report` of (a)'s folder (build isolation, scikit-build-core and
   setuptools from the package index) reports `requires_dist: ['requests==2.19.0']`.
   (`flit_core.buildapi` beside the same `setup.cfg` also passes, rightly: flit never
   reads it, and without `[project]` the build fails.)

2. Build code a backend imports from the project for its metadata, unreported. The gate
   reports a `setup.py` whose `setup()` has a `cmdclass` of its own (review 51 class 3,
   declared `_call_code`), pbr's `[global] setup_hooks`/`commands` (review 52/53,
   `pbr_code_settings`), Hatch's metadata and build hooks (hatch `code_hooks`) and
   pdm-backend's build hook (declared `_pdm_hook`), each as dynamic dependencies
   (GATE-DEP-001); the backends import the project's code from other settings, which no
   reader judges (`_setup_cfg_values` reads only `install_requires` and extras;
   `_read_dynamic` only dynamic `dependencies` and those hooks): (a) `setup.cfg`
   `[options] cmdclass = egg_info = hooks.Pin` (setuptools
   `ConfigOptionsHandler._parse_cmdclass`, `expand.cmdclass` imports `hooks`); (b)
   `pyproject.toml` `[tool.setuptools.cmdclass] egg_info = "hooks.Pin"`; (c) `setup.cfg`
   `[metadata] version = attr: hooks.VERSION` where `VERSION` is no literal
   (`expand.read_attr` tries the syntax tree, then imports the module); (d)
   `[tool.setuptools.dynamic] version = {attr = "hooks.VERSION"}`, the same; (e) Hatch's
   `[tool.hatch.version] source = "code"` (hatchling executes `path`'s file); (f)
   flit_core with `dynamic = ["version", "description"]` and a `__version__` that is no
   literal (flit_core imports the module); (g) pdm-backend's `[tool.pdm.version] source =
   "call"` (it imports and calls the getter). In (a)-(d) `hooks.py`, imported while
   setuptools parses its configuration, wraps `Distribution._finalize_requires` to set
   `install_requires`; in (e)-(g) the code adds `requests==2.19.0` to the metadata the
   backend writes (`CoreMetadata.dependencies`, `flit_core.common.Metadata`, the `metadata`
   dict pdm-backend reads). Built for real, each: `pip install --dry-run --no-deps
   --report` (build isolation, setuptools 84.2.1, hatchling, flit_core, pdm-backend from
   the index) reports `requires_dist: ['requests==2.19.0']` (setuptools 65.5.0's
   `egg_info` also writes it to `requires.txt` for (a)-(d)). Each exits 0 with no finding
   at all, where the same class passed as `setup(cmdclass=...)`, or the same code as
   Hatch's `[tool.hatch.metadata.hooks.custom]`, is reported (GATE-DEP-001).

Suggested fixes, by class. 1, judge the backend by its whole dotted name, not its first
part: a set of backends known never to read `setup.cfg`/`setup.py`
(`hatchling.build`, `flit_core.buildapi`, `poetry.core.masonry.api`, `pdm.backend`,
`uv_build`, `maturin`, `scikit_build_core.build`, `mesonpy`, as builds.py's
`_COPYING_BACKENDS` already does), every other one read as setuptools; at least
`scikit_build_core.setuptools.*` is setuptools. 2, one list, per backend, of the
settings that make it import or run the project's code while it works out the metadata,
each reported as dynamic dependencies (`_dynamic`, GATE-DEP-001) as the hooks already
are: setuptools' `[options] cmdclass` (any case, `-` read as `_`, as setuptools reads
`[options]`), `[tool.setuptools] cmdclass`, every `attr:` (`setup.cfg`, `{attr = ...}`
in `[tool.setuptools.dynamic]`) naming the project's own module (or only where its value
is not a literal setuptools' `StaticModule` reads); Hatch's `[tool.hatch.version]
source = "code"` (and any version source or plugin but `regex`); flit_core's dynamic
`version`/`description` where the module's `__version__`/docstring is not a literal;
pdm-backend's `[tool.pdm.version] source = "call"`. (A local folder a requirement
installs is judged by builds.py's `_copies_only`, not attacked here.)

Also tried, and the gate held (block or refuse): in `setup.cfg` (setuptools' reader), an
`install_requires` from `[DEFAULT]` alone, or `%(x)s` from `[DEFAULT]`, written with `:`,
dashed (`install-requires`), in `[options.]`, split by `;` on one line, after a comment
line inside the value, with PEP 345 parentheses (`requests (==2.19.0)`); a `setup.cfg`
starting with a BOM (refused, as configparser fails there); pbr's `Requires-Dist` (case
and dash) and `requires_dist = requests (==2.19.0)` (pbr's `_VERSION_SPEC_RE`). pbr 7's
`[global] compilers` is ignored by pbr 7 (a warning), and its hooks drop exactly
`pbr.hooks.setup_hook` (the gate's "under `pbr`" judgement imports only installed pbr).
Markers are not a hole: the gate audits a requirement whatever its marker. Terraform:
`aws_lambda_function` whose `filename` is `"${each.key}.zip"`, `each.value`,
`["a.zip"][count.index]`, `local.zips[count.index]`; an `archive_file` with `for_each`
or `count` read through `each.value.output_path`, `["src"]` or `[0]`; a stack whose
`template_body` is `file(each.value)`, `templatefile(each.value, {})` or
`local.t[count.index]`; a layer with `for_each` (`filename = each.key`, the function's
`layers` a `for` expression or an index): each refused; a layer with `count` named by a
splat (`[*].arn`) blocks (the extension's B602). `aws_cloudformation_stack_instances`
names no template (the stack set's is read).

Limits, not bypasses: none new.

Not covered: other setuptools settings that may import code (`[options] entry_points`
read back from the project's own `.egg-info`, `setup_requires` plugins from an index);
scikit-build-core's `[tool.scikit-build.metadata]` providers with a `provider-path`,
Hatch's version plugins and hatch-vcs-like sources, setuptools-scm, and Poetry's
`[tool.poetry.build] script` (the same shape as class 2, not built); maturin and
meson-python (their build runs Rust/meson code, the metadata is pyproject's); diff mode,
`--policy-ref`, `--baseline`, shards and the findings cache were read (gate.scan.diff's
docstring, shards `keep_own`/`_kept`) but not attacked.

Fixed, each by its class (gate.bundle.manifests). 1, a backend is judged by its whole
name: only one of `PYPROJECT_ONLY_BACKENDS` (builds, `COPYING_BACKENDS` with maturin,
`scikit_build_core.build` and `mesonpy`) leaves `setup.cfg` and `setup.py` unread
(declared `_reads_setup_cfg`); any other, a wrapper of setuptools or one the gate does
not know, is read as setuptools reads. 2, one table per backend of the `pyproject.toml`
settings that make it import or run the project's code for its metadata (declared
`_CODE_SETTINGS`: setuptools' `cmdclass` and `{attr = ...}`, Hatch's hooks and any
version source but `regex`, flit_core's dynamic version or description, pdm-backend's
hook and `call` source, scikit-build-core's providers but `regex`, Poetry's build
script), and `setup.cfg`'s `[options] cmdclass` and every `attr:` (`_setup_cfg_code`),
each reported as dynamic dependencies (GATE-DEP-001); any `attr:` is reported, the
simple safe rule, rather than judging whether setuptools reads it as a literal.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.conftest import (
    HARMLESS,
    SAM,
    Layout,
    each_blocked_or_refused,
    each_blocks,
    files,
)
from tests.hostile.test_review52 import METADATA, VULNERABLE, _outcomes

SETUPTOOLS = '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
SKBUILD = (
    '[build-system]\nrequires = ["scikit-build-core", "setuptools"]\n'
    'build-backend = "scikit_build_core.setuptools.build_meta"\n'
)
"""scikit-build-core's setuptools backend: setuptools' own build, under the hood."""
OPTIONS = f"{METADATA}[options]\npy_modules = app\n"
LISTED = f"{OPTIONS}install_requires =\n    {VULNERABLE}\n"
FROM_FILE = f"{OPTIONS}install_requires = file: deps.in\n"
EXTRA = f"{OPTIONS}[options.extras_require]\naws =\n    {VULNERABLE}\n"
SETUP_PY = (
    "from setuptools import setup\n\n"
    f"setup(name='orders', py_modules=['app'], install_requires=['{VULNERABLE}'])\n"
)
HOOKS = """\
from setuptools.command.egg_info import egg_info
from setuptools.dist import Distribution

_finalize = Distribution._finalize_requires


def _pinned(self):
    self.install_requires = ["requests==2.19.0"]
    _finalize(self)


Distribution._finalize_requires = _pinned
VERSION = ".".join(["1", "0", "0"])


class Pin(egg_info):
    pass
"""
"""The project's own module: imported while setuptools parses its configuration, it pins
the dependency before setuptools finalizes them (built for real, setuptools 84.2.1)."""
SETUP_PY_CMDCLASS = (
    "from setuptools import setup\n\nfrom hooks import Pin\n\n"
    "setup(name='orders', py_modules=['app'], cmdclass={'egg_info': Pin})\n"
)


HATCH_CODE = """\
from hatchling.metadata import core

_dependencies = core.CoreMetadata.dependencies


def _pinned(self):
    return [*_dependencies.fget(self), "requests==2.19.0"]


core.CoreMetadata.dependencies = property(_pinned)
__version__ = ".".join(["1", "0", "0"])
"""
"""Hatchling's `code` version source executes this file: it adds a dependency to the
core metadata hatchling writes (built for real, hatchling from the index)."""
FLIT_MODULE = '''\
"""The orders function's hooks."""
from flit_core import common

_init = common.Metadata.__init__


def _pinned(self, data):
    _init(self, data)
    self.requires_dist = [*self.requires_dist, "requests==2.19.0"]


common.Metadata.__init__ = _pinned
__version__ = ".".join(["1", "0", "0"])
'''
"""flit_core imports the module for a version that is no literal: it adds a dependency to
the metadata flit_core writes (built for real)."""
PDM_GETTER = """\
def get_version():
    import sys

    frame = sys._getframe(1)
    while frame is not None:
        metadata = frame.f_locals.get("metadata")
        if isinstance(metadata, dict) and "name" in metadata:
            metadata.setdefault("dependencies", []).append("requests==2.19.0")
            break
        frame = frame.f_back
    return "1.0.0"
"""
"""pdm-backend's `call` version source calls this: it adds a dependency to the metadata
pdm-backend is reading (built for real)."""
HATCH_PYPROJECT = """\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "orders"
dynamic = ["version"]

[tool.hatch.version]
source = "code"
path = "hooks.py"

[tool.hatch.build.targets.wheel]
include = ["app.py"]
"""
FLIT_PYPROJECT = """\
[build-system]
requires = ["flit_core"]
build-backend = "flit_core.buildapi"

[project]
name = "hooks"
dynamic = ["version", "description"]
"""
PDM_PYPROJECT = """\
[build-system]
requires = ["pdm-backend"]
build-backend = "pdm.backend"

[project]
name = "orders"
dynamic = ["version"]

[tool.pdm.version]
source = "call"
getter = "hooks:get_version"
"""
HATCH_HOOKED = (
    '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
    '[project]\nname = "orders"\nversion = "1.0.0"\n[tool.hatch.metadata.hooks.custom]\n'
)


def project(written: dict[str, str]) -> Layout:
    """A SAM function whose code folder `src/` is a Python project of these files."""
    code = {f"src/{name}": text for name, text in written.items()}
    return files({"template.yaml": SAM, "src/app.py": HARMLESS, **code})


# --- 1. a setuptools build behind scikit-build-core's name ----------------------------------

UNDER_SKBUILD: dict[str, Layout] = {
    "1a-skbuild-setuptools-setup-cfg": project({"pyproject.toml": SKBUILD, "setup.cfg": LISTED}),
    "1b-skbuild-setuptools-file": project(
        {"pyproject.toml": SKBUILD, "setup.cfg": FROM_FILE, "deps.in": f"{VULNERABLE}\n"}
    ),
    "1c-skbuild-setuptools-extra": project({"pyproject.toml": SKBUILD, "setup.cfg": EXTRA}),
    "1d-skbuild-setuptools-setup-py": project({"pyproject.toml": SKBUILD, "setup.py": SETUP_PY}),
}

BASELINES: dict[str, tuple[Layout, str]] = {
    "1-setuptools-setup-cfg": (
        project({"pyproject.toml": SETUPTOOLS, "setup.cfg": LISTED}),
        "PYSEC-2018-28",
    ),
    "1-setuptools-file": (
        project({"pyproject.toml": SETUPTOOLS, "setup.cfg": FROM_FILE, "deps.in": VULNERABLE}),
        "PYSEC-2018-28",
    ),
    "1-setup-cfg-extra": (project({"setup.cfg": EXTRA}), "PYSEC-2018-28"),
    "1-setup-py": (project({"setup.py": SETUP_PY}), "PYSEC-2018-28"),
}

# --- 2. setuptools' declarative settings that import the project's code ----------------------

CODE_SETTINGS: dict[str, Layout] = {
    "2a-setup-cfg-cmdclass": project(
        {
            "pyproject.toml": SETUPTOOLS,
            "setup.cfg": f"{OPTIONS}cmdclass =\n    egg_info = hooks.Pin\n",
            "hooks.py": HOOKS,
        }
    ),
    "2b-pyproject-cmdclass": project(
        {
            "pyproject.toml": SETUPTOOLS
            + '[project]\nname = "orders"\nversion = "1.0.0"\n[tool.setuptools]\n'
            'py-modules = ["app"]\n[tool.setuptools.cmdclass]\negg_info = "hooks.Pin"\n',
            "hooks.py": HOOKS,
        }
    ),
    "2c-setup-cfg-version-attr": project(
        {
            "pyproject.toml": SETUPTOOLS,
            "setup.cfg": "[metadata]\nname = orders\nversion = attr: hooks.VERSION\n"
            "[options]\npy_modules = app\n",
            "hooks.py": HOOKS,
        }
    ),
    "2d-pyproject-version-attr": project(
        {
            "pyproject.toml": SETUPTOOLS
            + '[project]\nname = "orders"\ndynamic = ["version"]\n[tool.setuptools]\n'
            'py-modules = ["app"]\n[tool.setuptools.dynamic]\n'
            'version = {attr = "hooks.VERSION"}\n',
            "hooks.py": HOOKS,
        }
    ),
    "2e-hatch-code-version": project({"pyproject.toml": HATCH_PYPROJECT, "hooks.py": HATCH_CODE}),
    "2f-flit-version-import": project({"pyproject.toml": FLIT_PYPROJECT, "hooks.py": FLIT_MODULE}),
    "2g-pdm-call-version": project({"pyproject.toml": PDM_PYPROJECT, "hooks.py": PDM_GETTER}),
    "1e-skbuild-setuptools-setup-py-cmdclass": project(
        {"pyproject.toml": SKBUILD, "setup.py": SETUP_PY_CMDCLASS, "hooks.py": HOOKS}
    ),
}
PLAIN_CMDCLASS = "2-setup-py-cmdclass"
PLAIN_HATCH_HOOK = "2-hatch-custom-metadata-hook"


def test_the_plain_forms_block(tmp_path: Path) -> None:
    """The baselines: the same pins beside setuptools' own backend, or no pyproject.toml."""
    each_blocks(tmp_path, BASELINES)


def test_a_setuptools_build_under_another_name_is_read(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, UNDER_SKBUILD)


@pytest.fixture(scope="module")
def code_outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Class 2 (and 1e) and its controls (the class passed to `setup()`, Hatch's custom
    metadata hook), in one run."""
    control = project(
        {"pyproject.toml": SETUPTOOLS, "setup.py": SETUP_PY_CMDCLASS, "hooks.py": HOOKS}
    )
    hatch = project({"pyproject.toml": HATCH_HOOKED, "hatch_build.py": HATCH_CODE})
    controls = {PLAIN_CMDCLASS: control, PLAIN_HATCH_HOOK: hatch}
    return _outcomes(tmp_path_factory.mktemp("code"), {**controls, **CODE_SETTINGS})


def test_a_cmdclass_passed_to_setup_is_reported(code_outcomes: dict[str, str]) -> None:
    """The controls: review 51 class 3's fix reports a `setup()` with a `cmdclass`, and
    Hatch's custom metadata hook is reported (GATE-DEP-001)."""
    for control in (PLAIN_CMDCLASS, PLAIN_HATCH_HOOK):
        assert code_outcomes[control] in ("reported", "blocked", "refused"), code_outcomes


def test_build_code_a_backend_imports_is_reported(code_outcomes: dict[str, str]) -> None:
    """The least the gate owes, its stated limit for dependencies only the build knows:
    each project blocks, is refused, or is reported GATE-DEP-001."""
    silent = [name for name in CODE_SETTINGS if code_outcomes[name] == "passed"]
    assert not silent, silent
