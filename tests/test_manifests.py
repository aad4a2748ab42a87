"""Reading dependency manifests and vendored metadata without pip."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from gate.bundle.manifests import (
    MANIFEST_PATTERNS,
    Manifest,
    audited_requirement_files,
    includers,
    read_manifests,
    read_vendored,
)
from gate.bundle.manifests.backends import BuildSystem, build_system
from gate.bundle.manifests.found import BUILD_CODE as BUILD_CODE_NAME
from gate.bundle.manifests.found import DYNAMIC, UNPINNED
from gate.bundle.manifests.indexes import is_pypi
from gate.bundle.manifests.sources import Place, place
from gate.bundle.manifests.versions import bounds
from gate.scanners.pip_audit import PipAuditScanner

LOCKS = Path(__file__).parent / "assets" / "locks"


def write(root: Path, name: str, text: str) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_pins_and_what_cannot_be_audited(tmp_path: Path) -> None:
    write(
        tmp_path,
        "requirements.txt",
        "# production dependencies\n"
        "requests==2.19.0 \\\n    --hash=sha256:abcdef\n"
        "boto3>=1.28\n"
        "-e .\n"
        "./localpkg\n"
        "flask @ https://example.invalid/flask.whl\n"
        "https://example.invalid/pkg.tar.gz\n"
        "PyYAML===5.3 ; python_version >= '3'\n"
        "Django==4.*\n"
        "-i https://pypi.org/simple\n"
        "six  # trailing comment\n",
    )
    # A folder a plain backend builds (copying its files) is only not audited.
    write(
        tmp_path,
        "localpkg/pyproject.toml",
        '[build-system]\nbuild-backend = "flit_core.buildapi"\n',
    )
    manifest = read_manifests(tmp_path)
    assert [(p.name, p.version, p.line) for p in manifest.pins] == [
        ("requests", "2.19.0", 2),
        ("pyyaml", "5.3", 9),
    ]
    reasons = {(u.text, u.line): u.reason for u in manifest.unauditable}
    assert reasons == {
        ("boto3>=1.28", 4): "not pinned to one version",
        ("-e .", 5): "editable requirement",
        ("./localpkg", 6): "local path requirement",
        ("Django==4.*", 10): "not pinned to one version",
        ("six", 12): "not pinned to one version",
    }
    # Downloaded from a server other than PyPI: GATE-DEP-002.
    assert [(i.text, i.line) for i in manifest.indexes] == [
        ("https://example.invalid/flask.whl", 7),
        ("https://example.invalid/pkg.tar.gz", 8),
    ]
    assert manifest.problems == ()


def test_includes_are_followed_inside_the_bundle_only(tmp_path: Path) -> None:
    write(tmp_path, "requirements.txt", "-r deps/base.txt\n-r ../../etc/passwd\n")
    write(tmp_path, "deps/base.txt", "urllib3==1.24.1\n")
    manifest = read_manifests(tmp_path)
    assert [(p.name, p.path) for p in manifest.pins] == [("urllib3", "deps/base.txt")]
    assert [(p.reason, p.line) for p in manifest.problems] == [
        ("includes a file outside the bundle", 2)
    ]


def test_every_requirements_file_is_read_once(tmp_path: Path) -> None:
    write(tmp_path, "requirements.txt", "-r requirements-dev.txt\nrequests==2.32.3\n")
    write(tmp_path, "requirements-dev.txt", "pytest==8.3.3\n")
    write(tmp_path, "src/requirements.txt", "attrs==24.2.0\n")
    manifest = read_manifests(tmp_path)
    assert sorted((p.name, p.path) for p in manifest.pins) == [
        ("attrs", "src/requirements.txt"),
        ("pytest", "requirements-dev.txt"),
        ("requests", "requirements.txt"),
    ]


def test_invalid_line_is_a_problem_not_a_pass(tmp_path: Path) -> None:
    write(tmp_path, "requirements.txt", "requests==2.32.3\nthis is not a requirement!\n")
    manifest = read_manifests(tmp_path)
    assert len(manifest.problems) == 1
    assert manifest.problems[0].line == 2
    assert manifest.problems[0].reason.startswith("not a valid requirement")
    assert "\n" not in manifest.problems[0].reason


def test_pyproject_without_dependencies_is_fine(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[tool.ruff]\nline-length = 100\n[project]\nname = 'x'\n")
    assert read_manifests(tmp_path).problems == ()


def located(manifest: Manifest) -> tuple[list[tuple[str, str, str, int]], dict[str, str]]:
    """(name, version, path, line) of each pin, and `text @ path:line` -> reason of each
    dependency that cannot be audited."""
    pins = [(p.name, p.version, p.path, p.line) for p in manifest.pins]
    reasons = {f"{u.text} @ {u.path}:{u.line}": u.reason for u in manifest.unauditable}
    return pins, reasons


# What each realistic lock under tests/assets/locks holds: (name, version, line) of each pin,
# and `text:line` -> reason of each package that cannot be audited. The pyproject.toml or
# Pipfile beside each lock adds nothing the lock pins from an index; it adds the ranges
# (here any version) of the packages its `[tool.uv.sources]` takes from elsewhere: pip
# reads neither the sources nor the lock, and installs those from the index.
LOCKED: dict[str, tuple[str, list[tuple[str, str, int]], dict[str, str]]] = {
    "poetry": (
        "poetry.lock",
        [
            ("certifi", "2018.4.16", 4),
            ("chardet", "3.0.4", 15),
            ("idna", "2.7", 26),
            ("requests", "2.19.0", 68),
            ("urllib3", "1.23", 89),
        ],
        {
            "orders-common 1.4.2 @ https://github.com/example-shop/orders-common.git:37": (
                "git dependency"
            ),
            "pricing-rules 0.2.0 @ libs/pricing-rules:55": "local path dependency",
        },
    ),
    # The project itself (`source = { virtual = "." }`, line 32) is the bundle's own code.
    "uv": (
        "uv.lock",
        [
            ("certifi", "2018.4.16", 5),
            ("chardet", "3.0.4", 14),
            ("idna", "2.7", 23),
            ("requests", "2.19.0", 54),
            ("urllib3", "1.23", 74),
        ],
        {
            "invoice-schema 0.9.1 @ https://github.com/example-shop/invoice-schema?rev=v0.9.1"
            "#8d2f6a4c1e3b5d7f9a0c2e4b6d8f1a3c5e7b9d0f:49": "git dependency",
            "tax-tables 2024.3 @ libs/tax-tables:69": "local path dependency",
            "invoice-schema:8": UNPINNED,
            "tax-tables:9": UNPINNED,
        },
    ),
    # `default`, then `develop`.
    "pipenv": (
        "Pipfile.lock",
        [
            ("certifi", "2018.4.16", 19),
            ("chardet", "3.0.4", 26),
            ("idna", "2.7", 33),
            ("requests", "2.19.0", 44),
            ("urllib3", "1.23", 52),
            ("pycodestyle", "2.8.0", 66),
        ],
        {
            "partner-webhook @ .:40": "local path dependency",
            "webhook-auth @ https://github.com/example-shop/webhook-auth.git:60": "git dependency",
        },
    ),
    "pdm": (
        "pdm.lock",
        [
            ("certifi", "2018.4.16", 14),
            ("chardet", "3.0.4", 24),
            ("idna", "2.7", 34),
            ("requests", "2.19.0", 54),
            ("urllib3", "1.23", 71),
        ],
        {
            "label-templates 3.1.0 @ https://github.com/example-shop/label-templates.git:44": (
                "git dependency"
            ),
        },
    ),
}


@pytest.mark.parametrize("project", sorted(LOCKED))
def test_realistic_lock_files(tmp_path: Path, project: str) -> None:
    shutil.copytree(LOCKS / project, tmp_path / "fn")
    lock, pins, reasons = LOCKED[project]
    manifest = read_manifests(tmp_path)
    assert [(p.name, p.version, p.line) for p in manifest.pins] == pins
    # A git dependency is a source other than PyPI (GATE-DEP-002), once per repository.
    remote = {k for k, reason in reasons.items() if reason == "git dependency"}
    assert {u.text + f":{u.line}": u.reason for u in manifest.unauditable} == {
        k: v for k, v in reasons.items() if k not in remote
    }
    assert len(manifest.indexes) == len(remote)
    assert all(i.text in " ".join(remote) for i in manifest.indexes)
    locked = (
        manifest.pins + manifest.indexes + tuple(u for u in manifest.unauditable if not u.ranged)
    )
    assert {p.path for p in locked} == {f"fn/{lock}"}
    assert {u.path for u in manifest.unauditable if u.ranged} <= {"fn/pyproject.toml"}
    assert manifest.problems == ()


def test_pyproject_without_a_lock(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pyproject.toml",
        "[project]\n"
        "name = 'fn'\n"
        "dependencies = [\n"
        "  'requests==2.19.0',\n"
        "  'boto3>=1.28',\n"
        "]\n"
        "[project.optional-dependencies]\n"
        "xray = ['aws-xray-sdk==2.14.0']\n"
        "[dependency-groups]\n"
        "dev = ['six', {include-group = 'xray'}]\n"
        "[tool.poetry.group.dev.dependencies]\n"
        'pytest = "8.3.3"\n'
        'mypy = "==1.11.2"\n'
        'black = "^24.1"\n'
        'ruff = {version = ">=0.6"}\n'
        'mylib = {git = "https://github.com/acme/mylib.git", tag = "v1"}\n'
        'shared = {path = "libs/shared", develop = true}\n',
    )
    manifest = read_manifests(tmp_path)
    assert [(i.text, i.line) for i in manifest.indexes] == [
        ("https://github.com/acme/mylib.git", 16)
    ]
    pins, reasons = located(manifest)
    assert pins == [
        ("requests", "2.19.0", "pyproject.toml", 4),
        ("aws-xray-sdk", "2.14.0", "pyproject.toml", 8),
        ("pytest", "8.3.3", "pyproject.toml", 12),
        ("mypy", "1.11.2", "pyproject.toml", 13),
    ]
    assert reasons == {
        "boto3>=1.28 @ pyproject.toml:5": "not pinned to one version",
        "six @ pyproject.toml:10": "not pinned to one version",
        'black = "^24.1" @ pyproject.toml:14': "not pinned to one version",
        'ruff = {"version": ">=0.6"} @ pyproject.toml:15': "not pinned to one version",
        'shared = {"path": "libs/shared", "develop": true} @ pyproject.toml:17': (
            "local path dependency"
        ),
    }


def test_poetry_project_dependencies_skip_python(tmp_path: Path) -> None:
    write(
        tmp_path,
        "pyproject.toml",
        '[tool.poetry.dependencies]\npython = "^3.12"\nrequests = "2.19.0"\n',
    )
    pins, reasons = located(read_manifests(tmp_path))
    assert pins == [("requests", "2.19.0", "pyproject.toml", 3)]
    assert reasons == {}


def test_dynamic_dependencies_are_not_computed(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", "[project]\nname = 'fn'\ndynamic = ['dependencies']\n")
    (dynamic,) = read_manifests(tmp_path).unauditable
    assert (dynamic.line, dynamic.reason) == (
        3,
        "dynamic dependencies: only the build backend knows them, and it is never run",
    )


def test_pipfile_without_its_lock(tmp_path: Path) -> None:
    write(
        tmp_path,
        "Pipfile",
        "[packages]\n"
        'requests = "==2.19.0"\n'
        'flask = "*"\n'
        'fn = {path = ".", editable = true}\n'
        "[dev-packages]\n"
        'pytest = {version = "==8.3.3"}\n',
    )
    pins, reasons = located(read_manifests(tmp_path))
    assert pins == [("requests", "2.19.0", "Pipfile", 2), ("pytest", "8.3.3", "Pipfile", 6)]
    assert reasons == {
        'flask = "*" @ Pipfile:3': "not pinned to one version",
        'fn = {"path": ".", "editable": true} @ Pipfile:4': "local path dependency",
    }


@pytest.mark.parametrize(
    ("name", "text", "reason"),
    [
        ("poetry.lock", "[[package]\nname = 'requests'\n", "not valid TOML"),
        ("Pipfile.lock", '{"default": {', "not valid JSON"),
        ("uv.lock", "version = 1\n[[package]]\nversion = '2.19.0'\n", "without a name"),
        (
            "pdm.lock",
            "[[package]]\nname = 'requests'\nversion = '2.19.0.x'\n",
            "not a valid version",
        ),
    ],
)
def test_unreadable_locks_are_problems_not_passes(
    tmp_path: Path, name: str, text: str, reason: str
) -> None:
    write(tmp_path, f"src/{name}", text)
    manifest = read_manifests(tmp_path)
    assert manifest.pins == ()
    (problem,) = manifest.problems
    assert problem.path == f"src/{name}"
    assert reason in problem.reason


@pytest.mark.parametrize("pattern", MANIFEST_PATTERNS)
def test_every_manifest_pattern_is_read(tmp_path: Path, pattern: str) -> None:
    """A name in MANIFEST_PATTERNS that no reader reads would be listed as audited."""
    pinned = {
        "requirements*.txt": "requests==2.19.0\n",
        "pyproject.toml": "[project]\ndependencies = ['requests==2.19.0']\n",
        "Pipfile": "[packages]\nrequests = '==2.19.0'\n",
        "poetry.lock": "[[package]]\nname = 'requests'\nversion = '2.19.0'\n",
        "uv.lock": "[[package]]\nname = 'requests'\nversion = '2.19.0'\n",
        "pdm.lock": "[[package]]\nname = 'requests'\nversion = '2.19.0'\n",
        "Pipfile.lock": '{"default": {"requests": {"version": "==2.19.0"}}}',
        "setup.cfg": "[options]\ninstall_requires = requests==2.19.0\n",
        "setup.py": "from setuptools import setup\nsetup(install_requires=['requests==2.19.0'])\n",
    }
    # Settings files pin nothing: what they are read for is the index they name.
    settings = {
        "uv.toml": 'extra-index-url = ["https://x.example.net/simple"]\n',
        "pdm.toml": '[pypi]\nurl = "https://x.example.net/simple"\n',
    }
    name = pattern.replace("*", "-prod")
    if pattern == "hatch.toml":  # read with the pyproject.toml beside it, for its files
        write(tmp_path, "pyproject.toml", "[project]\ndynamic = ['dependencies']\n")
        write(tmp_path, name, "[metadata.hooks.requirements_txt]\nfiles = ['deps.in']\n")
        write(tmp_path, "deps.in", "requests==2.19.0\n")
        assert [p.path for p in read_manifests(tmp_path).pins] == ["deps.in"]
        return
    if pattern in settings:
        write(tmp_path, name, settings[pattern])
        assert [i.path for i in read_manifests(tmp_path).indexes] == [name]
        return
    write(tmp_path, name, pinned[pattern])
    assert [(p.name, p.path) for p in read_manifests(tmp_path).pins] == [("requests", name)]


def test_vendored_dist_info_and_egg_info(tmp_path: Path) -> None:
    site = "python/lib/python3.12/site-packages"
    write(
        tmp_path,
        f"{site}/requests-2.19.0.dist-info/METADATA",
        "Metadata-Version: 2.1\nName: requests\nVersion: 2.19.0\n\nRequests: HTTP for Humans\n",
    )
    write(
        tmp_path,
        f"{site}/six.egg-info/PKG-INFO",
        "Metadata-Version: 1.1\nName: six\nVersion: 1.10.0\n",
    )
    write(
        tmp_path,
        "python/PyYAML-5.3-py3.12.egg-info",
        "Metadata-Version: 1.1\nName: PyYAML\nVersion: 5.3\n",
    )
    (tmp_path / "broken.dist-info").mkdir()
    manifest = read_vendored(tmp_path)
    assert sorted((p.name, p.version, p.path) for p in manifest.pins) == [
        ("pyyaml", "5.3", "python/PyYAML-5.3-py3.12.egg-info"),
        ("requests", "2.19.0", f"{site}/requests-2.19.0.dist-info/METADATA"),
        ("six", "1.10.0", f"{site}/six.egg-info/PKG-INFO"),
    ]
    (problem,) = manifest.problems
    assert problem.path == "broken.dist-info"
    assert "not audited" in problem.reason


def test_manifest_beyond_its_lock_is_read(tmp_path: Path) -> None:
    """A lock that leaves out what the manifest beside it declares, or pins another
    version, does not hide the manifest's pin."""
    write(
        tmp_path,
        "pyproject.toml",
        "[project]\nname = 'fn'\n"
        "dependencies = ['requests==2.19.0', 'six==1.16.0', 'boto3>=1.28', 'attrs>=20']\n",
    )
    write(
        tmp_path,
        "uv.lock",
        "version = 1\n[[package]]\nname = 'requests'\nversion = '2.32.3'\n"
        "[[package]]\nname = 'six'\nversion = '1.16.0'\n"
        "[[package]]\nname = 'boto3'\nversion = '1.35.0'\n",
    )
    pins, reasons = located(read_manifests(tmp_path))
    assert sorted(pins) == [
        ("boto3", "1.35.0", "uv.lock", 9),
        ("requests", "2.19.0", "pyproject.toml", 3),
        ("requests", "2.32.3", "uv.lock", 3),
        ("six", "1.16.0", "uv.lock", 6),
    ]
    assert reasons == {"attrs>=20 @ pyproject.toml:3": "not pinned to one version"}


@pytest.mark.parametrize(
    ("written", "imported", "package"),
    [
        ("uv_build", "uv_build", "uv_build"),
        ("uv_build:", "uv_build", "uv_build"),
        ("flit_core.buildapi:", "flit_core.buildapi", "flit_core"),
        ("poetry.core.masonry:api", "poetry.core.masonry:api", "poetry"),
        ("setuptools.build_meta:__legacy__", "setuptools.build_meta:__legacy__", "setuptools"),
        ("", "", ""),
    ],
)
def test_a_backend_is_read_as_pip_imports_it(written: str, imported: str, package: str) -> None:
    """pip imports the module before `:` and takes an object only where one is named:
    every judge of a backend reads that name and its top-level package."""
    system = build_system({"build-system": {"build-backend": written}})
    assert (system.backend, system.package, system.in_tree) == (imported, package, False)
    assert build_system({}) == BuildSystem()
    assert build_system({"build-system": {"backend-path": ["."]}}).in_tree


POETRY_RANGE = (
    "[tool.poetry]\nname = 'fn'\nversion = '1.0'\n[tool.poetry.dependencies]\nrequests = '>=2.19'\n"
)
UV_RANGE = "[project]\nname = 'fn'\nversion = '1.0'\ndependencies = ['requests>=2.19']\n"
UV_TABLE = "[tool.uv]\npackage = false\n"
PDM_RANGE = UV_RANGE + "[build-system]\nbuild-backend = 'pdm.backend'\n"
BOTH_RANGE = UV_RANGE + UV_TABLE + "[tool.poetry]\npackage-mode = false\n"
LOCKING_PYPI = {
    "uv.lock": "version = 1\n[[package]]\nname = 'requests'\nversion = '2.32.3'\n",
    "pdm.lock": "[metadata]\nlock_version = '4.4'\n[[package]]\nname = 'requests'\n"
    "version = '2.32.3'\n",
    "poetry.lock": "[[package]]\nname = 'requests'\nversion = '2.32.3'\n[metadata]\n"
    "lock-version = '2.1'\n",
}


def _backend(name: str, tool: str = "") -> str:
    """A project of `requests>=2.19` built by the backend `name`, with a `[tool.X]` table."""
    table = f"[tool.{tool}]\nx = 1\n" if tool else ""
    return UV_RANGE + table + f"[build-system]\nbuild-backend = '{name}'\n"


@pytest.mark.parametrize(
    ("project", "lock", "pinned"),
    [
        (POETRY_RANGE, "uv.lock", False),
        (POETRY_RANGE, "pdm.lock", False),
        (UV_RANGE + UV_TABLE, "poetry.lock", False),
        (UV_RANGE + UV_TABLE, "pdm.lock", False),
        (PDM_RANGE, "uv.lock", False),
        (BOTH_RANGE, "uv.lock", False),  # which tool installs it cannot be told
        (POETRY_RANGE, "poetry.lock", True),
        (UV_RANGE + UV_TABLE, "uv.lock", True),
        (UV_RANGE, "uv.lock", True),  # a plain project: uv works it
        (PDM_RANGE, "pdm.lock", True),
        # A backend names its tool as pip imports it (`module:` is the module), each
        # spelling of it another tool beside the table's: no lock stands.
        (_backend("uv_build:", "poetry"), "poetry.lock", False),
        (_backend("pdm.backend:", "poetry"), "poetry.lock", False),
        (_backend("poetry.core.masonry.api:", "uv"), "uv.lock", False),
        (_backend("poetry.core.masonry:api", "pdm"), "pdm.lock", False),
        (_backend("uv_build:"), "uv.lock", True),
        (_backend("pdm.backend:"), "pdm.lock", True),
        (_backend("poetry.core.masonry.api:"), "poetry.lock", True),
    ],
)
def test_only_the_installing_tool_s_lock_stands_for_a_pyproject(
    tmp_path: Path, project: str, lock: str, pinned: bool
) -> None:
    """A lock pins a pyproject.toml's dependencies only for the tool that installs it
    (Poetry, PDM or uv, by its table or build backend as pip imports it; uv for a plain
    project): another tool's lock leaves what the pyproject declares, here a range
    (GATE-DEP-001), to the pyproject."""
    write(tmp_path, "pyproject.toml", project)
    write(tmp_path, lock, LOCKING_PYPI[lock])
    manifest = read_manifests(tmp_path)
    assert [p.path for p in manifest.pins] == [lock]
    assert bool(manifest.unauditable) is not pinned, manifest.unauditable


GIT = "https://git.example.net/requests.git"
FROM_ELSEWHERE = {
    "poetry.lock": "[tool.poetry]\nname = 'fn'\nversion = '1.0'\n[tool.poetry.dependencies]\n"
    f"requests = {{ git = '{GIT}' }}\n",
    "uv.lock": UV_RANGE + f"[tool.uv.sources]\nrequests = {{ git = '{GIT}' }}\n",
    "pdm.lock": PDM_RANGE.replace("requests>=2.19", f"requests @ git+{GIT}"),
    "folder": UV_RANGE + "[tool.uv.sources]\nrequests = { path = 'libs/requests' }\n",
}
LOCKING_ELSEWHERE = {
    "uv.lock": LOCKING_PYPI["uv.lock"] + f"source = {{ git = '{GIT}?rev=main#0123abc' }}\n",
    "pdm.lock": LOCKING_PYPI["pdm.lock"] + f"git = '{GIT}'\n",
    "poetry.lock": "[[package]]\nname = 'requests'\nversion = '2.32.3'\n"
    f"[package.source]\ntype = 'git'\nurl = '{GIT}'\n[metadata]\nlock-version = '2.1'\n",
    "folder": LOCKING_PYPI["uv.lock"] + "source = { directory = 'libs/requests' }\n",
}


@pytest.mark.parametrize("case", sorted(FROM_ELSEWHERE))
@pytest.mark.parametrize("elsewhere", [False, True])
def test_a_lock_never_hides_a_dependency_from_elsewhere(
    tmp_path: Path, case: str, elsewhere: bool
) -> None:
    """A lock excuses only what it pins: the pyproject's dependency from a repository
    (GATE-DEP-002) or a folder (GATE-DEP-001) is reported beside its own tool's lock
    pinning an index's release (pip ignores the lock; a tool relocks a stale one), and
    is left to a lock that takes it from elsewhere too, which reports it, the once. (A
    range beside it is `test_a_lock_excuses_a_range_only_by_a_release_it_pins`'s.)"""
    lock = case if case.endswith(".lock") else "uv.lock"
    write(tmp_path, "pyproject.toml", FROM_ELSEWHERE[case])
    write(tmp_path, lock, (LOCKING_ELSEWHERE[case] if elsewhere else LOCKING_PYPI[lock]))
    manifest = read_manifests(tmp_path)
    elsewheres = [u for u in manifest.unauditable + manifest.indexes if not u.ranged]
    reported = [(u.path, u.name) for u in elsewheres]
    assert reported == [(lock if elsewhere else "pyproject.toml", "requests")]


SOURCED_RANGE = UV_RANGE.replace(">=2.19", ">=2.19,<2.20") + "[tool.uv.sources]\nrequests = "
LOCKED_FROM = {
    "folder": ("{ path = 'shim' }", "{ directory = 'shim' }"),
    "folder-on-windows": (
        "{ path = 'shim', marker = \"sys_platform == 'win32'\" }",
        "{ directory = 'shim' }",
    ),
    "repository": (f"{{ git = '{GIT}', rev = 'main' }}", f"{{ git = '{GIT}?rev=main#0a1b' }}"),
}
"""A `[tool.uv.sources]` entry for requests, and the uv.lock source of the same place."""


@pytest.mark.parametrize("case", sorted(LOCKED_FROM))
@pytest.mark.parametrize("version", ["2.19.1", "2.32.4"])
def test_a_lock_excuses_a_range_only_by_a_release_it_pins(
    tmp_path: Path, case: str, version: str
) -> None:
    """A range (`>=2.19,<2.20`) whose package `[tool.uv.sources]` takes from elsewhere is
    reported and audited as a range beside a lock taking it from that same place, at a
    version in the range or out of it: pip reads neither the lock nor the source and
    installs from the range, as uv does where the source's marker does not hold."""
    source, locked = LOCKED_FROM[case]
    write(tmp_path, "pyproject.toml", SOURCED_RANGE + source + "\n")
    lock = LOCKING_PYPI["uv.lock"].replace("2.32.3", version)
    write(tmp_path, "uv.lock", lock + f"source = {locked}\n")
    manifest = read_manifests(tmp_path)
    ranges = [(u.path, u.admits) for u in manifest.unauditable if u.ranged]
    assert ranges == [("pyproject.toml", str(SpecifierSet(">=2.19,<2.20")))]


EMPTY_LOCKS = {"uv.lock": "version = 1\n", "pdm.lock": "[metadata]\nlock_version = '4.4'\n"}
PINNED_PROJECT = "[project]\nname = 'fn'\nversion = '1.0'\ndependencies = ['requests==2.32.3']\n"
BUILD_CODE_PROJECTS = {
    "setuptools-cmdclass": (
        PINNED_PROJECT + "[build-system]\nbuild-backend = 'setuptools.build_meta'\n"
        "[tool.setuptools.cmdclass]\negg_info = 'h.Pin'\n",
        "uv.lock",
    ),
    "hatch-code-version": (
        PINNED_PROJECT.replace("version = '1.0'", "dynamic = ['version']")
        + "[tool.hatch.version]\nsource = 'code'\npath = 'h.py'\n",
        "uv.lock",
    ),
    "flit-dynamic-version": (
        PINNED_PROJECT.replace("version = '1.0'", "dynamic = ['version']")
        + "[build-system]\nbuild-backend = 'flit_core.buildapi'\n",
        "uv.lock",
    ),
    "pdm-call-version": (
        PINNED_PROJECT + "[build-system]\nbuild-backend = 'pdm.backend'\n"
        "[tool.pdm.version]\nsource = 'call'\ngetter = 'h:get'\n",
        "pdm.lock",
    ),
}


@pytest.mark.parametrize("project", sorted(BUILD_CODE_PROJECTS))
@pytest.mark.parametrize("empty", [True, False])
def test_a_lock_never_stands_for_build_code(tmp_path: Path, project: str, empty: bool) -> None:
    """A setting that makes the backend run the project's code is reported as build code
    beside its tool's lock, empty or pinning what the project declares: a lock pins no
    code, and pip builds the project whatever is beside it."""
    text, lock = BUILD_CODE_PROJECTS[project]
    write(tmp_path, "pyproject.toml", text)
    write(tmp_path, lock, EMPTY_LOCKS[lock] if empty else LOCKING_PYPI[lock])
    manifest = read_manifests(tmp_path)
    assert [(u.path, u.name) for u in manifest.unauditable] == [("pyproject.toml", BUILD_CODE_NAME)]


DYNAMIC_PROJECT = "[project]\nname = 'fn'\nversion = '1.0'\ndynamic = ['dependencies']\n"


@pytest.mark.parametrize(
    ("project", "lock", "stands"),
    [
        (DYNAMIC_PROJECT, LOCKING_PYPI["uv.lock"], True),  # it resolved them
        (DYNAMIC_PROJECT, EMPTY_LOCKS["uv.lock"], False),  # it locks nothing
        (  # it locks none of what the project names: another project's, or stale
            DYNAMIC_PROJECT + "[project.optional-dependencies]\nx = ['six==1.16.0']\n",
            LOCKING_PYPI["uv.lock"],
            False,
        ),
    ],
)
def test_a_lock_of_nothing_the_project_names_stands_for_nothing(
    tmp_path: Path, project: str, lock: str, stands: bool
) -> None:
    """Only a lock that locks a package, and one of those the manifest names if it names
    any, stands for the manifest (here its dynamic dependencies)."""
    write(tmp_path, "pyproject.toml", project)
    write(tmp_path, "uv.lock", lock)
    manifest = read_manifests(tmp_path)
    dynamic = [u.path for u in manifest.unauditable if u.name == DYNAMIC]
    assert dynamic == ([] if stands else ["pyproject.toml"])


RANGE_PROJECTS = {
    "uv.lock": ("pyproject.toml", PINNED_PROJECT.replace("==2.32.3", "{}")),
    "pdm.lock": (
        "pyproject.toml",
        PINNED_PROJECT.replace("==2.32.3", "{}")
        + "[build-system]\nbuild-backend = 'pdm.backend'\n",
    ),
    "Pipfile.lock": ("Pipfile", "[packages]\nrequests = '{}'\n"),
}
LOCKING_PYPI_PIPENV = json.dumps({"_meta": {}, "default": {"requests": {"version": "==2.32.3"}}})


@pytest.mark.parametrize("lock", sorted(RANGE_PROJECTS))
@pytest.mark.parametrize(
    ("declared", "admitted"),
    [
        (">=2.19,<2.20", False),
        ("==2.19.*", False),
        ("~=2.19.0", False),
        ("<2.32.3", False),
        (">=2.19", True),
        ("==2.32.*", True),
    ],
)
def test_a_lock_stands_for_a_range_only_where_it_pins_a_version_it_admits(
    tmp_path: Path, lock: str, declared: str, admitted: bool
) -> None:
    """A range beside a lock pinning requests 2.32.3 is left to the lock only where it
    admits 2.32.3; otherwise the lock is stale, pip installs from the range, and the
    range is reported (and audited as one)."""
    name, text = RANGE_PROJECTS[lock]
    write(tmp_path, name, text.format(declared))
    write(tmp_path, lock, {**LOCKING_PYPI, "Pipfile.lock": LOCKING_PYPI_PIPENV}[lock])
    manifest = read_manifests(tmp_path)
    ranges = [(u.path, u.admits) for u in manifest.unauditable]
    assert ranges == ([] if admitted else [(name, str(SpecifierSet(declared)))])


REPOSITORY = "https://git.example.net/requests.git"


@pytest.mark.parametrize(
    ("source", "alike"),
    [
        ("{ directory = 'shim' }", False),
        ("{ editable = 'shim' }", False),
        (f"{{ git = '{REPOSITORY.replace('net/', 'net/other-')}?rev=main#0a1b' }}", False),
        (f"{{ git = '{REPOSITORY}?rev=v2#0a1b' }}", False),  # another ref
        (f"{{ git = '{REPOSITORY}?rev=main#0a1b' }}", True),
        ("{ git = 'https://GIT.example.net/requests/?branch=main#0a1b' }", True),
    ],
)
def test_a_lock_stands_for_a_dependency_from_elsewhere_only_from_the_same_place(
    tmp_path: Path, source: str, alike: bool
) -> None:
    """A repository the pyproject names (`@main`) is left to the lock only where the lock
    takes requests from that repository at that ref: a folder, an editable, another
    repository or another ref of it is no stand-in, and the manifest's line is reported."""
    dependency = f"requests @ git+{REPOSITORY}@main"
    write(tmp_path, "pyproject.toml", PINNED_PROJECT.replace("requests==2.32.3", dependency))
    write(tmp_path, "uv.lock", LOCKING_PYPI["uv.lock"] + f"source = {source}\n")
    manifest = read_manifests(tmp_path)
    declared = [i.text for i in manifest.indexes if i.path == "pyproject.toml"]
    assert declared == ([] if alike else [f"git+{REPOSITORY}@main"])


@pytest.mark.parametrize(
    ("written", "where", "refs"),
    [
        ("git+https://u:t@Git.Example.net/r.git@main", "https://git.example.net/r", {"main"}),
        ("https://git.example.net/r?rev=v1#0a1b", "https://git.example.net/r", {"v1", "0a1b"}),
        (
            "git+https://git.example.net/r.git@v1#egg=r&subdirectory=pkg",
            "https://git.example.net/r#subdirectory=pkg",
            {"v1"},
        ),
        ("./libs/x/", "libs/x", set()),
    ],
)
def test_a_source_is_read_as_one_place(written: str, where: str, refs: set[str]) -> None:
    """A repository without its VCS prefix, credentials, query or `.git`, its refs apart
    (pip's `@ref`, uv's `?rev=` and `#<commit>`), a subdirectory kept; a folder
    normalised."""
    assert place(written) == Place(where, frozenset(refs))


@pytest.mark.parametrize(
    ("directory", "metadata", "reason"),
    [
        ("requests-2.19.0.dist-info", "Name: requests\nVersion: 2.19.0\nVersion: 2.3\n", "2 times"),
        ("requests-2.19.0.dist-info", "Name: requests\nname: six\nVersion: 2.19.0\n", "2 times"),
        ("six-2.19.0.dist-info", "Name: requests\nVersion: 2.19.0\n", "named for 'six'"),
        ("requests-2.32.3.dist-info", "Name: requests\nVersion: 2.19.0\n", "named for '2.32.3'"),
        ("six.egg-info", "Name: requests\nVersion: 2.19.0\n", "directory is named for 'six'"),
    ],
)  # fmt: skip
def test_vendored_metadata_must_say_one_thing(
    tmp_path: Path, directory: str, metadata: str, reason: str
) -> None:
    name = "PKG-INFO" if directory.endswith(".egg-info") else "METADATA"
    write(tmp_path, f"{directory}/{name}", "Metadata-Version: 2.1\n" + metadata)
    manifest = read_vendored(tmp_path)
    assert manifest.pins == ()
    (problem,) = manifest.problems
    assert reason in problem.reason and "not audited" in problem.reason


def test_vendored_directory_names_as_installers_write_them(tmp_path: Path) -> None:
    for directory, name, version in [
        ("typing_extensions-4.12.2.dist-info", "typing-extensions", "4.12.2"),
        ("zope.interface-6.0.dist-info", "zope.interface", "6.0"),
        ("PyYAML-6.0.1.dist-info", "PyYAML", "6.0.1"),
        ("pyyaml-6.0.2.dist-info", "PyYAML", "6.0.2"),
        ("aws_xray_sdk-2.14.0-py3.12.egg-info", "aws-xray-sdk", "2.14.0"),
    ]:
        write(tmp_path, f"{directory}/METADATA", f"Name: {name}\nVersion: {version}\n")
        write(tmp_path, f"{directory}/PKG-INFO", f"Name: {name}\nVersion: {version}\n")
    manifest = read_vendored(tmp_path)
    assert manifest.problems == ()
    assert len(manifest.pins) == 5


def test_constraints_files_are_read_like_includes(tmp_path: Path) -> None:
    """pip installs the version a `-c` constraints file pins: that pin is audited."""
    write(tmp_path, "requirements.txt", "-c constraints.txt\n--constraint=../../etc/x\nrequests\n")
    write(tmp_path, "constraints.txt", "requests==2.19.0\n")
    manifest = read_manifests(tmp_path)
    assert [(p.name, p.version, p.path) for p in manifest.pins] == [
        ("requests", "2.19.0", "constraints.txt")
    ]
    assert [(p.reason, p.line) for p in manifest.problems] == [
        ("includes a file outside the bundle", 2)
    ]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("requirements.txt", "six @ file://${PWD}/wheels/six-1.16.0-py3-none-any.whl\n"),
        ("requirements.txt", "six @ file:///work/wheels/six-1.16.0.tar.gz\n"),
        ("requirements.txt", "six @ git+file:///work/vendor/six\n"),
        ("requirements.txt", "git+file:///work/vendor/six#egg=six\n"),
        ("Pipfile", '[packages]\nsix = {path = "wheels/six-1.16.0-py3-none-any.whl"}\n'),
        ("Pipfile", '[packages]\nsix = {file = "file:///work/six-1.16.0.zip"}\n'),
        ("pyproject.toml", '[tool.poetry.dependencies]\nsix = {git = "../six"}\n'),
    ],
)
def test_an_archive_or_repository_of_the_disk_is_a_problem(
    tmp_path: Path, name: str, text: str
) -> None:
    """pip installs what is inside it, which the gate does not scan: refused, however the
    requirement names it (a path, a `name @ file:` URL, a table's `path`, `file`, `git`)."""
    write(tmp_path, name, text)
    manifest = read_manifests(tmp_path)
    (problem,) = manifest.problems
    assert problem.reason.endswith(
        "installs an archive or repository of the bundle, whose code the gate does not scan "
        "inside; install it from an index, or unpack it into the function's code"
    )


@pytest.mark.parametrize(
    ("files", "refused"),
    [
        ({"libs/six/setup.py": "from setuptools import setup\nsetup()\n"}, True),
        (
            {
                "libs/six/pyproject.toml": "[build-system]\n"
                'build-backend = "setuptools.build_meta"\n'
            },
            True,
        ),
        (
            {
                "libs/six/pyproject.toml": '[build-system]\nbuild-backend = "hatchling.build"\n'
                "[tool.hatch.build.hooks.custom]\n"
            },
            True,
        ),
        (
            {
                "libs/six/pyproject.toml": '[build-system]\nbuild-backend = "hatchling.build"\n',
                "libs/six/hatch_build.py": "x = 1\n",
            },
            True,
        ),
        ({"libs/six/pyproject.toml": "build-system = 'not a table'\n"}, True),
        ({}, False),  # no such folder: nothing pip can build
        ({"libs/six/six.py": "x = 1\n"}, False),  # nothing pip could build
        ({"libs/six/pyproject.toml": '[build-system]\nbuild-backend = "hatchling.build"\n'}, False),
        # A backend is judged as pip imports it: `module:` is the module, which copies;
        # an object of another module may be any code.
        (
            {"libs/six/pyproject.toml": '[build-system]\nbuild-backend = "hatchling.build:"\n'},
            False,
        ),
        ({"libs/six/pyproject.toml": '[build-system]\nbuild-backend = "uv_build:"\n'}, False),
        ({"libs/six/pyproject.toml": '[build-system]\nbuild-backend = "hatchling:build"\n'}, True),
    ],
)
def test_a_local_folder_whose_build_may_run_code_is_a_problem(
    tmp_path: Path, files: dict[str, str], refused: bool
) -> None:
    """pip builds a folder it installs: a setup.py or a backend's hooks run code of the
    bundle, and what they write is not scanned. A folder a plain backend copies is only
    not audited."""
    for name, text in {"requirements.txt": "./libs/six\n", **files}.items():
        write(tmp_path, name, text)
    manifest = read_manifests(tmp_path)
    assert bool(manifest.problems) is refused, manifest.problems
    # (A build hook is also reported at its pyproject.toml, as dynamic dependencies.)
    unaudited = [u for u in manifest.unauditable if u.path == "requirements.txt"]
    assert bool(unaudited) is not refused


SETUP_PY = {"libs/six/setup.py": "from setuptools import setup\nsetup()\n"}
HATCH = '[build-system]\nbuild-backend = "hatchling.build"\n'
HATCH_LIB = HATCH + '[project]\nname = "six"\nversion = "1"\n'
"""A folder hatchling builds by copying its files, its metadata written out."""


@pytest.mark.parametrize(
    ("name", "text", "files"),
    [
        ("requirements.txt", "-e ./libs/six\n", SETUP_PY),
        ("requirements.txt", "six @ file:./libs#subdirectory=six\n", SETUP_PY),
        ("Pipfile", '[packages]\nsix = {path = "libs/six"}\n', SETUP_PY),
        ("pyproject.toml", '[tool.poetry.dependencies]\nsix = {path = "../six"}\n', {}),
        (
            "requirements.txt",
            "./libs/six\n",
            {"libs/six/pyproject.toml": HATCH + 'backend-path = ["."]\n'},
        ),
        (
            "requirements.txt",
            "./libs/six\n",
            {"libs/six/pyproject.toml": HATCH + '[project]\ndynamic = ["version"]\n'},
        ),
        (
            "requirements.txt",
            "./libs/six\n",
            {"libs/six/pyproject.toml": HATCH + "[tool.hatch.build.targets.wheel.hooks.custom]\n"},
        ),
    ],
)
def test_a_folder_built_however_it_is_named_is_judged(
    tmp_path: Path, name: str, text: str, files: dict[str, str]
) -> None:
    """An editable, a `#subdirectory=`, a Pipfile or Poetry `path`: the folder pip builds
    is judged, and one outside the bundle, which the gate cannot look at, is refused."""
    for relative, content in {name: text, **files}.items():
        write(tmp_path, relative, content)
    (problem,) = read_manifests(tmp_path).problems
    assert "installs a folder whose build may run code of the bundle" in problem.reason


@pytest.mark.parametrize(
    "hatch_toml",
    [
        '[build.hooks.custom]\npath = "pin.py"\n',
        '[build.targets.wheel.hooks.custom]\npath = "pin.py"\n',
        "[metadata.hooks.custom]\n",
        "[build.targets.wheel.hooks.vcs]\n",
        'build = {targets = {wheel = {hooks = {custom = {path = "pin.py"}}}}}\n',
        "[build\n",
    ],
)
def test_a_folder_s_build_is_judged_with_its_hatch_toml(tmp_path: Path, hatch_toml: str) -> None:
    """hatchling reads `hatch.toml` beside the pyproject (over its `[tool.hatch]`): a
    hook configured there, however it is written, runs code of the bundle as pip builds
    the folder, and one the gate cannot read is one it cannot judge: both refused."""
    write(tmp_path, "requirements.txt", "./libs/six\n")
    write(tmp_path, "libs/six/pyproject.toml", HATCH_LIB)
    write(tmp_path, "libs/six/hatch.toml", hatch_toml)
    problems = read_manifests(tmp_path).problems
    # (One that does not parse is also a problem of the folder's own pyproject.toml.)
    (problem,) = [p for p in problems if p.path == "requirements.txt"]
    assert "installs a folder whose build may run code of the bundle" in problem.reason


def test_a_hatch_toml_without_hooks_leaves_a_copying_build(tmp_path: Path) -> None:
    """A `hatch.toml` that only says which files a wheel holds changes nothing: the
    folder's build still only copies files, and hatch.toml's `[build]` replaces the
    pyproject's `[tool.hatch.build]` whole, as hatchling reads them."""
    write(tmp_path, "requirements.txt", "./libs/six\n")
    write(tmp_path, "libs/six/pyproject.toml", HATCH_LIB + "[tool.hatch.build.hooks.custom]\n")
    write(tmp_path, "libs/six/hatch.toml", '[build.targets.wheel]\npackages = ["six"]\n')
    assert not read_manifests(tmp_path).problems


@pytest.mark.parametrize(
    ("pyproject", "hatch_toml"),
    [
        (HATCH_LIB + '[tool.hatch.build.force-include]\n"ops.yaml" = "ops.py"\n', None),
        (HATCH_LIB, '[build.targets.wheel.force-include]\n"ops.json" = "ops.py"\n'),
        (HATCH_LIB, 'build = {targets = {wheel = {force-include = {"a.txt" = "a.py"}}}}\n'),
        (HATCH_LIB, '[build.targets.wheel.force-include-editable]\n"a.txt" = "a.py"\n'),
        (HATCH_LIB, '[build.targets.wheel.sources]\n"data" = "six"\n'),
        (HATCH_LIB + '[tool.hatch.build]\nsources = ["src"]\n', None),
        (HATCH_LIB + '[tool.hatch.build.targets.wheel.shared-data]\n"a" = "b"\n', None),
        (HATCH_LIB, '[build.targets.wheel]\nshared-scripts = {"a" = "b"}\n'),
        (HATCH_LIB, '[build.targets.wheel]\nextra-metadata = {"a" = "b"}\n'),
        (HATCH_LIB, '[build]\ndev-mode-dirs = [".."]\n'),
        (
            '[build-system]\nbuild-backend = "flit_core.buildapi"\n'
            '[project]\nname = "six"\nversion = "1"\ndescription = "d"\n'
            '[tool.flit.external-data]\ndirectory = "data"\n',
            None,
        ),
        (
            '[build-system]\nbuild-backend = "pdm.backend"\n[project]\nname = "six"\n'
            'version = "1"\n[tool.pdm.build.wheel-data]\ndata = [{path = "a/*"}]\n',
            None,
        ),
        (
            '[build-system]\nbuild-backend = "poetry.core.masonry.api"\n'
            '[project]\nname = "six"\nversion = "1"\n'
            '[tool.poetry]\npackages = [{include = "data", to = "six"}]\n',
            None,
        ),
        (
            '[build-system]\nbuild-backend = "uv_build"\n[project]\nname = "six"\n'
            'version = "1"\n[tool.uv.build-backend.data]\nscripts = "bin"\n',
            None,
        ),
    ],
    ids=[
        "hatch-force-include",
        "hatch-toml-force-include",
        "hatch-toml-inline-force-include",
        "hatch-force-include-editable",
        "hatch-sources-table",
        "hatch-sources-list",
        "hatch-shared-data",
        "hatch-shared-scripts",
        "hatch-extra-metadata",
        "hatch-dev-mode-dirs",
        "flit-external-data",
        "pdm-wheel-data",
        "poetry-packages-to",
        "uv-build-data",
    ],
)
def test_a_folder_s_build_that_maps_files_elsewhere_is_refused(
    tmp_path: Path, pyproject: str, hatch_toml: str | None
) -> None:
    """A copying backend's setting that installs a file under another path or name
    (hatchling's `force-include` installs `ops.json` as `ops.py`) makes a build whose
    output is not the files the gate scanned, in `pyproject.toml` or `hatch.toml`,
    however it is written: refused."""
    write(tmp_path, "requirements.txt", "./libs/six\n")
    write(tmp_path, "libs/six/pyproject.toml", pyproject)
    if hatch_toml is not None:
        write(tmp_path, "libs/six/hatch.toml", hatch_toml)
    (problem,) = [p for p in read_manifests(tmp_path).problems if p.path == "requirements.txt"]
    assert "installs a file under another path or name" in problem.reason


@pytest.mark.parametrize(
    ("pyproject", "hatch_toml", "named"),
    [
        (
            HATCH_LIB + '[tool.hatch.build.targets.wheel.force-include]\n"a.txt" = "a.py"\n',
            None,
            'its pyproject.toml\'s "tool.hatch.build.targets.wheel.force-include"',
        ),
        (
            HATCH_LIB + '[tool.hatch.build.force-include]\n"a.txt" = "a.py"\n',
            '[build.targets.wheel]\nshared-data = {"a" = "b"}\n',
            'its hatch.toml\'s "build.targets.wheel.shared-data"',
        ),
        (
            HATCH_LIB + '[tool.poetry]\npackages = [{include = "data", to = "six"}]\n',
            None,
            'its pyproject.toml\'s "tool.poetry.packages.0.to"',
        ),
    ],
    ids=["pyproject", "hatch-toml-over-pyproject", "list-item"],
)
def test_a_setting_that_maps_files_is_named(
    tmp_path: Path, pyproject: str, hatch_toml: str | None, named: str
) -> None:
    """The refusal names the file and the setting the backend reads (hatch.toml's
    `[build]` replaces the pyproject's `[tool.hatch.build]` whole)."""
    write(tmp_path, "requirements.txt", "./libs/six\n")
    write(tmp_path, "libs/six/pyproject.toml", pyproject)
    if hatch_toml is not None:
        write(tmp_path, "libs/six/hatch.toml", hatch_toml)
    (problem,) = read_manifests(tmp_path).problems
    assert named in problem.reason, problem.reason


@pytest.mark.parametrize(
    "settings",
    [
        '[tool.hatch.build.targets.wheel]\npackages = ["src/six"]\n',
        '[tool.hatch.build.targets.wheel]\nonly-include = ["six"]\n',
        '[tool.hatch.envs.default]\ndependencies = ["pytest"]\n',
        '[tool.uv.sources]\nsix = {path = "six"}\n',
    ],
    ids=["hatch-packages", "hatch-only-include", "hatch-envs", "uv-sources"],
)
def test_a_folder_s_build_that_keeps_names_still_copies(tmp_path: Path, settings: str) -> None:
    """Settings that only choose files or strip a folder every file shares keep the
    names the gate scans (and another tool's table is not the backend's): the build
    still only copies files."""
    write(tmp_path, "requirements.txt", "./libs/six\n")
    write(tmp_path, "libs/six/pyproject.toml", HATCH_LIB + settings)
    assert not read_manifests(tmp_path).problems


@pytest.mark.parametrize(
    "files",
    [
        SETUP_PY,
        {"libs/six/pyproject.toml": HATCH, "libs/six/hatch_build.py": "x = 1\n"},
        {"libs/six/pdm_build.py": "x = 1\n"},
        {"libs/six/build.py": "x = 1\n"},
        {"libs/six/pyproject.toml": HATCH},
        {"libs/six/pyproject.toml": HATCH_LIB, "libs/six/hatch.toml": "[build.hooks.custom]\n"},
    ],
)
def test_the_audit_s_cache_key_holds_what_decides_a_folder_s_build(
    tmp_path: Path, files: dict[str, str]
) -> None:
    """Each file `runs_a_build` reads or looks for is keyed, so a change adding one (or
    the folder itself) is audited afresh, never answered from a clean cached audit; the
    folder's modules are not."""
    for name, text in {
        "requirements.txt": "./libs/six\n",
        "libs/six/six.py": "x = 1\n",
        **files,
    }.items():
        write(tmp_path, name, text)
    listed = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    keyed = PipAuditScanner().key_files(tmp_path, listed, {})
    assert set(files) <= set(keyed) and "libs/six/six.py" not in keyed


PRIVATE = "https://pkgs.example.net/simple"


@pytest.mark.parametrize(
    ("name", "text", "indexes"),
    [
        ("requirements.txt", f"--extra-index-url {PRIVATE}\nsix==1.16.0\n", [(PRIVATE, 1)]),
        ("requirements.txt", f"six==1.16.0\n-i{PRIVATE}\n", [(PRIVATE, 2)]),
        ("requirements.txt", f"--index-url={PRIVATE} --find-links https://w.example.net/\n",
         [(PRIVATE, 1), ("https://w.example.net/", 1)]),
        ("requirements.txt", "--extra-index-url ${PIP_EXTRA_INDEX_URL}\n",
         [("${PIP_EXTRA_INDEX_URL}", 1)]),
        ("requirements.txt", "-i https://pypi.org/simple\n--index-url https://pypi.org/simple/\n",
         []),
        ("requirements.txt", "-i http://pypi.org/simple\n", [("http://pypi.org/simple", 1)]),
        ("requirements.txt", "-i https://pypi.org.example.net/simple\n",
         [("https://pypi.org.example.net/simple", 1)]),
        ("Pipfile", f'[[source]]\nname = "pypi"\nurl = "https://pypi.org/simple"\n'
         f'[[source]]\nname = "corp"\nurl = "{PRIVATE}"\n', [(PRIVATE, 6)]),
        ("pyproject.toml", f'[[tool.poetry.source]]\nname = "corp"\nurl = "{PRIVATE}"\n',
         [(PRIVATE, 3)]),
        ("pyproject.toml", f'[[tool.pdm.source]]\nname = "corp"\nurl = "{PRIVATE}"\n',
         [(PRIVATE, 3)]),
        ("pyproject.toml", f'[[tool.uv.index]]\nurl = "{PRIVATE}"\n', [(PRIVATE, 2)]),
        ("pyproject.toml", f'[tool.uv]\nextra-index-url = ["{PRIVATE}"]\n', [(PRIVATE, 2)]),
        ("pyproject.toml", f'[tool.uv.pip]\nextra-index-url = ["{PRIVATE}"]\n', [(PRIVATE, 2)]),
        ("uv.toml", f'[[index]]\nurl = "{PRIVATE}"\ndefault = true\n', [(PRIVATE, 2)]),
        ("uv.toml", f'[pip]\nindex-url = "{PRIVATE}"\n', [(PRIVATE, 2)]),
        ("pdm.toml", f'[pypi.corp]\nurl = "{PRIVATE}"\n', [(PRIVATE, 2)]),
        ("uv.lock", 'version = 1\n[[package]]\nname = "six"\nversion = "1.16.0"\n'
         'source = { registry = "https://pypi.org/simple" }\n'
         'wheels = [{ url = "https://evil.example.net/six-1.16.0-py3-none-any.whl" }]\n',
         [("https://evil.example.net/", 3)]),
        ("uv.lock", 'version = 1\n[[package]]\nname = "six"\nversion = "1.16.0"\n'
         'source = { registry = "https://pypi.org/simple" }\n'
         'sdist = { url = "https://files.pythonhosted.org/packages/six-1.16.0.tar.gz" }\n', []),
        ("pdm.lock", '[metadata]\n[[package]]\nname = "six"\nversion = "1.16.0"\n'
         'files = [{url = "https://evil.example.net/six.whl", hash = "sha256:ab"}]\n',
         [("https://evil.example.net/", 3)]),
        ("uv.lock", 'version = 1\n[[package]]\nname = "six"\nversion = "1.16.0"\n'
         f'source = {{ registry = "{PRIVATE}" }}\n', [(PRIVATE, 3)]),
        ("uv.lock", 'version = 1\n[[package]]\nname = "six"\nversion = "1.16.0"\n'
         'source = { registry = "https://pypi.org/simple" }\n', []),
        ("poetry.lock", '[[package]]\nname = "six"\nversion = "1.16.0"\n'
         f'[package.source]\ntype = "legacy"\nurl = "{PRIVATE}"\nreference = "corp"\n'
         "[metadata]\n", [(PRIVATE, 2)]),
        ("Pipfile.lock", '{"_meta": {"sources": [{"name": "corp", "url": "' + PRIVATE + '"}]},'
         '\n"default": {"six": {"version": "==1.16.0"}}}\n', [(PRIVATE, 1)]),
    ],
)  # fmt: skip
def test_an_index_other_than_pypi_is_named(
    tmp_path: Path, name: str, text: str, indexes: list[tuple[str, int]]
) -> None:
    """Each index a manifest installs from, PyPI's own aside, once per file, with its line:
    the audit knows PyPI's releases only (GATE-DEP-002)."""
    write(tmp_path, name, text)
    manifest = read_manifests(tmp_path)
    assert manifest.problems == ()
    assert [(i.text, i.line) for i in manifest.indexes] == indexes
    assert all(i.path == name for i in manifest.indexes)


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pyproject.toml", '[tool.uv]\nfind-links = ["./wheels"]\n'),
        ("uv.lock", 'version = 1\n[[package]]\nname = "six"\nversion = "1.16.0"\n'
         'source = { registry = "wheels" }\n'),
        ("Pipfile", '[[source]]\nname = "w"\nurl = "file:///work/wheels"\n'),
    ],
)  # fmt: skip
def test_an_index_of_the_disk_is_a_problem(tmp_path: Path, name: str, text: str) -> None:
    """A folder named as an index holds the bundle's packages, which nothing scans."""
    write(tmp_path, name, text)
    (problem,) = read_manifests(tmp_path).problems
    assert "points pip at packages in files of the bundle" in problem.reason


def test_a_source_shaped_otherwise_is_malformed(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[[tool.poetry.source]]\nname = "corp"\n')
    (problem,) = read_manifests(tmp_path).problems
    assert "tool.poetry.source[0].url" in problem.reason


@pytest.mark.parametrize(
    "line",
    ["--pre -rdeps.txt", "--pre --requirem deps.txt", "--prefer-binary --constr deps.txt",
     "-r deps.txt", "--requirement=deps.txt"],
)  # fmt: skip
def test_an_include_is_read_however_pip_reads_it(tmp_path: Path, line: str) -> None:
    """pip's options by any unique prefix, a short one with its value attached, after
    other options: the file it names is read."""
    write(tmp_path, "requirements.txt", line + "\n")
    write(tmp_path, "deps.txt", "six==1.16.0\n")
    assert [(p.name, p.path) for p in read_manifests(tmp_path).pins] == [("six", "deps.txt")]


@pytest.mark.parametrize(
    ("line", "index"),
    [("--prefer-binary --extra-index https://x.example.net/simple", "https://x.example.net/simple"),
     ("six==1.16.0 --hash=sha256:abc", None),
     ("six==1.16.0 -r deps.txt", None)],  # pip follows no include on a requirement's line
)  # fmt: skip
def test_options_are_read_as_pip_reads_them(tmp_path: Path, line: str, index: str | None) -> None:
    write(tmp_path, "requirements.txt", line + "\n")
    manifest = read_manifests(tmp_path)
    assert [i.text for i in manifest.indexes] == ([index] if index else [])
    assert manifest.problems == ()


@pytest.mark.parametrize("line", ["--no x", "--bogus", "-r", "--pre=yes"])
def test_a_line_pip_cannot_read_is_a_problem(tmp_path: Path, line: str) -> None:
    write(tmp_path, "requirements.txt", line + "\n")
    (problem,) = read_manifests(tmp_path).problems
    assert problem.reason.startswith("pip cannot read this line's options")


@pytest.mark.parametrize(
    ("data", "pins", "index"),
    [
        (b"\xef\xbb\xbfsix==1.16.0\n", ["six"], None),  # pip drops a UTF-8 BOM
        (b"six==1.16.0\n--extra-index-url https://x.example.net/simple \\\n",
         ["six"], "https://x.example.net/simple"),  # continued on the last line
        (b"--index-url https://pypi.org\\\n.example.net/simple\nsix==1.16.0\n",
         ["six"], "https://pypi.org.example.net/simple"),  # joined with nothing between
        (b"# -*- coding: utf-7 -*-\nsix==1.16.0 #+AAo---extra-index-url https://x.example.net/s\n",
         ["six"], "https://x.example.net/s"),  # the declared encoding, as pip decodes it
        # A comment ending in `\\` continues: pip reads `six2` as part of the comment.
        (b"six==1.16.0 # a comment \\\nsix2==1.0\n", ["six"], None),
    ],
)  # fmt: skip
def test_a_requirements_file_is_decoded_and_joined_as_pip_does(
    tmp_path: Path, data: bytes, pins: list[str], index: str | None
) -> None:
    (tmp_path / "requirements.txt").write_bytes(data)
    manifest = read_manifests(tmp_path)
    assert manifest.problems == ()
    assert [p.name for p in manifest.pins] == pins
    assert [i.text for i in manifest.indexes] == ([index] if index else [])


@pytest.mark.parametrize("data", [b"\xff\xfes\x00i\x00x\x00\n\x00", b"six==1.0\xff\n",
                                  b"# coding: no-such-codec\nsix==1.0\n"])  # fmt: skip
def test_a_requirements_file_pip_reads_otherwise_is_a_problem(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "requirements.txt").write_bytes(data)
    (problem,) = read_manifests(tmp_path).problems
    assert problem.reason.startswith("pip would read it otherwise")


PIPFILE_LOCK = '{"_meta": {}, "default": {%s}}\n'
SIX_WHEEL = "/packages/py2.py3/s/six/six-1.16.0-py2.py3-none-any.whl"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Pipfile.lock", PIPFILE_LOCK % '"requests[socks]": {"version": "==2.19.0"}'),
        ("Pipfile.lock", PIPFILE_LOCK % '"requests ": {"version": "==2.19.0"}'),
        ("Pipfile", '[packages]\n"requests[socks]" = "==2.19.0"\n'),
        ("pyproject.toml", '[tool.poetry.dependencies]\n"requests [socks]" = "2.19.0"\n'),
        ("uv.lock", 'version = 1\n[[package]]\nname = "requests[socks]"\nversion = "2.19.0"\n'),
    ],
)  # fmt: skip
def test_a_key_is_read_as_the_requirement_it_makes(tmp_path: Path, name: str, text: str) -> None:
    """pipenv joins a key and its version into a requirement line: `requests[socks]`
    and `requests ` are requests, audited as such."""
    write(tmp_path, name, text)
    manifest = read_manifests(tmp_path)
    assert [(p.name, p.version) for p in manifest.pins] == [("requests", "2.19.0")]
    assert manifest.problems == ()


@pytest.mark.parametrize("key", ["requests==2.19.0", "req uests", "requests; os_name", "[x]"])
def test_a_key_that_is_no_name_is_refused(tmp_path: Path, key: str) -> None:
    write(tmp_path, "Pipfile.lock", PIPFILE_LOCK % f'"{key}": {{"version": "==2.19.0"}}')
    manifest = read_manifests(tmp_path)
    (problem,) = manifest.problems
    assert manifest.pins == ()
    assert problem.reason == f'"default.{key}" is not a package name (a name, then any [extras])'


@pytest.mark.parametrize(
    "server",
    [
        "https://pypi.example.net\\@files.pythonhosted.org",
        "https://pypi.example.net\\files.pythonhosted.org",
        "https://user@files.pythonhosted.org",
        "https://files.pythonhosted.org:8443",
        "http://files.pythonhosted.org",
        "https://files.pythonhosted.org\t",
        "https://files.pythonhosted.org\x00",
        "https://files.pythonhosted.org\u3002",
    ],
)
def test_a_url_installers_may_read_otherwise_is_never_pypi_s(tmp_path: Path, server: str) -> None:
    """pip and uv end a URL's authority at a backslash where `urlsplit` does not, and
    parsers differ on whitespace, control characters and non-ASCII: such a URL, a user
    name, another port or plain HTTP is a server other than PyPI (GATE-DEP-002)."""
    url = server + SIX_WHEEL
    write(tmp_path, "a/requirements.txt", f"six @ {url}\n")
    uv_lock = (
        'version = 1\n[[package]]\nname = "six"\nversion = "1.16.0"\n'
        'source = { registry = "https://pypi.org/simple" }\n'
        f"wheels = [{{ url = {json.dumps(url)} }}]\n"
    )
    write(tmp_path, "b/uv.lock", uv_lock)
    manifest = read_manifests(tmp_path)
    # pip ends a requirement at whitespace: the rest is a line it cannot read, refused.
    refused = [(p.path, p.line) for p in manifest.problems]
    elsewhere = [(i.path, i.line) for i in manifest.indexes]
    assert sorted(refused + elsewhere) == [("a/requirements.txt", 1), ("b/uv.lock", 3)]
    assert not is_pypi(server + "/simple")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Pipfile", '[packages]\nsix = {file = "%s"}\n'),
        ("Pipfile", '[packages]\nsix = {path = "%s"}\n'),
        ("Pipfile", '[packages]\nsix = {path = ".", file = "%s"}\n'),
        ("Pipfile.lock", PIPFILE_LOCK % '"six": {"file": "%s"}'),
        ("pyproject.toml", '[tool.poetry.dependencies]\nsix = {path = "%s"}\n'),
        ("pyproject.toml", '[project]\ndependencies = ["six"]\n'
         '[tool.uv.sources]\nsix = {directory = "%s"}\n'),
        ("poetry.lock", '[[package]]\nname = "six"\nversion = "1.16.0"\n'
         '[package.source]\ntype = "file"\nurl = "%s"\n[metadata]\n'),
        ("pdm.lock", '[metadata]\n[[package]]\nname = "six"\nversion = "1.16.0"\npath = "%s"\n'),
    ],
)  # fmt: skip
def test_a_remote_url_under_any_source_key_is_from_elsewhere(
    tmp_path: Path, name: str, text: str
) -> None:
    """A source is judged by its value: a remote URL under `file`, `path` or `directory`
    is downloaded from that server, as one under `url` is (GATE-DEP-002)."""
    url = "https://pypi.example.net" + SIX_WHEEL
    write(tmp_path, name, text.replace("%s", url))
    manifest = read_manifests(tmp_path)
    assert [i.text for i in manifest.indexes] == [url]
    assert (manifest.pins, manifest.problems) == ((), ())


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("requirements.txt", "requests>=2.19.0,<=2.19.0\n"),
        ("requirements.txt", "requests==2.19.0,>=1\n"),
        ("requirements.txt", "requests<=2.19.0, >=2.19.0 ; python_version >= '3'\n"),
        ("requirements.txt", "requests @ https://files.pythonhosted.org/p/requests-2.19.0-py2.py3-none-any.whl\n"),
        ("requirements.txt", "https://files.pythonhosted.org/p/requests-2.19.0.tar.gz#sha256=ab\n"),
        ("pyproject.toml", '[tool.poetry.dependencies]\nrequests = "=2.19.0"\n'),
        ("pyproject.toml", '[tool.poetry.dependencies]\nrequests = "== 2.19.0"\n'),
        ("pyproject.toml", '[tool.poetry.dependencies]\nrequests = " 2.19.0"\n'),
        ("pyproject.toml", '[tool.poetry.dependencies]\nrequests = ">= 2.19.0, <= 2.19.0"\n'),
        ("Pipfile", '[packages]\nrequests = {url = "https://files.pythonhosted.org/p/requests-2.19.0.tar.gz"}\n'),
    ],
)  # fmt: skip
def test_a_constraint_admitting_one_version_is_that_pin(
    tmp_path: Path, name: str, text: str
) -> None:
    """However an exact version is spelt (a range of one, Poetry's `=`, PyPI's own file
    for it), it is audited at that version."""
    write(tmp_path, name, text)
    manifest = read_manifests(tmp_path)
    assert [(p.name, p.version) for p in manifest.pins] == [("requests", "2.19.0")]
    assert (manifest.unauditable, manifest.problems, manifest.indexes) == ((), (), ())


@pytest.mark.parametrize(
    "text",
    ["requests~=2.19.0", "requests==2.19.*", "requests>=2.19.0,<2.19.1", "requests>=2.19,<=2.19.1"],
)
def test_a_range_of_more_than_one_version_is_no_pin(tmp_path: Path, text: str) -> None:
    write(tmp_path, "requirements.txt", text + "\n")
    manifest = read_manifests(tmp_path)
    assert [u.reason for u in manifest.unauditable] == ["not pinned to one version"]
    assert manifest.pins == ()


@pytest.mark.parametrize(
    ("text", "admits", "limits"),
    [
        ("requests~=2.19.0\n", "~=2.19.0", ("2.19.0", "2.20", False)),
        ("requests==2.19.*\n", "==2.19.*", ("2.19", "2.20", False)),
        ("requests<=2.19.1,>2.18\n", "<=2.19.1,>2.18", ("2.18", "2.19.1", True)),
        ("requests<2.20\n", "<2.20", (None, "2.20", False)),
        ("requests<2.20,<=2.20\n", "<2.20,<=2.20", (None, "2.20", False)),
        ("requests>=2.19\n", ">=2.19", None),
        ("requests\n", None, None),
    ],
)
def test_a_range_is_recorded_with_what_it_admits(
    tmp_path: Path, text: str, admits: str | None, limits: tuple[str | None, str, bool] | None
) -> None:
    """An unpinned requirement keeps its specifiers, for the audit to check against the
    package's advisories; the bounds are those of every version they admit."""
    write(tmp_path, "requirements.txt", text)
    (unpinned,) = read_manifests(tmp_path).unauditable
    assert unpinned.admits == admits
    floor, ceiling, inclusive = limits or (None, "0", False)
    expected = (Version(floor) if floor else None, Version(ceiling), inclusive)
    assert bounds(admits or "") == (expected if limits else None)


@pytest.mark.parametrize(
    ("constraint", "admits"),
    [("~2.19.0", "<2.20,>=2.19.0"), ("^2.19", "<3,>=2.19"), ("^0.0.3", "<0.0.4,>=0.0.3"),
     (">= 2.19, < 2.20", "<2.20,>=2.19"), ("2.19.*", "==2.19.*"), ("*", None)],
)  # fmt: skip
def test_a_poetry_range_is_recorded_as_pep_440(
    tmp_path: Path, constraint: str, admits: str | None
) -> None:
    write(tmp_path, "pyproject.toml", f'[tool.poetry.dependencies]\nrequests = "{constraint}"\n')
    (unpinned,) = read_manifests(tmp_path).unauditable
    assert (unpinned.reason, unpinned.admits) == ("not pinned to one version", admits)


@pytest.mark.parametrize("bar", ["||", "|"])
def test_a_poetry_union_is_read_as_its_parts(tmp_path: Path, bar: str) -> None:
    """Poetry's resolver may take any part of `A || B`: each is judged as if alone."""
    write(
        tmp_path,
        "pyproject.toml",
        f'[tool.poetry.dependencies]\nrequests = "2.19.0 {bar} ~2.19.1"\n'
        f'six = {{ version = "1.15.0 {bar} 1.16.0" }}\n',
    )
    manifest = read_manifests(tmp_path)
    assert sorted((p.name, p.version) for p in manifest.pins) == [
        ("requests", "2.19.0"),
        ("six", "1.15.0"),
        ("six", "1.16.0"),
    ]
    (unpinned,) = manifest.unauditable
    assert (unpinned.name, unpinned.admits) == ("requests", "<2.20,>=2.19.1")


def test_a_vendored_package_whose_name_is_no_name_is_refused(tmp_path: Path) -> None:
    """Whichever reader records a pin, a name no advisory can name is a problem."""
    write(
        tmp_path,
        "requests[socks]-2.19.0.dist-info/METADATA",
        "Metadata-Version: 2.1\nName: requests[socks]\nVersion: 2.19.0\n",
    )
    vendored = read_vendored(tmp_path)
    (problem,) = vendored.problems
    assert vendored.pins == ()
    assert problem.reason.startswith("'requests[socks]' is not a package name")


PROJECT = "[project]\nname = 'fn'\ndependencies = ['requests', 'six']\n"
ELSEWHERE_WHEEL = "https://pypi.example.net" + SIX_WHEEL


@pytest.mark.parametrize(
    ("more", "line"),
    [
        ('[tool.uv]\noverride-dependencies = ["requests==2.19.0"]\n', 5),
        ('[tool.uv]\nconstraint-dependencies = ["requests==2.19.0"]\n', 5),
        ('[tool.poetry.dependencies]\nrequests = "2.19.0"\n', 5),
        ('[tool.poetry.dependencies]\nrequests = {version = "2.19.0", source = "pypi"}\n', 5),
        ('[tool.pdm.resolution.overrides]\nrequests = "2.19.0"\n', 5),
        ('[tool.pdm.resolution.overrides]\nrequests = "==2.19.0"\n', 5),
    ],
)
def test_a_pyproject_table_setting_a_version_is_audited(
    tmp_path: Path, more: str, line: int
) -> None:
    """uv's overrides and constraints, Poetry 2's table beside `[project].dependencies`
    and PDM's overrides set the version installed: each is audited as its pin."""
    write(tmp_path, "pyproject.toml", PROJECT + more)
    pins, _ = located(read_manifests(tmp_path))
    assert pins == [("requests", "2.19.0", "pyproject.toml", line)]


@pytest.mark.parametrize(
    "more",
    [
        f'[tool.uv]\noverride-dependencies = ["six @ {ELSEWHERE_WHEEL}"]\n',
        f'[tool.pdm.resolution.overrides]\nsix = "{ELSEWHERE_WHEEL}"\n',
        f'[tool.poetry.dependencies]\nsix = {{url = "{ELSEWHERE_WHEEL}"}}\n',
    ],
)
def test_a_pyproject_table_setting_a_source_is_from_elsewhere(tmp_path: Path, more: str) -> None:
    write(tmp_path, "pyproject.toml", PROJECT + more)
    assert [i.text for i in read_manifests(tmp_path).indexes] == [ELSEWHERE_WHEEL]


SETUPTOOLS = (
    "[project]\nname = 'fn'\ndynamic = ['dependencies', 'optional-dependencies']\n"
    "[tool.setuptools.dynamic]\ndependencies = {file = ['deps.txt']}\n"
    "optional-dependencies.xray = {file = 'xray.txt'}\n"
)


def test_setuptools_dynamic_files_are_read_as_its_lists(tmp_path: Path) -> None:
    """setuptools reads dynamic dependencies and extras from the files it is given, one
    requirement a line: read so, and keyed by the audit's cache. A pip include (`-r`) is
    no requirement to setuptools, whose build fails on it: a problem, not followed."""
    write(tmp_path, "fn/pyproject.toml", SETUPTOOLS)
    write(tmp_path, "fn/deps.txt", "requests==2.19.0\n-r base.in\n")
    write(tmp_path, "fn/base.in", "urllib3==1.23\n")
    write(tmp_path, "fn/xray.txt", "aws-xray-sdk==2.14.0\n")
    manifest = read_manifests(tmp_path)
    assert [(p.name, p.path) for p in manifest.pins] == [
        ("requests", "fn/deps.txt"),
        ("aws-xray-sdk", "fn/xray.txt"),
    ]
    [problem] = manifest.problems
    assert (problem.text, problem.path, problem.line) == ("-r base.in", "fn/deps.txt", 2)
    listed = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    keyed = PipAuditScanner().key_files(tmp_path, listed, {})
    assert {"fn/deps.txt", "fn/xray.txt"} <= set(keyed)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../../etc/passwd", "includes a file outside the bundle"),
        ("gone.txt", "includes a missing file"),
    ],
)
def test_a_setuptools_dynamic_file_not_in_the_bundle_is_a_problem(
    tmp_path: Path, name: str, reason: str
) -> None:
    write(tmp_path, "pyproject.toml", SETUPTOOLS.replace("deps.txt", name))
    write(tmp_path, "xray.txt", "")
    manifest = read_manifests(tmp_path)
    assert [(p.text, p.reason, p.line) for p in manifest.problems] == [(name, reason, 3)]


HATCH = (
    "[project]\nname = 'fn'\ndynamic = ['dependencies', 'optional-dependencies']\n"
    "[tool.hatch.metadata.hooks.requirements_txt]\nfiles = ['deps.in']\n"
    "optional-dependencies.xray = ['xray.in']\n"
)


def test_hatch_requirements_files_are_read_as_requirements(tmp_path: Path) -> None:
    """Hatch's requirements plugin reads dynamic dependencies and extras from requirements
    files, as setuptools does: they are read, and keyed by the audit's cache."""
    write(tmp_path, "fn/pyproject.toml", HATCH)
    write(tmp_path, "fn/deps.in", "requests==2.19.0\n")
    write(tmp_path, "fn/xray.in", "aws-xray-sdk==2.14.0\n")
    manifest = read_manifests(tmp_path)
    assert [(p.name, p.path) for p in manifest.pins] == [
        ("requests", "fn/deps.in"),
        ("aws-xray-sdk", "fn/xray.in"),
    ]
    assert (manifest.unauditable, manifest.problems) == ((), ())
    listed = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    keyed = PipAuditScanner().key_files(tmp_path, listed, {})
    assert {"fn/deps.in", "fn/xray.in"} <= set(keyed)


def test_hatch_requirements_plugin_reads_requirements_txt_by_default(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", HATCH.replace("files = ['deps.in']\n", ""))
    write(tmp_path, "xray.in", "")
    assert [p.text for p in read_manifests(tmp_path).problems] == ["requirements.txt"]


SETUP_CFG = (
    "[metadata]\nname = fn\n[options]\npy_modules = app\n"
    "install_requires =\n    requests==2.19.0\n    # a comment\n    boto3>=1.28\n"
    "[options.extras_require]\nxray = file: xray.in\nyaml = PyYAML==5.3\n"
    "[bandit]\nskips = B101\n"
)


def test_setup_cfg_requirements_and_files_are_read(tmp_path: Path) -> None:
    """setuptools reads `install_requires` and `extras_require` from `setup.cfg`, as lists
    or `file:` requirements files; they are read, and keyed by the audit's cache."""
    write(tmp_path, "fn/setup.cfg", SETUP_CFG)
    write(tmp_path, "fn/xray.in", "aws-xray-sdk==2.14.0\n")
    manifest = read_manifests(tmp_path)
    assert [(p.name, p.path, p.line) for p in manifest.pins] == [
        ("requests", "fn/setup.cfg", 6),
        ("aws-xray-sdk", "fn/xray.in", 1),
        ("pyyaml", "fn/setup.cfg", 11),
    ]
    assert [(u.name, u.line) for u in manifest.unauditable] == [("boto3", 8)]
    assert manifest.problems == ()
    assert "setup.cfg" in MANIFEST_PATTERNS
    listed = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    keyed = PipAuditScanner().key_files(tmp_path, listed, {})
    assert {"fn/setup.cfg", "fn/xray.in"} <= set(keyed)


@pytest.mark.parametrize(
    ("backend", "read"),
    [
        ("setuptools.build_meta", True),
        ("setuptools.build_meta:__legacy__", True),
        (None, True),
        ("pbr.build", True),
        ("in_tree_backend", True),
        ("scikit_build_core.setuptools.build_meta", True),
        ("hatchling.ouroboros", True),
        ("hatchling.build", False),
        ("hatchling.build:", False),  # `module:` is the module, as pip imports it
        ("uv_build:", False),
        ("scikit_build_core.build", False),
        ("maturin", False),
        ("mesonpy", False),
        ("poetry.core.masonry.api", False),
        ("flit_core.buildapi", False),
        ("pdm.backend", False),
    ],
)
def test_setup_cfg_is_read_unless_the_backend_never_reads_it(
    tmp_path: Path, backend: str | None, read: bool
) -> None:
    """setuptools reads setup.cfg under any name (pbr's backend is setuptools underneath),
    and a backend the gate does not know may be it, as may another module of a known
    backend's (scikit-build-core's setuptools backend): only one known by its whole name
    never to read it (hatchling, poetry-core, flit_core, pdm-backend...) leaves it
    unread, files and all."""
    system = f"[build-system]\nbuild-backend = '{backend}'\n" if backend else ""
    write(tmp_path, "pyproject.toml", system + "[tool.black]\n")
    write(
        tmp_path,
        "setup.cfg",
        "[options]\ninstall_requires = requests==2.19.0; six==1.16.0\n"
        "[options.extras_require]\ntest = file: test.in\n",
    )
    write(tmp_path, "test.in", "pytest==7.0\n")
    pins = [p.name for p in read_manifests(tmp_path).pins]
    assert pins == (["requests", "six", "pytest"] if read else [])
    assert ("test.in" in audited_requirement_files(tmp_path)) is read


def test_setup_cfg_is_read_beside_a_backend_of_the_projects_own(tmp_path: Path) -> None:
    """A backend loaded from the project (`backend-path`) may be setuptools by any name."""
    system = "[build-system]\nbuild-backend = 'hatchling.build'\nbackend-path = ['.']\n"
    write(tmp_path, "pyproject.toml", system)
    write(tmp_path, "setup.cfg", "[options]\ninstall_requires = requests==2.19.0\n")
    assert [p.name for p in read_manifests(tmp_path).pins] == ["requests"]


def test_setup_cfg_values_are_expanded_and_split_as_setuptools_does(tmp_path: Path) -> None:
    """setuptools reads setup.cfg with a plain ConfigParser (`%(name)s` from the section or
    `[DEFAULT]`, `%%` for `%`) and its lists with `_reqs.parse_strings`: ` #` comments cut
    off, a `\\` continuation joined (with the character before it)."""
    write(
        tmp_path,
        "a/setup.cfg",
        "[DEFAULT]\nv = 2.19.0\n[options]\n"
        "install_requires =\n    requests==%(v)s  # pinned, 100%%\n    six \\\n    ==1.16.0\n",
    )
    write(tmp_path, "b/setup.cfg", "[options]\nf = xray.in\ninstall_requires = file: %(f)s\n")
    write(tmp_path, "b/xray.in", "aws-xray-sdk==2.14.0\n")
    manifest = read_manifests(tmp_path)
    assert [(p.name, p.version, p.path) for p in manifest.pins] == [
        ("requests", "2.19.0", "a/setup.cfg"),
        ("six", "1.16.0", "a/setup.cfg"),
        ("aws-xray-sdk", "2.14.0", "b/xray.in"),
    ]
    assert (manifest.unauditable, manifest.problems) == ((), ())


def test_files_setuptools_reads_a_list_from_are_read_as_it_reads_them(tmp_path: Path) -> None:
    """A `file:` of setup.cfg and a `{file = ...}` of `[tool.setuptools.dynamic]` are
    lists to setuptools, not pip requirements files: a line ending in `\\` is joined
    with the character before it dropped (pip drops the backslash alone), so
    `requestsX\\` then `==2.19.0` installs requests 2.19.0."""
    joined = "requestsX\\\n==2.19.0\n"
    write(tmp_path, "a/setup.cfg", "[options]\ninstall_requires = file: deps.in\n")
    write(tmp_path, "a/deps.in", joined)
    write(
        tmp_path,
        "b/pyproject.toml",
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
        '[project]\nname = "b"\nversion = "1"\ndynamic = ["dependencies"]\n'
        '[tool.setuptools.dynamic]\ndependencies = {file = ["deps.in"]}\n',
    )
    write(tmp_path, "b/deps.in", joined)
    manifest = read_manifests(tmp_path)
    assert [(p.name, p.version, p.path) for p in manifest.pins] == [
        ("requests", "2.19.0", "a/deps.in"),
        ("requests", "2.19.0", "b/deps.in"),
    ]


SPLITLINES_BREAKS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]
"""The line breaks of `str.splitlines` that configparser and Python's text mode do not
break a line at: a setup.cfg value may hold them on one line."""
SETUP_CALL = "from setuptools import setup\n\nsetup(install_requires=[{!r}])\n"


@pytest.mark.parametrize("line_break", SPLITLINES_BREAKS)
def test_a_one_line_setuptools_list_is_split_where_setuptools_splits_it(
    tmp_path: Path, line_break: str
) -> None:
    """setuptools splits every item of a list again with `str.splitlines` (`yield_lines`)
    before it cuts a ` #` comment: `six==1.16.0 # pinned<break>requests==2.19.0`, on one
    line of the file, is two requirements to it, in `install_requires`, in a `file:` it
    names and in an extra, and so is the same value without its comment (not one invalid
    requirement); each is read at the line where it is written."""
    value = f"six==1.16.0 # pinned{line_break}requests==2.19.0"
    write(tmp_path, "a/setup.cfg", f"[options]\ninstall_requires = {value}\n")
    write(tmp_path, "b/setup.cfg", "[options]\ninstall_requires = file: deps.in\n")
    write(tmp_path, "b/deps.in", value)
    write(tmp_path, "c/setup.cfg", f"[options]\n[options.extras_require]\naws = {value}\n")
    write(tmp_path, "d/setup.py", SETUP_CALL.format(value))
    plain = value.replace(" # pinned", "")
    write(tmp_path, "e/setup.cfg", f"[options]\ninstall_requires = {plain}\n")
    manifest = read_manifests(tmp_path)
    assert sorted((p.path, p.name, p.line) for p in manifest.pins) == [
        ("a/setup.cfg", "requests", 2),
        ("a/setup.cfg", "six", 2),
        ("b/deps.in", "requests", 1),
        ("b/deps.in", "six", 1),
        ("c/setup.cfg", "requests", 3),
        ("c/setup.cfg", "six", 3),
        ("d/setup.py", "requests", 3),
        ("d/setup.py", "six", 3),
        ("e/setup.cfg", "requests", 2),
        ("e/setup.cfg", "six", 2),
    ]
    assert (manifest.unauditable, manifest.problems) == ((), ())


def test_a_setuptools_list_drops_comment_items_before_it_splits_them(tmp_path: Path) -> None:
    """setuptools drops an item of a `setup.cfg` list that starts with `#` before it splits
    the items at the other line breaks (`_parse_requirements_list`), and only the lines
    that start with `#` after; a setup.py's strings have no such first step."""
    hidden = "# old\x1crequests==2.19.0"
    write(tmp_path, "a/setup.cfg", f"[options]\ninstall_requires = {hidden}; six==1.16.0\n")
    write(tmp_path, "b/setup.py", SETUP_CALL.format(hidden))
    assert sorted((p.path, p.name) for p in read_manifests(tmp_path).pins) == [
        ("a/setup.cfg", "six"),
        ("b/setup.py", "requests"),
    ]


def test_setup_cfg_sections_and_file_lists_are_taken_as_setuptools_takes_them(
    tmp_path: Path,
) -> None:
    """setuptools takes any section named `options` then dots as `[options]` (the last
    of several), and joins the files of one `file:` into one list, so a `\\` at the end
    of one continues into the next; Hatch's plugin reads its older `filename` key."""
    write(
        tmp_path,
        "a/setup.cfg",
        "[options]\ninstall_requires = six==1.16.0\n[options.]\ninstall_requires = idna==2.7\n",
    )
    write(tmp_path, "b/setup.cfg", "[options]\ninstall_requires = file: one.in, two.in\n")
    write(tmp_path, "b/one.in", "requests==2.1x\\\n")
    write(tmp_path, "b/two.in", "9.0\n")
    write(
        tmp_path,
        "c/pyproject.toml",
        "[project]\nname = 'c'\ndynamic = ['dependencies']\n"
        "[tool.hatch.metadata.hooks.requirements_txt]\nfilename = 'deps.in'\n",
    )
    write(tmp_path, "c/deps.in", "urllib3==1.23\n")
    manifest = read_manifests(tmp_path)
    assert [(p.name, p.version, p.path) for p in manifest.pins] == [
        ("idna", "2.7", "a/setup.cfg"),
        ("requests", "2.19.0", "b/one.in"),
        ("urllib3", "1.23", "c/deps.in"),
    ]


def test_a_setup_cfg_value_setuptools_cannot_expand_is_refused(tmp_path: Path) -> None:
    """A `%(name)s` nothing sets, or a lone `%`, fails setuptools' own read: refused,
    naming the key and its line."""
    write(tmp_path, "setup.cfg", "[options]\npy_modules = app\ninstall_requires = six==%(v)s\n")
    [problem] = read_manifests(tmp_path).problems
    assert (problem.path, problem.line) == ("setup.cfg", 3)
    assert problem.reason.startswith('"options.install_requires" cannot be expanded')


def test_a_setup_cfg_that_does_not_parse_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path, "setup.cfg", "install_requires = requests\n")
    [problem] = read_manifests(tmp_path).problems
    assert (problem.path, problem.line) == ("setup.cfg", 1)
    assert problem.reason.startswith("not valid INI")


def test_flits_metadata_table_is_read(tmp_path: Path) -> None:
    """flit_core reads `[tool.flit.metadata]` where there is no `[project]`: `requires`,
    `dev-requires` (its `dev` extra) and each extra of `requires-extra`."""
    write(
        tmp_path,
        "pyproject.toml",
        '[build-system]\nbuild-backend = "flit_core.buildapi"\n'
        '[tool.flit.metadata]\nmodule = "app"\nrequires = ["requests==2.19.0"]\n'
        'dev-requires = ["pytest==7.0"]\n'
        '[tool.flit.metadata.requires-extra]\naws = ["boto3==1.28.0"]\n',
    )
    manifest = read_manifests(tmp_path)
    assert [(p.name, p.line) for p in manifest.pins] == [
        ("requests", 5),
        ("pytest", 6),
        ("boto3", 8),
    ]


def test_includers_name_the_manifest_whose_backend_reads_a_file(tmp_path: Path) -> None:
    """Each file a build backend reads (setup.cfg's `file:`, setuptools' dynamic files,
    Hatch's plugin) is installed by the manifest naming it, and what it includes by both;
    a setup.cfg or setup.py is read or not as the pyproject.toml beside it says, and a
    pyproject.toml's `[tool.hatch]` as the hatch.toml beside it does, present or not."""
    write(tmp_path, "a/setup.cfg", "[options.extras_require]\ntest = file: deps.in\n")
    write(tmp_path, "a/deps.in", "-r more.in\n")
    write(tmp_path, "a/more.in", "requests==2.19.0\n")
    write(
        tmp_path,
        "b/pyproject.toml",
        "[project]\nname = 'b'\ndynamic = ['dependencies']\n"
        "[tool.setuptools.dynamic]\ndependencies = {file = ['deps.in', '../../out.in']}\n",
    )
    write(tmp_path, "b/deps.in", "six==1.16.0\n")
    write(tmp_path, "c/pyproject.toml", HATCH)
    write(tmp_path, "c/deps.in", "")
    write(tmp_path, "c/xray.in", "")
    write(tmp_path, "d/setup.py", "")
    assert includers(tmp_path) == {
        "a/setup.cfg": {"a/pyproject.toml"},
        "a/deps.in": {"a/setup.cfg", "a/pyproject.toml"},
        "a/more.in": {"a/deps.in", "a/setup.cfg", "a/pyproject.toml"},
        "b/pyproject.toml": {"b/hatch.toml"},
        "b/deps.in": {"b/pyproject.toml", "b/hatch.toml"},
        "c/pyproject.toml": {"c/hatch.toml"},
        "c/deps.in": {"c/pyproject.toml", "c/hatch.toml"},
        "c/xray.in": {"c/pyproject.toml", "c/hatch.toml"},
        "d/setup.py": {"d/pyproject.toml"},
    }


HATCH_PLUGIN = (
    "[project]\nname = 'fn'\ndynamic = ['dependencies']\n"
    "[tool.hatch.metadata.hooks.requirements_txt]\nfiles = ['deps.in']\n"
)


def test_hatch_plugin_files_are_read_as_the_plugin_reads_them(tmp_path: Path) -> None:
    """hatch-requirements-txt reads its files as UTF-8 whatever they declare, joins a `\\`
    only to a line break (then splits at every break `splitlines` knows), skips a line
    starting `-` and cuts a ` --option` off a requirement: not as pip reads them."""
    write(tmp_path, "pyproject.toml", HATCH_PLUGIN)
    write(
        tmp_path,
        "deps.in",
        "# -*- coding: utf-7 -*-\nsix==1.16.0 # pinned +AFw-\nidna==2.7 # \\\x0curllib3==1.23\n"
        "-r other.in\nrequests==2.19.0 \\\n    --hash=sha256:abc\n",
    )
    manifest = read_manifests(tmp_path)
    assert [(p.name, p.version, p.line) for p in manifest.pins] == [
        ("six", "1.16.0", 2),
        ("idna", "2.7", 3),
        ("urllib3", "1.23", 3),
        ("requests", "2.19.0", 5),
    ]
    assert (manifest.unauditable, manifest.problems) == ((), ())


def test_a_hatch_plugin_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", HATCH_PLUGIN)
    (tmp_path / "deps.in").write_bytes(b"# -*- coding: latin-1 -*-\nsix==1.16.0 # \xe9\n")
    [problem] = read_manifests(tmp_path).problems
    assert (problem.path, problem.reason.split(":")[0]) == (
        "deps.in",
        "Hatch's requirements plugin cannot read it",
    )


def test_hatch_toml_updates_the_pyprojects_hatch_table(tmp_path: Path) -> None:
    """hatchling updates `[tool.hatch]` with the hatch.toml beside the pyproject, key by
    key at the top: its `[metadata]` replaces the pyproject's whole. The audit reads,
    keys and holds to it the files it names."""
    write(tmp_path, "pyproject.toml", HATCH_PLUGIN)
    write(tmp_path, "hatch.toml", "[metadata.hooks.requirements_txt]\nfiles = ['other.in']\n")
    write(tmp_path, "deps.in", "six==1.16.0\n")
    write(tmp_path, "other.in", "requests==2.19.0\n")
    assert [(p.name, p.path) for p in read_manifests(tmp_path).pins] == [("requests", "other.in")]
    assert "hatch.toml" in MANIFEST_PATTERNS
    keyed = PipAuditScanner().key_files(tmp_path, ["deps.in", "hatch.toml", "other.in"], {})
    assert keyed == ["hatch.toml", "other.in"]
    assert includers(tmp_path)["other.in"] == {"pyproject.toml", "hatch.toml"}


def test_a_hatch_metadata_hook_that_runs_code_is_reported_as_dynamic(tmp_path: Path) -> None:
    """A metadata hook other than the requirements plugin (`custom`, any plugin's), and a
    wheel's build hook, run code that may set the dependencies, declared dynamic or not:
    only the build knows them."""
    write(tmp_path, "pyproject.toml", HATCH_PLUGIN + "[tool.hatch.metadata.hooks.custom]\n")
    write(tmp_path, "deps.in", "six==1.16.0\n")
    manifest = read_manifests(tmp_path)
    assert [p.name for p in manifest.pins] == ["six"]
    [dynamic] = manifest.unauditable
    assert (dynamic.text, dynamic.path, dynamic.line) == (
        "[tool.hatch.metadata.hooks.custom]",
        "pyproject.toml",
        6,
    )
    assert dynamic.reason.startswith("dependencies a Hatch hook's code may set")
    build = "[tool.hatch.build.targets.wheel.hooks.custom]\n"
    write(tmp_path, "pyproject.toml", "[project]\nname = 'fn'\ndependencies = []\n" + build)
    [dynamic] = read_manifests(tmp_path).unauditable
    assert dynamic.text == "[tool.hatch.build.targets.wheel.hooks.custom]"


SETUPTOOLS_BACKEND = "[build-system]\nbuild-backend = 'setuptools.build_meta'\n"


@pytest.mark.parametrize(
    ("name", "text", "shown", "line"),
    [
        (
            "setup.cfg",
            "[metadata]\nname = fn\n[options]\ncmdclass =\n    egg_info = hooks.Pin\n",
            "[options] cmdclass",
            4,
        ),
        (
            "setup.cfg",
            "[DEFAULT]\nv = attr: hooks.VERSION\n[metadata]\nname = fn\nversion = %(v)s\n",
            "[metadata] version = attr: hooks.VERSION",
            5,
        ),
        (
            "pyproject.toml",
            SETUPTOOLS_BACKEND + "[tool.setuptools.cmdclass]\negg_info = 'hooks.Pin'\n",
            "[tool.setuptools] cmdclass",
            3,
        ),
        (
            "pyproject.toml",
            SETUPTOOLS_BACKEND + "[tool.setuptools.dynamic]\nversion = {attr = 'hooks.V'}\n",
            '[tool.setuptools.dynamic] version = {attr = "hooks.V"}',
            4,
        ),
        (
            "pyproject.toml",
            "[tool.hatch.version]\nsource = 'code'\npath = 'hooks.py'\n",
            '[tool.hatch.version] source = "code"',
            2,
        ),
        (
            "pyproject.toml",
            "[build-system]\nbuild-backend = 'flit_core.buildapi'\n"
            "[project]\nname = 'fn'\ndynamic = ['version']\n",
            '[project] dynamic = ["version"]',
            5,
        ),
        (  # `module:` is the module, as pip imports it
            "pyproject.toml",
            "[build-system]\nbuild-backend = 'flit_core.buildapi:'\n"
            "[project]\nname = 'fn'\ndynamic = ['version']\n",
            '[project] dynamic = ["version"]',
            5,
        ),
        (  # another module or object of flit_core is flit all the same
            "pyproject.toml",
            "[build-system]\nbuild-backend = 'flit_core:buildapi'\n"
            "[project]\nname = 'fn'\ndynamic = ['description']\n",
            '[project] dynamic = ["description"]',
            5,
        ),
        (
            "pyproject.toml",
            "[tool.pdm.version]\nsource = 'call'\ngetter = 'hooks:get'\n",
            '[tool.pdm.version] source = "call"',
            2,
        ),
        (
            "pyproject.toml",
            "[tool.scikit-build.metadata.version]\nprovider = 'hooks'\nprovider-path = '.'\n",
            "[tool.scikit-build.metadata.version] provider",
            2,
        ),
        (
            "pyproject.toml",
            "[tool.poetry.build]\nscript = 'build.py'\n",
            "[tool.poetry.build] script",
            2,
        ),
    ],
)
def test_a_setting_that_runs_the_projects_code_is_reported_as_dynamic(
    tmp_path: Path, name: str, text: str, shown: str, line: int
) -> None:
    """A setting that makes a build backend import or run the project's own code while it
    works out the metadata (setuptools' `cmdclass` and `attr:`, Hatch's version sources
    but `regex`, flit_core's dynamic version, pdm-backend's `call`, scikit-build-core's
    providers, Poetry's build script): that code may set the dependencies."""
    write(tmp_path, name, text)
    dynamic = [(u.text, u.path, u.line) for u in read_manifests(tmp_path).unauditable]
    assert (shown, name, line) in dynamic


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("setup.cfg", "[metadata]\nname = fn\nversion = 1.0\ndescription = 100%% ours\n"),
        (
            "pyproject.toml",
            "[project]\nname = 'fn'\ndynamic = ['version']\n[tool.hatch.version]\npath = 'fn.py'\n",
        ),
        (
            "pyproject.toml",
            "[build-system]\nbuild-backend = 'flit_core.buildapi'\n"
            "[project]\nname = 'fn'\nversion = '1.0'\ndescription = 'fn'\n",
        ),
        ("pyproject.toml", "[tool.pdm.version]\nsource = 'file'\npath = 'fn.py'\n"),
        (
            "pyproject.toml",
            "[tool.scikit-build.metadata.version]\n"
            "provider = 'scikit_build_core.metadata.regex'\ninput = 'fn.py'\n",
        ),
    ],
)
def test_a_setting_that_runs_no_code_is_quiet(tmp_path: Path, name: str, text: str) -> None:
    """A plain version, Hatch's default `regex` source, flit_core's written metadata,
    pdm-backend's `file` source, scikit-build-core's own `regex` provider: no code runs."""
    write(tmp_path, name, text)
    assert not read_manifests(tmp_path).unauditable


SETUP_SCRIPT = """from setuptools import setup as build

build(
    name="fn",
    install_requires=["requests==2.19.0", "six \\\\", "==1.16.0"],
    extras_require={"xray": ["aws-xray-sdk==2.14.0"], "more": MORE},
)
"""


def test_setup_py_setup_call_is_read_without_running_it(tmp_path: Path) -> None:
    """The literal lists of a setup.py's `setup(...)` are read (as setuptools reads one
    list: a `\\` joins the next string); any other value is reported as dynamic."""
    write(tmp_path, "a/setup.py", SETUP_SCRIPT)
    write(tmp_path, "b/setup.py", "import setuptools\n\nsetuptools.setup(**CONFIG)\n")
    write(tmp_path, "c/setup.py", "import setuptools\n\ngetattr(setuptools, 'setup')()\n")
    write(tmp_path, "d/setup.py", "exec(open('build.txt').read())\n")
    manifest = read_manifests(tmp_path)
    assert [(p.name, p.version, p.path, p.line) for p in manifest.pins] == [
        ("requests", "2.19.0", "a/setup.py", 5),
        ("six", "1.16.0", "a/setup.py", 5),
        ("aws-xray-sdk", "2.14.0", "a/setup.py", 6),
    ]
    assert [(u.text, u.path, u.line) for u in manifest.unauditable] == [
        ('extras_require={"xray": ["aws-xray-sdk==2.14.0"], "more": MORE}', "a/setup.py", 6),
        ("**CONFIG", "b/setup.py", 3),
        ("setup.py", "c/setup.py", 3),
        ("setup.py", "d/setup.py", 1),
    ]
    assert "setup.py" in MANIFEST_PATTERNS


def test_a_setup_py_is_read_as_setup_cfg_is(tmp_path: Path) -> None:
    """Beside a backend that never runs it, a setup.py is unread; one Python cannot parse
    is refused, as any manifest its reader cannot read."""
    write(tmp_path, "a/pyproject.toml", "[build-system]\nbuild-backend = 'hatchling.build'\n")
    write(tmp_path, "a/setup.py", SETUP_SCRIPT)
    write(tmp_path, "b/setup.py", "setup(install_requires=[\n")
    manifest = read_manifests(tmp_path)
    assert (manifest.pins, manifest.unauditable) == ((), ())
    [problem] = manifest.problems
    assert (problem.path, problem.reason.split(" (")[0]) == ("b/setup.py", "not valid Python")


def test_pbrs_own_setup_cfg_keys_are_read(tmp_path: Path) -> None:
    """pbr reads `[metadata] requires_dist` as `install_requires` (one a line, never split
    on `;`) and each extra of `[extras]` as `package:marker` lines."""
    write(
        tmp_path,
        "setup.cfg",
        "[metadata]\nname = fn\nRequires-Dist =\n    requests==2.19.0; python_version>'3'\n"
        "[extras]\nxray =\n    aws-xray-sdk==2.14.0:python_version>'3'\n",
    )
    manifest = read_manifests(tmp_path)
    assert [(p.name, p.line) for p in manifest.pins] == [("requests", 4), ("aws-xray-sdk", 7)]
    assert (manifest.unauditable, manifest.problems) == ((), ())


def test_pbrs_own_setup_cfg_keys_are_split_as_pbr_then_setuptools_split_them(
    tmp_path: Path,
) -> None:
    """pbr splits its lists at `\\n` alone, drops the items that start with `#`, and cuts a
    comment after a marker at its `#` (`requirement_pattern`) before setuptools splits
    what it hands over at the other line breaks: what pbr cut is not installed, what it
    kept is split as setuptools splits any list."""
    write(
        tmp_path,
        "setup.cfg",
        "[metadata]\nname = fn\nrequires_dist =\n"
        "    six==1.16.0; python_version>'3' # old\x1crequests==2.19.0\n"
        "    # old\x1curllib3==1.23\n"
        "    idna==2.7 # pinned\x1cjinja2==2.10\n"
        "[extras]\nxray =\n    # old\x1cPyYAML==5.3\n    aws-xray-sdk==2.14.0\n",
    )
    manifest = read_manifests(tmp_path)
    assert [(p.name, p.line) for p in manifest.pins] == [
        ("six", 4),
        ("idna", 6),
        ("jinja2", 6),
        ("aws-xray-sdk", 10),
    ]
    assert (manifest.unauditable, manifest.problems) == ((), ())


def test_each_setup_cfg_key_is_expanded_as_its_tool_expands_it(tmp_path: Path) -> None:
    """setuptools (`Distribution._parse_config_files`) and pbr (`setup_cfg_to_args`) both
    expand `%(name)s`, setuptools with option names kept as written, pbr with them
    lower-cased: in one file, `[options] install_requires = %(pin)s` is `[DEFAULT]`'s
    `pin` to setuptools, beside a `PIN`, and `[metadata] requires_dist = %(pin)s` is
    `[metadata]`'s `PIN` to pbr; an extra of `[extras]` naming another as `%(xray)s` is
    read, not refused; a name pbr cannot expand is refused as pbr fails there."""
    write(
        tmp_path,
        "a/setup.cfg",
        "[DEFAULT]\npin = six==1.16.0\n[metadata]\nname = a\nPIN = requests==2.19.0\n"
        "requires_dist = %(pin)s\n[options]\nPIN = idna==2.7\ninstall_requires = %(pin)s\n",
    )
    write(
        tmp_path,
        "b/setup.cfg",
        "[metadata]\nname = b\n[extras]\nXray = aws-xray-sdk==2.14.0:python_version>'3'\n"
        "all = %(xray)s\n",
    )
    write(tmp_path, "c/setup.cfg", "[metadata]\nname = c\nrequires_dist = %(Pins)s\n")
    manifest = read_manifests(tmp_path)
    assert sorted((p.name, p.version, p.path) for p in manifest.pins) == [
        ("aws-xray-sdk", "2.14.0", "b/setup.cfg"),
        ("requests", "2.19.0", "a/setup.cfg"),
        ("six", "1.16.0", "a/setup.cfg"),
    ]
    [problem] = manifest.problems
    assert (problem.path, problem.line) == ("c/setup.cfg", 3)
    assert problem.reason.startswith('"metadata.requires_dist" cannot be expanded as pbr')


PBR_BACKEND = "[build-system]\nrequires = ['pbr>=6.0']\nbuild-backend = 'pbr.build'\n"


def test_pbr_reads_its_own_requirements_files_its_own_way(tmp_path: Path) -> None:
    """In a project pbr builds (its backend, or `pbr` in its setup.py), pbr adds to the
    requirements the first of `requirements.txt` and `tools/pip-requires` that exists,
    split on line breaks only (no `\\` joins), cut at `#`, UTF-8 whatever it declares,
    its `-r` files named from the project; diff mode and the cache hold those files.
    Beside no pbr, `tools/pip-requires` is no manifest."""
    write(tmp_path, "a/pyproject.toml", PBR_BACKEND)
    write(tmp_path, "a/tools/pip-requires", "requests==2.19.0  # pinned\n-r more.txt\n")
    write(tmp_path, "a/more.txt", "-e git+https://example.com/x.git#egg=nova-1.2.3\n")
    write(tmp_path, "b/setup.py", "import setuptools\n\nsetuptools.setup(pbr=True)\n")
    write(
        tmp_path, "b/requirements.txt", "# -*- coding: utf-7 -*-\nsix==1.16.0 # +AFw-\nidna==2.7\n"
    )
    write(tmp_path, "b/tools/pip-requires", "urllib3==1.23\n")
    write(tmp_path, "c/setup.py", "from setuptools import setup\n\nsetup()\n")
    write(tmp_path, "c/tools/pip-requires", "urllib3==1.23\n")
    write(tmp_path, "d/setup.py", "import setuptools\n\nsetuptools.setup(pbr=True)\n")
    write(tmp_path, "d/tools/pip-requires", "-r deps.in\n")
    write(tmp_path, "d/deps.in", "jinja2==2.10\n")
    manifest = read_manifests(tmp_path)
    assert sorted((p.name, p.path, p.line) for p in manifest.pins) == [
        ("idna", "b/requirements.txt", 3),
        ("jinja2", "d/deps.in", 1),
        ("requests", "a/tools/pip-requires", 1),
        ("six", "b/requirements.txt", 2),
    ]
    [nova] = manifest.unauditable
    assert (nova.text, nova.reason) == ("nova>=1.2.3", "not pinned to one version")
    # d has no setup.cfg or pyproject.toml: its setup.py alone says pbr reads its files.
    assert audited_requirement_files(tmp_path) == [
        "a/more.txt",
        "a/tools/pip-requires",
        "b/requirements.txt",
        "d/deps.in",
        "d/tools/pip-requires",
    ]
    assert includers(tmp_path)["a/more.txt"] == {"a/pyproject.toml", "a/hatch.toml"}
    (tmp_path / "b/requirements.txt").write_bytes(b"six==1.16.0 # \xe9\n")
    problems = {(p.path, p.reason.split(";")[0]) for p in read_manifests(tmp_path).problems}
    assert ("b/requirements.txt", "pbr reads it in the build host's encoding") in problems


PBR_STUB = "import setuptools\n\nsetuptools.setup(setup_requires=['pbr'], pbr=True)\n"


def test_code_a_pbr_setup_cfg_runs_makes_its_dependencies_dynamic(tmp_path: Path) -> None:
    """pbr imports and runs each `[global] setup_hooks` (`setup-hooks`, any case, one a
    line) with the parsed configuration before it reads `requires_dist`, and imports each
    class of `[global] commands`: code of the project's own sets what is installed, so
    each is reported as dynamic at its line; pbr's own (`pbr.hooks.setup_hook`), or a
    project pbr does not build, is not."""
    hooks = {
        "a": "[global]\nsetup_hooks = hooks.pin\n",
        "b": "[metadata]\nname = b\n[global]\nSetup-Hooks =\n    # ours\n    hooks.pin\n",
        "c": "[global]\ncommands = cmds.Build\n",
        "d": "[global]\nsetup-hooks =\n    pbr.hooks.setup_hook\n",
    }
    for project, text in hooks.items():
        write(tmp_path, f"{project}/setup.py", PBR_STUB)
        write(tmp_path, f"{project}/setup.cfg", text)
    write(tmp_path, "e/setup.py", "from setuptools import setup\n\nsetup()\n")
    write(tmp_path, "e/setup.cfg", hooks["a"])
    manifest = read_manifests(tmp_path)
    assert [(u.text, u.path, u.line) for u in manifest.unauditable] == [
        ("[global] setup_hooks", "a/setup.cfg", 2),
        ("[global] setup-hooks", "b/setup.cfg", 4),
        ("[global] commands", "c/setup.cfg", 2),
    ]
    assert all("code pbr runs" in u.reason for u in manifest.unauditable)


def test_pbr_code_settings_are_judged_as_pbr_expands_them(tmp_path: Path) -> None:
    """pbr reads `[global]` with `parser.items`, which expands `%(name)s` (from the
    section or `[DEFAULT]`, the name in any case): `pbr.hooks.setup_hook%(more)s`, `more`
    a line break then `hooks.pin`, is two hooks to pbr, and the project's own is reported;
    with `more` empty, or `%%`, it is pbr's own alone; a name nothing sets fails pbr, and
    is refused at its line."""
    more = "more =\n    hooks.pin\n"
    settings = {
        "a": f"[global]\n{more}setup_hooks = pbr.hooks.setup_hook%(more)s\n",
        "b": f"[DEFAULT]\n{more}[global]\nsetup-hooks = pbr.hooks.setup_hook%(MORE)s\n",
        "c": f"[global]\n{more}commands = pbr.packaging.LocalSDist%(more)s\n",
        "d": "[global]\nmore =\nsetup_hooks = pbr.hooks.setup_hook%(more)s\n",
        "e": "[global]\nsetup_hooks = pbr.hooks.setup_hook%%\n",
        "f": "[metadata]\nname = f\n[global]\nsetup_hooks = pbr.hooks.setup_hook%(nope)s\n",
    }
    for project, text in settings.items():
        write(tmp_path, f"{project}/setup.py", PBR_STUB)
        write(tmp_path, f"{project}/setup.cfg", text)
    manifest = read_manifests(tmp_path)
    assert [(u.text, u.path, u.line) for u in manifest.unauditable] == [
        ("[global] setup_hooks", "a/setup.cfg", 4),
        ("[global] setup-hooks", "b/setup.cfg", 5),
        ("[global] commands", "c/setup.cfg", 4),
    ]
    [problem] = manifest.problems
    assert (problem.path, problem.line) == ("f/setup.cfg", 4)
    assert problem.reason.startswith('"global.setup_hooks" cannot be expanded as pbr expands')


PBR_NAMED = {
    "fullwidth-keyword": "import setuptools\n\nsetuptools.setup(\uff50\uff42\uff52=True)\n",
    "bold-keyword": "import setuptools\n\nsetuptools.setup(\U0001d429\U0001d41b\U0001d42b=True)\n",
    "escaped-requirement": "import setuptools\n\nsetuptools.setup(setup_requires=['\\x50BR'])\n",
}


def test_pbr_is_seen_however_python_and_pip_spell_it(tmp_path: Path) -> None:
    """Python reads an identifier under NFKC (fullwidth or mathematical-bold `pbr` is the
    keyword `pbr`) and a string with its escapes undone, and pip reads a requirement's
    name in any case: pbr runs, and its files are read its way, however it is named in
    setup.py or `[build-system] requires`; a word that only contains it is not pbr."""
    for project, setup_py in PBR_NAMED.items():
        write(tmp_path, f"{project}/setup.py", setup_py)
        write(tmp_path, f"{project}/tools/pip-requires", "requests==2.19.0\n")
    write(
        tmp_path,
        "build-requires/pyproject.toml",
        "[build-system]\nrequires = ['PBR>=6', 'setuptools>=64']\n"
        "build-backend = 'setuptools.build_meta'\n",
    )
    write(tmp_path, "build-requires/tools/pip-requires", "requests==2.19.0\n")
    # A backend is pbr's as pip imports it: `pbr.build:` is `pbr.build`, `pbr_x` is not pbr.
    for project, backend in (("backend", "pbr.build:"), ("other-backend", "pbr_x.build")):
        write(
            tmp_path, f"{project}/pyproject.toml", f"[build-system]\nbuild-backend = '{backend}'\n"
        )
        write(tmp_path, f"{project}/tools/pip-requires", "requests==2.19.0\n")
    write(tmp_path, "other/setup.py", "from setuptools import setup\n\nsetup(pbr_x=True)\n")
    write(tmp_path, "other/tools/pip-requires", "requests==2.19.0\n")
    manifest = read_manifests(tmp_path)
    assert sorted(p.path for p in manifest.pins) == sorted(
        f"{project}/tools/pip-requires" for project in [*PBR_NAMED, "build-requires", "backend"]
    )


BUILD_CODE = {
    "def": "import setuptools\n\n_real = setuptools.setup\n\n\ndef setup(**kw):\n"
    "    _real(**kw)\n\n\n",
    "alias": "from setuptools import setup\n\nbuild = setup\n",
    "guarded": "from setuptools import setup\n\nif False:\n    pass\n",
    "getattr": "import setuptools\n\ngetattr(setuptools, 'setup')\n",
    "own-module": "import helper\nfrom setuptools import setup\n\n",
    "written-file": "from setuptools import setup\n\nopen('setup.cfg', 'a').write('')\n",
}


def test_a_setup_py_that_is_more_than_a_declaration_is_dynamic(tmp_path: Path) -> None:
    """A setup.py's literal setup() call is the whole truth only in a plain declaration
    (imports, assignments, reading its README, one setup() call, at most behind
    `if __name__ == "__main__":`); build code around it (a function or class, control
    flow, setup renamed, another call, the project's own module imported, a `distclass`
    or `cmdclass`) makes its dependencies dynamic, its literal lists still read."""
    call = "setup(name='fn', install_requires=['six==1.16.0'])\n"
    for name, code in BUILD_CODE.items():
        write(tmp_path, f"{name}/setup.py", code + call)
    write(tmp_path, "own-module/helper.py", "")
    distclass = call.replace(")", ", distclass=Pinned)", 1)
    write(tmp_path, "distclass/setup.py", "from setuptools import setup\n\n" + distclass)
    plain = (
        "import pathlib\nfrom setuptools import find_packages, setup\n\n"
        "with open('README.md', encoding='utf-8') as f:\n    long_description = f.read()\n"
        "here = pathlib.Path(__file__).parent.resolve()\n\nif __name__ == '__main__':\n"
        "    setup(name='fn', packages=find_packages(), install_requires=['six==1.16.0'])\n"
    )
    write(tmp_path, "plain/setup.py", plain)
    manifest = read_manifests(tmp_path)
    assert {p.path for p in manifest.pins} == {
        f"{n}/setup.py" for n in [*BUILD_CODE, "distclass", "plain"]
    }
    dynamic = {u.path.split("/")[0]: (u.line, u.reason.split(":")[0]) for u in manifest.unauditable}
    assert dynamic == {
        "def": (6, "build code around its setup() call (a function defined)"),
        "alias": (3, "build code around its setup() call (setup used as a value)"),
        "guarded": (3, "build code around its setup() call (if statement)"),
        "getattr": (3, "build code around its setup() call (a call of getattr)"),
        "own-module": (
            1,
            "build code around its setup() call (an import of helper, the project's own code)",
        ),
        "written-file": (
            3,
            "build code around its setup() call (a call of open('setup.cfg', 'a').write)",
        ),
        "distclass": (3, "build code around its setup() call (its own distclass)"),
    }


def test_a_pdm_build_hook_is_reported_as_dynamic(tmp_path: Path) -> None:
    """pdm-backend runs the project's `pdm_build.py` (or the `custom-hook` it names), whose
    code may set the dependencies: only the build knows them."""
    pdm = (
        "[build-system]\nbuild-backend = 'pdm.backend'\n[project]\nname = 'fn'\ndependencies = []\n"
    )
    write(tmp_path, "a/pyproject.toml", pdm)
    write(tmp_path, "a/pdm_build.py", "")
    write(tmp_path, "b/pyproject.toml", pdm + "[tool.pdm.build]\ncustom-hook = 'hooks.py'\n")
    write(tmp_path, "c/pyproject.toml", pdm)
    dynamic = [(u.text, u.path, u.line) for u in read_manifests(tmp_path).unauditable]
    assert dynamic == [("pdm_build.py", "a/pyproject.toml", 2), ("hooks.py", "b/pyproject.toml", 7)]
