"""A fifty-seventh hostile review of `gate check`, on what review 56 left: the newline
handling of the gate's readers against the deploying tools' (Terraform's `.tf` reader,
gate.bundle.discovery.terraform `_parse`; setuptools' requirement lists, gate.bundle
.manifests.declared `_setup_cfg_list`), Chalice functions in diff mode and on a baseline
(gate.bundle.discovery.chalice `read_chalice`, gate.scan.diff `_definition_touched`,
gate.model `Function.identity`), diff mode's resource extents against git's line
numbers (gate.bundle.discovery.extents `resource_extents`, gate.scan.diff
`_resource_touched`), and the build-backend readers that still read the backend's name
raw (gate.bundle.manifests `_lock_of_tool`).

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off), with no blocking
finding (no finding at all for classes 1, 3 and 4). The baseline (the same problem
written plainly, in one run) blocks on GATE-IAC-001 (critical, an admin role),
GATE-IAC-010 (high, a public function URL), PYSEC-2018-28 (requests 2.19.0, high) or
GATE-DEP-002 (high, a package from a git repository); class 2 compares with the same
change in SAM (review 55's `exposed_change`), which blocks in diff mode and on a
baseline, and class 5 with the same change written without its comment, which blocks in
diff mode (GATE-SLS-001, critical, made new). Gate runs: one for the plain forms, one for
the tricks of classes 1, 3 and 4, three for classes 2 and 5 (`gate baseline create`, a
diff-mode run, a `--baseline` run). What lets each through:

1. A lone carriage return in a `.tf` comment. Terraform (hclsyntax `scan_tokens.rl`)
   ends a line only at `\\n` or `\\r\\n` (`Newline = '\\r'? '\\n'`), and a `#` or `//`
   comment runs to that end (`"#" (any - EndOfLine)* :>> EndOfLine?`): a lone `\\r` is
   one more character of the comment. The gate reads each `.tf` file with
   `Path.read_text` (gate.bundle.discovery.terraform `_parse`), whose universal
   newlines turn that `\\r` into a line end before python-hcl2 sees the text, so what
   follows it on the line is code to the gate and comment to Terraform. Written
   `# note\\r/*`, it opens a block comment for the gate alone; a later `# */` (a comment
   to Terraform) closes it, and every resource between is deployed by Terraform and
   unseen by the gate: (a) an `aws_iam_role_policy_attachment` of
   `AdministratorAccess` to the function's role, after `# note\\r/*`; (b) the same after
   `// note\\r/*`; (c) an `aws_lambda_function_url` with `authorization_type = "NONE"`.
   Each exits 0 with no finding, where the same resources written without the comments
   block (GATE-IAC-001, GATE-IAC-010). Under the built-in default policy (checkov on)
   (a) and (c) exit 0 too, checkov reporting only low findings: it does not see the
   hidden resources either.
   Suggested fix, by class: read `.tf` files as Terraform reads them: bytes decoded
   with no newline translation (`newline=""`, or `read_bytes().decode()`), `\\r\\n` and
   `\\n` the only line ends; simplest, refuse a `.tf` file holding a `\\r` not followed by
   `\\n` (Terraform accepts one only inside a comment, so nothing deployable is lost).
   The same holds for every reader of a file's lines whose tool numbers lines otherwise
   (`_numbered_as_git` already knows it for diff mode).

   Fixed (gate.bundle.discovery.hcl_text `hcl_lines`, review 56 class 1's fix): each
   `.tf` file is read as written (`read_hcl`), `\\r\\n` taken for `\\n`, and a `\\r` not
   followed by `\\n` refused naming its line (exit 2), wherever it is.

2. A Chalice function exposed by a change that leaves its first decorator alone, in
   diff mode and on a baseline. All routes of a Chalice app are one function,
   `api_handler` (gate.bundle.discovery.chalice `read_chalice`), declared once, at the
   line of the first route decorator (`declare`, `setdefault`), with no `exposure` and
   no `related`: diff mode judges its definition touched only when that one line
   changes (gate.scan.diff `_definition_touched`: no resource extents in `app.py`, so
   the declared line), and its `Function.identity` (gate.model) never holds its routes
   nor their authorizers. The merge base (and the baseline, `gate baseline create`
   there) holds a Chalice app whose `.chalice/config.json` gives every function an admin
   policy (`autogen_policy: false`, `policy-dev.json` allowing `*` on `*`: GATE-IAC-001,
   critical, accepted) and one route behind an `IAMAuthorizer`: (a) the change adds a
   second route with no authorizer; (b) it drops the authorizer of the route, written
   over several lines (`authorizer=None` on a line of its own); (c) it rebinds the
   authorizer's name (`iam = None`), the decorator unchanged. Each exits 0 in diff mode
   (GATE-IAC-001 `preexisting`) and with `--baseline` (`baselined`): the admin function
   is now callable by anyone, and the gate has no finding of the open route at all. The
   same change in SAM (an unauthenticated HttpApi event on the operator function)
   blocks in both modes, and each end state checked whole blocks (GATE-IAC-001).
   Suggested fix, by class: give a Chalice function an `exposure`: every registration
   of it (each route with its path, methods and authorizer as resolved, each event
   source, each `lambda_function`), and its config's settings; and in diff mode judge
   its definition touched by a change to any of its decorators, to what they name (an
   authorizer's binding), or to `.chalice/config.json` (when a function has no extent,
   any change to its `iac_file`, as for a file with no resources, is the simple safe
   rule).

   Fixed (gate.bundle.discovery.chalice_exposure `Exposures`, chalice_config
   `config_exposure`, gate.scan.diff `_definition_touched`): a Chalice function's
   `exposure` holds each of its registrations as written (a route's path, methods,
   authorizer, `api_key_required`, `cors`), every statement of the project binding a
   name they use (followed through imports, `global`, `import *`), what configures its
   app or blueprint, and its config's API and role settings at every place Chalice looks
   them up, its stages and the content of its policy files; so its identity changes
   with any of them. In diff mode a function whose file gives it no extent is touched by
   any change to that file, and every function by any change to its `defined_in` files
   (the config, its policy files, the modules binding what its decorators name).

3. A one-line requirement list in `setup.cfg` that setuptools splits at other line
   breaks. setuptools reads `install_requires` (and each extra of
   `[options.extras_require]`, and a `file:`'s text) with `_parse_list_semicolon`
   (split on `;` when the value holds no `\\n`), then `_reqs.parse_strings`, which splits
   every item again with `str.splitlines` (jaraco.text `yield_lines`: `\\x0b`, `\\x0c`,
   `\\x1c`-`\\x1e`, `\\x85`, `\\u2028`, `\\u2029` are line ends) and only then cuts each
   line's ` #` comment. The gate's `_setup_cfg_list` (gate.bundle.manifests.declared)
   cuts the comment off each `;` item and never splits it at those breaks: so
   `install_requires = six==1.16.0 # pinned<FS>requests==2.19.0` (one line of the
   file; configparser and Python's text mode break lines at `\\n` and `\\r` only) is six
   alone to the gate and two requirements to setuptools: (a) `\\x1c` in
   `install_requires`; (b) `\\x0c` in a file `deps.in` named by `install_requires =
   file: deps.in` (one line, no `\\n`); (c) `\\u2028` in the extra `aws` of
   `[options.extras_require]`. Each exits 0 with no dependency finding, where the two
   requirements on lines of their own block (PYSEC-2018-28). Run by hand with
   setuptools 65.5.0 (`egg_info` of each folder, run by an empty `setup()`):
   `requires.txt` holds `six==1.16.0` and `requests==2.19.0` for each, with `\\x0b`,
   `\\x0c`, `\\x1c` and `\\x85` alike. (Without the comment, the same value is
   refused as "not a valid requirement": a false refusal, and the same divergence.)
   Suggested fix, by class: read a setuptools list as setuptools does: split it
   (`;` or lines), then split every item with `str.splitlines()`, strip, drop `#` lines,
   cut ` #` comments and join `\\` continuations, in that order (`yield_lines`,
   `drop_comment`, `join_continuation`); or refuse a requirement value holding any
   line break `str.splitlines` knows but `\\n`.

   Fixed (gate.bundle.manifests.declared `_setup_cfg_list`, `_parse_strings`;
   gate.bundle.manifests.pbr `handed_to_setuptools`): a `setup.cfg` list, its `file:`
   text and its extras are split as `_parse_requirements_list` splits them, then every
   item is read as `_reqs.parse_strings` reads it (split with `str.splitlines`, lines
   stripped, `#` lines dropped, ` #` comments cut, `\\` continuations joined, in that
   order), and so are a setup.py's literal strings; pbr's lists are read as pbr hands
   them to setuptools (`split_multiline`, its comment after a marker cut), then the
   same way. The value without its comment is two requirements too, no longer refused.

4. The lock of the tool chosen from the backend's name as written. `_lock_of_tool`
   (gate.bundle.manifests) takes the tool of a `pyproject.toml` from its `[tool.X]`
   tables and the first dotted part of its `build-backend`, raw: `uv_build:` (PEP 517's
   `module:object` with an empty object, which pip loads as `uv_build`, review 56 class
   3's spelling) is no tool's. With a `[tool.poetry]` table beside it (`package-mode =
   false`), the gate takes Poetry for the one tool and leaves the file to the
   `poetry.lock` beside it, which pins `requests` from PyPI; the project's own
   `dependencies = ["requests @ git+https://..."]` (GATE-DEP-002, high: code from a
   repository nothing audits) is dropped as covered by the lock (`_beyond_lock`). Exit
   0 with no finding, where `build-backend = "uv_build"` (two tools: no lock stands for
   the file, which is read whole) blocks. pip ignores `poetry.lock`: `pip install .`
   (whose frontend imports `uv_build:` as `uv_build`) installs the repository's
   requests. Built for real: `pip install --dry-run --no-deps --report` (pip 23.2.1,
   build isolation, uv_build 0.8.24 from the package index) of the project (with its
   `src/orders/__init__.py`) reports `requires_dist: ['requests @
   git+https://github.com/example/requests@main']`.
   Suggested fix, by class: judge the backend once as it is imported (`_as_imported`,
   then the module's top-level package) in `_lock_of_tool` too, and in `copies_only`
   and `runs_pbr` (which read it raw, in the direction that reports more today); better,
   let no lock stand for a manifest whose tool the gate infers rather than reads: a
   lock excuses only what it pins, and a requirement from elsewhere (a URL, a git
   repository, an index) is reported whatever lock is beside it.

   Fixed (gate.bundle.manifests.backends `build_system`; gate.bundle.manifests
   `_lock_of_tool`, `_beyond_lock`): the backend is read once, as pip imports it
   (`module:` is the module), with its top-level package, and every judge reads that:
   the lock of the tool, `_copies_only`, `runs_pbr`, `_reads_setup_cfg` and the
   code-running settings of flit and pdm; and a lock excuses only what it pins, so a
   dependency the manifest takes from elsewhere (a URL, a repository, a folder) is
   reported whatever lock is beside it, unless that lock takes it from elsewhere too and
   reports it (an index the manifest names was reported whatever the lock already).

5. A change charged to the neighbour resource in diff mode. `_definition_touched`
   (gate.scan.diff) asks whether the change touched a function's resource through
   `_resource_touched`, whose extents (gate.bundle.discovery.extents `resource_extents`)
   are numbered by the YAML reader's line breaks (a lone `\\r`, which `read_text` turns
   into `\\n`, and PyYAML's `\\x85`, `\\u2028`, `\\u2029`), while git's diff numbers lines
   at `\\n` only. Review 34 class 1's fix (`_numbered_as_git`) takes any change to such
   a file as touching every finding in it, but a function's definition is judged by the
   extents all the same. A comment at the end of the resource before the function
   (`# reviewed` and twelve line breaks git does not count) stretches that neighbour's
   extent over the function's first twelve lines as git numbers them, and moves the
   function's own extent below them: a change there is the neighbour's (an SNS topic, no
   function), and not outside every resource. The merge base holds an internal
   function whose handler runs the event's command (GATE-SLS-001, critical, accepted);
   the change adds a public HttpApi event at the top of its `Properties`: (a) with
   twelve `\\r`; (b) `\\u2028`; (c) `\\x85`. Each exits 0 in diff mode (GATE-SLS-001
   `preexisting`, the open API's GATE-IAC-011/017 medium, allowed), where the same
   change without the comment blocks (the definition touched: GATE-SLS-001 new). A
   baseline holds (the event is in `Function.identity`). Review 34 named this (its
   "Not covered") without driving it to a case.
   Suggested fix, by class: number extents as git does (read the file's bytes, break
   lines at `\\n` only, and map each YAML mark to that line), or, where
   `_numbered_as_git` is false for a function's `iac_file`, judge its definition touched
   by any change to the file, as its findings are; `_terraform_extents` splits with
   `str.splitlines()` (`\\x0c`, `\\x1c`, `\\x85`... in a comment), the same divergence
   for Terraform.

   Fixed (gate.scan.diff `_numbered`, `_outside_touched`): a function's definition in a
   file `_numbered_as_git` rejects, which now also knows `str.splitlines`' `\\v`, `\\f`
   and `\\x1c`-`\\x1e`, is touched by any change to the file, as its findings are; and
   Terraform extents are numbered at `\\n` alone (gate.bundle.discovery.extents).

What held (tried for real): a `.tf` line `authorization_type = "NONE" # was\\r
authorization_type = "AWS_IAM"` (the gate sees both, and blocks on GATE-IAC-010); a
one-line setuptools list without a comment (refused, exit 2: not a valid requirement);
`[metadata] requires_dist` of pbr on one line (its `_pbr_list` joins with `\\n`, so the
gate splits it as setuptools does); setup.cfg read with universal newlines as setuptools
and pbr read it (a lone `\\r` in setup.cfg is a line end to both); a lone `\\r` inside a
heredoc or a quoted string (Terraform refuses it: `StringLiteralChars` excludes `\\r`,
so no trick is deployable there); `pyproject.toml`'s `[tool.setuptools.dynamic]` files
(read with `str.splitlines`, as setuptools' `_parse_requirements_list`); class 5 in a
serverless.yml (the neighbour of a function there is a function deploying the same
service folder, so the change is charged to a function owning the finding: blocked); a
Chalice route calling a `chalicelib` helper whose `os.system` was preexisting (the
route's function is new to the finding's functions: blocked); a SAM
`AWS::Lambda::Permission` opened to `Principal: '*'` (GATE-IAC-020 blocks on its own);
in diff mode, a Terraform admin role's trust policy opened to `AWS = "*"` (GATE-IAC-001
stays `preexisting`, its resource the policy attachment; under the default policy
checkov's CKV_AWS_60 blocks, and with checkov off the gate's own rules do not judge a
trust policy: a rule's reach, noted, not a class).

Not run under Terraform or Chalice (no binary here): class 1 rests on hclsyntax's
scanner as its source states it (`Comment`, `Newline`, `EndOfLine`), class 2 on
Chalice's documented behaviour (a route's `authorizer=None` is an open route; one role
for the app). Class 3's lists were built with setuptools 65.5.0, class 4's backend with
pip (above).

What was not covered: `gate merge` beyond reading `merge_shards` (each shard's
assignment is the gate's own; no trick found), `--policy-ref` beyond reading
`file_at_ref` (`git show REF:path` gives the raw blob: no textconv, no filters); pbr
beyond `runs_pbr`, `pbr_requirements` and `_requirement`, read against pbr 7's
`parse_requirements` (no divergence a valid requirement can use); layers' contents in
diff mode (code findings judged by their lines); the gate's taint across modules (a
Chalice worker passing the event to a `chalicelib` helper's `os.system` is B605 only,
no GATE-SLS-001: a rule's reach, not the gate's layer); class 5 in Terraform (its
extents split with `str.splitlines`; not driven to a case: a Terraform function's
exposure is in other resources, review 56 class 2's); a lone `\\r` read by YAML
itself (PyYAML, js-yaml and CloudFormation all break lines there) and by Python (the
interpreter does too).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    Change,
    Layout,
    Sandbox,
    changes_judged,
    each_blocks,
    files,
    in_both_modes,
    zipped,
)
from tests.hostile.test_review52 import _outcomes as _build_outcomes
from tests.hostile.test_review55 import exposed_change
from tests.hostile.test_review56 import OPERATOR

HARMLESS = "def handler(event, context):\n    return {'ok': True}\n"

# --- 1. a lone carriage return in a .tf comment -------------------------------------------

ATTACH = (
    'resource "aws_iam_role_policy_attachment" "admin" {\n  role = aws_iam_role.admin.name\n'
    '  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n\n'
)
WITHOUT_ADMIN = OPERATOR.replace(ATTACH, "")
"""Review 56's operator function and HTTP API, its role with no policy attached."""
assert WITHOUT_ADMIN != OPERATOR
URL = (
    'resource "aws_lambda_function_url" "ops" {\n'
    "  function_name = aws_lambda_function.ops.function_name\n"
    '  authorization_type = "NONE"\n}\n'
)
CODE: dict[str, str | bytes] = {"fn.zip": zipped({"app.py": HARMLESS})}


def hidden(comment: str, resource: str) -> Layout:
    """The operator module, `resource` after a comment whose lone `\\r` opens a block
    comment for the gate only (`/*`), closed by a line Terraform reads as a comment."""
    main = WITHOUT_ADMIN + f"{comment} disabled until reviewed\r/*\n" + resource + f"{comment} */\n"
    return files({**CODE, "main.tf": main})


BASELINES: dict[str, tuple[Layout, str]] = {
    "1-plain-admin-attached": (files({**CODE, "main.tf": OPERATOR}), "GATE-IAC-001"),
    "1-plain-public-url": (files({**CODE, "main.tf": WITHOUT_ADMIN + URL}), "GATE-IAC-010"),
}
CARRIAGE_RETURNS: dict[str, Layout] = {
    "1a-hash-comment": hidden("#", ATTACH),
    "1b-slash-comment": hidden("//", ATTACH),
    "1c-public-url": hidden("#", URL),
}

# --- 3. a one-line setuptools list split at other line breaks ------------------------------

SETUP_CFG = "[metadata]\nname = orders\nversion = 1.0.0\n\n"
PINS = "six==1.16.0 # pinned{sep}requests==2.19.0"


def pins(line_break: str) -> str:
    """six, then requests 2.19.0 after a comment, with `line_break` between: one line to
    configparser and to the gate, two to setuptools."""
    return PINS.format(sep=line_break)


BASELINES.update(
    {
        "3-plain-install-requires": (
            files(
                {
                    "setup.cfg": SETUP_CFG
                    + "[options]\ninstall_requires =\n    six==1.16.0\n    requests==2.19.0\n"
                }
            ),
            "PYSEC-2018-28",
        ),
        "3-plain-extra": (
            files(
                {
                    "setup.cfg": SETUP_CFG
                    + "[options.extras_require]\naws =\n    six==1.16.0\n    requests==2.19.0\n"
                }
            ),
            "PYSEC-2018-28",
        ),
    }
)
SPLIT_LINES: dict[str, Layout] = {
    "3a-file-separator": files(
        {"setup.cfg": SETUP_CFG + f"[options]\ninstall_requires = {pins(chr(0x1C))}\n"}
    ),
    "3b-form-feed-in-file": files(
        {
            "setup.cfg": SETUP_CFG + "[options]\ninstall_requires = file: deps.in\n",
            "deps.in": pins("\f"),
        }
    ),
    "3c-line-separator-extra": files(
        {"setup.cfg": SETUP_CFG + f"[options.extras_require]\naws = {pins(chr(0x2028))}\n"}
    ),
}

# --- 4. the lock of the tool chosen from the backend's name as written ---------------------

UV_PROJECT = """\
[project]
name = "orders"
version = "1.0.0"
dependencies = ["requests @ git+https://github.com/example/requests@main"]

[tool.poetry]
package-mode = false

[build-system]
requires = ["uv_build>=0.8,<0.9"]
build-backend = "{backend}"
"""
POETRY_LOCK = """\
# This file is automatically @generated by Poetry 2.1.3 and should not be changed by hand.

[[package]]
name = "requests"
version = "2.32.4"
description = "Python HTTP for Humans."
optional = false
python-versions = ">=3.8"
groups = ["main"]
files = []

[metadata]
lock-version = "2.1"
python-versions = ">=3.12"
content-hash = "0000000000000000000000000000000000000000000000000000000000000000"
"""


def locked(backend: str) -> Layout:
    return files({"pyproject.toml": UV_PROJECT.format(backend=backend), "poetry.lock": POETRY_LOCK})


BASELINES["4-plain-uv-build"] = (locked("uv_build"), "GATE-DEP-002")
RAW_BACKEND: dict[str, Layout] = {"4a-uv-build-with-colon": locked("uv_build:")}

# --- 2. a Chalice function exposed without touching its first decorator --------------------

CHALICE_CONFIG = json.dumps(
    {
        "version": "2.0",
        "app_name": "ops",
        "autogen_policy": False,
        "iam_policy_file": "policy-dev.json",
        "stages": {"dev": {}},
    },
    indent=2,
)
ADMIN_POLICY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    },
    indent=2,
)
APP_HEAD = (
    "from chalice import Chalice, IAMAuthorizer\n\n"
    "app = Chalice(app_name='ops')\niam = IAMAuthorizer()\n\n\n"
)
ROUTE = (
    "@app.route('/ops', methods=['POST'], authorizer=iam)\ndef ops():\n    return {'ok': True}\n"
)
SPREAD_ROUTE = (
    "@app.route(\n    '/ops',\n    methods=['POST'],\n    authorizer={authorizer},\n)\n"
    "def ops():\n    return {{'ok': True}}\n"
)
OPEN_ROUTE = "\n\n@app.route('/open', methods=['POST'])\ndef open_ops():\n    return {'ok': True}\n"


def chalice(before: str, after: str) -> Change:
    """A Chalice project whose config gives every function an admin policy: `app.py`
    `before` at the merge base, `after` in the change."""
    project: dict[str, str | bytes] = {
        ".chalice/config.json": CHALICE_CONFIG,
        ".chalice/policy-dev.json": ADMIN_POLICY,
        "app.py": before,
    }
    return project, {"app.py": after}


EXPOSED: dict[str, Change] = {
    "2a-route-added": chalice(APP_HEAD + ROUTE, APP_HEAD + ROUTE + OPEN_ROUTE),
    "2b-authorizer-dropped": chalice(
        APP_HEAD + SPREAD_ROUTE.format(authorizer="iam"),
        APP_HEAD + SPREAD_ROUTE.format(authorizer="None"),
    ),
    "2c-authorizer-unbound": chalice(
        APP_HEAD + ROUTE, APP_HEAD.replace("iam = IAMAuthorizer()", "iam = None") + ROUTE
    ),
}
PLAIN: dict[str, Change] = {"plain-sam-exposed": exposed_change()}
"""The same change in SAM (review 55 class 2b, fixed): an unauthenticated HttpApi event on
the operator function. New in diff mode and not baselined: it blocks."""
# Each change as it ends, checked whole (no diff mode, no baseline), blocks: the admin role.
BASELINES.update(
    {
        name: (files({**before, **after}), "GATE-IAC-001")
        for name, (before, after) in EXPOSED.items()
    }
)


def test_the_plain_forms_block(tmp_path: Path) -> None:
    """Each problem written plainly blocks, in one run."""
    each_blocks(tmp_path, BASELINES)


@pytest.fixture(scope="module")
def trick_outcomes(tmp_path_factory: pytest.TempPathFactory, grammar_cache: None) -> dict[str, str]:
    """The tricks of classes 1, 3 and 4 in one batch: one run of the gate."""
    tricks = {**CARRIAGE_RETURNS, **SPLIT_LINES, **RAW_BACKEND}
    return _build_outcomes(tmp_path_factory.mktemp("tricks"), tricks)


def _passed(outcomes: dict[str, str], names: dict[str, Layout]) -> list[str]:
    return [name for name in names if outcomes[name] not in ("blocked", "refused")]


def test_a_lone_carriage_return_is_read_as_terraform_reads_it(
    trick_outcomes: dict[str, str],
) -> None:
    assert not _passed(trick_outcomes, CARRIAGE_RETURNS), trick_outcomes


def test_a_setuptools_list_is_split_as_setuptools_splits_it(
    trick_outcomes: dict[str, str],
) -> None:
    assert not _passed(trick_outcomes, SPLIT_LINES), trick_outcomes


def test_the_lock_of_a_backend_is_chosen_as_pip_imports_it(
    trick_outcomes: dict[str, str],
) -> None:
    assert not _passed(trick_outcomes, RAW_BACKEND), trick_outcomes


# --- 5. a change charged to the neighbour resource in diff mode ----------------------------

SAM_TOP = (
    "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n"
)
TOPIC = "  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: ops\n"
INTERNAL = (
    "  OperatorFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n{events}"
    "      CodeUri: ops/\n      Handler: app.handler\n      Runtime: python3.12\n"
    "      Tracing: Active\n"
)
HTTP_EVENT = (
    "      Events:\n        Api:\n          Type: HttpApi\n          Properties:\n"
    "            Path: /ops\n            Method: post\n"
)
RUNS_EVENT = "import os\n\n\ndef handler(event, context):\n    os.system(event['cmd'])\n"


def event_added(line_break: str = "") -> Change:
    """The operator function, which runs the event's command (GATE-SLS-001, accepted at the
    merge base), given a public HttpApi event at the top of its properties; the topic
    before it ends with a comment holding twelve of `line_break`."""
    pad = f"    # reviewed{line_break * 12}\n" if line_break else ""
    template = SAM_TOP + TOPIC + pad + INTERNAL
    before: dict[str, str | bytes] = {
        "ops/app.py": RUNS_EVENT,
        "template.yaml": template.format(events=""),
    }
    return before, {"template.yaml": template.format(events=HTTP_EVENT)}


NEIGHBOURED: dict[str, Change] = {
    "5a-carriage-returns": event_added("\r"),
    "5b-line-separators": event_added("\u2028"),
    "5c-next-lines": event_added("\x85"),
}
DIFF_PLAIN: dict[str, Change] = {"plain-event-added": event_added()}
"""Class 5's plain form: the same event added, no comment. New in diff mode: it blocks."""


@pytest.fixture(scope="module")
def changed_outcomes(
    tmp_path_factory: pytest.TempPathFactory, grammar_cache: None
) -> Iterator[dict[str, str]]:
    """Each change of classes 2 and 5 and their plain forms as folders of one repository:
    `main` the merge base (where `gate baseline create` runs), `change` the change; those
    of class 2 in diff mode (`d...`) and on a baseline (`b...`), those of class 5 in diff
    mode only. One `gate baseline create`, one diff-mode run and one `--baseline` run."""
    box = Sandbox(tmp_path_factory.mktemp("changed"))
    cases = in_both_modes({**PLAIN, **EXPOSED})
    cases.update({"d" + name: change for name, change in {**DIFF_PLAIN, **NEIGHBOURED}.items()})
    yield changes_judged(box, cases)


def test_the_plain_changes_are_new(changed_outcomes: dict[str, str]) -> None:
    """Diff mode and a baseline judge the SAM function exposed new, and diff mode the SAM
    function given an event: each blocks."""
    plain = ("dplain-sam-exposed", "bplain-sam-exposed", "dplain-event-added")
    assert all(changed_outcomes[n] == "blocked" for n in plain), changed_outcomes


def test_a_chalice_function_exposed_by_a_change_is_new(changed_outcomes: dict[str, str]) -> None:
    passed = [n for n in changed_outcomes if n[1:] in EXPOSED and changed_outcomes[n] != "blocked"]
    assert not passed, passed


def test_a_definition_is_touched_however_its_file_breaks_lines(
    changed_outcomes: dict[str, str],
) -> None:
    passed = [
        n for n in changed_outcomes if n[1:] in NEIGHBOURED and changed_outcomes[n] != "blocked"
    ]
    assert not passed, passed
