"""A fifty-second hostile review of `gate check`, on review 51's fixes: the CloudFormation
stacks a Terraform module deploys (gate.bundle.discovery.terraform_stacks `read_stacks`,
`_template`, `_inline`, `_renders`), the Cloud Control provider (terraform `_as_aws`,
`_written`, `_refuse_unread`), pbr (gate.bundle.manifests.pbr `runs_pbr`,
`pbr_requirements`; declared `read_pbr_projects`) and setup.py read as a declaration or
as build code (declared `read_setup_py`, `_build_code`, `_own_module`), and review 51
class 1's fix for layers the staged copy lacks (`_refuse_absent`, `brings_back`).

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off), with no finding of any
kind (class 3: one warning, "not scanned"), and the baseline (the same problem written
plainly, in one run) blocks on GATE-SLS-001 (a handler running the event's command),
B602 (bandit: a shell command) or PYSEC-2018-28 (requests 2.19.0, high). Class 2 was
also built for real: `pip install --dry-run --report` of the function's folder (pip,
build isolation, setuptools and pbr 7.1.3 from the package index, PBR_VERSION=1.0.0)
reports `Requires-Dist: requests==2.19.0` for (a), (b) and (c), and so does class 4's
(a) and (c). What lets each through:

1. A stack template joined from a file the gate reads and text it never sees. HCL lets a
   function call end in a trailing comma (hclsyntax spec: `Arguments = Expression (","
   Expression)* ("," | "...")?`), and python-hcl2 keeps the text of an interpolation
   inside a quoted string as written, so `template_body = "${file("stack.yaml",)}..."`
   reaches `_template` (gate.bundle.discovery.terraform_stacks) with its comma. `_READ`
   (`\\$\\{(file|templatefile)\\((?:"([^"]*)"|...)(,.*)?\\)\\}`, DOTALL, `fullmatch`)
   then takes everything from that comma to the text's last `)}` as `file`'s further
   arguments, which it never looks at for `file` (only `templatefile`'s are judged, by
   `_renders`): the whole `template_body` is read as the one file `stack.yaml`, a
   reference of kind `template`, and whatever follows is deployed unread. `stack.yaml`
   (an SNS topic) is scanned and clean; the text after it adds, under the same
   `Resources:`, an `AWS::Lambda::Function` whose `ZipFile` runs the event's command.
   (a) `"${file("stack.yaml",)}${file("more.yaml",)}"` (`more.yaml`, an indented
   mapping, is no template: not read as IaC); (b) the rest as
   `${base64decode("...")}`, no second file; (c) the path through a local,
   `${file(local.template,)}...`; (d) the YAML written literally between
   `${file("stack.yaml",)}` and a closing `${chomp("")}`; (e) the same as (a) in an
   `awscc_cloudformation_stack`; (f) in an `aws_cloudformation_stack_set`. Each exits 0,
   no finding, no warning of the stack, where `template_body = file("stack.yaml")` of
   the whole template blocks (GATE-SLS-001), and where the same join without the comma
   (`"${file("stack.yaml")}${file("more.yaml")}"`) is refused ("an expression only
   Terraform evaluates": held), as is `templatefile("stack.yaml", {})` followed by
   anything (`_renders` sees the tail as variables: refused, held).

2. pbr's setup hooks. pbr (7.1.3, `setupcfg.cfg_to_args`) imports and runs every
   function named by `setup_hooks` (or `setup-hooks`) in `setup.cfg`'s `[global]`
   section, with the parsed configuration, before it turns `[metadata] requires_dist`
   into `install_requires`: a hook of the project's own (`hooks.py` beside setup.py:
   `config['metadata']['requires_dist'] = 'requests==2.19.0'`) sets the dependencies.
   The gate reads the `setup.cfg` of a pbr project as a static declaration (declared
   `_setup_cfg_values`, `_pbr_keys`; `read_pbr_projects` adds pbr's requirements files)
   and never looks at `[global]`; the setup.py
   (`setuptools.setup(setup_requires=['pbr'], pbr=True)`) is a plain declaration to
   `_build_code`. So the hook's code sets what is installed, and the gate reports nothing, not even
   GATE-DEP-001 ("only the build knows them"), which it owes a Hatch hook (`code_hooks`)
   or a pdm-backend hook (`_pdm_hook`): (a) `setup_hooks = hooks.pin`; (b) `setup-hooks
   =` on its own line, the hook on the next (pbr reads `-` as `_`, `split_multiline`);
   (c) a pyproject-built project (`build-backend = "pbr.build"`, `[files] packages_root
   = .`, which pbr puts on `sys.path` for the hook). Each exits 0 with no finding, where
   `requires_dist = requests==2.19.0` in `[metadata]` blocks (PYSEC-2018-28). `[global]
   commands` (pbr's `cmdclass`, imported by `resolve_name`) also runs the project's
   code, but pbr appends its own `egg_info` after it: no trick built on it.

3. Values Terraform inserts into an inline template after the gate judged it. An inline
   `template_body` (a heredoc) may hold interpolations `_REFERENCE_ONLY`
   (terraform_stacks) takes as naming a value that "computes nothing", so the text is
   judged as YAML with them in it; ModuleValues `texts` (terraform_values `_substituted`)
   first writes in the locals and variables it knows, as their HCL source text:
   python-hcl2 leaves a quoted string's escapes as written, so a `\\n` is two
   characters to the gate and a line break to Terraform. A value that begins with a line
   break then ends the line it is inserted on, and what follows it is read by
   CloudFormation as more of the template: an `AWS::Lambda::Function` under the same
   `Resources:`, its `ZipFile` running the event's command. Where the gate reads it, the
   whole value sits in a YAML comment or a block scalar (i); where it does not resolve
   the reference at all (a data source, a resource's attribute), the interpolation
   itself is a plain scalar or a comment (ii). `_inline` then sees only the SNS topic,
   warns it "not scanned" and passes: (a) `# ${var.extra}`, the variable's default
   `"\\n  Fn: ..."`; (b) the same through a local; (c) a variable with no default, set in
   the bundle's `terraform.tfvars`, inserted in a block scalar (`Note: |`) of the
   topic's `Metadata`; (d) `# ${data.local_file.extra.content}`, the file `extra.txt`
   of the bundle; (e) `Endpoint: ${data.local_file.extra.content}` of an SNS
   subscription (the very shape the reader allows, `${var.email}`), the file
   `ops@example.com` then the function; (f) the same from a `terraform_data`'s
   `output`, its `input` a heredoc; (g) (b) in an `awscc_cloudformation_stack`. Each
   exits 0 with one warning ("its resources (AWS::SNS::Topic) are not scanned"), where
   the same function written in the heredoc is refused ("written inline and declares
   AWS::Lambda::Function") and read from `stack.yaml` blocks (GATE-SLS-001).

4. pbr named by a keyword the gate does not see as pbr. `runs_pbr`
   (gate.bundle.manifests.pbr) decides whether pbr builds a project by a regex on the
   setup.py's text, `\\bpbr\\b`, or a `build-backend` starting `pbr`. Python reads an
   identifier under NFKC, so `setuptools.setup(setup_requires=['PBR'], pbr=True)` with
   `pbr` written in fullwidth letters (U+FF50 U+FF42 U+FF52) passes setuptools the
   keyword `pbr`, which pbr's `distutils.setup_keywords` entry point answers; the
   package name `PBR` is pbr to pip (names are case-insensitive). The regex sees
   neither, so `read_pbr_projects` skips the project, pbr's own files are read as pip
   reads them or not at all, and review 51 class 2 is open again (`_build_code` takes
   the call for a plain declaration): (a) `tools/pip-requires` pinning requests 2.19.0
   (counted "code the gate does not analyse", a warning); (b) the keyword in
   mathematical bold (U+1D429 U+1D41B U+1D42B, NFKC `pbr` too); (c) pbr from
   `[build-system] requires = ["PBR>=6", ...]` with setuptools' own backend, no
   `setup_requires`; (d) `requirements.txt` with `six==1.16.0 # pinned \\` then the pin
   (pip: one line, the pin a comment; pbr: two). Each exits 0 with no finding, where the
   same project with `pbr=True` written plainly blocks (PYSEC-2018-28). (A UTF-7 coding
   cookie spelling `pbr` as `+AHAAYgBy-`: refused, the gate parses setup.py as UTF-8:
   held.)

5. A layer folder in a build's output folder: only its Python is brought back. Review 51
   class 1's fix (on main since 381f56f, merged here) refuses a layer's or upload's
   package the staged copy lacks unless the staging brings it back (`_refuse_absent`,
   gate.bundle.discovery.bundle, asking `brings_back`, gate.bundle.staging.imports), and
   a tied layer is settled as before. For a layer whose place is a *folder* in a folder
   the copy leaves out as a build's output (`.serverless/`, `cdk.out/`), `brings_back`
   answers for the whole folder as soon as one file of it is one `_deployable` yields (a
   dependency tree's file, or what Python imports), and `bring_back_code` restores those
   files only: whatever else the folder deploys stays out of the copy, neither scanned
   nor refused nor counted. What is left out: (a) a Lambda extension, `extensions/evil`,
   Python by its shebang (no `.py`), running a shell command (Lambda runs every file of
   `/opt/extensions` beside any runtime), the layer also holding `python/helper.py`; (b)
   the same in `cdk.out/`; (c) the same layer tied to no function; (d) requests 2.19.0
   installed in the layer's `python/` (its `.dist-info` with a RECORD proving it): the
   module is brought back as Python, the `.dist-info` is not, so nothing audits the
   version; (e) (d) in `cdk.out/`, the layer tied to no function; (f) (d) as a
   Serverless Framework layer (`layers: deps: path: .serverless/layer`); (g) (a) as a
   Serverless layer in `cdk.out/`. Each exits 0 with no finding and no warning, where
   the same layer at `layer/` blocks (B602 for the extension, PYSEC-2018-28 for the
   package). In `.hg/`, `node_modules/` or a `__pycache__/` the same layer blocks (held:
   their files are brought back, or the folder read), and a function's own `CodeUri` in
   `.serverless/` is refused (held).

Suggested fixes, by class. 1, read a `template_body` as one file only when it is exactly
one call of `file` (or `templatefile`) with exactly one (or two) arguments: parse the
interpolation (python-hcl2's own expression tree, or a regex that allows only an
optional `,` and whitespace before `)}` for `file`, and a balanced map for
`templatefile`), never `(,.*)?`; anything else, a trailing text included, is "an
expression only Terraform evaluates" and refused, as the join without the comma is
already. 2, in a project pbr builds (`runs_pbr`), report as dynamic dependencies
(GATE-DEP-001, as `code_hooks` does for Hatch) a `setup.cfg` whose `[global]` names
`setup_hooks`/`setup-hooks` (other than `pbr.hooks.setup_hook`) or `commands`, or refuse
it; both run code of the bundle at build time. Fixed that way, class 2 exits 0 with a
finding under this harness's policy (the stated limit for dependencies only the build
knows), so its test asks only that the gate blocks, refuses or reports GATE-DEP-001. 3,
judge an inline template only once every interpolation in it is written as Terraform's
value: undo the HCL escapes of each local's, variable's and tfvars value before
`_substituted` writes it in (as `_literal` in terraform.py does for inline code), and
refuse any interpolation left that the gate cannot resolve, or whose value holds a line
break or is not a plain scalar's whole value: the warned case should be a template whose
every interpolation is a resolved, one-line scalar. The same unescaping belongs wherever
a quoted string's text is judged (a quoted `template_body` itself; see "Not covered").
4, decide `runs_pbr` from what Python and pip read: the setup() call's keywords from the
syntax tree (`ast` gives `keyword.arg` normalised, `pbr`), and any `setup_requires` or
`[build-system] requires` entry whose name, canonicalised (PEP 503), is `pbr`; or read
every project's `requirements.txt` and `tools/pip-requires` the pbr way too, whether or
not it names pbr (reading more only reports more, as `runs_pbr` says); and count a
non-ASCII identifier in a setup.py as build code. 5, bring back a deployed layer folder
whole: every file the bundle holds under a layer's (or upload's, or function's) place in
a left-out folder, whatever its kind, as the function's own code would be copied, so the
scanners and the accounting see it (an extension counted or scanned, a `.dist-info`
audited); or make `brings_back` answer for a folder only when *every* file the bundle
holds under it is one `_deployable` yields, and refuse the place otherwise, as
`_refuse_absent` refuses a missing zip.

Also tried, and the gate held: an `awscc_lambda_function` whose runtime is a variable
(no default, or a default a `terraform.tfvars` overrides to python3.12): blocks; one in
`.tf.json` (refused: Terraform JSON is not read); for 3, the same inserted value as a
scalar's value (`Endpoint: ${var.extra}`, refused: the two-character `\\n` left the YAML
unreadable, so the gate fails closed by chance) and a local written as a heredoc (real
line breaks: refused, "declares AWS::Lambda::Function"); Terraform paths written with
escapes (`filename = ".serverles\\u0073/fn.zip"`,
`file(".serverles\\u0073/stack.yaml")`: the backslash is read as a separator, refused
"not in the bundle"); a setup.py importing a package of the project's folder that the
staged copy leaves out (`import __pycache__`, `import node_modules`, `import __MACOSX`,
each with an `__init__.py` that patches `setuptools.dist.Distribution`): reported
GATE-DEP-001 (`_own_module` sees the folder); `template_body` as `join("", [file(...),
file(...)])` or `format("%s%s", ...)` (refused); `file("stack.yaml",)` as a bare
expression (python-hcl2 drops the comma: read as the file, the same text).

Limits, not bypasses: a hook or command of pbr from a package `[build-system] requires`
installs (code outside the bundle); pbr's `PBR_REQUIREMENTS_FILES` (the runner's
environment).

Not covered: `_packages_under` and a fileset loop over a left-out folder (the fix of
381f56f) beyond class 5; Terraform layers for class 5 (an archive_file of a left-out
folder); `awscc_lambda_layer_version` and awscc code objects given through `merge()` or
modules beyond reading; diff mode, `--policy-ref`, shards, the cache; a `template_body`
written as one quoted string whose escapes (`\\u0027`, `\\n`) make the gate's text and
Terraform's differ (one attempt, a flow-style template, left unfinished); pbr's
`[global] commands` (not run). No `terraform apply` or deploy ran: class 1 rests on the
HCL spec's trailing comma (python-hcl2 parses it) and CloudFormation deploying the
joined text, class 3 on Terraform inserting a value's text as is into a heredoc
template, class 5 on `sam build`/`serverless package` zipping a layer folder whole and
Lambda running `/opt/extensions` (the extension's exec bit is not set in the test
bundle; the gate's reading does not depend on it).

Fixed, classes 1 and 3 (gate.bundle.discovery.terraform_stacks). 1, `_READ` takes a
template read whole from one file and nothing else (one path, a flat map for
`templatefile`, a trailing comma): any other text with an interpolation is refused. 3,
`template_body` is followed through whole references only (ModuleValues `whole`), never
with values written into its text, and a heredoc holding any interpolation is refused:
what Terraform inserts may hold resources of its own (`jsonencode` writes each value as a
string, so it is read as written).

Fixed, classes 2 and 4 (gate.bundle.manifests.pbr, declared). 2, in a project pbr
builds, each `[global] setup_hooks` (`setup-hooks`, any case) or `commands` of its
`setup.cfg` naming code other than pbr's own is reported as dynamic dependencies
(GATE-DEP-001) at its line (`pbr_code_settings`, declared `_read_pbr_code`). 4,
`runs_pbr` judges the setup.py as Python reads it, its text under NFKC and its string
literals with their escapes undone, in any case (`_names_pbr`), and `[build-system]
requires` by each entry's canonical name (`_is_pbr`).

Fixed, class 5 (gate.bundle.staging.imports). A deployed folder (a layer's, a Python
function's code) that lies in a folder the copy left out is brought back whole
(`_whole_folder`, first of `_deployable`), each file as the copy copies the same folder
elsewhere (gate.bundle.staging.copy `left_out_within`: a nested `__pycache__` or resource
fork stays out, judged as it is there), so an extension is scanned or counted and a
`.dist-info` audited; `brings_back` answers from the same `_deployable`, and what the copy
refuses on its own (sourceless bytecode, a link leaving the bundle) stays refused.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    CHEAP_POLICY,
    HARMLESS,
    RUNS_EVENT,
    SAM,
    Batch,
    Layout,
    each_blocks,
    files,
)

VULNERABLE = "requests==2.19.0"

# --- 1. a stack template joined from a file the gate reads and text it never sees ------------

ROLE = "arn:aws:iam::123456789012:role/orders"
TOPIC = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n"
FUNCTION = (
    "  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Runtime: python3.12\n"
    f"      Handler: index.handler\n      Role: {ROLE}\n      Code:\n        ZipFile: |\n"
    + "".join(f"          {line}\n" if line else "\n" for line in RUNS_EVENT.splitlines())
)
"""More resources of the same `Resources:`, indented to follow `TOPIC`'s text."""
ENCODED = base64.b64encode(FUNCTION.encode()).decode()
ESCAPED = FUNCTION.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def stack(template_body: str, kind: str = "aws_cloudformation_stack", more: str = "") -> str:
    return f'{more}resource "{kind}" "s" {{\n  name = "s"\n  template_body = {template_body}\n}}\n'


JOINED = '"${file("stack.yaml",)}${file("more.yaml",)}"'

JOINED_TEMPLATES: dict[str, Layout] = {
    "1a-file-trailing-comma-then-file": files(
        {"main.tf": stack(JOINED), "stack.yaml": TOPIC, "more.yaml": FUNCTION}
    ),
    "1b-file-trailing-comma-then-base64": files(
        {
            "main.tf": stack(f'"${{file("stack.yaml",)}}${{base64decode("{ENCODED}")}}"'),
            "stack.yaml": TOPIC,
        }
    ),
    "1c-file-of-a-local-trailing-comma": files(
        {
            "main.tf": stack(
                f'"${{file(local.template,)}}${{base64decode("{ENCODED}")}}"',
                more='locals {\n  template = "stack.yaml"\n}\n',
            ),
            "stack.yaml": TOPIC,
        }
    ),
    "1d-file-trailing-comma-then-literal-yaml": files(
        {
            "main.tf": stack(f'"${{file("stack.yaml",)}}{ESCAPED}${{chomp("")}}"'),
            "stack.yaml": TOPIC,
        }
    ),
    "1e-awscc-stack": files(
        {
            "main.tf": stack(JOINED, kind="awscc_cloudformation_stack"),
            "stack.yaml": TOPIC,
            "more.yaml": FUNCTION,
        }
    ),
    "1f-stack-set": files(
        {
            "main.tf": stack(JOINED, kind="aws_cloudformation_stack_set"),
            "stack.yaml": TOPIC,
            "more.yaml": FUNCTION,
        }
    ),
}

# --- 2. pbr's setup hooks --------------------------------------------------------------------

PBR_STUB = "import setuptools\n\nsetuptools.setup(setup_requires=['pbr'], pbr=True)\n"
PBR_BACKEND = (
    '[build-system]\nrequires = ["pbr>=6.0", "setuptools>=64"]\nbuild-backend = "pbr.build"\n'
)
METADATA = "[metadata]\nname = orders\nversion = 1.0.0\n"
HOOK = f"def pin(config):\n    config['metadata']['requires_dist'] = '{VULNERABLE}'\n"


def pbr(setup_cfg: str, written: dict[str, str | bytes] | None = None) -> Layout:
    """A SAM function whose code folder is a pbr project with this `setup.cfg`."""
    project = {"src/setup.py": PBR_STUB, "src/setup.cfg": setup_cfg, **(written or {})}
    return files({"template.yaml": SAM, "src/app.py": HARMLESS, **project})


PBR_HOOKS: dict[str, Layout] = {
    "2a-pbr-setup-hooks": pbr(
        f"{METADATA}[files]\nmodules = app\n[global]\nsetup_hooks = hooks.pin\n",
        {"src/hooks.py": HOOK},
    ),
    "2b-pbr-setup-hooks-dashed-multiline": pbr(
        f"{METADATA}[files]\nmodules = app\n[global]\nsetup-hooks =\n    hooks.pin\n",
        {"src/hooks.py": HOOK},
    ),
    "2c-pbr-backend-setup-hooks": pbr(
        f"{METADATA}[files]\npackages_root = .\nmodules = app\n[global]\nsetup_hooks = hooks.pin\n",
        {"src/hooks.py": HOOK, "src/pyproject.toml": PBR_BACKEND},
    ),
}

# --- 4. pbr run by a keyword the gate does not see as pbr -------------------------------------

PIP_REQUIRES: dict[str, str | bytes] = {"src/tools/pip-requires": f"{VULNERABLE}\n"}
FULLWIDTH = "\uff50\uff42\uff52"  # NFKC: pbr, as Python reads an identifier
BOLD = "\U0001d429\U0001d41b\U0001d42b"  # mathematical bold: pbr under NFKC too
CFG = f"{METADATA}[files]\nmodules = app\n"


def named(keyword: str, requires: str = "setup_requires=['PBR'], ") -> str:
    return f"import setuptools\n\nsetuptools.setup({requires}{keyword}=True)\n"


HIDDEN_PBR: dict[str, Layout] = {
    "4a-fullwidth-pbr-keyword": pbr(CFG, {"src/setup.py": named(FULLWIDTH), **PIP_REQUIRES}),
    "4b-bold-pbr-keyword": pbr(CFG, {"src/setup.py": named(BOLD), **PIP_REQUIRES}),
    "4c-fullwidth-pbr-keyword-pyproject-requires": pbr(
        CFG,
        {
            "src/setup.py": named(FULLWIDTH, requires=""),
            "src/pyproject.toml": '[build-system]\nrequires = ["PBR>=6", "setuptools>=64"]\n'
            'build-backend = "setuptools.build_meta"\n',
            **PIP_REQUIRES,
        },
    ),
    "4d-fullwidth-pbr-requirements-continued-comment": pbr(
        CFG,
        {
            "src/setup.py": named(FULLWIDTH),
            "src/requirements.txt": f"six==1.16.0 # pinned \\\n{VULNERABLE}\n",
        },
    ),
}

# --- 3. values Terraform inserts into an inline template after the gate judged it ------------

MORE = json.dumps("\n" + FUNCTION)  # an HCL string: a line break, then the resource
"""The value inserted: a line break, then a resource under the template's `Resources:`."""


def heredoc(text: str) -> str:
    return "<<-EOT\n" + text + "EOT"


def variable(default: str = MORE) -> str:
    return f'variable "extra" {{\n  default = {default}\n}}\n'


SUBSCRIPTION = (
    "  Alerts:\n    Type: AWS::SNS::Subscription\n    Properties:\n"
    "      TopicArn: !Ref Topic\n      Protocol: email\n      Endpoint: ${var.extra}\n"
)
LOCAL_FILE = 'data "local_file" "extra" {\n  filename = "${path.module}/extra.txt"\n}\n'
CONTENT = "data.local_file.extra.content"
NOTE = "    Metadata:\n      Note: |\n        orders ${var.extra}\n"

INSERTED: dict[str, Layout] = {
    "3a-variable-default-in-a-comment": files(
        {"main.tf": variable() + stack(heredoc(TOPIC + "# ${var.extra}\n"))}
    ),
    "3b-local-in-a-comment": files(
        {
            "main.tf": f"locals {{\n  extra = {MORE}\n}}\n"
            + stack(heredoc(TOPIC + "# ${local.extra}\n"))
        }
    ),
    "3c-tfvars-in-a-block-scalar": files(
        {
            "main.tf": 'variable "extra" {\n  type = string\n}\n' + stack(heredoc(TOPIC + NOTE)),
            "terraform.tfvars": f"extra = {MORE}\n",
        }
    ),
    "3d-local-file-in-a-comment": files(
        {
            "main.tf": LOCAL_FILE + stack(heredoc(TOPIC + "# ${data.local_file.extra.content}\n")),
            "extra.txt": "\n" + FUNCTION,
        }
    ),
    "3e-local-file-as-a-scalar": files(
        {
            "main.tf": LOCAL_FILE
            + stack(heredoc(TOPIC + SUBSCRIPTION.replace("var.extra", CONTENT))),
            "extra.txt": "ops@example.com\n" + FUNCTION,
        }
    ),
    "3f-terraform-data-as-a-scalar": files(
        {
            "main.tf": 'resource "terraform_data" "extra" {\n  input = <<-EOT\n'
            + "ops@example.com\n"
            + FUNCTION
            + "EOT\n}\n"
            + stack(
                heredoc(TOPIC + SUBSCRIPTION.replace("var.extra", "terraform_data.extra.output"))
            ),
        }
    ),
    "3g-awscc-stack-local-in-a-comment": files(
        {
            "main.tf": f"locals {{\n  extra = {MORE}\n}}\n"
            + stack(heredoc(TOPIC + "# ${local.extra}\n"), kind="awscc_cloudformation_stack")
        }
    ),
}

# --- 5. a layer folder in a build's output: only its Python is brought back --------------------

EXTENSION = (
    "#!/usr/bin/env python3\nimport os\nimport subprocess\n\n"
    "subprocess.run(os.environ['EXT_CMD'], shell=True)\n"
)
"""A Lambda extension (`/opt/extensions/evil`, run beside any runtime): Python by its
shebang, no `.py`."""
INIT = "__version__ = '2.19.0'\n"
METADATA_21 = "Metadata-Version: 2.1\nName: requests\nVersion: 2.19.0\n"


def _record(path: str, text: str) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
    return f"{path},sha256={digest.decode()},{len(text.encode())}\n"


def installed(folder: str) -> dict[str, str | bytes]:
    """requests 2.19.0 installed in a layer folder's `python/`, its RECORD proving it."""
    info = "requests-2.19.0.dist-info"
    record = (
        _record("requests/__init__.py", INIT)
        + _record(f"{info}/METADATA", METADATA_21)
        + f"{info}/RECORD,,\n"
    )
    return {
        f"{folder}/python/requests/__init__.py": INIT,
        f"{folder}/python/{info}/METADATA": METADATA_21,
        f"{folder}/python/{info}/RECORD": record,
    }


def extension(folder: str) -> dict[str, str | bytes]:
    """An extension, and one Python module that the staging brings back."""
    return {f"{folder}/extensions/evil": EXTENSION, f"{folder}/python/helper.py": "X = 1\n"}


def layer_folder(folder: str, written: dict[str, str | bytes], tied: bool = True) -> Layout:
    """A SAM function with a layer whose ContentUri is `folder` (tied to the function or
    not), the layer's files `written`."""
    uses = "      Layers:\n        - !Ref Deps\n" if tied else ""
    template = (
        SAM
        + uses
        + (
            "  Deps:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n"
            f"      ContentUri: {folder}/\n      CompatibleRuntimes: [python3.12]\n"
        )
    )
    return files({"template.yaml": template, "src/app.py": HARMLESS, **written})


SLS_LAYER = (
    "service: deps\nprovider:\n  name: aws\n  runtime: python3.12\n"
    "layers:\n  deps:\n    path: {path}\n"
)


def sls_layer(folder: str, written: dict[str, str | bytes]) -> Layout:
    """A Serverless Framework service of one layer, its `path` the folder `folder`."""
    return files({"serverless.yml": SLS_LAYER.format(path=folder), **written})


LAYER_FOLDERS: dict[str, Layout] = {
    "5a-extension-in-serverless-output": layer_folder(
        ".serverless/layer", extension(".serverless/layer")
    ),
    "5b-extension-in-cdk-out": layer_folder("cdk.out/layer", extension("cdk.out/layer")),
    "5c-untied-extension-in-serverless-output": layer_folder(
        ".serverless/layer", extension(".serverless/layer"), tied=False
    ),
    "5d-installed-package-in-serverless-output": layer_folder(
        ".serverless/layer", installed(".serverless/layer")
    ),
    "5e-untied-installed-package-in-cdk-out": layer_folder(
        "cdk.out/layer", installed("cdk.out/layer"), tied=False
    ),
    "5f-serverless-layer-installed-package": sls_layer(
        ".serverless/layer", installed(".serverless/layer")
    ),
    "5g-serverless-layer-extension-in-cdk-out": sls_layer(
        "cdk.out/layer", extension("cdk.out/layer")
    ),
}

BASELINES: dict[str, tuple[Layout, str]] = {
    "5-extension-in-a-layer-folder": (layer_folder("layer", extension("layer")), "B602"),
    "5-installed-package-in-a-layer-folder": (
        layer_folder("layer", installed("layer")),
        "PYSEC-2018-28",
    ),
    "4-pbr-tools-pip-requires": (pbr(CFG, PIP_REQUIRES), "PYSEC-2018-28"),
    "1-stack-template-file": (
        files({"main.tf": stack('file("stack.yaml")'), "stack.yaml": TOPIC + FUNCTION}),
        "GATE-SLS-001",
    ),
    "2-pbr-requires-dist": (
        pbr(f"{METADATA}requires_dist = {VULNERABLE}\n[files]\nmodules = app\n"),
        "PYSEC-2018-28",
    ),
}


def test_the_plain_forms_block(tmp_path: Path) -> None:
    """The baselines: the whole template read from its file, the pin in `[metadata]`."""
    each_blocks(tmp_path, BASELINES)


def _outcomes(base: Path, layouts: dict[str, Layout]) -> dict[str, str]:
    """Each bundle's outcome, "blocked", "refused", "reported" (GATE-DEP-001, not blocking)
    or "passed" (none of these), in as few runs as the gate
    allows (one now): a bundle refused outright (exit 2, one line naming it, no report)
    ends its run, and the others are checked again without it, as
    `each_blocked_or_refused` does."""
    batch = Batch(base, layouts, policy=CHEAP_POLICY)
    outcomes: dict[str, str] = {}
    pending = list(layouts)
    while pending:
        run = batch.run(pending)
        if run.code == 2 and not run.stdout.strip():
            refused = [n for n in pending if str(batch.boxes[n].bundle) in run.stderr]
            assert len(refused) == 1 and len(run.lines) == 1, (pending, run.stderr)
            outcomes[refused[0]] = "refused"
            pending.remove(refused[0])
            continue
        report = json.loads(run.stdout)
        for name in pending:
            own = batch.of(name, report, "findings")
            blocking = any(f["status"] == "blocking" for f in own)
            reported = any(f["rule_id"] == "GATE-DEP-001" for f in own)
            errors = bool(batch.of(name, report, "errors"))
            outcomes[name] = (
                "refused"
                if errors
                else "blocked"
                if blocking
                else "reported"
                if reported
                else "passed"
            )
        return outcomes
    return outcomes


@pytest.fixture(scope="module")
def stack_outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Classes 1, 3 and 5, all IaC and discovery, in one batch: one run of the gate."""
    tricks = {**JOINED_TEMPLATES, **INSERTED, **LAYER_FOLDERS}
    return _outcomes(tmp_path_factory.mktemp("stacks"), tricks)


def test_a_stack_template_joined_to_unread_text_is_scanned_or_refused(
    stack_outcomes: dict[str, str],
) -> None:
    passed = [name for name in JOINED_TEMPLATES if stack_outcomes[name] == "passed"]
    assert not passed, passed


def test_values_inserted_into_an_inline_template_are_read_or_refused(
    stack_outcomes: dict[str, str],
) -> None:
    passed = [name for name in INSERTED if stack_outcomes[name] == "passed"]
    assert not passed, passed


def test_what_a_layer_folder_left_out_deploys_is_scanned_or_refused(
    stack_outcomes: dict[str, str],
) -> None:
    passed = [name for name in LAYER_FOLDERS if stack_outcomes[name] == "passed"]
    assert not passed, passed


@pytest.fixture(scope="module")
def pbr_outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Classes 2 and 4, both pbr projects, in one batch: one run of the gate."""
    return _outcomes(tmp_path_factory.mktemp("pbr"), {**PBR_HOOKS, **HIDDEN_PBR})


def test_dependencies_a_pbr_setup_hook_sets_are_reported(pbr_outcomes: dict[str, str]) -> None:
    """The least the gate owes class 2, its stated limit for dependencies only the build
    knows: each project blocks, is refused, or is reported GATE-DEP-001."""
    silent = [name for name in PBR_HOOKS if pbr_outcomes[name] == "passed"]
    assert not silent, silent


def test_what_a_pbr_named_otherwise_installs_is_scanned_or_refused(
    pbr_outcomes: dict[str, str],
) -> None:
    passed = [name for name in HIDDEN_PBR if pbr_outcomes[name] in ("passed", "reported")]
    assert not passed, passed
