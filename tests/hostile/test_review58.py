"""A fifty-eighth hostile review of `gate check`, on review 56's fixes: the HCL text
reader (gate.bundle.discovery.hcl `hcl_loads`, gate.bundle.discovery.hcl_text
`flush_trimmed`, `hcl_lines`), the walk of what reaches a function
(gate.bundle.discovery.reach `named`, `reaching`, `TERRAFORM_LINKS`, `TEMPLATE_LINKS`;
gate.bundle.discovery.terraform_reach `ModuleResources`; gate.bundle.discovery
.cloudformation `TemplateResources`) and diff mode's numbering and extents
(gate.scan.diff `_definition_touched`, `_reaching_touched`, `_definition_files`,
`_outside_touched`; gate.bundle.discovery.extents `_yaml_extents`,
`_terraform_extents`), and what a
function's identity holds (gate.model `Function.identity`, `exposure`).

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off), with no blocking
finding, where the same thing written plainly blocks (`test_the_plain_forms_block`,
`test_the_changes_as_they_end_block`, `test_the_plain_exposures_are_new`). Gate runs:
two for class 1 and its plain forms, one for the end states of classes 2 to 5, three
for their changes (`gate baseline create` at the merge base, a diff-mode run, a
`--baseline` run). What lets each through:

1. A heredoc python-hcl2 ends where Terraform reads on. python-hcl2's lexer ends a
   heredoc (`heredoc_template`, `heredoc_template_trim`: `\\n+\\s*(?P=heredoc)`) at the
   first line that starts with the marker after any `\\s`: it asks nothing of what
   follows the marker on that line, and Python's `\\s` takes `\\x1c`-`\\x1f` for
   whitespace. hclsyntax (scan_tokens.rl `heredocLiteralEOL`) ends it only at a line
   that is the marker once `bytes.TrimSpace` (Go's `unicode.IsSpace`, which has no
   `\\x1c`-`\\x1f`) has trimmed it. So a line `  EOT # end`, `  EOT]`, `  EOT,` or
   `\\x1cEOT` ends the heredoc for the gate and is text to Terraform, which reads on to
   the next plain `EOT`: what lies between is HCL to the gate alone. Every line
   Terraform reads as HCL the gate reads too, so the trick puts there a block the gate
   lets win over the one both read: (a) a second `data "archive_file" "fn"` with
   harmless `source_content` (discovery merges archives of one name, later over
   earlier, as it merges an override file's block), where Terraform's only archive
   evaluates event data (GATE-SLS-002), with each of the four closing lines; (b) a
   second `locals` block (`ModuleValues.read`: `locals.update`, the later wins) that
   makes `local.policy` ReadOnlyAccess, where Terraform attaches AdministratorAccess to
   the function's role (GATE-IAC-001), with `<<-` and with `<<`. Each exits 0. Checked
   with Terraform 1.11.4: (b) passes `terraform validate` (aws provider) and `terraform
   console` gives `local.policy` = AdministratorAccess; (a), its blocks written as
   `locals` (no archive provider here), gives `source_content` = the eval code.
   Suggested fix, by class: read each heredoc's end as hclsyntax does. For each heredoc
   token python-hcl2 lexed (`<<` and `<<-`, in `hcl_loads`' fast path too), require
   that its closing line, from the line's start to its newline, is the marker with
   only Go whitespace around it, and refuse the file otherwise (HclTextError naming the
   line); or find heredoc ends with hclsyntax's rule before python-hcl2 lexes. And
   refuse what Terraform refuses and the gate merges: two blocks of one address, or a
   local defined twice, outside override files.

   Fixed (gate.bundle.discovery.hcl `hcl_loads`, `_check_end`; gate.bundle.discovery
   .hcl_text `check_heredoc_end`): every heredoc python-hcl2 lexed (`<<` and `<<-`) is
   read again as hclsyntax scans it: it must end on the first line outside its template
   sequences that is its marker alone once Go's whitespace is trimmed, and that line must
   be the one python-hcl2 ended it on; otherwise the file is refused naming the line
   (exit 2). So a closing line with more than the marker, or after `\\x1c`-`\\x1f`, is
   refused, and so is an empty heredoc (or one empty line), which python-hcl2 reads on
   past where Terraform ends it, and a sequence whose end the gate may misjudge (one
   holding a comment, a heredoc or a quoted template). And what Terraform refuses is
   refused (gate.bundle.discovery.terraform_defined `redefinition`): an address defined
   twice outside override files (`resource`, `data`, `module`, `variable`, `output`),
   a local set twice, and an archive_file data source and resource of one name, which
   discovery finds by name alone. Override files merge as Terraform merges them, last
   and into the block they override (`in_merge_order`, `overridden`), for discovery and
   for the rules, whose locals, IaC blocks and IAM blocks had read them by file name.

2. What reaches a function without naming it by reference is not on its chain. The
   walk starts from what refers to the function or an alias of it (in Terraform also a
   `function_name` equal to its literal name: `_pointing`; in a template a `Ref` or
   `GetAtt`: `TemplateResources.naming`) and follows API links only; diff mode reads
   the resources it finds in the files of the function's own module or template
   (`_definition_files`). The merge base holds the operator function with an admin role
   (GATE-IAC-001, critical, accepted there and in the baseline), reached by: (a) an HTTP
   API integration whose `integration_uri` is the function's invocation ARN as a
   literal; (b) `data.aws_lambda_function.ops.invoke_arn` (a data source that looks the
   function up; `ModuleResources` holds resources only); (d) the function in a local
   module and its API in the calling module (`module.ops.invoke_arn`); (e) SAM: an
   `AWS::ApiGatewayV2::Integration` whose `IntegrationUri` is `!Sub` of the function's
   `FunctionName`. The change opens the route (`AWS_IAM` to `NONE`). (c) An EventBridge
   target names the function; the change turns its rule (named by the target, which no
   link follows) from a nightly schedule to a pattern every event matches. Each exits 0
   in diff mode (GATE-IAC-001 `preexisting`) and on a baseline (`baselined`: the
   function's `reached_by` and `exposure` do not change). The same change where the walk
   sees it blocks in both modes: review 56's route opened to an integration that refers
   to the function, review 55's open HttpApi event on a SAM function, and a SAM
   function's Schedule event made an EventBridgeRule event for every event. Each end
   state checked whole blocks (GATE-IAC-001). All four Terraform layouts pass
   `terraform validate`.
   Suggested fix, by class: start the walk from anything that may stand for the
   function: its name or ARN in any attribute's texts (`function:NAME`, an invocation
   URI, a `!Sub` of its `FunctionName`), a data source that looks it up, a module output
   that gives it (with the calling module's files among its definition files); and
   follow event sources both ways (a target's rule and the rule's bus, a
   subscription's topic, a mapping's queue or stream, a notification's bucket, and the
   policies on each). Where the gate cannot tie a resource of a kind that invokes or
   routes to functions (API parts, permissions, event rules and targets, SNS, SQS and S3
   wiring), fail closed: a change to it touches every function of its module or
   template, and its content enters every such function's identity.
   Fixed (gate.bundle.discovery.reach `INVOKERS`, `untied`, `TERRAFORM_LINKS`,
   `TEMPLATE_LINKS`; terraform_reach `ModuleResources.untied`, `reaching_called`;
   cloudformation `TemplateResources.untied`; terraform `_calling`, `RootModules.above`;
   gate.scan.diff `_reaching_touched`, `_module_files`): failing closed rather than
   chasing spellings, a resource of a kind that invokes functions (an integration,
   method, authorizer, permission, URL, mapping, target, subscription, notification,
   a rule with targets…) that refers to none of its module's or template's functions
   starts every function's walk there, so its route, API and the rest join each chain;
   the walk follows event sources (a target's rule and the rule's bus, a subscription's
   topic, a mapping's queue or stream, a notification's or permission's source) and
   the policies on each; and what in a module that calls the function's module, however
   far up, may invoke a function and refers to none of its own reaches the function as
   `folder/address`, with its content in the identity; diff mode reads it in that
   module's files and counts that module's values as the function's own module's.

3. A YAML resource's extent is the lines it is written on, not the lines its content
   is read from. safeyaml records an alias's nodes at the lines of its anchor, and
   `_yaml_extents` gives a resource the lines from its key to the next key at its
   depth; diff mode counts a change to a function's definition only within those
   (`_resource_of_function_touched`, `_resource_touched`). (a) The operator function's
   `Events: *events`, the anchor `&events` in an SNS topic's `Metadata` (any resource
   may have one); the change rewrites the anchored events from a schedule to an open
   HttpApi route: every changed line is the topic's, none the function's, so its
   GATE-IAC-001 stays `preexisting`: exit 0. (b) The same through a merge key: the
   function's `Properties` start `<<: *props`, and the change adds the open event to the
   anchored mapping. `sam package` and `sam deploy` expand aliases (SAM CLI's
   `CfnDumper.ignore_aliases`); the gate itself reads the event as the function's (on a
   baseline its identity changes: blocked, held).
   Suggested fix, by class: give a YAML resource every line of every node its value is
   built from, following aliases and merge keys to their anchors (safeyaml knows where
   each node was written), or count a change to an anchored node as one to each
   resource that aliases it; failing that, in a file with an alias any change touches
   every resource of it, as for a file not numbered as git.

   Fixed (gate.safeyaml `YamlDocument.aliases`; gate.bundle.discovery.extents
   `_yaml_extent`): the loader records where each alias is (a merge key's entries
   included, merged in place), and in a document with any alias every resource's
   extent is the whole file: any change to the file touches every resource and every
   function it defines.

4. What reaches a function is judged by its properties as written, not by what the
   deploy makes of them. A template function's `exposure` holds the `Properties` of
   each resource that reaches it (`TemplateResources.content`), as written: not the
   resource's `Condition`, not the `Conditions` and `Parameters` it reads, not the
   samconfig values the gate itself reads as the parameter's (README, "Values are read
   as the deploy reads them"); and diff mode does not count a samconfig among a
   function's definition files. The merge base holds the operator function (admin role,
   GATE-IAC-001 accepted) and an HTTP API route to an integration that names it with
   `!GetAtt`: (a) the route is open (`AuthorizationType: NONE`, GATE-IAC-011 medium, in
   the baseline) but deployed only under `Condition: Never`; the change makes it
   `Always`; (b) the route's `AuthorizationType: !Ref RouteAuth`, the parameter's
   `Default` AWS_IAM; the change makes it NONE; (c) the same parameter given AWS_IAM by
   `samconfig.toml`'s `parameter_overrides`; the change passes NONE. Each exits 0 on a
   baseline (`baselined`: the identity is unchanged), and (c) in diff mode too
   (`preexisting`). The open route added to the API (review 56's class 2b, in a template)
   blocks in both modes; (a) and (b) block in diff mode (the route's line is on the
   chain; `Parameters` lie outside every resource): held.
   Suggested fix, by class: build the content of what reaches a function from the
   values the rules judge: each reaching resource's `Condition` with the conditions'
   definitions, every value a parameter may take (its `Default` and each samconfig's
   `parameter_overrides`, as `gate.rules.intrinsics` resolves them), the resource's
   attributes beyond `Properties`; and in diff mode count the bundle's samconfig files
   (and a template's `Conditions`) as part of every function's definition.

   Fixed (gate.bundle.discovery.template_inputs `TemplateInputs.read_by`;
   gate.bundle.discovery.cloudformation `TemplateResources.content`, `exposure`;
   gate.bundle.discovery.terraform_values `ModuleValues.read_by`; gate.scan.diff
   `_value_files`): a function's exposure holds each reaching resource whole (its
   `Condition` and attributes beside `Properties`) and the function's own `Condition`,
   with every condition (through the conditions it names), parameter and mapping any of
   them reads, as written, each parameter with the values the bundle's samconfigs pass
   it (gate.bundle.discovery.references `bundle_overrides`, the rules' reader); a
   Terraform function's, what its module gives each local and variable they name, also
   inside a longer expression. In diff mode a change to any samconfig of the bundle
   touches every template function, as a tfvars file touches its module's.

5. A Terraform block's extent is found by a line pattern, not as hclsyntax reads the
   block's header. `_terraform_extents` starts a block at a line that begins, at
   column 0, with a block keyword and a quote or brace (`_TOP_LEVEL`), and keys it by
   its labels as written between quotes and whitespace (`_TERRAFORM_BLOCK`); python-hcl2
   and Terraform read the header otherwise. The operator function (admin role,
   GATE-IAC-001 accepted) follows a log group, named `internal` at the merge base; a
   permission grants the function named `ops` (a literal name) to another stack's API.
   The change renames the function `ops`. Its header written (a) with an escape in a
   label (`"o\\u0070s"`: the address is `aws_lambda_function.ops`, the extent's key the
   text as written), (b) indented, (c) with bare labels (`resource aws_lambda_function
   ops {`), (d) with a comment between keyword and labels: the function has no extent
   under its address (in b-d its lines are the log group's), so
   `_resource_of_function_touched` falls back to its declared line, which the change
   did not touch, and `_module_values_touched` finds no line outside a resource:
   GATE-IAC-001 stays `preexisting`, exit 0. The same rename with the header written
   plainly blocks; on a baseline each blocks (the permission now reaches the function:
   its identity changes), held. All four pass `terraform validate`, and `terraform
   console` takes `aws_lambda_function.ops` in each.
   Suggested fix, by class: take a Terraform block's lines from the parse
   (python-hcl2's `__start_line__` and `__end_line__` of each block, keyed by its
   address as `hcl_loads` gives it, override files included), not from a line pattern;
   and where a function's extent is not found, count any change to its file, not its
   declared line alone.

   Fixed (gate.bundle.discovery.extents `_terraform_extents`, gate.bundle.discovery
   .terraform `addressed_blocks`; gate.scan.diff `_resource_of_function_touched`): each
   resource and data block spans the `__start_line__` to `__end_line__` of the parse
   discovery reads (`check` blocks' too), keyed by its address with labels unescaped;
   lines between blocks are outside every resource. A function whose resource has no
   extent (a Chalice function, a file the parse refuses) is touched by any change to
   its file, never judged by its declared line.

What held (tried for real): a closing line with letters after the marker (`EOTX`):
python-hcl2 ends the heredoc there and cannot parse the rest, refused (exit 2); inline
code from a local (`zip_file = local.code`, awscc): refused, not a literal; class 3 on a
baseline (blocked); class 4a and 4b in diff mode (blocked); review 56's plain route
opening, a route added to a template's API, review 55's SAM exposure and a SAM Schedule
event made an EventBridgeRule event (blocked in both modes); class 5's rename with the
labels written with no space between them (`"aws_lambda_function""ops"`: blocked in
diff mode); a `terraform.tfvars.json` (refused, as Terraform JSON).

Read, not built: `flush_trimmed`'s strip markers and its literal tokens (`_LITERAL`)
against hclsyntax's (`TemplateNotInterp`: the line-start token and blank lines agree);
a heredoc holding a sequence is not rendered (`rendered` is None), so no consumer reads
its trimmed text as code or policy. A `.tf` heredoc line that looks like a top-level
block (`locals {` at column 0) only shortens `_terraform_extents`' extents: more lines
are outside every resource, so more is touched.

What was not covered: awscc API routes, SNS, SQS and S3 chains (class 2c's root, not
built); a Terraform route's `count` or a tfvars value (read into the identity as
texts, not tried); a Terraform module called twice; review 57's areas
(setup.cfg/pbr, build backends, Chalice and layers in diff mode, `gate merge`,
`--policy-ref`, a lone carriage return in `.py` and `.yaml`).
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
from tests.hostile.test_review55 import (
    ADMIN_ROLE,
    HARMLESS,
    HEAD,
    exposed_change,
    operator,
)
from tests.hostile.test_review56 import OPERATOR, route, route_opened

# --- 1. a heredoc python-hcl2 closes where Terraform does not ---------------------------------

EVAL = "import os\\ndef handler(event, context):\\n    return eval(event['c'])\\n"
OK = "def handler(event, context):\\n    return {'ok': True}\\n"
FUNCTION = (
    'resource "aws_lambda_function" "fn" {\n  function_name = "orders"\n'
    '  role = "arn:aws:iam::123456789012:role/orders"\n  runtime = "python3.12"\n'
    '  handler = "index.handler"\n  filename = data.archive_file.fn.output_path\n}\n'
)


def archive(code: str, tail: str = "}\n") -> str:
    """An archive_file writing `index.py` from a quoted string, then `tail` (its end)."""
    return (
        'data "archive_file" "fn" {\n  type = "zip"\n  output_path = "build/fn.zip"\n'
        f'  source_content_filename = "index.py"\n  source_content = "{code}"\n{tail}'
    )


def excludes(closing: str) -> str:
    """The end of a block: an `excludes` list holding a `<<-` heredoc whose last line is
    `closing`, and what follows it to the block's end."""
    return f"  excludes = [<<-EOT\n  none\n{closing}\n}}\n"


CLOSINGS = {
    "comment": "  EOT # end\n  ]",
    "bracket": "  EOT]",
    "comma": "  EOT,\n  ]",
    "control": "\x1cEOT\n  ]",
}
"""Lines python-hcl2 takes for a heredoc's end (`\\n+\\s*EOT`, nothing asked of what
follows the marker; `\\s` with `\\x1c`-`\\x1f`), and Terraform for one of its lines: the
heredoc runs on, over the gate's second block, to the plain `EOT`."""


def hidden_archive(closing: str) -> str:
    """Terraform's `archive_file` (evaluating code), and after it, inside the heredoc to
    Terraform, a second block of the same name that only the gate reads (harmless code):
    the gate merges the two, as it merges an override file's."""
    return archive(EVAL, excludes(closing)) + archive(OK, excludes("EOT\n  ]")) + FUNCTION


ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
ROLE = (
    'resource "aws_iam_role" "r" {\n  name = "r"\n  assume_role_policy = jsonencode({\n'
    '    Version = "2012-10-17"\n    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole",'
    ' Principal = { Service = "lambda.amazonaws.com" } }]\n  })\n}\n\n'
    'resource "aws_iam_role_policy_attachment" "r" {\n  role = aws_iam_role.r.name\n'
    "  policy_arn = local.policy\n}\n\n"
    'resource "aws_lambda_function" "fn" {\n  function_name = "fn"\n'
    '  role = aws_iam_role.r.arn\n  runtime = "python3.12"\n  handler = "app.handler"\n'
    '  filename = "fn.zip"\n  tracing_config {\n    mode = "Active"\n  }\n}\n'
)


def hidden_local(closing: str, opening: str = "<<-") -> Layout:
    """Terraform's `local.policy` (AdministratorAccess), and a second `locals` block that
    only the gate reads, which it lets win (ReadOnlyAccess)."""
    main = (
        f'locals {{\n  policy = "{ADMIN}"\n  note = {opening}EOT\n  none\n{closing}\n}}\n'
        f'locals {{\n  policy = "{READ_ONLY}"\n  note = {opening}EOT\n  none\nEOT\n}}\n\n' + ROLE
    )
    return files({"fn.zip": zipped({"app.py": HARMLESS}), "main.tf": main})


HEREDOC_PLAIN: dict[str, tuple[Layout, str]] = {
    "1-plain-archive": (files({"main.tf": archive(EVAL) + FUNCTION}), "GATE-SLS-002"),
    "1-plain-admin": (
        files(
            {
                "fn.zip": zipped({"app.py": HARMLESS}),
                "main.tf": f'locals {{\n  policy = "{ADMIN}"\n}}\n\n' + ROLE,
            }
        ),
        "GATE-IAC-001",
    ),
}
HEREDOC_TRICKS: dict[str, Layout] = {
    **{f"1a-archive-{n}": files({"main.tf": hidden_archive(c)}) for n, c in CLOSINGS.items()},
    "1b-local-comment": hidden_local(CLOSINGS["comment"].replace("\n  ]", "")),
    "1b-local-control": hidden_local("\x1cEOT"),
    "1b-local-plain-heredoc": hidden_local("EOT # end", "<<"),
}


def test_the_plain_forms_block(tmp_path: Path) -> None:
    """What Terraform reads in each trick, written plainly: it blocks."""
    each_blocks(tmp_path, HEREDOC_PLAIN)


def test_a_heredoc_ends_where_terraform_ends_it(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, HEREDOC_TRICKS)


"""The files at the merge base, and those the change rewrites."""

# --- 2. what reaches a function by what the walk does not follow ----------------------------

LITERAL_URI = (
    '"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/'
    'arn:aws:lambda:us-east-1:123456789012:function:ops/invocations"'
)
LOOKUP = (
    '\ndata "aws_lambda_function" "ops" {\n'
    "  function_name = aws_lambda_function.ops.function_name\n}\n"
)
OWN_URI = "aws_lambda_function.ops.invoke_arn"


def terraform_exposed(uri: str, extra: str = "") -> Change:
    """Review 56's operator function and its HTTP API, the integration naming the
    function by `uri`; the change opens the route (AWS_IAM to NONE)."""
    main = OPERATOR.replace(OWN_URI, uri) + extra
    before: dict[str, str | bytes] = {
        "fn.zip": zipped({"app.py": HARMLESS}),
        "main.tf": main + route("AWS_IAM"),
    }
    return before, {"main.tf": main + route("NONE")}


def rule(trigger: str) -> str:
    return f'\nresource "aws_cloudwatch_event_rule" "ops" {{\n  name = "ops"\n{trigger}}}\n'


EVENT_TARGET = (
    'resource "aws_cloudwatch_event_target" "ops" {\n  rule = aws_cloudwatch_event_rule.ops.name\n'
    "  arn = aws_lambda_function.ops.arn\n}\n\n"
    'resource "aws_lambda_permission" "events" {\n  statement_id = "events"\n'
    '  action = "lambda:InvokeFunction"\n  function_name = aws_lambda_function.ops.function_name\n'
    '  principal = "events.amazonaws.com"\n  source_arn = aws_cloudwatch_event_rule.ops.arn\n}\n'
)
NIGHTLY = '  schedule_expression = "rate(1 day)"\n'
ANY_EVENT = '  event_pattern = jsonencode({ source = [{ prefix = "" }] })\n'


def event_rule_changed() -> Change:
    """Class 2c: the operator function invoked by an EventBridge rule's target; the change
    turns the rule from a nightly schedule to every event any sender puts on the bus."""
    main = OPERATOR[: OPERATOR.index('resource "aws_apigatewayv2_api"')] + EVENT_TARGET
    before: dict[str, str | bytes] = {
        "fn.zip": zipped({"app.py": HARMLESS}),
        "main.tf": main + rule(NIGHTLY),
    }
    return before, {"main.tf": main + rule(ANY_EVENT)}


def module_exposed() -> Change:
    """Class 2d: the operator function in a local module, its HTTP API in the module
    that calls it (`module.ops.invoke_arn`); the change opens the route."""
    cut = OPERATOR.index('resource "aws_apigatewayv2_api"')
    outputs = (
        'output "invoke_arn" {\n  value = aws_lambda_function.ops.invoke_arn\n}\n'
        'output "function_name" {\n  value = aws_lambda_function.ops.function_name\n}\n'
    )
    api = 'module "ops" {\n  source = "./ops"\n}\n\n' + OPERATOR[cut:].replace(
        OWN_URI, "module.ops.invoke_arn"
    ).replace("aws_lambda_function.ops.function_name", "module.ops.function_name")
    before: dict[str, str | bytes] = {
        "ops/fn.zip": zipped({"app.py": HARMLESS}),
        "ops/main.tf": OPERATOR[:cut] + outputs,
        "main.tf": api + route("AWS_IAM"),
    }
    return before, {"main.tf": api + route("NONE")}


NAMED_URI = (
    "!Sub 'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
    "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:ops/invocations'"
)


def template_api(authorization: str, uri: str = NAMED_URI, condition: str = "") -> str:
    """An HTTP API whose integration names the operator function by `uri` (its ARN
    written from its name, `FunctionName: ops`, by default), a permission for the API,
    and a route (`condition`: its resource attribute line, when given)."""
    return (
        "  Http:\n    Type: AWS::ApiGatewayV2::Api\n"
        "    Properties: {Name: http, ProtocolType: HTTP}\n"
        "  Integration:\n    Type: AWS::ApiGatewayV2::Integration\n    Properties:\n"
        "      ApiId: !Ref Http\n      IntegrationType: AWS_PROXY\n"
        f"      PayloadFormatVersion: '2.0'\n      IntegrationUri: {uri}\n"
        "  Invoke:\n    Type: AWS::Lambda::Permission\n    Properties:\n"
        "      Action: lambda:InvokeFunction\n      FunctionName: !Ref AdminFunction\n"
        "      Principal: apigateway.amazonaws.com\n"
        "      SourceArn: !Sub 'arn:aws:execute-api:${AWS::Region}:${AWS::AccountId}:${Http}/*'\n"
        f"  Route:\n    Type: AWS::ApiGatewayV2::Route\n{condition}    Properties:\n"
        "      ApiId: !Ref Http\n      RouteKey: POST /ops\n"
        f"      AuthorizationType: {authorization}\n"
        "      Target: !Sub integrations/${Integration}\n"
    )


def template_exposed() -> Change:
    """Class 2e: class 2a in a SAM template: the route to an integration that names the
    operator function by its name, opened."""
    code: dict[str, str | bytes] = {"admin/app.py": HARMLESS}
    function = operator(role="      FunctionName: ops\n      Role: !GetAtt AdminRole.Arn\n")
    before = HEAD + function + ADMIN_ROLE + template_api("AWS_IAM")
    return {**code, "template.yaml": before}, {
        "template.yaml": HEAD + function + ADMIN_ROLE + template_api("NONE")
    }


# --- 3. a SAM function's properties written elsewhere, by a YAML alias ------------------------

SCHEDULE = (
    "        Nightly:\n          Type: Schedule\n          Properties: {Schedule: rate(1 day)}\n"
)
OPEN = "        Api:\n          Type: HttpApi\n          Properties: {Path: /admin, Method: post}\n"


def carrier(events: str) -> str:
    """A topic whose `Metadata` holds the anchored events (any resource may have it)."""
    return "  Notes:\n    Type: AWS::SNS::Topic\n    Metadata:\n      Events: &events\n" + events


def aliased_events() -> Change:
    """Class 3a: the operator's `Events: *events`; the change rewrites the anchored
    events, in the topic's lines, from a schedule to an open HttpApi route."""
    code: dict[str, str | bytes] = {"admin/app.py": HARMLESS}
    function = operator(events="      Events: *events\n")
    before = HEAD + carrier(SCHEDULE) + function + ADMIN_ROLE
    return {**code, "template.yaml": before}, {
        "template.yaml": HEAD + carrier(OPEN) + function + ADMIN_ROLE
    }


def merged_properties() -> Change:
    """Class 3b: the operator's properties merged from an anchor (`<<: *props`) the
    topic's `Metadata` holds; the change adds an open HttpApi event there."""
    code: dict[str, str | bytes] = {"admin/app.py": HARMLESS}
    function = (
        "  AdminFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      <<: *props\n      CodeUri: admin/\n      Handler: app.handler\n"
        "      Runtime: python3.12\n      Tracing: Active\n"
        "      Role: !GetAtt AdminRole.Arn\n"
    )

    def topic(events: str) -> str:
        return (
            "  Notes:\n    Type: AWS::SNS::Topic\n    Metadata:\n      Props: &props\n"
            "        Description: operator\n" + events
        )

    opened = "        Events:\n  " + OPEN.replace("\n        ", "\n          ")
    before = HEAD + topic("") + function + ADMIN_ROLE
    return {**code, "template.yaml": before}, {
        "template.yaml": HEAD + topic(opened) + function + ADMIN_ROLE
    }


# --- 4. what decides a route, read from outside its properties ------------------------------

OWN_ARN = "!GetAtt AdminFunction.Arn"
CONDITIONS = "Conditions:\n  Never: !Equals ['1', '2']\n  Always: !Equals ['1', '1']\n"
PARAMETERS = "Parameters:\n  RouteAuth:\n    Type: String\n    Default: {default}\n"


def with_head(head: str, resources: str) -> str:
    return HEAD.replace("Resources:\n", head + "Resources:\n") + resources


def deployed_by_condition() -> Change:
    """Class 4a: the open route to the operator function deployed only under a condition
    that is false (`Condition: Never`); the change makes it `Always`."""
    code: dict[str, str | bytes] = {"admin/app.py": HARMLESS}

    def template(condition: str) -> str:
        api = template_api("NONE", OWN_ARN, f"    Condition: {condition}\n")
        return with_head(CONDITIONS, operator() + ADMIN_ROLE + api)

    return {**code, "template.yaml": template("Never")}, {"template.yaml": template("Always")}


def parameter_default() -> Change:
    """Class 4b: the route's `AuthorizationType: !Ref RouteAuth`; the change turns the
    parameter's default from AWS_IAM to NONE."""
    code: dict[str, str | bytes] = {"admin/app.py": HARMLESS}

    def template(default: str) -> str:
        api = template_api("!Ref RouteAuth", OWN_ARN)
        return with_head(PARAMETERS.format(default=default), operator() + ADMIN_ROLE + api)

    return {**code, "template.yaml": template("AWS_IAM")}, {"template.yaml": template("NONE")}


def samconfig_override() -> Change:
    """Class 4c: class 4b's parameter given by `samconfig.toml`'s `parameter_overrides`;
    the change passes NONE instead of AWS_IAM."""
    code: dict[str, str | bytes] = {"admin/app.py": HARMLESS}
    api = template_api("!Ref RouteAuth", OWN_ARN)
    template = with_head(PARAMETERS.format(default="AWS_IAM"), operator() + ADMIN_ROLE + api)

    def samconfig(value: str) -> str:
        return (
            "version = 0.1\n\n[default.deploy.parameters]\n"
            f'stack_name = "ops"\nparameter_overrides = "RouteAuth={value}"\n'
        )

    return {**code, "template.yaml": template, "samconfig.toml": samconfig("AWS_IAM")}, {
        "samconfig.toml": samconfig("NONE")
    }


def route_added_to_template() -> Change:
    """Class 4's plain form: the open route added to the operator function's API."""
    code: dict[str, str | bytes] = {"admin/app.py": HARMLESS}
    api = template_api("NONE", OWN_ARN)
    cut = api.index("  Route:")
    before = HEAD + operator() + ADMIN_ROLE + api[:cut]
    return {**code, "template.yaml": before}, {
        "template.yaml": HEAD + operator() + ADMIN_ROLE + api
    }


# --- 5. a Terraform block whose header the extents do not read as hclsyntax does ------------

GRANTED = (
    '\nresource "aws_lambda_permission" "api" {\n  statement_id = "api"\n'
    '  action = "lambda:InvokeFunction"\n  function_name = "ops"\n'
    '  principal = "apigateway.amazonaws.com"\n'
    '  source_arn = "arn:aws:execute-api:us-east-1:123456789012:a1b2c3d4e5/*"\n}\n'
)
"""A permission for the function named `ops` (by its literal name), to an API of
another stack (open to all, say)."""
LOG_GROUP = (
    'resource "aws_cloudwatch_log_group" "ops" {\n  name = "/aws/lambda/ops"\n'
    "  retention_in_days = 30\n}\n\n"
)
OWN_HEADER = 'resource "aws_lambda_function" "ops" {'
HEADERS = {
    "5a-escaped-label": 'resource "aws_lambda_function" "o\\u0070s" {',
    "5b-indented": '  resource "aws_lambda_function" "ops" {',
    "5c-bare-labels": "resource aws_lambda_function ops {",
    "5d-comment": 'resource /* the operator */ "aws_lambda_function" "ops" {',
}
"""The operator function's header, as Terraform reads it (`aws_lambda_function.ops`)
and `_terraform_extents` does not."""


def renamed_into_grant(header: str) -> Change:
    """The operator function (admin role), after a log group, first named `internal`;
    the change names it `ops`, which the permission grants to another stack's API."""
    cut = OPERATOR.index('resource "aws_apigatewayv2_api"')
    own = OWN_HEADER + '\n  function_name = "ops"'
    at = OPERATOR.index(own)

    def main(name: str) -> str:
        function = OPERATOR[at:cut].replace(own, f'{header}\n  function_name = "{name}"')
        return OPERATOR[:at] + LOG_GROUP + function + GRANTED

    before: dict[str, str | bytes] = {
        "fn.zip": zipped({"app.py": HARMLESS}),
        "main.tf": main("internal"),
    }
    return before, {"main.tf": main("ops")}


def sam_rule_changed() -> Change:
    """Class 2c's change written on a SAM function: its Schedule event made an
    EventBridgeRule event for every event on the bus."""
    code: dict[str, str | bytes] = {"admin/app.py": HARMLESS}
    nightly = "      Events:\n" + SCHEDULE
    any_event = (
        "      Events:\n        Any:\n          Type: EventBridgeRule\n"
        "          Properties:\n            Pattern: {source: [{prefix: ''}]}\n"
    )
    before = HEAD + operator(events=nightly) + ADMIN_ROLE
    return {**code, "template.yaml": before}, {
        "template.yaml": HEAD + operator(events=any_event) + ADMIN_ROLE
    }


PLAIN_CHANGES: dict[str, Change] = {
    "plain-sam-exposed": exposed_change(),
    "plain-sam-rule": sam_rule_changed(),
    "plain-tf-route-opened": route_opened(),
    "plain-sam-route-added": route_added_to_template(),
    "plain-tf-renamed": renamed_into_grant(OWN_HEADER),
}
"""Review 55 class 2b and review 56 class 2a, fixed, and class 2c's change on a SAM
function: the exposure written on the function (SAM) or on a chain the walk follows
(Terraform). Each blocks in diff mode and on a baseline."""
REACH_TRICKS: dict[str, Change] = {
    "2a-literal-uri": terraform_exposed(LITERAL_URI),
    "2b-data-lookup": terraform_exposed("data.aws_lambda_function.ops.invoke_arn", LOOKUP),
    "2c-event-rule": event_rule_changed(),
    "2d-module": module_exposed(),
    "2e-template-by-name": template_exposed(),
}
ALIAS_TRICKS: dict[str, Change] = {
    "3a-aliased-events": aliased_events(),
    "3b-merged-properties": merged_properties(),
}
HEADER_TRICKS: dict[str, Change] = {
    name: renamed_into_grant(header) for name, header in HEADERS.items()
}
DEPLOY_TRICKS: dict[str, Change] = {
    "4a-route-condition": deployed_by_condition(),
    "4b-parameter-default": parameter_default(),
    "4c-samconfig-override": samconfig_override(),
}


@pytest.fixture(scope="module")
def changed(
    tmp_path_factory: pytest.TempPathFactory, grammar_cache: None
) -> Iterator[dict[str, str]]:
    """Every change of classes 2 and 3 and the plain ones, in diff mode and on a
    baseline, as folders of one repository: `main` the merge base (where `gate baseline
    create` runs), `change` the change. One diff-mode run and one `--baseline` run."""
    box = Sandbox(tmp_path_factory.mktemp("changed"))
    every = {**PLAIN_CHANGES, **REACH_TRICKS, **ALIAS_TRICKS, **DEPLOY_TRICKS, **HEADER_TRICKS}
    cases = in_both_modes(every)
    yield changes_judged(box, cases)


def test_the_changes_as_they_end_block(tmp_path: Path) -> None:
    """Each change of classes 2 and 3 as it ends, checked whole: the admin role blocks."""
    each_blocks(
        tmp_path,
        {
            name: (files({**before, **after}), "GATE-IAC-001")
            for name, (before, after) in {
                **REACH_TRICKS,
                **ALIAS_TRICKS,
                **DEPLOY_TRICKS,
                **HEADER_TRICKS,
            }.items()
        },
    )


def test_the_plain_exposures_are_new(changed: dict[str, str]) -> None:
    """Diff mode and a baseline judge each plain change new: it blocks. So does a
    baseline each change of class 3 (the function's identity holds its properties as
    the alias resolves them) and of class 5 (what reaches the function changes), and
    diff mode class 4's changes written in the template (the route's own line,
    Parameters outside every resource): held."""
    plain = {n: o for n, o in changed.items() if n[1:] in PLAIN_CHANGES}
    assert set(plain.values()) == {"blocked"}, plain
    held = {n: o for n, o in changed.items() if n[0] == "b" and n[1:] in ALIAS_TRICKS}
    assert set(held.values()) == {"blocked"}, held
    held = {n: o for n, o in changed.items() if n[0] == "b" and n[1:] in HEADER_TRICKS}
    assert set(held.values()) == {"blocked"}, held
    in_template = ("4a-route-condition", "4b-parameter-default")
    held = {n: o for n, o in changed.items() if n[0] == "d" and n[1:] in in_template}
    assert set(held.values()) == {"blocked"}, held


def test_a_function_reached_otherwise_is_new(changed: dict[str, str]) -> None:
    passed = [n for n, o in changed.items() if n[1:] in REACH_TRICKS and o != "blocked"]
    assert not passed, passed


def test_an_aliased_definition_is_touched(changed: dict[str, str]) -> None:
    passed = [n for n, o in changed.items() if n[1:] in ALIAS_TRICKS and o != "blocked"]
    assert not passed, passed


def test_a_route_opened_by_what_the_deploy_reads_is_new(changed: dict[str, str]) -> None:
    passed = [n for n, o in changed.items() if n[1:] in DEPLOY_TRICKS and o != "blocked"]
    assert not passed, passed


def test_a_function_block_written_otherwise_is_touched(changed: dict[str, str]) -> None:
    passed = [n for n, o in changed.items() if n[1:] in HEADER_TRICKS and o != "blocked"]
    assert not passed, passed
