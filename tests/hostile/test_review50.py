"""A fiftieth hostile review of `gate check`, on review 48's Terraform and Serverless
fixes and what they touch: the packages a Terraform module uploads to S3
(gate.bundle.discovery.terraform `_upload_places`, `_upload_source`, `_enumerated`,
`_packages_under`, `_package_file`, `_could_be_package`, and the module values they read,
gate.bundle.discovery.terraform_values) and the Serverless layer whose location is a
variable (gate.bundle.discovery.serverless `_layer_code`) with the sections beside it.

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off), and the baseline (the
same problem written plainly, in one run) blocks on GATE-SLS-001 (a handler running the
event's command, in `build/evil.zip`), or PYSEC-2018-28 (requests 2.19.0) for 4. In
1-3 the function takes its code from S3 (`s3_key = local.key`, untied, "code in S3", a
warning, as review 48's class 1), or there is no function at all (a function of another
stack deploys the object), and the bundle's upload writes that object from a zip of the
bundle. What lets each through:

1. An unresolved upload excused by a name it writes. `_could_be_package` excuses an
   `aws_s3_object` whose source the gate cannot resolve when its `key`, or its `source`
   *as an expression's text*, ends in a "plainly not a package" extension (`.json`,
   `.html`...). Lambda takes a package from any key (`s3_key = "fn.json"` deploys a zip),
   and the source's text says nothing of the content of the file Terraform reads. The
   upload is neither scanned nor refused, and `build/evil.zip` is "a zip no function or
   layer deploys" (a warning, never unpacked): (a) `key = "fn.json"`, `source =
   format("%s/evil.zip", "build")`; (b) `source = join("/", ["build", "evil.zip"])`;
   (c) `source = "${abspath(path.module)}/build/evil.zip"` (a common idiom); (d)
   `for_each = { a = "build/evil.zip" }`, `source = each.value`, `key =
   "${each.key}.json"`; (e) `for_each = toset(["build/evil.zip"])`, `key = "a.html"`;
   (f) the zip itself named `build/evil.json`, `source =
   "${abspath(path.module)}/build/evil.json"`, `key = "fn.zip"` (no warning at all: the
   file is taken as data); (g) (c) with no function; with `key = "fn.zip"`, a source
   whose *text* ends in a page's name: (h) `var.prod ? "build/evil.zip" :
   "build/page.html"` (`prod` defaults to true); (i) `coalesce("build/evil.zip",
   "build/page.html")`. Each exits 0, where the same
   upload with `source = "build/evil.zip"` (key `fn.zip` or `fn.json`) blocks, and
   `source = "build/evil.json"` written out is refused (a zip not named .zip). Without
   the `.json`/`.html` name, (a)-(e) are refused (held: "needs Terraform to resolve").
2. A zip named as a document. `_package_file` takes a file an upload names as a package
   when it is a `.zip` or a zip by content, *but* one named `.docx|.xlsx|.pptx|.odt|.ods|
   .odp|.epub` (`_DOCUMENT`); Lambda unpacks whatever zip the key holds, whatever its
   name. The resolved upload of `build/evil.docx` (a zip of `app.py`) is neither
   scanned nor refused; the file is only counted in "files no function deploys ... the
   gate does not analyse" (a warning, exit 0 unless `coverage: {not_analysed: fail}`):
   (a) `source = "build/evil.docx"`; (b) `.xlsx`; (c) `for_each = fileset("build",
   "{*.docx,*.zip}")` (through `_enumerated`/`_packages_under`, same test); (d) `.epub`
   with no function. Each exits 0, where the same zip named `build/evil.zip` blocks; a
   layer's or a function's `filename = "build/evil.docx"` is refused (held).
3. A variable's values cut where Terraform's is the last. `ModuleValues`
   (gate.bundle.discovery.terraform_values) lists a variable's default, then the value of
   each `terraform.tfvars` and `*.auto.tfvars` file in name order, and `_resolve` /
   `_substituted` keep the first `MAX_VALUES` (64) of an expression's alternatives
   ("any one wildcard is enough to judge"); Terraform takes the *last* file's value. An
   upload judged by the kept values (`_upload_places`: each resolved, none a package,
   nothing unresolved) is neither scanned nor refused: (a) `source = var.src`, default
   `build/page.html`, 64 `aNN.auto.tfvars` files assigning it again, `zz.auto.tfvars`
   assigning `build/evil.zip`; (b) `source = "build/${var.a}${var.b}"`, 7 decoy files
   and `zz.auto.tfvars` (`a = "evil"`, `b = ".zip"`): 9 x 9 alternatives, the last cut.
   Each exits 0, where the same `zz.auto.tfvars` alone blocks. (A function's
   `filename = var.src` with 64 decoys is refused: that reader does not resolve
   variables; the cut reaches whatever reads `ModuleValues.texts`.)
4. A Serverless `custom` section the gate cannot resolve, read as empty.
   `read_serverless` (gate.bundle.discovery.serverless) reads `custom` through
   `_resolved_or_empty`, which turns the ValueError `mapping_of` raises for a
   `${file(...)}` whose path holds a variable into `{}` ("the reference checks refuse
   what is missing, and the rules resolve the rest"): serverless-python-requirements'
   settings are then none, so the requirements file it installs (`fileName`) is never
   a manifest (`python_requirements`): only "1 files of code the gate does not analyse
   (reqs/prod.txt)", a warning. `custom: ${file(./X/custom.yml)}`, the file holding
   `pythonRequirements: {fileName: reqs/prod.txt}` (requests 2.19.0), with X: (a)
   `${opt:stage, 'dev'}`; (b) `${self:provider.stage}` (`provider.stage: dev`); (c)
   `custom-${sls:stage}.yml`. Each exits 0, where the same settings inline, or from
   `${file(./dev/custom.yml)}` written out, block (PYSEC-2018-28). The same swallow
   hides what the gate refuses in `custom` (`build_programs`): (d) serverless-plugin-
   scripts' `scripts.hooks` (`package:createDeploymentArtifacts: sh tools/build.sh`,
   commands the deploy runs while it builds the package); (e) serverless-python-
   requirements' `cacheLocation: ./.pipcache` (cached packages installed in place of
   the requirements): each exits 0 from the unresolved file, where written inline
   each is refused (exit 2, run by hand: "custom.scripts.hooks, commands which the
   deploy runs ...", "pythonRequirements.cacheLocation ..."). (The same variable one
   level down, `pythonRequirements: ${file(...):pythonRequirements}`, is refused: held.
   With `vendor: node_modules/vend` in the unresolved file, B605 blocked: something
   else scanned it.)
5. A CloudFormation stack a Terraform module deploys. `aws_cloudformation_stack` (and
   `aws_cloudformation_stack_set`) deploys its `template_body`, and nothing of the gate
   knows either resource (no hit in gate/): `read_terraform`
   (gate.bundle.discovery.terraform) reads only functions, layers, archives and
   uploads, and the CloudFormation reader runs only on a file discovery finds by its
   name and place (gate.bundle.discovery.read `_candidates`). The template's function,
   inline `ZipFile` code running the event's command, is never read, where the same
   template as `stack.yaml` (read on its own) blocks (GATE-SLS-001): (a) `template_body
   = file("stack.tpl")`; (b) `templatefile("stack.tpl", {})`; (c) (a) in an
   `aws_cloudformation_stack_set`; (d) `file("node_modules/stack.yaml")` (a folder the
   gate skips: no warning at all); (e) a heredoc in the `.tf` file; (f) `jsonencode({...})`
   of the template as HCL. Each exits 0 ((a)-(c): "1 files of code the gate does not
   analyse (stack.tpl)", a warning; (d)-(f): nothing).

Suggested fixes, by class. 1, drop the key from `_could_be_package` (an S3 key's name
says nothing of what Lambda deploys from it) and judge the source by the files it can
name, not its text: an upload whose source the gate cannot resolve is refused unless
it is literal `content` (or, at most, unless every file of the bundle it could name -
by the extension of a literal tail - is plainly no zip by content); equivalently, once
any upload of a module is unresolved, take every zip by content of the bundle as
deployed (scan it, refuse it when not named .zip). 2, drop `_DOCUMENT` from
`_package_file`: a zip by content that an upload writes is a package whatever its name
(refused when not named `.zip`, as a layer's is), or read a document's zip for
`[Content_Types].xml`/`mimetype` before excusing it. 3, never cut silently: when an
expression has more alternatives than the cap, say so (an `Unresolved`) and have each
reader refuse it, or keep the value Terraform takes (the last tfvars file's, else the
default) first, and the whole product of those. 4, refuse a `custom` (and `resources`,
`package`, every section `read_serverless` reads) that the gate cannot resolve when a
plugin that reads `custom` is listed (serverless-python-requirements, the script
plugins), as `mapping_of` refuses `pythonRequirements` itself; `_resolved_or_empty`
should be kept for sections nothing of discovery depends on. The same swallow in
`resources` silences `_refuse_overrides` (not tried: no harmful override found in time).
5, read an `aws_cloudformation_stack`'s / `_stack_set`'s `template_body` as a template:
a `file()`/`templatefile()` of the bundle through the CloudFormation reader whatever
its name or folder (the reference kind "template"), a literal heredoc or `jsonencode`
parsed in place; refuse one the gate cannot resolve (and `template_url`, code elsewhere,
warned); more generally, refuse a Terraform resource that deploys IaC or code the
readers do not know (`aws_serverlessapplicationrepository_cloudformation_stack`,
`aws_cloudformation_stack*`, `aws_lambda_*` beyond the function and layer).

Also tried, and the gate held: the same tricks with a function whose literal `s3_key`
names the upload's key (tied: refused, "its code is at ... needs Terraform to resolve",
or "a zip in the code of function" for the `.docx`); `fileset("${path.module}/../x/build",
"*")` (`..`: refused); `source = "${path.root}/build/evil.zip"` with `key =
"index.html"` (resolved, blocks); `count = 1`, `source = local.zips[count.index]`
(blocks); a zip written out as `build/evil.json` (refused); a layer's or a function's
`filename` naming a `.docx` zip (refused); Serverless: a function's and a layer's
`package.artifact: build/evil.docx` (refused), `layers: ${file(./layers.yml)}` with a
`${self:...}` path in the included file (refused); `terraform.tfvars.json` naming the zip
(refused: JSON syntax); a `.bin` symlink to a zip (refused; a `.docx` one is class 2);
a fileset loop over `build/` holding a symlink to a folder with the zip (blocks); a
child module's upload whose caller's `source` is `./up`, `./up/` or `./build/../up`
(refused: the caller's variable); Serverless `resources: ${file(./${opt:stage,
'dev'}/res.yml)}` (and `${self:provider.stage}`) defining an `AWS::Lambda::Function`
with inline `ZipFile` code (blocks: the rules' resolver reads it, as review 12's);
CloudFormation's own nested stacks, the contrast to class 5: `AWS::CloudFormation::Stack`
`TemplateURL: nested.tpl`, `AWS::Serverless::Application` `Location: nested.tpl`
(refused: "a template checkov does not read by its name"), `TemplateURL:
node_modules/n.yaml` (refused: a folder the gate ignores).

Limits (not bypasses): a root module's variable default is taken as its value; a
`prod.tfvars` of the bundle a deploy passes by `-var-file` is the deployer's choice
(README: "a variable the caller sets ... is the deployer's").

Not covered: `content_base64 = base64encode(templatefile(...))` of a zip (Terraform
fails on a non-UTF-8 template: not a real deploy); uploads in a child module with the
caller's `key`; `aws_s3_object_copy`; serverless-python-requirements `layer: true`
beyond a glance; `${self:...}` in a Serverless `handler` (the service folder is scanned
whatever the handler); diff mode, baselines, shards, `--policy-ref`, the cache. No
`terraform apply` ran (not here): class 1 rests on Terraform evaluating `format`,
`join`, `abspath`, `for_each` maps and sets as documented, class 2 on Lambda taking a
package from any S3 key.

Fixed, classes 1 and 2 (gate.bundle.discovery.terraform). 1, an unresolved upload named
as a page or data is no longer taken at its name: every package of the bundle is then
scanned as what it may write (`read_terraform`, `_packages_under`); `content`, which
Terraform holds to UTF-8 text, is never a package (`_upload_source`). 2, a zip an upload
writes is a package whatever its name, a document's too (`_package_file`), and refused
unless named `.zip`. 3, past MAX_VALUES the last value stands for the rest, unresolved
(gate.bundle.discovery.terraform_values `_capped`), so what is left out is refused,
never dropped. 4, a `custom` section the gate cannot resolve is refused where the
service lists a plugin (gate.bundle.discovery.serverless `_custom`).

Fixed, class 5 (gate.bundle.discovery.terraform_stacks `read_stacks`): a stack's
`template_body` read from a file of the bundle (`file()`, `templatefile()` with nothing to
render) is a reference of kind `template`, refused as a nested stack's is when no reader
takes the file (its name, an ignored folder); one only Terraform locates or renders is
refused; one written inline is refused when it declares code or access (functions,
layers, roles, nested stacks, transforms), else warned as not scanned.
"""

from __future__ import annotations

from pathlib import Path

from tests.hostile.conftest import (
    RUNS_EVENT,
    Layout,
    each_blocked_or_refused,
    each_blocks,
    files,
    zipped,
)

EVIL = zipped({"app.py": RUNS_EVENT})
FUNCTION = (
    'resource "aws_lambda_function" "fn" {\n  function_name = "orders"\n'
    '  role = "arn:aws:iam::123456789012:role/orders"\n  runtime = "python3.12"\n'
    '  handler = "app.handler"\n  s3_bucket = "bkt"\n  s3_key = local.key\n}\n'
)


def untied(key: str) -> str:
    """A function taking its code from S3 by a key the gate does not tie to an upload."""
    return f'locals {{\n  key = "{key}"\n}}\n' + FUNCTION


def upload(source: str, key: str = '"fn.zip"', more: str = "") -> str:
    return (
        f'resource "aws_s3_object" "code" {{\n{more}  bucket = "bkt"\n  key = {key}\n'
        f"  {source}\n}}\n"
    )


def terraform(main: str, zip_name: str = "build/evil.zip") -> Layout:
    return files({"main.tf": main, zip_name: EVIL})


ABSPATH = 'source = "${abspath(path.module)}/build/evil.zip"'

# --- 1. an unresolved upload excused by the name it writes -----------------------------------

NAMED: dict[str, Layout] = {
    "1a-format-key-json": terraform(
        untied("fn.json") + upload('source = format("%s/evil.zip", "build")', '"fn.json"')
    ),
    "1b-join-key-json": terraform(
        untied("fn.json") + upload('source = join("/", ["build", "evil.zip"])', '"fn.json"')
    ),
    "1c-abspath-key-json": terraform(untied("fn.json") + upload(ABSPATH, '"fn.json"')),
    "1d-for-each-map-key-json": terraform(
        untied("a.json")
        + upload(
            "source = each.value",
            '"${each.key}.json"',
            '  for_each = { a = "build/evil.zip" }\n',
        )
    ),
    "1e-for-each-set-key-html": terraform(
        untied("a.html")
        + upload("source = each.value", '"a.html"', '  for_each = toset(["build/evil.zip"])\n')
    ),
    "1f-zip-named-json-by-abspath": terraform(
        untied("fn.zip") + upload('source = "${abspath(path.module)}/build/evil.json"'),
        "build/evil.json",
    ),
    "1g-abspath-key-json-no-function": terraform(upload(ABSPATH, '"fn.json"')),
    "1h-conditional-ending-html": files(
        {
            "main.tf": 'variable "prod" {\n  default = true\n}\n'
            + untied("fn.zip")
            + upload('source = var.prod ? "build/evil.zip" : "build/page.html"'),
            "build/evil.zip": EVIL,
            "build/page.html": "<html></html>\n",
        }
    ),
    "1i-coalesce-ending-html": files(
        {
            "main.tf": untied("fn.zip")
            + upload('source = coalesce("build/evil.zip", "build/page.html")'),
            "build/evil.zip": EVIL,
            "build/page.html": "<html></html>\n",
        }
    ),
}

# --- 2. a zip named as a document -------------------------------------------------------------

DOCUMENTS: dict[str, Layout] = {
    "2a-docx": terraform(
        untied("fn.zip") + upload('source = "build/evil.docx"'), "build/evil.docx"
    ),
    "2b-xlsx": terraform(
        untied("fn.zip") + upload('source = "build/evil.xlsx"'), "build/evil.xlsx"
    ),
    "2c-fileset-docx": terraform(
        untied("fn.zip")
        + upload(
            'source = "build/${each.value}"',
            '"${each.value}"',
            '  for_each = fileset("build", "{*.docx,*.zip}")\n',
        ),
        "build/evil.docx",
    ),
    "2d-epub-no-function": terraform(upload('source = "build/evil.epub"'), "build/evil.epub"),
}


# --- 3. the value Terraform takes, past the gate's cap on a variable's values ----------------

PAGE = "<html></html>\n"
CHOSEN = (
    'variable "src" {\n  default = "build/page.html"\n}\n'
    + untied("fn.zip")
    + upload("source = var.src")
)
PARTS = (
    'variable "a" {\n  default = "page"\n}\nvariable "b" {\n  default = ".html"\n}\n'
    + untied("fn.zip")
    + upload('source = "build/${var.a}${var.b}"')
)


def tfvars(main: str, decoys: int, decoy: str, last: str) -> Layout:
    """`main`, `build/evil.zip`, a page, `decoys` auto-loaded variable files assigning
    `decoy`, and the one Terraform loads last (`zz.auto.tfvars`) assigning `last`."""
    written: dict[str, str | bytes] = {"main.tf": main, "build/evil.zip": EVIL}
    written |= {"build/page.html": PAGE, "zz.auto.tfvars": last}
    written |= {f"a{i:02}.auto.tfvars": decoy for i in range(decoys)}
    return files(written)


CAPPED: dict[str, Layout] = {
    "3a-sixty-four-decoys": tfvars(
        CHOSEN, 64, 'src = "build/page.html"\n', 'src = "build/evil.zip"\n'
    ),
    "3b-a-product-past-the-cap": tfvars(
        PARTS, 7, 'a = "page"\nb = ".html"\n', 'a = "evil"\nb = ".zip"\n'
    ),
}


# --- 5. a CloudFormation stack a Terraform module deploys ------------------------------------

STACK = (
    "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Evil:\n"
    "    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n"
    "      Handler: index.handler\n      Role: arn:aws:iam::123456789012:role/x\n"
    "      Code:\n        ZipFile: |\n          import os\n"
    "          def handler(event, context):\n              os.system(event['cmd'])\n"
)


def stack(body: str, kind: str = "aws_cloudformation_stack", **written: str) -> Layout:
    """A module deploying one CloudFormation stack whose template is `body`."""
    main = f'resource "{kind}" "s" {{\n  name = "s"\n  template_body = {body}\n}}\n'
    return files({"main.tf": main, **written})


STACKS: dict[str, Layout] = {
    "5a-file-tpl": stack('file("stack.tpl")', **{"stack.tpl": STACK}),
    "5b-templatefile": stack('templatefile("stack.tpl", {})', **{"stack.tpl": STACK}),
    "5c-stack-set": stack(
        'file("stack.tpl")', "aws_cloudformation_stack_set", **{"stack.tpl": STACK}
    ),
    "5d-skipped-folder": stack(
        'file("node_modules/stack.yaml")', **{"node_modules/stack.yaml": STACK}
    ),
    "5e-heredoc": stack("<<-EOT\n" + STACK + "EOT"),
    "5f-jsonencode": stack(
        "jsonencode({\n    Resources = {\n      Evil = {\n"
        '        Type = "AWS::Lambda::Function"\n        Properties = {\n'
        '          Runtime = "python3.12"\n          Handler = "index.handler"\n'
        '          Role = "arn:aws:iam::123456789012:role/x"\n'
        '          Code = { ZipFile = "import os\\ndef handler(event, context):'
        "\\n    os.system(event['cmd'])\\n\" }\n"
        "        }\n      }\n    }\n  })"
    ),
}

# --- 4. a Serverless `custom` section the gate cannot resolve --------------------------------

SERVICE = (
    "service: orders\nprovider:\n  name: aws\n  runtime: python3.12\n  stage: dev\n"
    "plugins:\n  - serverless-python-requirements\n  - serverless-plugin-scripts\n{custom}\n"
    "functions:\n  orders:\n    handler: app.handler\n"
)
SETTINGS = "pythonRequirements:\n  fileName: reqs/prod.txt\n"


def service(custom: str, settings: str = SETTINGS) -> Layout:
    """A service whose serverless-python-requirements installs `reqs/prod.txt`
    (requests 2.19.0) by `settings`, its `custom` section as `custom`."""
    return files(
        {
            "serverless.yml": SERVICE.format(custom=custom),
            "app.py": "def handler(event, context):\n    return {'ok': True}\n",
            "reqs/prod.txt": "requests==2.19.0\n",
            "dev/custom.yml": settings,
            "custom-dev.yml": settings,
        }
    )


BY_STAGE = "custom: ${file(./${opt:stage, 'dev'}/custom.yml)}"
HOOKS = "scripts:\n  hooks:\n    'package:createDeploymentArtifacts': sh tools/build.sh\n"
CACHE = "pythonRequirements:\n  cacheLocation: ./.pipcache\n  useStaticCache: true\n"


CUSTOM: dict[str, Layout] = {
    "4a-opt-stage": service("custom: ${file(./${opt:stage, 'dev'}/custom.yml)}"),
    "4b-self-provider-stage": service("custom: ${file(./${self:provider.stage}/custom.yml)}"),
    "4c-sls-stage": service("custom: ${file(./custom-${sls:stage}.yml)}"),
    "4d-build-hooks": service(BY_STAGE, HOOKS),
    "4e-cache-location": service(BY_STAGE, CACHE),
}


def test_the_plain_forms_block(tmp_path: Path) -> None:
    """Each problem written plainly blocks, in one run: the upload's literal `.zip`,
    under a `.zip` key and under a `.json` key (1, 2), and with no function (1g, 2d); the
    variable file Terraform loads last naming it, without the decoys (3)."""
    cases = {
        "upload-literal": (
            terraform(untied("fn.zip") + upload('source = "build/evil.zip"')),
            "GATE-SLS-001",
        ),
        "upload-literal-key-json": (
            terraform(untied("fn.json") + upload('source = "build/evil.zip"', '"fn.json"')),
            "GATE-SLS-001",
        ),
        "upload-literal-no-function": (
            terraform(upload('source = "build/evil.zip"', '"fn.json"')),
            "GATE-SLS-001",
        ),
        "stack-template-yaml": (
            stack('file("stack.yaml")', **{"stack.yaml": STACK}),
            "GATE-SLS-001",
        ),
        "custom-inline": (
            service("custom:\n  " + SETTINGS.replace("\n ", "\n   ")),
            "PYSEC-2018-28",
        ),
        "custom-from-a-file": (service("custom: ${file(./dev/custom.yml)}"), "PYSEC-2018-28"),
        "tfvars-last-no-decoys": (
            tfvars(CHOSEN, 0, "", 'src = "build/evil.zip"\n'),
            "GATE-SLS-001",
        ),
        "tfvars-product-no-decoys": (
            tfvars(PARTS, 0, "", 'a = "evil"\nb = ".zip"\n'),
            "GATE-SLS-001",
        ),
    }
    each_blocks(tmp_path, cases)


def test_what_the_module_uploads_is_scanned_or_refused(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, {**NAMED, **DOCUMENTS})


def test_what_terraform_deploys_is_read_or_refused(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, STACKS)


def test_what_terraform_evaluates_and_plugins_read_is_read_or_refused(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, {**CAPPED, **CUSTOM})
