r"""A forty-fifth hostile review of `gate check`, on the layer from a bundle's manifests to
the audit's verdict (gate.bundle.manifests, gate.advisories, gate.scanners.pip_audit),
inline suppressions (gate.scanners.inline, gate.scan.merge), and the run modes that
judge a finding new or known: baselines (gate.policy.baseline), diff mode
(gate.scan.diff) and the findings cache (gate.scan.cache, `Scanner.key_files`).

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off), and the baseline (the
same problem without the trick) exits 1 on the taint rule's GATE-SLS-001, bandit's B602
(high) or the advisory PYSEC-2018-28 (requests 2.19.0, high), or, for 4, exits 2 (the
folder's build refused). What pip does was run where it mattered (pip 26.3, `pip
download --no-deps` from PyPI): for 2 it fetched requests 2.19.0 for
`>=2.19.0,<=2.19.0`. What lets each through:

1. One bundle's inline suppression suppresses another bundle's finding, and one bundle's
   gate finding swallows another bundle's bandit finding, when several bundles are
   checked in one run (`gate check services/a services/b`, as a repository of many
   bundles is checked). `fold` (gate.scan.merge) folds every finding an absorbing
   finding `_absorbs` into it, across all bundles of the run, and `Absorbs.matches`
   (gate.model) compares the scanner, rule, relative path and line, never the bundle;
   the folded finding's suppression carries over (`_merged`). (a) The orders bundle's
   `subprocess.run(['sh', '-c', event['cmd']])` (GATE-SLS-001, critical, blocking alone)
   is `suppressed` when a decoy bundle holds, at the same relative path and line,
   `subprocess.run(['sh', '-c', 'date'])  # nosec B603 -- a fixed command, reviewed`
   (bandit's low B603, no finding of the gate's): exit 0. (b) A bundle whose
   `subprocess.call(os.environ['CMD'], shell=True)` is B602 (high, blocking alone) loses
   that finding altogether when another bundle has a GATE-SLS-001 on the same path and
   line that its author suppressed (`# nosec B602 -- ...`): the B602 is folded into the
   other bundle's suppressed finding, exit 0. (c) Run by hand with the default policy
   (checkov on, 20 s): a decoy bundle's role of the same logical id (`AdminRole`,
   attached to no function) with `Metadata: {checkov: {skip: [{id: CKV_AWS_1, comment:
   ...}, ...]}}` for the checks `_merges` (gate.rules.iam) folds makes the orders
   bundle's own admin role (GATE-IAC-001, critical) `suppressed`: exit 0, where orders
   alone exits 1. (d) Run by hand: two deployment zips, the form README's `gate check
   build/orders.zip` takes, each holding `lambda_function.py` at its root, as the
   console's and most zips do: `gate check orders.zip reports.zip` passes orders' shell
   sink on reports' `# nosec B603` at the same line (exit 0; orders alone exits 1). Any
   other function's reviewed suppression at the same line of the same file name will do;
   a collision needs no decoy written for it.
2. An exact version the readers do not read as one is "not pinned to one version"
   (GATE-DEP-001, medium, allowed), never audited. `_pinned_version`
   (gate.bundle.manifests.requirements) takes a pin only from a single `==`/`===`
   specifier without `*`, and `exact_version` (entries) only from `1.2.3`/`==1.2.3`:
   `requests>=2.19.0,<=2.19.0` admits exactly one version (pip fetched 2.19.0);
   `requests>=2.19.0,<2.19.1` admits only 2.19.0 of PyPI's releases; `requests~=2.19.0`
   and `requests==2.19.*` admit only 2.19.0 and 2.19.1, each affected by PYSEC-2018-28
   (fixed in 2.20.0). The same in pyproject.toml's `[project].dependencies` and a
   Pipfile. And Poetry's own exact form: `requests = "=2.19.0"` (Poetry 2.5.1's `poetry
   lock` locked 2.19.0), and `"~2.19.0"` (2.19.x). The plain `requests==2.19.0`, and
   Poetry's `"2.19.0"` and `"== 2.19.0"`, block. And PyPI's own file for the version,
   named by its URL (`requests @
   https://files.pythonhosted.org/.../requests-2.19.0-py2.py3-none-any.whl`, or the URL
   alone; PyPI's simple index gives it): `from_elsewhere` (indexes) leaves a file of
   PyPI's to GATE-DEP-001 ("URL requirement", medium) as if "only its version is
   unknown", though the wheel's (or sdist's) file name states it and pip checks the
   wheel against it (pip downloaded it).
3. A version is audited once per bundle and reported only at the first manifest that
   pins it (gate.scanners.pip_audit `_locations`; requirements files first, in path
   order), with that manifest's functions, so the run modes judge another function's
   copy of it by the first one's record. (a) A baseline (gate.policy.baseline
   `apply_baseline`) that recorded `requests==2.19.0` of a legacy function
   (`legacy/requirements.txt`) baselines the orders function's new `requests==2.19.0`
   (`src/requirements.txt`): the finding stays at legacy's file with legacy's functions,
   so review 41's functions check does not see the orders function; exit 0. The same pin
   in a function whose folder sorts first (`api/`) is reported there and blocks. (b)
   Diff mode (gate.scan.diff `_touched_by_change`), with legacy's pin on main: the
   finding is new only if a changed manifest mentions the package, and
   `_changed_manifests` reads only files named as manifests, giving up (every finding
   new) on an include it recognises (`_INCLUDES`: `-r`, `--requirement`... followed by a
   word break). `-rdeps.txt` (pip's attached short value, which `read_line` reads as pip
   does) and the pin in `src/deps.txt`: preexisting, exit 0; `-r deps.txt` blocks. Run
   by hand, also exit 0: the pin spelt in the file's declared encoding (`# -*- coding:
   utf-7 -*-`, then `+AHI-equests==2.19.0`), and a samconfig.toml `manifest =
   "src/deps.txt"` (neither file a manifest by name). A vendored copy
   (`requests-2.19.0.dist-info`) held in diff mode (its METADATA is a dependency file
   naming the package), but not against a baseline (run by hand: baselined, exit 0;
   alone it blocks, reported at its METADATA). (c) Run by hand: a waiver the user scoped
   to the legacy function (`rule: PYSEC-2018-28, path: "legacy/**"`, as README's example
   scopes one) waives the orders function's new `requests==2.19.0` too: exit 0.
4. The audit's findings-cache key leaves out what decides whether a local folder a
   manifest installs may run a build: `PipAuditScanner.key_files`
   (gate.scanners.pip_audit) keys the manifests, their includes and package metadata
   only, and `runs_a_build` (gate.bundle.manifests.builds) reads the folder's
   `setup.py`, `hatch_build.py`, `pdm_build.py`, `build.py` (and whether the folder
   exists). A first run with `./mylib` (a folder of plain modules: "local path
   requirement", medium) caches a clean audit; a change adding `mylib/setup.py` (whose
   `install_requires` may name anything) reuses it: exit 0, where a fresh run refuses
   the line (exit 2: "installs a folder whose build may run code of the bundle").
   Variants, each exit 0 from the cache and 2 fresh: `hatch_build.py` beside a static
   hatchling pyproject.toml, `-e ./mylib`, a uv source `{ path = "mylib" }`, and the
   folder itself created by the change.
5. A package name that is no name. The Pipfile and Pipfile.lock readers take a table's
   key for the package's name (`read_dependency`, gate.bundle.manifests.entries, then
   `Found.pin`, gate.bundle.manifests.found), and `canonicalize_name` keeps what is not
   a name's (brackets, spaces), so the pin is audited as a package no advisory names: no
   finding at all. pipenv 2026.10.3 builds its requirement lines by joining the key and
   the version: a Pipfile.lock key `"requests[socks]"` (`"version": "==2.19.0"`) or
   `"requests "` made `pipenv requirements` (what serverless-python-requirements runs
   for a Pipfile) print `requests[socks]==2.19.0` and `requests ==2.19.0`; a Pipfile key
   `"requests[socks]" = "==2.19.0"` (no lock) made `pipenv lock` lock requests 2.19.0
   with the extra. The same lock keyed `"requests"` blocks. (The gate also passes a
   pdm.lock or uv.lock package named `requests[socks]`, and a Poetry key
   `"requests[socks]"`: uv refuses that lock and Poetry that key, and PDM was not run.)
6. A lock of another tool beside pyproject.toml stands for the project's own.
   `read_manifests` (gate.bundle.manifests) leaves every dependency a lock beside a
   pyproject.toml names to that lock (`_locks_beside`: any of poetry.lock, uv.lock,
   pdm.lock, `LOCKS_OF`), and `_beyond_lock` then drops the pyproject's GATE-DEP-002 for
   a package the lock covers by name. A Poetry project taking requests from a repository
   (`requests = { git = "https://git.example.net/evil/requests.git" }`, GATE-DEP-002
   alone) with a uv.lock or pdm.lock beside it locking PyPI's requests: no finding, exit
   0; a uv project (`[tool.uv.sources]`, the same repository) with a poetry.lock beside
   it: likewise. Poetry 2.5.1 (`poetry export`, no poetry.lock) and uv (`uv export`, no
   uv.lock) each ignored the other's lock and tried to clone the repository.
7. A URL's host read otherwise than the installers read it. `_host`
   (gate.bundle.manifests.indexes) takes Python's `urlsplit(url).hostname`, whose
   authority runs to the first `/` and whose host follows the last `@`; pip (its
   requests and urllib3) and uv (WHATWG's parser, where `\` is a `/` in an https URL)
   end the authority at a backslash. So `six @
   https://pypi.example.net\@files.pythonhosted.org/.../six-1.16.0-py2.py3-none-any.whl`
   is a file of PyPI's to `from_elsewhere` (GATE-DEP-001, medium), where pip 26.3
   fetched `https://127.0.0.1:9/%5C@files.pythonhosted.org/...` for the same URL with
   `127.0.0.1:9` as its host (refused: nothing listens there); the URL alone, and the
   same in pyproject.toml's dependencies, likewise; and a uv.lock whose PyPI package's
   wheel (or sdist) `url` is written so passes `files_elsewhere` with no finding, where
   `uv sync --frozen` connected to 127.0.0.1:9 for it. The same URL without the trick,
   `https://pypi.example.net/...`, is GATE-DEP-002 (high). (Held: an index or find-links
   URL so written, which `is_pypi` refuses for its user name; an editable
   `git+https://...\@files.pythonhosted.org/...`, which git sends to
   files.pythonhosted.org.)
8. A remote URL under a key the readers take for a local file. `read_dependency`
   (gate.bundle.manifests.entries) judges a source by its key: `git` and `url` go
   through `from_elsewhere` (GATE-DEP-002), `file` is "local file dependency"
   (GATE-DEP-001, medium) whatever it holds. pipenv documents `file` for remote archives
   too: a Pipfile.lock entry `"six": {"file": "https://pypi.example.net/.../six.whl"}`
   made `pipenv requirements` print that URL as the line pip installs; the gate passes
   it, and a Pipfile's `six = {file = "https://..."}` alike, where `six = {url =
   "https://..."}` blocks (GATE-DEP-002). (A poetry.lock source of `type = "file"` with
   a remote `url` passes the same way; Poetry was not run on it.)

Suggested fixes, by class. 1, fold only within one bundle: `Absorbs` carries the bundle
(or `_absorbs` compares `other.bundle == owner.bundle`), and a suppression carries only
from a finding of the same bundle. 2, audit a range by what it admits: a specifier set
that admits one version is that pin; any other is audited against every version an
advisory names as affected (its `versions` list, and its ranges' bounds) that the set
admits, and is reported (at the advisory's severity) when no fixed version satisfies it,
i.e. when every release the range can install is affected; the same for Poetry's,
Pipfile's and PEP 621's constraints (Poetry's `=1.2.3` is exact); a URL of PyPI's files
is audited at the version its file name states (a wheel's `NAME-VERSION-...whl`, an
sdist's `NAME-VERSION.tar.gz`), which is what pip installs or refuses. 3, report a
vulnerable version at every manifest (and vendored copy) that pins it, each with its own
functions, or give the one finding the union of the functions of every place that pins
it, so a baseline's, a waiver's and diff mode's checks see each function; in diff mode,
`mentioned` reads what the audit read (the changed manifests as decoded, with every file
any of them includes and every file a build setting names), not file texts by name. 4,
key the audit's cache on everything its readers read: every file of a local folder a
manifest installs (or at least the build files `runs_a_build` looks for, and the
folder's existence), as `requirement_files` does for includes; simplest, the folder's
whole listing. 5, read a table's key as the installers do (a requirement: a name, then
extras; pipenv strips nothing) or refuse any key that is not a PEP 508 name (letters,
digits, `.`, `_`, `-`, a letter or digit at each end) with its extras: `Found.pin`
refuses a name that is not one, whichever reader calls it. 6, a lock stands for a
pyproject.toml only when it is the lock of the tool that installs it: poetry.lock for a
Poetry project (`[tool.poetry]` dependencies or Poetry's build backend), uv.lock for uv,
pdm.lock for PDM; when the tool cannot be told, read the pyproject whole as well (its
findings are never dropped for another tool's lock). 7, refuse, as a line pip or uv
would read otherwise, any requirement or lock URL holding a backslash, whitespace or a
control character, or an `@` before its host that the gate does not take for a user
name; or parse hosts as WHATWG does (`\` ends the authority of an http(s) URL) and treat
a URL whose host the two parsers disagree on as elsewhere (GATE-DEP-002). 8, judge a
source by its value, not its key: any `file`, `path` or `directory` value that is a
remote URL (a scheme other than `file:`) goes through `from_elsewhere` as a `url` does.

Also tried, and the gate held: version spellings `==v2.19.0`, `==2.19.0.0`, `===2.19.0`,
a marker, extras and `--hash` (each audited as 2.19.0); `Requests_==2.19.0` (the name
`requests-`, which pip cannot find either); a constraints file (`-c c.txt`) pinning what
requirements.txt leaves open (audited); a samconfig `manifest` in plain mode (read); a
nosec comment on the gate's own taint finding alone (`open(event['path'])`, with no
bandit finding to carry it: still blocking); a nosec comment naming B607 on a line whose
GATE-SLS-001 absorbs only B602-B605 (still blocking); an index or find-links URL written
with a backslash (`is_pypi` refuses its user name); an editable git URL so written (git
sends it to files.pythonhosted.org); a Poetry key `"requests[socks]"` (Poetry refuses
it) and a uv.lock package of that name (uv refuses it); diff mode with the pin added to
the orders function's own requirements file (new: the package is mentioned), and a
vendored copy of it (new).

Limits, not bypasses: the audit does not resolve dependencies, so a pinned package's own
requirements (transitive dependencies) are never audited, where pip-audit's own
requirements mode resolves them (not documented in README; not run: it needs a package
on PyPI that pins a vulnerable dependency exactly); inline suppressions with a reason
count under the default `require-reason` by design, including a bandit nosec comment
naming only B603 (low) carried to the gate's GATE-SLS-001 (critical) on its own line,
and one naming B608 on the line that builds a query carried to the sink that runs it
(README: "written about this same problem"; a suppression could be held to the rules it
names and to their severity).

Not covered: `--policy-ref` was read only; `--shard` was run on a function whose code is
a zip (its findings, GATE-SLS-001 and the audit's, came from its own shard, and `gate
merge` blocked), not attacked further; class 1 through Terraform was not run; PDM's
tools were not run (its `pdm lock` failed here on a dependency's version).

Fixed by the manifest readers (gate.bundle.manifests) and the audit, each by its class.
2, a constraint is read as the specifiers it is (Poetry's and Pipfile's by
`versions.constraint_specifiers`), and one that admits exactly one version is that pin
(`versions.single_version`, for requirements and tables alike); a file of PyPI's is
audited at the version its file name states (`requirements.from_url`,
`versions.file_version`); a range keeps its specifiers (`Unauditable.admits`), and the
audit reports, at its line, each advisory one of whose ranges holds every version it
admits (`versions.bounds`, `VersionRange.covers`, `pip_audit._affected_range`). 5, a
table's key is the requirement name pipenv makes of it, extras dropped, and a key that
is no name is refused naming it (`entries.read_dependency`,
`versions.requirement_name`); `Found.pin` refuses a name that is not one, whichever
reader calls it. 7, one test decides whether a URL is PyPI's (its index or its files:
`indexes._pypi_server`): HTTPS, no credentials or other port, and only printable ASCII
without a space or backslash (`_parts`), so a URL the installers may read otherwise is a
source elsewhere. 8, a source is judged by its value: a remote URL under any source key
(`file`, `path`, `directory`...) is from elsewhere (`entries._source_key`).

Fixed by the audit's reporting, cache key and locks: 3, a version is reported at every
manifest, included file and vendored copy that pins it (once per file, at its first line
there), each finding with its own file's functions, and still asked about once
(gate.scanners.pip_audit `_locations`); diff mode judges a dependency finding by its own
file and by every requirements file that includes it, as the audit reads includes
(gate.bundle.manifests `includers`, gate.scan.diff `_includers`, `_touched_by_change`),
no longer by a search of changed files' texts. 4, the audit's cache key holds every file
named as one that `runs_a_build` reads or looks for (`BUILD_FILES`,
gate.bundle.manifests.builds, which it now looks for as files), wherever it lies
(`PipAuditScanner.key_files`). 6, a lock stands for a pyproject.toml only when it is the
lock of the one tool the pyproject is written for (Poetry, PDM or uv, by its `[tool]`
table or build backend; uv for a plain project); with several, none does and the
pyproject is read whole (gate.bundle.manifests `_locks_beside`, `_lock_of_tool`). Fixed
in the merge of findings: 1, a finding folds only another scanner's finding of its own
bundle (gate.scan.merge `_absorbs`); and the limit of a suppression written for a lesser
finding: it carries over only from a finding at least as severe (`_merged`), so `# nosec
B603` no longer silences GATE-SLS-001.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.hostile.conftest import (
    CHEAP_POLICY,
    Batch,
    Layout,
    Sandbox,
    blocked_or_refused,
    commit,
    committed_repository,
    each_blocked_or_refused,
    each_blocks,
)

HEAD = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n"
FUNCTION = (
    "  {name}Function:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      CodeUri: {folder}/\n      Handler: app.handler\n      Runtime: python3.12\n"
    "      Tracing: Active\n"
)
SAM = HEAD + FUNCTION.format(name="Orders", folder="src")
HARMLESS = "def handler(event, context):\n    return {'ok': True}\n"
HANDLER = (
    "import os\nimport subprocess\n\n\ndef handler(event, context):\n{body}\n"
    "    return {{'ok': True}}\n"
)
VULNERABLE = "requests==2.19.0"
PYPI_WHEEL = (
    "https://files.pythonhosted.org/packages/cc/15/"
    "e1c318dbc20032ffbe5628837ca0de2d5b116ffd1b849c699634010f6a5d/"
    "requests-2.19.0-py2.py3-none-any.whl"
)
ADVISORY = "PYSEC-2018-28"


def bundle(files: dict[str, str]) -> Layout:
    """The orders function (src/) with `files` beside its template and handler."""

    def layout(sandbox: Sandbox) -> None:
        sandbox.write("template.yaml", SAM)
        sandbox.write("src/app.py", HARMLESS)
        for relative, text in files.items():
            sandbox.write(relative, text)

    return layout


def handler(body: str) -> Layout:
    """The orders function whose handler runs `body` (indented) on the event."""
    return bundle({"src/app.py": HANDLER.format(body=body)})


def requirements(text: str) -> Layout:
    return bundle({"src/requirements.txt": text + "\n"})


def pyproject(requirement: str) -> Layout:
    project = f'[project]\nname = "orders"\nversion = "1.0.0"\ndependencies = ["{requirement}"]\n'
    return bundle({"src/pyproject.toml": project})


def pyproject_of(requirement: str) -> Layout:
    """pyproject.toml's dependencies holding `requirement`, escaped as TOML escapes it."""
    project = (
        '[project]\nname = "orders"\nversion = "1.0.0"\n'
        f"dependencies = [{json.dumps(requirement)}]\n"
    )
    return bundle({"src/pyproject.toml": project})


def poetry(constraint: str) -> Layout:
    """A Poetry project asking for requests by `constraint`."""
    project = (
        '[tool.poetry]\nname = "orders"\nversion = "1.0.0"\npackage-mode = false\n'
        f'[tool.poetry.dependencies]\npython = ">=3.11"\nrequests = "{constraint}"\n'
    )
    return bundle({"src/pyproject.toml": project})


# --- 1. a suppression of one bundle, a finding of another ---------------------------------------

# The sink on the handler's line 6; the bandit-only copy (no event data) at the same line.
SHELL = "    subprocess.run(['sh', '-c', event['cmd']])"
DECOY = "    subprocess.run(['sh', '-c', 'date'])  # nosec B603 -- a fixed command, reviewed"
# On line 7: B602 (high) alone, and a GATE-SLS-001 its author suppressed.
FROM_ENVIRONMENT = "    cmd = os.environ['CMD']\n    subprocess.call(cmd, shell=True)"
ABSORBER = (
    "    cmd = event['cmd']\n"
    "    subprocess.call(cmd, shell=True)  # nosec B602 -- only operators invoke it"
)

# --- 2. an exact pin spelt as a range ------------------------------------------------------------

RANGES: dict[str, Layout] = {
    "2-range-of-one": requirements("requests>=2.19.0,<=2.19.0"),
    "2-below-the-next": requirements("requests>=2.19.0,<2.19.1"),
    "2-compatible": requirements("requests~=2.19.0"),
    "2-wildcard": requirements("requests==2.19.*"),
    "2-pyproject-range-of-one": pyproject("requests>=2.19.0,<=2.19.0"),
    "2-poetry-single-equals": poetry("=2.19.0"),
    "2-poetry-tilde": poetry("~2.19.0"),
    "2-pypi-file-url": requirements(f"requests @ {PYPI_WHEEL}"),
    "2-bare-pypi-file-url": requirements(PYPI_WHEEL),
}


# --- 5. a package name that is no name ---------------------------------------------------------

PIPFILE = '[[source]]\nurl = "https://pypi.org/simple"\nverify_ssl = true\nname = "pypi"\n'


def pipfile_lock(key: str) -> Layout:
    """A Pipfile asking for requests, and its lock pinning 2.19.0 under `key`."""
    lock = {
        "_meta": {"hash": {"sha256": "0" * 64}, "pipfile-spec": 6, "requires": {},
                  "sources": [{"name": "pypi", "url": "https://pypi.org/simple",
                               "verify_ssl": True}]},
        "default": {key: {"version": "==2.19.0"}},
        "develop": {},
    }  # fmt: skip
    return bundle(
        {
            "src/Pipfile": PIPFILE + '\n[packages]\nrequests = "*"\n',
            "src/Pipfile.lock": json.dumps(lock, indent=4) + "\n",
        }
    )


NAMES: dict[str, Layout] = {
    "5-lock-key-with-extras": pipfile_lock("requests[socks]"),
    "5-lock-key-with-a-space": pipfile_lock("requests "),
    "5-pipfile-key-with-extras": bundle(
        {"src/Pipfile": PIPFILE + '\n[packages]\n"requests[socks]" = "==2.19.0"\n'}
    ),
}


# --- 6. a lock of another tool ------------------------------------------------------------------

REPOSITORY = '{ git = "https://git.example.net/evil/requests.git" }'
POETRY_GIT = (
    '[tool.poetry]\nname = "orders"\nversion = "1.0.0"\npackage-mode = false\n'
    f'[tool.poetry.dependencies]\npython = ">=3.11"\nrequests = {REPOSITORY}\n'
)
UV_GIT = (
    '[project]\nname = "orders"\nversion = "1.0.0"\ndependencies = ["requests"]\n'
    f"[tool.uv.sources]\nrequests = {REPOSITORY}\n"
)
LOCKS = {
    "uv.lock": 'version = 1\nrequires-python = ">=3.11"\n\n[[package]]\nname = "requests"\n'
    'version = "2.32.3"\nsource = { registry = "https://pypi.org/simple" }\n',
    "pdm.lock": '[metadata]\nlock_version = "4.4"\n\n[[package]]\nname = "requests"\n'
    'version = "2.32.3"\n',
    "poetry.lock": '[[package]]\nname = "requests"\nversion = "2.32.3"\n\n[metadata]\n'
    'lock-version = "2.1"\npython-versions = ">=3.11"\ncontent-hash = "0"\n',
}
OTHER_LOCKS: dict[str, Layout] = {
    "6-poetry-beside-uv-lock": bundle(
        {"src/pyproject.toml": POETRY_GIT, "src/uv.lock": LOCKS["uv.lock"]}
    ),
    "6-poetry-beside-pdm-lock": bundle(
        {"src/pyproject.toml": POETRY_GIT, "src/pdm.lock": LOCKS["pdm.lock"]}
    ),
    "6-uv-beside-poetry-lock": bundle(
        {"src/pyproject.toml": UV_GIT, "src/poetry.lock": LOCKS["poetry.lock"]}
    ),
}


# --- 7. a URL's host read otherwise --------------------------------------------------------------

WHEEL = "/packages/py2.py3/s/six/six-1.16.0-py2.py3-none-any.whl"
ELSEWHERE = "https://pypi.example.net"
# To pip and uv the host is pypi.example.net; to urlsplit, files.pythonhosted.org.
BACKSLASHED = "https://pypi.example.net\\@files.pythonhosted.org"
UV_PROJECT = '[project]\nname = "orders"\nversion = "1.0.0"\ndependencies = ["six"]\n'


def toml_string(text: str) -> str:
    return json.dumps(text)  # a TOML basic string escapes as JSON does, for these


def uv_lock(host: str) -> Layout:
    """A uv project and its lock: PyPI's six 1.16.0, its wheel downloaded from `host`."""
    lock = (
        'version = 1\nrequires-python = ">=3.11"\n\n[[package]]\nname = "six"\n'
        'version = "1.16.0"\nsource = { registry = "https://pypi.org/simple" }\n'
        f'wheels = [{{ url = {toml_string(host + WHEEL)}, hash = "sha256:{"0" * 64}" }}]\n'
    )
    return bundle({"src/pyproject.toml": UV_PROJECT, "src/uv.lock": lock})


HOSTS: dict[str, Layout] = {
    "7-named-url": requirements(f"six @ {BACKSLASHED}{WHEEL}"),
    "7-bare-url": requirements(BACKSLASHED + WHEEL),
    "7-pyproject-url": pyproject_of(f"six @ {BACKSLASHED}{WHEEL}"),
    "7-uv-lock-wheel": uv_lock(BACKSLASHED),
}


# --- 8. a remote URL under a local key -----------------------------------------------------------

REMOTE_WHEEL = ELSEWHERE + WHEEL


def pipfile_lock_of(entry: dict[str, str]) -> Layout:
    """A Pipfile asking for six, and its lock holding `entry` for it."""
    lock = {
        "_meta": {"hash": {"sha256": "0" * 64}, "pipfile-spec": 6, "requires": {},
                  "sources": [{"name": "pypi", "url": "https://pypi.org/simple",
                               "verify_ssl": True}]},
        "default": {"six": entry},
        "develop": {},
    }  # fmt: skip
    return bundle(
        {
            "src/Pipfile": PIPFILE + '\n[packages]\nsix = "*"\n',
            "src/Pipfile.lock": json.dumps(lock, indent=4) + "\n",
        }
    )


def pipfile_of(key: str) -> Layout:
    """A Pipfile taking six from the remote wheel under `key`."""
    return bundle({"src/Pipfile": f'[packages]\nsix = {{{key} = "{REMOTE_WHEEL}"}}\n'})


REMOTE_FILES: dict[str, Layout] = {
    "8-pipfile-lock-file": pipfile_lock_of({"file": REMOTE_WHEEL}),
    "8-pipfile-file": pipfile_of("file"),
}


def test_the_problem_each_trick_hides_blocks(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: the same problem, written plainly."""
    each_blocks(
        tmp_path,
        {
            "1-sink-alone": (handler(SHELL), "GATE-SLS-001"),
            "1-shell-alone": (handler(FROM_ENVIRONMENT), "B602"),
            "2-pin": (requirements(VULNERABLE), ADVISORY),
            "2-pyproject-pin": (pyproject(VULNERABLE), ADVISORY),
            "2-poetry-pin": (poetry("2.19.0"), ADVISORY),
            "5-pipfile-lock": (pipfile_lock("requests"), ADVISORY),
            "6-poetry-repository": (bundle({"src/pyproject.toml": POETRY_GIT}), "GATE-DEP-002"),
            "6-uv-repository": (bundle({"src/pyproject.toml": UV_GIT}), "GATE-DEP-002"),
            "7-url-elsewhere": (requirements(f"six @ {ELSEWHERE}{WHEEL}"), "GATE-DEP-002"),
            "7-uv-lock-wheel-elsewhere": (uv_lock(ELSEWHERE), "GATE-DEP-002"),
            "8-pipfile-url": (pipfile_of("url"), "GATE-DEP-002"),
        },
    )


def test_the_trick_is_blocked_or_refused(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, RANGES)


def test_a_name_with_extras_or_spaces_is_audited_or_refused(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, NAMES)


def test_a_lock_of_another_tool_hides_nothing(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, OTHER_LOCKS)


def test_a_url_s_host_is_read_as_the_installers_read_it(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, HOSTS)


def test_a_remote_file_is_a_source_elsewhere(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, REMOTE_FILES)


def test_a_bundle_s_suppression_and_findings_stay_its_own(tmp_path: Path) -> None:
    """Four bundles in one run: each of orders and shell blocks alone (the baselines)."""
    batch = Batch(
        tmp_path,
        {
            "orders": handler(SHELL),
            "decoy": handler(DECOY),
            "shell": handler(FROM_ENVIRONMENT),
            "absorber": handler(ABSORBER),
        },
        CHEAP_POLICY,
    )
    run = batch.run(["orders", "decoy", "shell", "absorber"])
    report = json.loads(run.stdout)
    unblocked = [
        name
        for name, rule in (("orders", "GATE-SLS-001"), ("shell", "B602"))
        if not any(
            f["rule_id"] == rule and f["status"] == "blocking"
            for f in batch.of(name, report, "findings")
        )
    ]
    assert not unblocked and run.code == 1, (unblocked, run.code)


# --- 3. a version reported at its first manifest only -------------------------------------------

TWO_FUNCTIONS = HEAD + FUNCTION.format(name="Legacy", folder="legacy") + "{orders}"


def two_functions(sandbox: Sandbox, orders: str, pin: str) -> None:
    """A legacy function pinning `requests==2.19.0`, and the orders function (code in
    `orders`/) pinning `pin`."""
    orders_function = FUNCTION.format(name="Orders", folder=orders)
    sandbox.write("template.yaml", TWO_FUNCTIONS.format(orders=orders_function))
    sandbox.write("legacy/app.py", HARMLESS)
    sandbox.write("legacy/requirements.txt", VULNERABLE + "\n")
    sandbox.write(f"{orders}/app.py", HARMLESS)
    sandbox.write(f"{orders}/requirements.txt", pin + "\n")


def against_baseline(sandbox: Sandbox, orders: str) -> int:
    """Exit code of a check against the baseline of both functions, the orders function
    (in `orders`/) pinning six, once it pins the legacy function's vulnerable requests."""
    two_functions(sandbox, orders, "six==1.16.0")
    recorded = sandbox.base / "baseline.json"
    created = sandbox.gate(
        "baseline", "create", str(sandbox.bundle), "--output", str(recorded),
        "--policy", str(sandbox.policy()),
    )  # fmt: skip
    assert created.code == 0, created.stderr
    sandbox.write(f"{orders}/requirements.txt", VULNERABLE + "\n")
    return sandbox.run("--baseline", str(recorded)).code


def test_a_function_whose_pin_is_reported_first_blocks(sandbox: Sandbox) -> None:
    """The baseline: the orders function's code in api/, which sorts before legacy/."""
    assert against_baseline(sandbox, "api") == 1


def test_a_recorded_version_pinned_by_another_function_is_new(sandbox: Sandbox) -> None:
    blocked_or_refused(against_baseline(sandbox, "src"))


def in_diff_mode(sandbox: Sandbox, include: str) -> int:
    """Exit code of diff mode for the change that has the orders function include
    `src/deps.txt` (pinning legacy's vulnerable requests) by the line `include`."""
    two_functions(sandbox, "src", "six==1.16.0")
    repo = committed_repository(sandbox, "main")
    repo.git.checkout("-b", "change")
    sandbox.write("src/requirements.txt", f"six==1.16.0\n{include}\n")
    sandbox.write("src/deps.txt", VULNERABLE + "\n")
    commit(repo, "requests for orders")
    return sandbox.run("--diff-base", "main").code


def test_an_include_diff_mode_recognises_blocks(sandbox: Sandbox) -> None:
    """The baseline: `-r deps.txt` makes every dependency finding new."""
    assert in_diff_mode(sandbox, "-r deps.txt") == 1


def test_an_attached_include_is_read_in_diff_mode(sandbox: Sandbox) -> None:
    blocked_or_refused(in_diff_mode(sandbox, "-rdeps.txt"))


# --- 4. the audit's cache key and the folder a manifest builds ----------------------------------

SETUP = "from setuptools import setup\n\nsetup(name='mylib', version='1.0', install_requires=[])\n"
HATCHLING = (
    '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
    '[project]\nname = "mylib"\nversion = "1.0"\n'
)
UV_PATH = (
    '[project]\nname = "orders"\nversion = "1.0.0"\ndependencies = ["mylib"]\n'
    '[tool.uv.sources]\nmylib = { path = "mylib" }\n'
)
MODULE = {"src/mylib/__init__.py": "X = 1\n"}
# name: (the bundle the first run caches, the files the change adds)
BUILDS: dict[str, tuple[dict[str, str], dict[str, str]]] = {
    "4-setup-py": (
        {"src/requirements.txt": "./mylib\n", **MODULE}, {"src/mylib/setup.py": SETUP}),
    "4-hatch-build": (
        {"src/requirements.txt": "./mylib\n", "src/mylib/pyproject.toml": HATCHLING, **MODULE},
        {"src/mylib/hatch_build.py": "X = 2\n"}),
    "4-editable": (
        {"src/requirements.txt": "-e ./mylib\n", **MODULE}, {"src/mylib/setup.py": SETUP}),
    "4-uv-path": ({"src/pyproject.toml": UV_PATH, **MODULE}, {"src/mylib/setup.py": SETUP}),
    "4-folder-made": (
        {"src/requirements.txt": "./mylib\n"}, {**MODULE, "src/mylib/setup.py": SETUP}),
}  # fmt: skip


def test_a_folder_whose_build_runs_code_is_refused(tmp_path: Path) -> None:
    """The baseline: each bundle as the change leaves it, checked afresh, is refused."""
    each_blocked_or_refused(
        tmp_path, {name: bundle({**first, **added}) for name, (first, added) in BUILDS.items()}
    )


def test_a_build_file_added_after_a_cached_run_is_seen(tmp_path: Path) -> None:
    batch = Batch(
        tmp_path, {name: bundle(first) for name, (first, _) in BUILDS.items()}, CHEAP_POLICY
    )
    assert batch.run(BUILDS).code == 0  # the audit of each bundle is cached
    for name, (_, added) in BUILDS.items():
        for relative, text in added.items():
            batch.boxes[name].write(relative, text)
    batch.before = {name: box.digest() for name, box in batch.boxes.items()}
    run = batch.run(BUILDS)
    report = json.loads(run.stdout) if run.stdout.strip() else {"findings": [], "errors": []}
    passed = [
        name
        for name in BUILDS
        if not batch.of(name, report, "errors")
        and not any(f["status"] == "blocking" for f in batch.of(name, report, "findings"))
    ]
    assert not passed and run.code in (1, 2), (passed, run.stderr)
