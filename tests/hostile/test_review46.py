"""A forty-sixth hostile review of `gate check`, on the fixes of reviews 44 and 45: the
virtualenv rule (gate.bundle.rules `dir_rule`, `_virtualenv_made`), templates read in
their long form, layers as deployed Python, Terraform's `path.root`/`path.cwd`
(gate.bundle.discovery.terraform `RootModules`, `_with_root`), the folding of
suppressions (gate.scan.merge), and the manifest readers' ranges and names
(gate.bundle.manifests.versions, declared, `_lock_of_tool`).

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off), and the baseline (the
same problem written plainly, in one run) blocks: PYSEC-2018-28 (requests 2.19.0 and
2.19.1, high) for a vulnerable version, GATE-DEP-002 for a package from elsewhere,
GATE-SLS-001 for a handler running the event's command, B605 for a layer's helper
running it. For classes 1 and 2 the installer was run by hand once (uv 0.13.9 and Poetry
2.5.1 from PyPI, `uv lock` / `poetry lock` against PyPI): each locked the vulnerable
version or the URL. What lets each through:

1. A table of `pyproject.toml` the readers skip that sets the version (or the source) of
   a dependency `[project].dependencies` names unpinned (or, in g, lists the
   dependencies itself). `read_pyproject` reads the PEP 621 list, the dev lists and
   Poetry's tables (gate.bundle.manifests.declared `_pyproject_requirements`,
   `_poetry_tables`), so `dependencies = ["requests"]` is an unpinned requirement
   (GATE-DEP-001, medium, allowed), while the tool resolves it with the other table's
   constraint: (a) uv's `[tool.uv] override-dependencies =
   ["requests==2.19.0"]`: `uv lock` locked requests 2.19.0 and `uv export` printed
   `requests==2.19.0`; (b) `constraint-dependencies = ["requests==2.19.0"]`: `uv lock`
   locked 2.19.0; (c) an override naming a URL (`six @ https://pypi.example.net/...
   .whl`): `uv lock` locked six from the URL (run with PyPI's own file URL; the URL
   elsewhere, a GATE-DEP-002 when written in `dependencies`, is not read at all); (d)
   Poetry 2's enriching `[tool.poetry.dependencies] requests = "2.19.0"` beside
   `dependencies = ["requests"]`: `_poetry_tables` skips the table whenever
   `[project].dependencies` is set ("it only adds detail"), review 40's fix reads only
   its sources (`_sources_of_project_dependencies`), but Poetry intersects its version
   with the PEP 621 one: `poetry lock` locked 2.19.0; (e) the same with `"~2.19.0"`
   beside `requests>=2.0`: locked 2.19.1; (f) PDM's `[tool.pdm.resolution.overrides]
   requests = "2.19.0"` (the gate's side only: PDM would not start here); (g)
   `dynamic = ["dependencies"]` with setuptools' `[tool.setuptools.dynamic]
   dependencies = { file = ["deps.txt"] }`, `deps.txt` pinning `requests==2.19.0`:
   `read_pyproject` reports "dynamic dependencies: only the build backend knows them"
   (GATE-DEP-001, medium), though the backend only reads that file (no code of the
   bundle runs); `uv lock` locked 2.19.0. All exit 0.
   (A uv.toml's `override-dependencies` was tried with uv: not applied to the project,
   so not a case.)
2. A Poetry union read as nothing. `constraint_specifiers` (gate.bundle.manifests
   .versions) returns None for a constraint with `||` or `|`, so the dependency is
   unauditable without `admits` and `_affected_range` (gate.scanners.pip_audit) never
   sees it: `requests = "2.19.0 || 2.19.1"` admits two versions, each affected by
   PYSEC-2018-28 (`poetry lock` locked 2.19.1), where `"2.19.1"` and review 45's
   `"~2.19.0"` block. Variants: (a) `||`, (b) a single `|` (Poetry reads both), (c) the
   same in a table's `version`. Exit 0, GATE-DEP-001 (allowed) alone.
3. `${path.cwd}` read as the root module's folder. Review 44's fix (`RootModules`,
   `_with_root`) writes `path.cwd` as `path.root`, but Terraform's `path.cwd` is the
   folder Terraform was started in *before* `-chdir` (its documentation), which the
   bundle does not state: `terraform -chdir=infra apply`, run from the repository's
   top, reads `${path.cwd}/build/fn.zip` as `build/fn.zip`. (a) `infra/main.tf` with
   `filename = "${path.cwd}/build/fn.zip"`, a harmless `infra/build/fn.zip` (scanned as
   the function's code) and the real `build/fn.zip`, whose handler runs the event's
   command: warned `zip-not-deployed`, exit 0; (b) an `aws_lambda_layer_version` with
   `filename = "${path.cwd}/build/deps.zip"`, a harmless `infra/build/deps.zip` and the
   real `build/deps.zip` whose `python/helper.py` runs the event's command (B605):
   exit 0. Each blocks written as `${path.module}/../build/...`. Where the runner `cd`s
   into the root instead, the gate's reading is right; it cannot tell which, which is
   the point. (An `archive_file` of `"${path.cwd}/src"` held: `src/` is scanned as the
   bundle's own files, even its `lib/` beside a `pyvenv.cfg`.)

Fixed, class 1 (gate.bundle.manifests.declared): every table of `pyproject.toml` that
sets what gets installed is read as its tool reads it, each entry a requirement of the
audit: uv's override and constraint lists as PEP 508 lines (`_pyproject_requirements`),
PDM's overrides as table entries, a URL as one from elsewhere (`_pdm_overrides`),
`[tool.poetry.dependencies]` even beside `[project].dependencies` (`_poetry_tables`),
and setuptools' dynamic `file` lists as requirements files found beside the pyproject,
refused outside the bundle or missing (`_read_dynamic`, `_setuptools_files`,
requirements `read_named_files`), which the audit's cache key holds
(`audited_requirement_files`). Class 2 stays xfail in its own test.

Suggested fixes, by class. 1, read every table that constrains what a project
installs as its installer reads it: uv's `override-dependencies` (replacing the
requirement of that name) and `constraint-dependencies` (intersected with it),
PDM's `resolution.overrides`, setuptools' `dynamic` `file` lists (read as
requirements files, without options), and Poetry 2's `[tool.poetry.dependencies]` beside
`[project].dependencies` (its version intersected with the PEP 621 requirement's,
its source as now): each is a requirement of the audit in its own right (its pin
audited, its URL GATE-DEP-002), or, simplest, refuse a pyproject.toml holding one
without the tool's lock. 2, read a Poetry union as the union of its parts
(`Unauditable.admits` a list of ranges, each judged by `_affected_range`, reported
when every part is affected; a union of exact pins is those pins); or refuse one. 3,
`path.cwd` is never the bundle's to state: read it as a location only Terraform
resolves (a scan error for Python code, as with several roots), keeping `path.root`'s
resolution.

Also tried, and the gate held: class 1 of review 44 with the parts a `pyvenv.cfg`
makes ignored (`lib/`): a SAM function whose `CodeUri` folder holds a
`pyvenv.cfg` and its helper in `lib/` (brought back, B605 blocks), the handler itself
in `lib/` (`lib.helper.handler`), a service at the bundle's root with `pyvenv.cfg`
and `lib/helper.py`, a Serverless service likewise, an untied layer with `pyvenv.cfg`
in `layer/` or `layer/python/` and code in `python/lib/python3.12/site-packages/`, and
terraform-aws-modules' `source_path` with `src/pyvenv.cfg` (each blocked); ranges
`requests>2.18.4,<2.19.1`, `requests (>=2.19.0,<2.19.1)`, `>=2.19.0,<2.19.2,!=2.19.1`,
Poetry `">=2.19.0 <2.19.1"`, `"2.19.*"`, `"~2.19"`, `"~=2.19.0"`, a table's `version`,
Poetry's list of constraints per Python version, Pipfile `"~=2.19.0"` and
`{version = "==2.19.*"}` (each blocked); module `source` spellings for
`RootModules` (`./modules/fn/`, `./modules//fn`, `./modules/x/../fn`, through the
parent): each resolved to the same folder.

Seen on the gate's side only, not confirmed: a requirement naming a file on
files.pythonhosted.org whose sdist suffix packaging does not parse (`requests @
https://files.pythonhosted.org/.../requests-2.19.0.tar.bz2`, also `.tgz`, `.tar`, an
upper-case `.TAR.GZ`) is GATE-DEP-001 alone (allowed): neither audited at the version
its name states (`versions.file_version` returns None) nor from elsewhere. pip installs
such sdists, and PEP 527 left old `.tar.bz2`/`.tgz` uploads on PyPI, but no vulnerable
release with one was found to make it a case (the URLs tried were made up).

Not covered: diff mode's `includers` (read, not attacked: `_earlier` also wants the
merge base's finding with the same functions), the audit's cache key with `BUILD_FILES`,
`_pypi_server` and `_source_key`, GATE-DEP-002's `_digest`, merge.py's severity rule
against checkov skips (checkov was off), shards. A `-chdir` run was not executed
(no Terraform here); class 3 rests on Terraform's documented `path.cwd`.

False refusal seen (fails closed): a SAM function whose `CodeUri` is `fn/lib/` beside
`fn/pyvenv.cfg` is a scan error, "its code 'fn/lib' is not in the bundle": the copy left
`lib/` out as a virtualenv's part, and nothing brings it back (review 44's false refusal,
for the parts).

Limits (not bypasses): an unpinned dependency (GATE-DEP-001, medium) is allowed by the
default policy whatever the index serves; that is the policy's choice, and classes 1
and 2 matter because the bundle states the version the tool installs.

Fixed, class 3: `path.cwd` is never read as a folder (gate.bundle.discovery.terraform
`_ROOT_PATH` names `path.root` alone), so a location built on it is one only Terraform
resolves, a scan error for Python code. And by its class, a layer no function of the
file ties whose content only the deploy locates (`${path.cwd}`, a parameter) is refused
(`Read.lost_layers`, read.py `_refuse_lost_layers`), as a function's own layer of that
kind is a scan error. Class 2: a Poetry union is read as its parts, each judged as if
written alone (gate.bundle.manifests.entries `read_dependency`, `_UNION`).
"""

from __future__ import annotations

from pathlib import Path

from tests.hostile.conftest import (
    HARMLESS,
    RUNS_EVENT,
    SAM,
    Layout,
    each_blocked_or_refused,
    each_blocks,
    files,
    zipped,
)

ADVISORY = "PYSEC-2018-28"
ELSEWHERE = "https://pypi.example.net/packages/six-1.16.0-py2.py3-none-any.whl"


def function(pyproject: str) -> Layout:
    """The orders function (src/) whose `pyproject.toml` is `pyproject`."""
    return files({"template.yaml": SAM, "src/app.py": HARMLESS, "src/pyproject.toml": pyproject})


def project(dependency: str, more: str = "") -> Layout:
    """A PEP 621 project depending on `dependency` (a TOML string), then `more`."""
    return function(
        '[project]\nname = "orders"\nversion = "1.0.0"\nrequires-python = ">=3.11"\n'
        f"dependencies = [{dependency}]\n{more}"
    )


def poetry(constraint: str) -> Layout:
    """A Poetry project asking for requests by `constraint` (a TOML value)."""
    return function(
        '[tool.poetry]\nname = "orders"\nversion = "1.0.0"\npackage-mode = false\n'
        f'[tool.poetry.dependencies]\npython = ">=3.11"\nrequests = {constraint}\n'
    )


SETUPTOOLS_DYNAMIC = (
    '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
    '[project]\nname = "orders"\nversion = "1.0.0"\nrequires-python = ">=3.11"\n'
    'dynamic = ["dependencies"]\n'
    '[tool.setuptools.dynamic]\ndependencies = { file = ["deps.txt"] }\n'
)
ENRICHED = "[tool.poetry]\npackage-mode = false\n[tool.poetry.dependencies]\n"
TF_FUNCTION = """resource "aws_lambda_function" "fn" {{
  function_name = "orders"
  filename      = "{filename}"
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = "arn:aws:iam::123456789012:role/orders"
}}
"""
TF_LAYER = """resource "aws_lambda_layer_version" "deps" {{
  layer_name          = "deps"
  filename            = "{filename}"
  compatible_runtimes = ["python3.12"]
}}
"""
HARMLESS_FUNCTION = TF_FUNCTION.format(filename="${path.module}/build/fn.zip")
HELPER = "import os\n\n\ndef run(event):\n    os.system(event['cmd'])\n"

# name: (the baseline, the rule it blocks on, the trick, what lets the trick through)
TRICKS: dict[str, tuple[Layout, str, Layout, str]] = {
    "1a-uv-override": (
        project('"requests==2.19.0"'), ADVISORY,
        project('"requests"', '[tool.uv]\noverride-dependencies = ["requests==2.19.0"]\n'),
        "read_pyproject does not read [tool.uv] override-dependencies"),
    "1b-uv-constraint": (
        project('"requests==2.19.0"'), ADVISORY,
        project('"requests"', '[tool.uv]\nconstraint-dependencies = ["requests==2.19.0"]\n'),
        "read_pyproject does not read [tool.uv] constraint-dependencies"),
    "1c-uv-override-url": (
        project(f'"six @ {ELSEWHERE}"'), "GATE-DEP-002",
        project('"six"', f'[tool.uv]\noverride-dependencies = ["six @ {ELSEWHERE}"]\n'),
        "read_pyproject does not read [tool.uv] override-dependencies"),
    "1d-poetry-enriching-version": (
        project('"requests==2.19.0"'), ADVISORY,
        project('"requests"', ENRICHED + 'requests = "2.19.0"\n'),
        "_poetry_tables skips tool.poetry.dependencies beside [project].dependencies"),
    "1e-poetry-enriching-range": (
        poetry('"~2.19.0"'), ADVISORY,
        project('"requests>=2.0"', ENRICHED + 'requests = "~2.19.0"\n'),
        "_poetry_tables skips tool.poetry.dependencies beside [project].dependencies"),
    "1f-pdm-override": (
        project('"requests==2.19.0"'), ADVISORY,
        project('"requests"', '[tool.pdm]\ndistribution = false\n'
                '[tool.pdm.resolution.overrides]\nrequests = "2.19.0"\n'),
        "read_pyproject does not read [tool.pdm.resolution.overrides]"),
    "1g-setuptools-dynamic-file": (
        project('"requests==2.19.0"'), ADVISORY,
        files({"template.yaml": SAM, "src/app.py": HARMLESS,
               "src/pyproject.toml": SETUPTOOLS_DYNAMIC, "src/deps.txt": "requests==2.19.0\n"}),
        "read_pyproject reports dynamic dependencies unread, though setuptools names a file"),
    "2a-poetry-union": (
        poetry('"2.19.1"'), ADVISORY, poetry('"2.19.0 || 2.19.1"'),
        "constraint_specifiers returns None for a union: no admits, no range audit"),
    "2b-poetry-union-single-bar": (
        poetry('"2.19.1"'), ADVISORY, poetry('"2.19.0 | 2.19.1"'),
        "constraint_specifiers returns None for a union: no admits, no range audit"),
    "2c-poetry-union-in-a-table": (
        poetry('{ version = "2.19.1" }'), ADVISORY,
        poetry('{ version = "2.19.0 || 2.19.1" }'),
        "constraint_specifiers returns None for a union: no admits, no range audit"),
    "3a-path-cwd-filename": (
        files({"infra/main.tf": TF_FUNCTION.format(filename="${path.module}/../build/fn.zip"),
               "build/fn.zip": zipped({"app.py": RUNS_EVENT})}), "GATE-SLS-001",
        files({"infra/main.tf": TF_FUNCTION.format(filename="${path.cwd}/build/fn.zip"),
               "infra/build/fn.zip": zipped({"app.py": HARMLESS}),
               "build/fn.zip": zipped({"app.py": RUNS_EVENT})}),
        "_with_root reads ${path.cwd} as the root module's folder; -chdir makes it not"),
    "3b-path-cwd-layer": (
        files({"infra/main.tf": HARMLESS_FUNCTION
               + TF_LAYER.format(filename="${path.module}/../build/deps.zip"),
               "infra/build/fn.zip": zipped({"app.py": HARMLESS}),
               "build/deps.zip": zipped({"python/helper.py": HELPER})}), "B605",
        files({"infra/main.tf": HARMLESS_FUNCTION
               + TF_LAYER.format(filename="${path.cwd}/build/deps.zip"),
               "infra/build/fn.zip": zipped({"app.py": HARMLESS}),
               "infra/build/deps.zip": zipped({"python/helper.py": HARMLESS}),
               "build/deps.zip": zipped({"python/helper.py": HELPER})}),
        "_with_root reads ${path.cwd} as the root module's folder; -chdir makes it not"),
}  # fmt: skip


def test_the_problem_each_trick_hides_blocks(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: the same problem, written plainly."""
    each_blocks(tmp_path, {name: (case[0], case[1]) for name, case in TRICKS.items()})


def tricks_of(classes: str) -> dict[str, Layout]:
    """The tricked bundles of the classes numbered in `classes`."""
    return {name: case[2] for name, case in TRICKS.items() if name[0] in classes}


def test_every_version_a_pyproject_states_is_audited(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, tricks_of("1"))


def test_every_version_a_poetry_union_admits_is_audited(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, tricks_of("2"))


def test_path_cwd_is_not_the_bundle_s_to_state(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, tricks_of("3"))
