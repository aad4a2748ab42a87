"""A fifty-sixth hostile review of `gate check`, on reviews 53-55's fixes: the HCL reader
both Terraform readers share (gate.bundle.discovery.hcl `hcl_loads`, `unescaped`,
`template_sequences`, `rendered`) and the inline code it hands on (gate.bundle.discovery
.terraform `_written`, `_literal`, `_tf_inline`); diff mode and baselines after review
55's fix (gate.scan.diff `_function_redefined`, gate.policy.baseline `identities`,
gate.model `Function.identity`).

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off), with no blocking
finding. The baseline (the same code as Terraform deploys it, in one run) blocks on
GATE-SLS-002 (critical, event data run as Python code) or GATE-SLS-004 (critical, event
data unpickled); class 2 compares with the same change in SAM, which blocks in diff mode
and on a baseline. Gate runs: two for class 1 and the end states, three for class 2
(`gate baseline create`, a diff-mode run, a `--baseline` run), one for class 3 (whose
plain form is reported, GATE-DEP-001, not blocked, the gate's stated limit for
dependencies only the build knows). What lets each through:

1. A `<<-` heredoc is trimmed by python-hcl2, not as Terraform trims it. Terraform
   (hclsyntax `flushHeredocTemplateParts`; the spec suite's `indent.tabs`,
   `indent.unicode_spaces`, `indent.newlines_between`) removes from each line the
   smallest number of leading whitespace characters (any `unicode.IsSpace`, counted as
   grapheme clusters) of the lines that are not blank. python-hcl2's
   `heredoc_template_trim` (the parse `hcl_loads` returns, heredocs "as written") counts
   only `" "` and counts every line, blank ones too. Lines that start with form feeds
   (`\\f\\f\\f\\f def handler...`) are trimmed by four by Terraform and not at all by the
   gate, and Python reads a line's indentation from after its last form feed (CPython's
   tokenizer resets the column at `\\f`): both texts parse, with different blocks. A line
   written with eight spaces after lines led by `\\f\\f\\f\\f` and four spaces is, in the
   gate's copy, in the body of a nested `def helper(event):` that rebinds its own
   `event` to a constant and is never called; in the file Terraform writes it is in the
   handler's body, where `event` is the event: `return eval(event['c'])` (or
   `pickle.loads(event['c'])`). The staged copy (`main.tf.inline/...`) shows no taint:
   bandit's medium findings (B307 for eval; allowed) alone. (a) an `archive_file`'s `source {
   content = <<-EOT }` (eval); (b) its `source_content` (pickle); (c) an
   `awscc_lambda_function`'s `code.zip_file` (eval). Each exits 0 (no blocking finding),
   where the same function written as Terraform
   writes it (the heredoc trimmed by hand) blocks (GATE-SLS-002, GATE-SLS-004). A
   blank line alone (or spaces-only lines, or tabs) makes the gate's copy more
   indented than Terraform's; with spaces, Python then cannot parse it and the gate
   refuses it (exit 2, though with the misleading hint that the function's Python
   (3.12) is newer than the gate's): held, but the same divergence.
   Suggested fix, by class: do not take python-hcl2's `<<-` trimming. Re-trim each
   `<<-` heredoc from its raw text as hclsyntax does (lines not blank, leading
   `unicode.IsSpace` characters counted as grapheme clusters, the same count removed
   from each such line), or refuse a `<<-` heredoc whose lines start with any
   whitespace but `" "` or that holds a blank or whitespace-only line, where the two
   trims differ. The same holds for every other use of a heredoc's text (template
   bodies, policies read by the IAM rules).
   Fixed (gate.bundle.discovery.hcl_text, in `hcl_loads`, the one parse): each `<<-`
   heredoc is trimmed from its text as written as hclsyntax trims it (`flush_trimmed`:
   Go's whitespace, blank lines and lines led by a template sequence as Terraform counts
   them, strip markers applied first), for discovery and the rules alike; a line where
   the count of grapheme clusters could differ (a mark after the indentation's last
   space) is refused, naming file and line. A `.tf` file is read as written
   (`read_hcl`), `\\r\\n` a newline, and a carriage return alone refused (`hcl_lines`):
   Terraform ends no line there, where universal newlines did.

2. A Terraform function made public by a resource that does not name it, in diff mode
   and on a baseline. Review 55 class 2's fix judges a finding new when the change
   touched the definition of a function it belongs to (gate.scan.diff
   `_function_redefined`, `_definition_touched`: the function's own resource extent) and
   matches a baseline entry only while each function's `Function.identity` (gate.model)
   is the same. A Terraform function has no `exposure`, and its `related`
   (gate.bundle.discovery.terraform `_tf_related`) holds only the addresses of resources
   that name the function or its role. An HTTP API route (`aws_apigatewayv2_route`)
   names the integration, not the function, so neither sees it. The merge base (and the
   baseline, `gate baseline create` there) holds an operator function with an admin
   role (GATE-IAC-001, critical, accepted) and an HTTP API integration plus
   `aws_lambda_permission` for it: (a) the change turns the route's
   `authorization_type` from `AWS_IAM` to `NONE` (the route's address, and so the
   identity, unchanged); (b) the merge base has no route and the change adds one with
   `authorization_type = "NONE"` (the route names only the integration). Each exits 0 in
   diff mode (GATE-IAC-001 `preexisting`) and with `--baseline` (`baselined`), with
   GATE-IAC-011/017 (medium, allowed) for the open route. The same change in SAM (review
   55's `exposed_change`: an unauthenticated HttpApi event on the operator function)
   blocks in both modes, and each end state checked whole blocks (GATE-IAC-001). (A
   function URL, `aws_lambda_function_url` with `NONE`, also keeps the identity when its
   `authorization_type` changes, but it blocks on its own: GATE-IAC-010, high. Adding
   one names the function, so the identity changes: blocked.)
   Suggested fix, by class: give every function an `exposure` whatever its IaC, built
   from the resources that reach it through any chain (route -> integration ->
   function, permission, URL, event source mapping, authorizer), with each one's
   content (its authorization and principal), not its address; and in diff mode, treat
   a finding as touched when the change touched any resource on such a chain.
   Fixed (gate.bundle.discovery.reach, gate.model `Function.reached_by`, gate.scan.diff
   `_definition_touched`): discovery walks from what names a function (or its alias)
   through every chain that reaches it (a route to its integration, the method an
   integration serves, an authorizer, an API and its stages), one walk for Terraform,
   awscc, SAM, CloudFormation and a serverless.yml's resources, which the IaC rules
   now take their URLs, methods and routes from; each function lists what reaches it
   (`reached_by`) and its `exposure` holds each one's content (with the texts a
   Terraform value stands for), SAM's API `Globals` and a provider's API settings, so
   its identity changes when any of it does; diff mode counts a change to any of it,
   or to a Terraform module's locals and variables, as one to the function.

3. flit_core's backend written `module:` (PEP 517's `module:object` with an empty
   object). pip's frontend (pyproject_hooks `_build_backend`: `ep.partition(":")`,
   `import_module(mod_path)`, the object only when `obj_path` is not empty) loads
   `flit_core.buildapi:` as `flit_core.buildapi` itself. Review 54 class 2f's fix,
   `_flit_code` (gate.bundle.manifests.declared, one of `_CODE_SETTINGS`), judges only
   a backend in `_FLIT` (`flit_core.buildapi`, `flit.buildapi`, whole names), so: (a)
   `build-backend = "flit_core.buildapi:"` with `dynamic = ["version", "description"]`
   and review 54's `hooks.py` (no literal `__version__`; it wraps
   `flit_core.common.Metadata.__init__` to add `requests==2.19.0`): no finding at all,
   exit 0, where the same project with `flit_core.buildapi` is reported (GATE-DEP-001,
   medium, allowed; exit 0) and the same dependency declared plainly blocks
   (PYSEC-2018-28). Built for real: `pip install --dry-run --no-deps --report` of (a)'s
   folder (build isolation, flit_core from the index) reports `requires_dist:
   ['requests==2.19.0']`, version 1.0.0. (b) the older `[tool.flit.metadata] module =
   "hooks"` (no `[project]`) under the same backend name: silent too (gate only, not
   built). The other judgements of the backend's name hold for this spelling:
   `_reads_setup_cfg` and `copies_only` (gate.bundle.manifests.builds) take an unknown
   name for one that may read `setup.cfg` or run code (more read, not less), and
   `_pdm_hook` compares the first dotted part.
   Suggested fix, by class: normalise `build-backend` once, as the frontend loads it
   (strip a trailing `:`; split `module:object` and judge the module, refusing or
   reporting an object path the gate does not know), and have every judge of the
   backend (`_FLIT`, `PYPROJECT_ONLY_BACKENDS`, `COPYING_BACKENDS`, `_pdm_hook`,
   `_lock_of_tool`, pbr's `runs_pbr`) use that one value.
   Fixed (gate.bundle.manifests.declared): a backend is read as pip imports it
   (`_as_imported`: `module:` is the module), and flit's and pdm's code-running settings
   are judged by the backend's package (`_package`), whatever module or object of it is
   named; the lists that grant trust keep whole names.

What held (tried for real): the same `<<-` Python indented with spaces and one blank
line (refused, exit 2: unexpected indent); a Terraform function URL turned public
(GATE-IAC-010 blocks on its own) or added (it names the function: the identity changes,
blocked on the baseline).

Not run under Terraform (no binary here): class 1's trim is hclsyntax's rule as its
source and spec suite state it (`strings.TrimLeftFunc(orig, unicode.IsSpace)`, a
whitespace-only line skipped, `textseg` grapheme count); `\\f` is `unicode.IsSpace`.

What was not covered: the rest of focus 2 (setup.cfg's `load_ini`/`ini_value`, pbr;
`PYPROJECT_ONLY_BACKENDS` read, not attacked further; maturin's
`Cargo.toml` metadata and meson's `run_command` were not tried for lack of a toolchain);
Chalice functions, shared code and layers' contents in diff mode; `gate merge`,
`--policy-ref`; nested quotes in interpolations
(`_closing` ends `${ "x${"}"}" }` early, so `unescaped` undoes escapes inside an
interpolation, which only makes a templated value more templated: no trick built), and
a lone carriage return (the gate reads `.tf` files with universal newlines, hclsyntax's
newline is `\\n` or `\\r\\n`), whose effect on heredoc ends was not checked against
Terraform.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    Change,
    Layout,
    Sandbox,
    changes_judged,
    each_blocked_or_refused,
    each_blocks,
    files,
    in_both_modes,
    zipped,
)
from tests.hostile.test_review52 import _outcomes as _build_outcomes
from tests.hostile.test_review54 import FLIT_MODULE, FLIT_PYPROJECT, project
from tests.hostile.test_review55 import HARMLESS, exposed_change

FF = "\f\f\f\f"
"""Four form feeds: four characters Terraform trims from a `<<-` heredoc's line, and
python-hcl2 does not; CPython counts a line's indentation from after them."""


def tricked(sink: str) -> str:
    """A handler as the gate's copy of a `<<-` heredoc reads it: `sink` (a call on
    `event['c']`) in a helper that rebinds `event` and is never called."""
    return (
        f"{FF}import pickle\n"
        f"{FF}def handler(event, context):\n"
        f"{FF}    def helper(event):\n"
        f"{FF}        event = {{'c': '1'}}\n"
        f"        return {sink}\n"
        f"{FF}    return helper\n"
    )


def trimmed(text: str) -> str:
    """`text` trimmed as Terraform trims a `<<-` heredoc: the smallest count of leading
    whitespace of the lines that are not blank, removed from each of them."""
    lines = text.split("\n")
    least = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return "\n".join(line[least:] if line.strip() else line for line in lines)


FUNCTION = (
    'resource "aws_lambda_function" "fn" {\n  function_name = "orders"\n'
    '  role = "arn:aws:iam::123456789012:role/orders"\n  runtime = "python3.12"\n'
    '  handler = "index.handler"\n  filename = data.archive_file.fn.output_path\n}\n'
)


def archive_source(code: str) -> Layout:
    """An archive_file whose `source {}` block writes `index.py` from a `<<-` heredoc."""
    main = (
        'data "archive_file" "fn" {\n  type = "zip"\n  output_path = "build/fn.zip"\n'
        '  source {\n    filename = "index.py"\n    content = <<-EOT\n'
        + code
        + "EOT\n  }\n}\n"
        + FUNCTION
    )
    return files({"main.tf": main})


def archive_content(code: str) -> Layout:
    """An archive_file whose `source_content` writes `index.py` from a `<<-` heredoc."""
    main = (
        'data "archive_file" "fn" {\n  type = "zip"\n  output_path = "build/fn.zip"\n'
        '  source_content_filename = "index.py"\n  source_content = <<-EOT\n'
        + code
        + "EOT\n}\n"
        + FUNCTION
    )
    return files({"main.tf": main})


def awscc(code: str) -> Layout:
    """An awscc function whose `code.zip_file` (index.py) is a `<<-` heredoc."""
    main = (
        'resource "awscc_lambda_function" "fn" {\n  function_name = "orders"\n'
        '  role = "arn:aws:iam::123456789012:role/orders"\n  runtime = "python3.12"\n'
        '  handler = "index.handler"\n  code = {\n    zip_file = <<-EOT\n' + code + "EOT\n  }\n}\n"
    )
    return files({"main.tf": main})


EVAL = "eval(event['c'])"
PICKLE = "pickle.loads(event['c'])"

BASELINES: dict[str, tuple[Layout, str]] = {
    "1a-source-block": (archive_source(trimmed(tricked(EVAL))), "GATE-SLS-002"),
    "1b-source-content": (archive_content(trimmed(tricked(PICKLE))), "GATE-SLS-004"),
    "1c-awscc-zip-file": (awscc(trimmed(tricked(EVAL))), "GATE-SLS-002"),
}

TRICKS: dict[str, Layout] = {
    "1a-source-block": archive_source(tricked(EVAL)),
    "1b-source-content": archive_content(tricked(PICKLE)),
    "1c-awscc-zip-file": awscc(tricked(EVAL)),
}


def test_the_plain_forms_block(tmp_path: Path) -> None:
    """The code as Terraform writes it blocks, each in its reader."""
    each_blocks(tmp_path, BASELINES)


def test_a_trimmed_heredoc_is_read_as_terraform_trims_it(tmp_path: Path) -> None:
    """The same heredocs, written with form feeds that Terraform trims and the gate keeps:
    each blocked, or refused."""
    each_blocked_or_refused(tmp_path, TRICKS)


# --- 2. a Terraform function exposed by a resource that does not name it ----------------------

OPERATOR = (
    'resource "aws_iam_role" "admin" {\n  name = "admin"\n  assume_role_policy = jsonencode({\n'
    '    Version = "2012-10-17"\n    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",'
    ' Principal = { Service = "lambda.amazonaws.com" } }]\n  })\n}\n\n'
    'resource "aws_iam_role_policy_attachment" "admin" {\n  role = aws_iam_role.admin.name\n'
    '  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"\n}\n\n'
    'resource "aws_lambda_function" "ops" {\n  function_name = "ops"\n'
    '  role = aws_iam_role.admin.arn\n  runtime = "python3.12"\n  handler = "app.handler"\n'
    '  filename = "fn.zip"\n  tracing_config {\n    mode = "Active"\n  }\n}\n\n'
    'resource "aws_apigatewayv2_api" "http" {\n  name = "http"\n  protocol_type = "HTTP"\n}\n\n'
    'resource "aws_apigatewayv2_integration" "ops" {\n  api_id = aws_apigatewayv2_api.http.id\n'
    '  integration_type = "AWS_PROXY"\n'
    "  integration_uri = aws_lambda_function.ops.invoke_arn\n}\n\n"
    'resource "aws_lambda_permission" "api" {\n  statement_id = "api"\n'
    '  action = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.ops.function_name\n'
    '  principal = "apigateway.amazonaws.com"\n'
    '  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*"\n}\n'
)
"""An operator function with an admin role (GATE-IAC-001, accepted at the merge base and
in the baseline), wired to an HTTP API whose routes decide who may call it."""


def route(authorization: str) -> str:
    return (
        '\nresource "aws_apigatewayv2_route" "ops" {\n  api_id = aws_apigatewayv2_api.http.id\n'
        f'  route_key = "POST /ops"\n  authorization_type = "{authorization}"\n'
        '  target = "integrations/${aws_apigatewayv2_integration.ops.id}"\n}\n'
    )


def route_opened() -> Change:
    """Class 2a: the route to the operator function, authenticated (AWS_IAM), made open."""
    code: dict[str, str | bytes] = {"fn.zip": zipped({"app.py": HARMLESS})}
    before = {**code, "main.tf": OPERATOR + route("AWS_IAM")}
    return before, {"main.tf": OPERATOR + route("NONE")}


def route_added() -> Change:
    """Class 2b: an open route added to the operator function's integration."""
    code = {"fn.zip": zipped({"app.py": HARMLESS})}
    return {**code, "main.tf": OPERATOR}, {"main.tf": OPERATOR + route("NONE")}


PLAIN: dict[str, Change] = {"plain-sam-exposed": exposed_change()}
"""The same change in SAM (review 55 class 2b, fixed): an unauthenticated HttpApi event on
the operator function. New in diff mode and not baselined: it blocks."""
EXPOSED: dict[str, Change] = {"2a-route-opened": route_opened(), "2b-route-added": route_added()}
# Each change as it ends, checked whole (no diff mode, no baseline), blocks: the admin role.
BASELINES.update(
    {
        name: (files({**before, **after}), "GATE-IAC-001")
        for name, (before, after) in EXPOSED.items()
    }
)


@pytest.fixture(scope="module")
def outcomes(
    tmp_path_factory: pytest.TempPathFactory, grammar_cache: None
) -> Iterator[dict[str, str]]:
    """Each change of class 2 and its plain form, in diff mode and on a baseline, as two
    folders each of one repository: `main` the merge base (where `gate baseline create`
    runs), `change` the change. One diff-mode run and one `--baseline` run."""
    box = Sandbox(tmp_path_factory.mktemp("exposed"))
    cases = in_both_modes({**PLAIN, **EXPOSED})
    yield changes_judged(box, cases)


def test_the_plain_exposure_is_new(outcomes: dict[str, str]) -> None:
    """Diff mode and a baseline judge the SAM function exposed new: it blocks."""
    assert outcomes["dplain-sam-exposed"] == outcomes["bplain-sam-exposed"] == "blocked", outcomes


def test_a_terraform_function_exposed_elsewhere_is_new(outcomes: dict[str, str]) -> None:
    passed = [n for n in outcomes if n[1:] in EXPOSED and outcomes[n] != "blocked"]
    assert not passed, passed


# --- 3. flit_core's backend under a name `_FLIT` does not know -------------------------------

OLD_FLIT = """\
[build-system]
requires = ["flit_core"]
build-backend = "flit_core.buildapi"

[tool.flit.metadata]
module = "hooks"
"""
FLIT_NAMED: dict[str, Layout] = {
    "3-plain-flit-version-import": project(
        {"pyproject.toml": FLIT_PYPROJECT, "hooks.py": FLIT_MODULE}
    ),
    "3a-flit-backend-with-colon": project(
        {
            "pyproject.toml": FLIT_PYPROJECT.replace('buildapi"', 'buildapi:"'),
            "hooks.py": FLIT_MODULE,
        }
    ),
    "3b-old-flit-metadata-with-colon": project(
        {"pyproject.toml": OLD_FLIT.replace('buildapi"', 'buildapi:"'), "hooks.py": FLIT_MODULE}
    ),
}


@pytest.fixture(scope="module")
def flit_outcomes(tmp_path_factory: pytest.TempPathFactory, grammar_cache: None) -> dict[str, str]:
    """Class 3 and its plain form, in one run."""
    return _build_outcomes(tmp_path_factory.mktemp("flit"), FLIT_NAMED)


def test_flit_importing_the_project_is_reported(flit_outcomes: dict[str, str]) -> None:
    """The plain form: flit_core's dynamic version, which imports the project's module,
    is reported (GATE-DEP-001), review 54 class 2f's fix."""
    assert flit_outcomes["3-plain-flit-version-import"] == "reported", flit_outcomes


def test_flit_under_another_spelling_is_reported(flit_outcomes: dict[str, str]) -> None:
    silent = [n for n in FLIT_NAMED if n[1] != "-" and flit_outcomes[n] == "passed"]
    assert not silent, silent
