# ruff: noqa: E501  (the case tables read best one case a line)
"""Hostile dependency manifests: lock files that parse but are not shaped as their tools
write them, locks that leave out what the manifest beside them declares, and vendored
package metadata that says two things at once.

Each bundle pins a vulnerable `requests==2.19.0` (PYSEC-2018-28) somewhere the trick
would hide: read as "no packages", the bundle would pass.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.hostile.conftest import (
    Layout,
    Sandbox,
    assert_refused,
    each_blocks_with,
    each_refused_in_report,
)

HANDLER = "def handler(event, context):\n    return {'statusCode': 200}\n"
PYPROJECT = "[project]\nname = 'fn'\nversion = '1.0'\ndependencies = ['requests==2.19.0']\n"
PIPFILE = '[packages]\nrequests = "==2.19.0"\n'
# Only pip-audit reads manifests: the other scanners would only slow these cases down.
POLICY = (
    "version: 1\nscanners:\n  checkov: {enabled: false}\n  bandit: {enabled: false}\n"
    "  serverless: {enabled: false}\n"
)


def planted(sandbox: Sandbox, files: dict[str, str]) -> None:
    """A function with a vulnerable pin, the files of the case, and a setup.py that must
    never run."""
    sandbox.write("fn/app.py", HANDLER)
    sandbox.write("fn/setup.py", sandbox.payload)
    for name, text in files.items():
        sandbox.write(f"fn/{name}", text)


def planting(files: dict[str, str]) -> Layout:
    """`planted` with `files`, as a layout of a batch."""
    return lambda sandbox: planted(sandbox, files)


def each_audits_the_pin(base: Path, layouts: dict[str, Layout]) -> None:
    """Each case's bundle blocked, in one run, on the vulnerable pin's advisory."""
    each_blocks_with(base, layouts, lambda _, own: "PYSEC-2018-28" in json.dumps(own), POLICY)


# (id, lock file name, its text, what the one line must name besides the file)
MALFORMED_LOCKS = [
    ("pipenv-default-list", "Pipfile.lock", '{"_meta": {}, "default": []}', '"default" must be a table of packages'),
    ("pipenv-default-missing", "Pipfile.lock", '{"_meta": {}}', '"default" is missing'),
    ("pipenv-root-list", "Pipfile.lock", "[]", "must be a JSON object"),
    ("pipenv-root-string", "Pipfile.lock", '"requests"', "must be a JSON object"),
    ("pipenv-meta-list", "Pipfile.lock", '{"_meta": [], "default": {}}', '"_meta" must be a table'),
    ("pipenv-develop-string", "Pipfile.lock", '{"default": {}, "develop": "x"}', '"develop" must be a table of packages'),
    ("pipenv-entry-string", "Pipfile.lock", '{"default": {"requests": "==2.19.0"}}', '"default.requests" must be a table'),
    ("pipenv-version-number", "Pipfile.lock", '{"default": {"requests": {"version": 2.19}}}', '"default.requests.version" must be a string'),
    ("pipenv-version-list", "Pipfile.lock", '{"default": {"requests": {"version": ["==2.19.0"]}}}', '"default.requests.version" must be a string'),
    ("pipenv-version-missing", "Pipfile.lock", '{"default": {"requests": {}}}', '"default.requests.version" is missing'),
    ("pipenv-version-range", "Pipfile.lock", '{"default": {"requests": {"version": "*"}}}', '"default.requests.version" is not one exact version'),
    ("pipenv-git-number", "Pipfile.lock", '{"default": {"requests": {"git": 1}}}', '"default.requests.git" must be a string'),
    ("uv-package-string", "uv.lock", 'version = 1\npackage = "x"\n', '"package" must be an array'),
    ("uv-package-table", "uv.lock", "version = 1\n[package]\nname = 'requests'\nversion = '2.19.0'\n", '"package" must be an array'),
    ("uv-package-missing", "uv.lock", "requires-python = '>=3.12'\n", '"package" is missing'),
    ("uv-empty", "uv.lock", "", "the lock file is empty"),
    ("uv-comment-only", "uv.lock", "# nothing locked\n", "the lock file is empty"),
    ("uv-package-numbers", "uv.lock", "version = 1\npackage = [1, 2]\n", '"package[0]" must be a table'),
    ("uv-name-number", "uv.lock", "version = 1\n[[package]]\nname = 5\nversion = '2.19.0'\n", '"package[0].name" must be a string'),
    ("uv-name-missing", "uv.lock", "version = 1\n[[package]]\nversion = '2.19.0'\n", '"package[0].name" is missing'),
    ("uv-version-float", "uv.lock", "version = 1\n[[package]]\nname = 'requests'\nversion = 2.19\n", '"package[0].version" must be a string'),
    ("uv-version-list", "uv.lock", "version = 1\n[[package]]\nname = 'requests'\nversion = ['2.19.0']\n", '"package[0].version" must be a string'),
    ("uv-source-string", "uv.lock", "version = 1\n[[package]]\nname = 'requests'\nversion = '2.19.0'\nsource = 'pypi'\n", '"package[0].source" must be a table'),
    ("uv-source-value-list", "uv.lock", "version = 1\n[[package]]\nname = 'requests'\nversion = '2.19.0'\nsource = {git = ['x']}\n", '"package[0].source.git" must be a string'),
    ("uv-two-roots", "uv.lock", "version = 1\n[[package]]\nname = 'fn'\nsource = {virtual = '.'}\n[[package]]\nname = 'requests'\nversion = '2.19.0'\nsource = {virtual = '.'}\n", '"package[1].source" is a second project root'),
    ("poetry-package-table", "poetry.lock", "[package]\nname = 'requests'\nversion = '2.19.0'\n", '"package" must be an array'),
    ("poetry-version-range", "poetry.lock", "[[package]]\nname = 'requests'\nversion = '>=2'\n", '"package[0].version" is not one exact version'),
    ("poetry-source-type-number", "poetry.lock", "[[package]]\nname = 'requests'\nversion = '2.19.0'\n[package.source]\ntype = 1\n", '"package[0].source.type" must be a'),
    ("pdm-empty", "pdm.lock", "", "the lock file is empty"),
    ("pdm-package-missing", "pdm.lock", "[tool]\nx = 1\n", '"package" is missing'),
    ("pdm-version-bool", "pdm.lock", "[[package]]\nname = 'requests'\nversion = true\n", '"package[0].version" must be a string'),
]  # fmt: skip


def malformed_lock(lock: str, text: str) -> Layout:
    """The lock `lock` of `text`, beside the manifest its tool reads, pinning the
    vulnerable version."""
    manifest = ("Pipfile", PIPFILE) if lock == "Pipfile.lock" else ("pyproject.toml", PYPROJECT)
    return planting({manifest[0]: manifest[1], lock: text})


def test_malformed_lock_beside_a_vulnerable_pin_is_refused(sandbox: Sandbox) -> None:
    _, lock, text, named = MALFORMED_LOCKS[0]
    malformed_lock(lock, text)(sandbox)
    assert_refused(sandbox.run(policy=POLICY), f"fn/{lock}", named)


def test_each_malformed_lock_beside_a_vulnerable_pin_is_refused(tmp_path: Path) -> None:
    each_refused_in_report(
        tmp_path,
        {
            case: (malformed_lock(lock, text), (f"fn/{lock}", named))
            for case, lock, text, named in MALFORMED_LOCKS
        },
        POLICY,
    )


# (id, manifest name, its text, what the one line must name besides the file)
MALFORMED_MANIFESTS = [
    ("project-string", "pyproject.toml", "project = 'requests==2.19.0'\n", '"project" must be a table'),
    ("dependencies-string", "pyproject.toml", "[project]\ndependencies = 'requests==2.19.0'\n", '"project.dependencies" must be an array'),
    ("dependencies-item-table", "pyproject.toml", "[project]\ndependencies = [{name = 'requests'}]\n", '"project.dependencies[0]" must be a string'),
    ("extras-string", "pyproject.toml", "[project.optional-dependencies]\nx = 'requests==2.19.0'\n", '"project.optional-dependencies.x" must be an array'),
    ("groups-string", "pyproject.toml", "[dependency-groups]\ndev = 'requests==2.19.0'\n", '"dependency-groups.dev" must be an array'),
    ("tool-string", "pyproject.toml", "tool = 'x'\n[project]\ndependencies = ['requests==2.19.0']\n", '"tool" must be a table'),
    ("poetry-deps-array", "pyproject.toml", "[tool.poetry]\ndependencies = ['requests==2.19.0']\n", '"tool.poetry.dependencies" must be a table'),
    ("poetry-version-float", "pyproject.toml", "[tool.poetry.dependencies]\nrequests = 2.19\n", '"tool.poetry.dependencies.requests" must be a version string or a table'),
    ("poetry-group-string", "pyproject.toml", "[tool.poetry.group]\ndev = 'requests'\n", '"tool.poetry.group.dev" must be a table'),
    ("pipfile-packages-array", "Pipfile", "packages = ['requests==2.19.0']\n", '"packages" must be a table'),
    ("pipfile-version-int", "Pipfile", "[packages]\nrequests = 2\n", '"packages.requests" must be a version string or a table'),
]  # fmt: skip


def test_malformed_manifest_is_refused(sandbox: Sandbox) -> None:
    _, name, text, named = MALFORMED_MANIFESTS[0]
    planted(sandbox, {name: text})
    assert_refused(sandbox.run(policy=POLICY), f"fn/{name}", named)


def test_each_malformed_manifest_is_refused(tmp_path: Path) -> None:
    each_refused_in_report(
        tmp_path,
        {
            case: (planting({name: text}), (f"fn/{name}", named))
            for case, name, text, named in MALFORMED_MANIFESTS
        },
        POLICY,
    )


# A lock that is well formed but leaves the vulnerable pin out, or pins another version.
INCOMPLETE_LOCKS = [
    ("uv-empty-array", "pyproject.toml", PYPROJECT, "uv.lock", "version = 1\npackage = []\n"),
    ("poetry-empty-array", "pyproject.toml", PYPROJECT, "poetry.lock", "package = []\n"),
    ("pdm-other-package", "pyproject.toml", PYPROJECT, "pdm.lock", "[[package]]\nname = 'six'\nversion = '1.16.0'\n"),
    ("uv-safe-version", "pyproject.toml", PYPROJECT, "uv.lock", "version = 1\n[[package]]\nname = 'requests'\nversion = '2.32.3'\n"),
    ("pipenv-empty-default", "Pipfile", PIPFILE, "Pipfile.lock", '{"_meta": {}, "default": {}}'),
    ("pdm-metadata-only", "pyproject.toml", PYPROJECT, "pdm.lock", "[metadata]\nlock_version = '4.5.0'\n"),
    ("uv-version-only", "pyproject.toml", PYPROJECT, "uv.lock", "version = 1\n"),
]  # fmt: skip


def test_each_pin_a_lock_leaves_out_is_audited(tmp_path: Path) -> None:
    each_audits_the_pin(
        tmp_path,
        {
            case: planting({name: text, lock: locked})
            for case, name, text, lock, locked in INCOMPLETE_LOCKS
        },
    )


SITE = "fn/python/lib/python3.12/site-packages"
DIST_INFO = f"{SITE}/requests-2.19.0.dist-info"
# (id, metadata file, its text, what the one line must name)
FORGED_METADATA = [
    ("two-versions", f"{DIST_INFO}/METADATA", "Metadata-Version: 2.1\nName: requests\nVersion: 2.19.0\nVersion: 2.32.3\n", '"Version" header appears 2 times'),
    ("two-versions-safe-last", f"{SITE}/requests-2.32.3.dist-info/METADATA", "Metadata-Version: 2.1\nName: requests\nVersion: 2.19.0\nversion: 2.32.3\n", '"Version" header appears 2 times'),
    ("two-names", f"{DIST_INFO}/METADATA", "Metadata-Version: 2.1\nName: requests\nName: left-pad\nVersion: 2.19.0\n", '"Name" header appears 2 times'),
    ("pkg-info-two-versions", f"{SITE}/requests.egg-info/PKG-INFO", "Metadata-Version: 1.1\nName: requests\nVersion: 2.19.0\nVersion: 2.32.3\n", '"Version" header appears 2 times'),
    ("name-not-the-directory", f"{SITE}/left_pad-1.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: requests\nVersion: 1.0\n", '"Name" is \'requests\''),
    ("version-not-the-directory", f"{SITE}/requests-2.32.3.dist-info/METADATA", "Metadata-Version: 2.1\nName: requests\nVersion: 2.19.0\n", '"Version" is \'2.19.0\''),
]  # fmt: skip


def forged(where: str, text: str) -> Layout:
    """Vendored metadata at `where` of `text`, beside a package whose import would run."""

    def layout(sandbox: Sandbox) -> None:
        planted(sandbox, {})
        sandbox.write(where, text)
        sandbox.write(f"{SITE}/requests/__init__.py", sandbox.payload)

    return layout


def folder_of(where: str) -> str:
    """What of a metadata file's path a refusal must name: its folder, under the bundle's."""
    return where.rsplit("/", 1)[0].removeprefix("fn/")


def test_vendored_metadata_that_says_two_things_is_refused(sandbox: Sandbox) -> None:
    _, where, text, named = FORGED_METADATA[0]
    forged(where, text)(sandbox)
    assert_refused(sandbox.run(policy=POLICY), folder_of(where), named)


def test_each_vendored_metadata_that_says_two_things_is_refused(tmp_path: Path) -> None:
    each_refused_in_report(
        tmp_path,
        {
            case: (forged(where, text), (folder_of(where), named))
            for case, where, text, named in FORGED_METADATA
        },
        POLICY,
    )


CONSTRAINT_OPTIONS = {"short": "-c constraints.txt", "long": "--constraint=constraints.txt"}


def test_pin_in_a_constraints_file_is_audited_whichever_option_names_it(tmp_path: Path) -> None:
    """pip installs what a constraints file pins, whatever the file is called."""
    each_audits_the_pin(
        tmp_path,
        {
            case: planting(
                {
                    "requirements.txt": f"{option}\nrequests\n",
                    "constraints.txt": "requests==2.19.0\n",
                }
            )
            for case, option in CONSTRAINT_OPTIONS.items()
        },
    )
