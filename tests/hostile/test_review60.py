"""A sixtieth hostile review of `gate check`, on the fixes of review 58's classes: heredoc
ends (gate.bundle.discovery.hcl_text `check_heredoc_end`, `_unsure_sequence`;
gate.bundle.discovery.hcl `hcl_loads`, `_check_end`), Terraform's redefinitions and
override files (gate.bundle.discovery.terraform_defined `redefinition`, `overridden`,
`in_merge_order`, `is_override`; the rules' readers gate.rules.context
`terraform_values`, gate.rules.iac.terraform `module_blocks`, gate.rules.iam
.roles_terraform `Module.load`, `Module.called`, `Module.callers`), and diff mode's
judgement of what reaches a function (gate.scan.diff `_reaching_touched`,
`_resource_touched`, `_definition_files`) with extents from the parse
(gate.bundle.discovery.extents), and what invokes a function untied to it
(gate.bundle.discovery.reach `INVOKERS`, `untied`, `invokes`).

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off), with no blocking
finding, where what Terraform reads in it, written plainly, blocks
(`test_the_plain_forms_block`: GATE-IAC-001, critical, an admin role; GATE-SLS-002,
critical, event data evaluated). Each divergence was checked with Terraform 1.11.4
(`terraform console`, `terraform init` for local modules, locals standing in for the
resources where no provider is installed). Gate runs: one for the plain forms, one for
each of classes 1 to 3, one for the end states of classes 4 and 5, and three for their
changes and the plain changes (`gate baseline create` at the merge base, a diff-mode
run, a `--baseline` run; `test_the_plain_changes_block`). What lets each through:

1. A `.tf` file Terraform ignores is read by the gate as an override file. Terraform
   loads a module's files but those it ignores (configs `IsIgnoredFile`: a name that
   starts with `.`, ends with `~`, or starts and ends with `#`); the gate takes every
   `*.tf` of a folder (`Path.glob("*.tf")`, which matches names starting with a dot, in
   `in_merge_order`, `terraform_values`, `Module.load`, `module_blocks` and discovery's
   readers), and `is_override` makes `.gate_override.tf` (stem ending `_override`) an
   override file: it escapes `redefinition`, and its blocks are merged last, over the
   block they name (`overridden`). So a hidden override file changes what the gate
   reads and nothing Terraform deploys: (a) `locals { policy = ReadOnlyAccess }` where
   main.tf's `local.policy`, attached to the function's role, is AdministratorAccess;
   (b) the policy attachment itself overridden (`policy_arn` ReadOnlyAccess); (c) the
   function's `data "archive_file"` given harmless `source_content`, where main.tf's
   evaluates event data. Each exits 0; `terraform console` on (a) gives
   AdministratorAccess with the hidden file present, ReadOnlyAccess once it is named
   `y_override.tf`. (`._x_override.tf` is ignored by the gate too, as an AppleDouble
   file: no trick.)
   Suggested fix, by class: read a module's files as Terraform lists them: skip (or
   better refuse, naming it) a `.tf` whose name starts with `.`, or starts and ends
   with `#`, and never take such a file for an override; one helper for every reader
   that globs `*.tf` (discovery, `terraform_values`, the IaC and IAM rules, extents,
   `terraform_folders`).

   Fixed (gate.bundle.discovery.terraform_defined `terraform_ignores`, `module_files`,
   `variable_files`; their readers: discovery's `_parsed_files`, `_module_values`,
   `RootModules._calls`, `_read_called` and the reader's module list, gate.rules.context
   `terraform_values`, `terraform_folders`, gate.rules.iac.terraform `module_blocks`,
   gate.rules.iam.roles_terraform `Module.load`, `Module._parsed`, gate.scan.diff
   `_MODULE_FILES`): a module's `.tf` files are listed in one place, as Terraform lists
   them: a name starting with `.`, ending with `~`, or starting and ending with `#` is
   no part of the module, so never an override file; its tfvars files (which Terraform
   loads whatever their names) likewise. A file Terraform ignores is still a file of
   the bundle, scanned and counted like any other.

2. A heredoc inside a quoted string's interpolation is HCL to Terraform and text to
   python-hcl2, so nothing checks its end. hclsyntax scans `${ ... }` in a quoted string
   in its main mode: newlines and heredocs are allowed there, and `"${false ? <<EOT`
   starts a heredoc that runs to the next line that is `EOT` alone. python-hcl2 lexes
   the whole quoted string as one STRING_LIT token (its INTERPOLATION takes any
   character but `}` and `"`): the string ends at the first `}"`, no heredoc token is
   made, so `hcl_loads`' `_check_end` never runs, and what follows is HCL to the gate.
   Its only other guard, hcl2.api `loads`' per-line count of quotes (which would refuse
   the multi-line string the gate must read for Terraform's heredoc tail), is switched
   off by any line holding `= <<` (a comment `# = <<NOTE` will do): from there it takes
   every line for a heredoc's. So in an override file, a `locals` block with `note =
   "${false ? <<EOT` hides from Terraform, inside its heredoc, blocks the gate reads and
   merges: the file's last block `locals { other = "` (a quoted string over several
   lines, which python-hcl2 allows and Terraform does not) takes, for the gate, the
   heredoc's `EOT` and the rest of the interpolation (`: 1}`), where Terraform closes
   `note`. (a) A `locals { policy = ReadOnlyAccess }` and (b) the policy attachment with
   ReadOnlyAccess, both over main.tf's AdministratorAccess, (c) the function's
   `archive_file` with harmless code over main.tf's eval: each exits 0. `terraform
   console`: `local.policy` is main.tf's, `local.note` is "1"; python-hcl2 reads three
   blocks. Outside an override file the hidden block is a second definition,
   refused (held).
   Suggested fix, by class: find heredocs as hclsyntax does, wherever its scanner is in
   main mode: refuse a quoted string whose `${ ... }` or `%{ ... }` holds `<<` or a
   newline (what python-hcl2's STRING_LIT takes and hclsyntax reads as HCL), and a
   quoted string over more than one line, which Terraform refuses; and do not lean on
   hcl2.api's line check (parse with `hcl2.parse`, after the gate's own checks).

   Fixed (gate.bundle.discovery.hcl_quotes `check_quoted_strings`, called by
   gate.bundle.discovery.hcl `hcl_loads` before python-hcl2 reads a file, for discovery
   and the rules alike): the gate scans a file's text as hclsyntax's scanner does
   (comments, heredocs to their marker's line, quoted strings and their `${...}` and
   `%{...}` in main mode, nested) and refuses, naming the line, a quoted string whose
   sequence holds a newline or `<<` (outside its own quoted strings), a quoted string
   over more than one line, and an unclosed one, whatever python-hcl2's own line check
   says.

3. A module call's arguments and source are not merged with its override. The IAM
   rules follow a function's role through module calls with `Module.called` (the
   first `module "NAME"` block, in merge order, that has a `source`) and
   `Module.callers` (each `module` block, per file, that has a `source`, with the
   argument it gives): neither merges an override file's `module` block into the one
   it overrides (review 58's fix merged resources, data sources and locals: `Module.load`,
   `module_blocks`, `terraform_values`), and an override block needs no `source`.
   (a) The function in `./fn` takes its role from `var.role_arn`; main.tf passes the
   read-only role, `fn_override.tf` (`module "fn" { role_arn = aws_iam_role.admin.arn
   }`, no `source`) the admin role: the gate judges the read-only role alone. (b) The
   function's `role = module.iam.role_arn`, main.tf calls `./plain_iam`,
   `iam_override.tf` makes the source `./admin_iam`: the gate follows `./plain_iam`.
   Each exits 0 with no blocking finding; `terraform console` (after `terraform init`)
   gives the override's argument and the override's module's output.
   Suggested fix, by class: read `module` blocks as Terraform merges them, with
   `overridden` (the override's arguments, `source` included, over the original's), in
   `called`, `callers` and every reader of module calls (discovery's `_calling`,
   `RootModules`, reach across modules, `ModuleValues` where it reads a caller): one
   merged view of a module's blocks of every kind, built once, rather than a loop over
   files in each reader.

   Fixed (gate.bundle.discovery.terraform_defined `named_blocks`; gate.rules.iam
   .roles_terraform `Module.calls`, `Module.called`, `Module.callers`,
   `Module.outputs`; gate.bundle.discovery.terraform `read_terraform`, `RootModules`,
   `_read_called`): a module's `module` blocks (and `output` blocks) are read as one
   merged view, built in merge order with `overridden` (an override's arguments and
   `source` over the original's), and every reader of module calls takes it: the IAM
   rules follow the override's argument and source (and keep an output's value an
   override does not set); discovery's calls, the callers of each module and what a
   called module runs are read from the merged calls.

4. In diff mode, a change to an override file's block of a resource that reaches a
   function is not a change to that resource. `_reaching_touched` looks for the
   reaching resource's address in the function's IaC file, then each `.tf` file of its
   module (`_definition_files`), and stops at the first file that has a block of that
   address (`_resource_touched` not None): main.tf's block, unchanged. Terraform merges
   every override file's block of that address into it, so the other blocks decide
   what is deployed as much. The merge base holds review 56's operator function (admin
   role, GATE-IAC-001 accepted) behind an HTTP API route that needs AWS_IAM; the change
   opens the route (`authorization_type = "NONE"`) by (a) editing the route's block in
   an existing `route_override.tf` (AWS_IAM to NONE), (b) appending a route block,
   with no blank line before it, to an existing `api_override.tf` (a blank line is
   outside every resource and touches the module's values: blocked). Each exits 0 in
   diff mode (GATE-IAC-001 `preexisting`); the same change in main.tf blocks
   (`test_the_plain_changes_block`), and so does each on a baseline (the
   merged route enters the function's identity: tried by hand, blocked), as does an
   override file added whole (a new file).
   Suggested fix, by class: judge an address by every block of it in the module: a
   change to the lines of any of them (the file's own and every override file's)
   touches the resource, in `_reaching_touched` and (read, not built: it looks the
   same up) `_resource_of_function_touched`; or count any change to an override file
   as touching every function of its module, as for a file outside every resource.

   Fixed (gate.scan.diff `_address_touched`, `_blocks_files`; its callers
   `_touched_by_change`, `_resource_of_function_touched`, `_reaching_touched`): an
   address is judged by every block of it in the files that may hold one (a `.tf`
   file's module: its own and each override file's), not the first file that has one:
   a change to the lines of any of them, or a block of it added to any file, touches
   the resource, for a finding's resource, the function's own and what reaches it.

5. An HTTP API made by quick create invokes a function, and its kind is not an
   invoker. `aws_apigatewayv2_api`'s `target` (a Lambda function's ARN) makes API
   Gateway create an integration with the function, a `$default` route with no
   authorization and an auto-deploying stage: anyone may call the function, and
   nothing of it is written in the module. `INVOKERS` lists integrations, routes'
   parts, permissions, targets, subscriptions and the rest, not `aws_apigatewayv2_api`
   (nor `AWS::ApiGatewayV2::Api`'s `Target`): an API that names the function by
   reference is on its chain (it names the function), one that names it otherwise is
   neither tied nor `untied`, so it reaches nothing. The merge base holds the operator
   function (admin role, GATE-IAC-001 accepted), a permission that lets API Gateway
   invoke it (no `source_arn`) and an HTTP API with no route; the change gives the API
   `target` = (a) the function's ARN as a literal, (b)
   `data.aws_lambda_function.ops.arn` (a lookup). Each exits 0 in diff mode
   (`preexisting`) and on a baseline (`baselined`: `reached_by` and `exposure` do not
   change), where the same target written `aws_lambda_function.ops.arn` blocks in both
   modes, and each end state checked whole blocks (GATE-IAC-001). Not deployed here
   (no provider): quick create's routes as the AWS provider's documentation and API
   Gateway's `CreateApi` (`Target`) describe them.
   Suggested fix, by class: count `aws_apigatewayv2_api` by `target` (and `body`, an
   OpenAPI definition whose `x-amazon-apigateway-integration` `uri` names functions),
   `AWS::ApiGatewayV2::Api` by `Target` and `Body`/`BodyS3Location`, and
   `aws_api_gateway_rest_api` by `body` among `INVOKERS`; and, failing closed as review
   58's fix meant, take a resource of any kind that holds a function's ARN or name as a
   literal, or a lookup of a function, as untied: a list of invoking kinds is never
   complete.
   Fixed (gate.bundle.discovery.reach `INVOKERS`, `holds_function`, `texts_of`,
   `untied`, `Written.holds_function`; gate.bundle.discovery.terraform_reach
   `ModuleResources._written`, `function_names`; gate.bundle.discovery.cloudformation
   `TemplateResources._written`, `function_names`): an API's quick-create `target`
   (`Target`) and OpenAPI `body` (`Body`, `BodyS3Location`) are among `INVOKERS`; and a
   resource of any kind (Terraform, awscc, CloudFormation, SAM, serverless.yml
   `resources`) whose content names a Lambda function as text (an ARN in any
   partition, an invoke ARN, a `data.aws_lambda_function` lookup or a reference, or a
   function's name written whole) and that refers to no function of the module or
   template is untied: it reaches every function there. The IaC rules
   (gate.rules.iac.terraform and gate.rules.iac.sam `_entries`, `_quick_created`) judge
   a quick-create API on a function's chain as a route without an authorizer
   (GATE-IAC-011, and so GATE-IAC-017 and the API timeout rule).

What held (tried for real): a heredoc-in-interpolation written in a plain `.tf` file
whose hidden block redefines an address (refused, `redefinition`); the same trick
aimed at a value the gate must read (`policy_arn = "${false ? <<EOT` read by the
gate as that text, or with a second `policy_arn` the gate reads as a list of two): the
gate cannot read it and reports GATE-IAC-004 (blocked), as it does for
`"${false ? "x" : local.admin_arn}"`; an override of a module's argument that the child
uses as a policy ARN through `var.policy` (unresolved: GATE-IAC-004, blocked);
`._x_override.tf` (ignored by the gate as an AppleDouble file, as by Terraform: blocked,
`held-apple-double` among the plain forms); a `.override.tf` (not an override to the
gate either: read as a second definition of `local.policy` and refused, exit 2, where
Terraform ignores the file: a refusal, not a pass); a module whose source, in main.tf or
in an override file, lies in a folder the gate skips (`./node_modules/ops`: refused) or
in `.terraform/` (refused); `.tf.json` files (refused); in diff mode, a change that
makes a function's own override give it the admin role, or an override file's local
the admin policy (blocked: the finding is new).

Read, not built: `check_heredoc_end` and `_unsure_sequence` against hclsyntax for
heredocs python-hcl2 does lex (no divergence found: `$$${`, a sequence's braces in
quotes); `overridden` against Terraform's merge of nested blocks (a `dynamic` block in
one of the two makes the gate read more than Terraform, not less).

What was not covered: the rest of diff mode and baselines after review 58's classes
2-5 (a change to a hidden file, a samconfig's values, YAML aliases; discovery's own
readers of module blocks with overrides, `_calling`); class 5 in SAM
(`AWS::ApiGatewayV2::Api` `Target`) and through OpenAPI bodies (not built); Terraform's
merge of `lifecycle`, `provisioner` and `dynamic` blocks beyond the case above; review
59's areas (Chalice modules, lock rules, hatch.toml).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.conftest import (
    HARMLESS,
    Change,
    Layout,
    Sandbox,
    changes_judged,
    each_blocked_or_refused,
    each_blocks,
    files,
    zipped,
)
from tests.hostile.test_review56 import OPERATOR, route, route_opened
from tests.hostile.test_review58 import ADMIN, EVAL, FUNCTION, OK, READ_ONLY, ROLE, archive

# --- what Terraform deploys in each trick -----------------------------------------------------

ADMIN_LOCAL = f'locals {{\n  policy = "{ADMIN}"\n  note = ""\n}}\n\n' + ROLE
"""main.tf: the function's role with AdministratorAccess attached, through
`local.policy`; `local.note` is what class 2's override file overrides for Terraform."""
CODE = {"fn.zip": zipped({"app.py": HARMLESS})}
READ_ONLY_LOCAL = f'locals {{\n  policy = "{READ_ONLY}"\n}}\n'
READ_ONLY_ATTACHMENT = (
    f'resource "aws_iam_role_policy_attachment" "r" {{\n  policy_arn = "{READ_ONLY}"\n}}\n'
)
HARMLESS_ARCHIVE = f'data "archive_file" "fn" {{\n  source_content = "{OK}"\n}}\n'
EVAL_ARCHIVE = archive(EVAL) + FUNCTION + 'locals {\n  note = ""\n}\n'


def admin(extra: dict[str, str | bytes]) -> Layout:
    return files({**CODE, "main.tf": ADMIN_LOCAL, **extra})


# --- 1. a file Terraform ignores, read as an override ----------------------------------------

HIDDEN_OVERRIDE: dict[str, Layout] = {
    "1a-local": admin({".gate_override.tf": READ_ONLY_LOCAL}),
    "1b-attachment": admin({".gate_override.tf": READ_ONLY_ATTACHMENT}),
    "1c-archive": files({"main.tf": EVAL_ARCHIVE, ".fn_override.tf": HARMLESS_ARCHIVE}),
}

# --- 2. a heredoc in a quoted string's interpolation ------------------------------------------


def inside_heredoc(block: str) -> str:
    """An override file Terraform reads as `locals { note = "${false ? <<EOT ... EOT :
    1}" }` (note is "1"), and the gate as three blocks, `block` the second: the heredoc
    in the interpolation is text to python-hcl2, whose quoted string ends at `}"`, and
    the last block's string runs over the lines that end Terraform's heredoc. The comment
    holding `= <<` switches off python-hcl2's check of quotes line by line."""
    return (
        "# = <<NOTE\n"
        'locals {\n  note = "${false ? <<EOT\n}"\n}\n'
        + block
        + 'locals {\n  other = "\nEOT\n  : 1}"\n}\n'
    )


HEREDOC_IN_QUOTES: dict[str, Layout] = {
    "2a-local": admin({"z_override.tf": inside_heredoc(READ_ONLY_LOCAL)}),
    "2b-attachment": admin({"z_override.tf": inside_heredoc(READ_ONLY_ATTACHMENT)}),
    "2c-archive": files(
        {"main.tf": EVAL_ARCHIVE, "z_override.tf": inside_heredoc(HARMLESS_ARCHIVE)}
    ),
}

# --- 3. a module call's override -------------------------------------------------------------


def role(name: str, arn: str | None = None) -> str:
    """A role Lambda may assume, with the managed policy `arn` attached when given."""
    text = (
        f'resource "aws_iam_role" "{name}" {{\n  name = "{name}"\n'
        "  assume_role_policy = jsonencode({\n"
        '    Version = "2012-10-17"\n    Statement = [{ Effect = "Allow", Action = '
        '"sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]\n  })\n}\n\n'
    )
    if arn is not None:
        text += (
            f'resource "aws_iam_role_policy_attachment" "{name}" {{\n'
            f'  role = aws_iam_role.{name}.name\n  policy_arn = "{arn}"\n}}\n\n'
        )
    return text


def function(role_value: str, filename: str = "fn.zip") -> str:
    return (
        f'resource "aws_lambda_function" "fn" {{\n  function_name = "fn"\n  role = {role_value}\n'
        f'  runtime = "python3.12"\n  handler = "app.handler"\n  filename = "{filename}"\n'
        '  tracing_config {\n    mode = "Active"\n  }\n}\n'
    )


CHILD = 'variable "role_arn" {\n  type = string\n}\n\n' + function(
    "var.role_arn", "${path.module}/fn.zip"
)


def role_passed(passed: str, override: str | None) -> Layout:
    """Class 3a: the function in `./fn`, its role given by the calling module's
    `role_arn` (`passed`), and by an override file's `module "fn"` block when given."""
    main = (
        role("admin", ADMIN)
        + role("plain")
        + f'module "fn" {{\n  source = "./fn"\n  role_arn = aws_iam_role.{passed}.arn\n}}\n'
    )
    written: dict[str, str | bytes] = {
        "main.tf": main,
        "fn/main.tf": CHILD,
        "fn/fn.zip": zipped({"app.py": HARMLESS}),
    }
    if override is not None:
        written["fn_override.tf"] = (
            f'module "fn" {{\n  role_arn = aws_iam_role.{override}.arn\n}}\n'
        )
    return files(written)


IAM_MODULE = 'output "role_arn" {\n  value = aws_iam_role.r.arn\n}\n\n'


def role_module(source: str, override: str | None) -> Layout:
    """Class 3b: the function's role is `module.iam.role_arn`, the module called from
    `source` (`./plain_iam`, read-only; `./admin_iam`, admin), and from the source an
    override file gives when given."""
    written: dict[str, str | bytes] = {
        **CODE,
        "main.tf": f'module "iam" {{\n  source = "{source}"\n}}\n\n'
        + function("module.iam.role_arn"),
        "plain_iam/main.tf": role("r", READ_ONLY) + IAM_MODULE,
        "admin_iam/main.tf": role("r", ADMIN) + IAM_MODULE,
    }
    if override is not None:
        written["iam_override.tf"] = f'module "iam" {{\n  source = "{override}"\n}}\n'
    return files(written)


MODULE_OVERRIDE: dict[str, Layout] = {
    "3a-argument": role_passed("plain", "admin"),
    "3b-source": role_module("./plain_iam", "./admin_iam"),
}

PLAIN: dict[str, tuple[Layout, str]] = {
    "plain-admin": (admin({}), "GATE-IAC-001"),
    "plain-archive": (files({"main.tf": EVAL_ARCHIVE}), "GATE-SLS-002"),
    "plain-override-note": (
        admin({"z_override.tf": 'locals {\n  note = "1"\n}\n'}),
        "GATE-IAC-001",
    ),
    "plain-argument": (role_passed("admin", None), "GATE-IAC-001"),
    "plain-source": (role_module("./admin_iam", None), "GATE-IAC-001"),
    "held-apple-double": (admin({"._x_override.tf": READ_ONLY_LOCAL}), "GATE-IAC-001"),
}
"""What Terraform reads in each trick, written plainly: main.tf alone (classes 1 and 2a,
2b; 2c), main.tf with class 2's override file as Terraform reads it, and the module call
with the override's argument or source written in it (class 3); and class 1's file
named as an AppleDouble file (`._`), which the gate ignores as Terraform does: held."""


def test_the_plain_forms_block(tmp_path: Path) -> None:
    each_blocks(tmp_path, PLAIN)


def test_a_file_terraform_ignores_is_not_read(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, HIDDEN_OVERRIDE)


def test_a_heredoc_in_a_quoted_interpolation_is_read_as_terraform_reads_it(
    tmp_path: Path,
) -> None:
    each_blocked_or_refused(tmp_path, HEREDOC_IN_QUOTES)


def test_a_module_call_is_read_with_its_override(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, MODULE_OVERRIDE)


# --- 4. diff mode: an override file's block of what reaches a function ------------------------

ROUTE_OVERRIDE = 'resource "aws_apigatewayv2_route" "ops" {{\n  authorization_type = "{}"\n}}\n'
API_OVERRIDE = 'resource "aws_apigatewayv2_api" "http" {\n  name = "http"\n}\n'
OPERATOR_CODE: dict[str, str | bytes] = {"fn.zip": zipped({"app.py": HARMLESS})}
OVERRIDE_CHANGES: dict[str, Change] = {
    "4a-override-edited": (
        {
            **OPERATOR_CODE,
            "main.tf": OPERATOR + route("AWS_IAM"),
            "route_override.tf": ROUTE_OVERRIDE.format("AWS_IAM"),
        },
        {"route_override.tf": ROUTE_OVERRIDE.format("NONE")},
    ),
    "4b-override-appended": (
        {**OPERATOR_CODE, "main.tf": OPERATOR + route("AWS_IAM"), "api_override.tf": API_OVERRIDE},
        {"api_override.tf": API_OVERRIDE + ROUTE_OVERRIDE.format("NONE")},
    ),
}
"""The merge base: review 56's operator function (admin role, GATE-IAC-001 accepted)
behind a route that needs AWS_IAM; the change opens the route (NONE) by editing the
route's block in an override file, or by appending one to an override file."""

# --- 5. an HTTP API's quick-create target ---------------------------------------------------

OPERATOR_ALONE = OPERATOR[: OPERATOR.index('resource "aws_apigatewayv2_api"')]
ANY_API = (
    'resource "aws_lambda_permission" "api" {\n  statement_id = "api"\n'
    '  action = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.ops.function_name\n'
    '  principal = "apigateway.amazonaws.com"\n}\n\n'
)
LOOKUP = 'data "aws_lambda_function" "ops" {\n  function_name = "ops"\n}\n\n'
LITERAL_ARN = '"arn:aws:lambda:us-east-1:123456789012:function:ops"'


def quick_api(target: str | None) -> str:
    """An HTTP API; with `target`, made by quick create: an integration with the function
    `target` names, a default route (`$default`, no authorization) and a stage that
    deploys it, all made by API Gateway, none written in the module."""
    line = f"  target = {target}\n" if target is not None else ""
    return (
        'resource "aws_apigatewayv2_api" "quick" {\n  name = "quick"\n'
        f'  protocol_type = "HTTP"\n{line}}}\n'
    )


def quick_created(target: str, extra: str = "") -> Change:
    """The operator function (admin role, accepted), invocable by any API of the
    account (a permission with no source), and an HTTP API with no route; the change
    gives the API a quick-create `target`: every caller reaches the function."""
    main = OPERATOR_ALONE + ANY_API + extra
    return (
        {**OPERATOR_CODE, "main.tf": main + quick_api(None)},
        {"main.tf": main + quick_api(target)},
    )


QUICK_CHANGES: dict[str, Change] = {
    "5a-literal-arn": quick_created(LITERAL_ARN),
    "5b-lookup": quick_created("data.aws_lambda_function.ops.arn", LOOKUP),
}
PLAIN_CHANGES: dict[str, Change] = {
    "plain-route-opened": route_opened(),
    "plain-quick-reference": quick_created("aws_lambda_function.ops.arn"),
}
"""The same changes where the gate ties them to the function: review 56's route opened
in main.tf, and the quick-create target written as a reference to the function."""


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory, grammar_cache: None) -> dict[str, str]:
    """Each change as folders of one repository (`main` the merge base, `change` the
    change): class 4 and the plain changes in one diff-mode run (`d` folders), class 5
    and the plain changes in diff mode and on a baseline (`gate baseline create` at
    `main`, then one `--baseline` run: `b` folders). The outcome of each folder."""
    box = Sandbox(tmp_path_factory.mktemp("changed"))
    diffed = {**PLAIN_CHANGES, **OVERRIDE_CHANGES, **QUICK_CHANGES}
    cases = {f"d{name}": change for name, change in diffed.items()}
    cases |= {f"b{name}": change for name, change in {**PLAIN_CHANGES, **QUICK_CHANGES}.items()}
    return changes_judged(box, cases)


def test_the_plain_changes_block(changed: dict[str, str]) -> None:
    """The plain changes block in diff mode and on a baseline; each trick's end state,
    checked whole, blocks (GATE-IAC-001) among the plain forms' cases: see `PLAIN`."""
    plain = {name: outcome for name, outcome in changed.items() if "plain" in name}
    assert set(plain.values()) == {"blocked"}, plain


def test_the_end_states_block(tmp_path: Path) -> None:
    """Each change of classes 4 and 5 as it ends, checked whole: the admin role blocks."""
    ends = {**OVERRIDE_CHANGES, **QUICK_CHANGES}
    each_blocks(
        tmp_path,
        {
            name: (files({**before, **after}), "GATE-IAC-001")
            for name, (before, after) in ends.items()
        },
    )


def test_an_override_of_what_reaches_a_function_is_a_change_to_it(
    changed: dict[str, str],
) -> None:
    tricks = {name: outcome for name, outcome in changed.items() if name.startswith("d4")}
    assert set(tricks.values()) == {"blocked"}, tricks


def test_a_quick_created_api_reaches_its_target(changed: dict[str, str]) -> None:
    tricks = {name: outcome for name, outcome in changed.items() if name[1:].startswith("5")}
    assert len(tricks) == 4 and set(tricks.values()) == {"blocked"}, tricks
