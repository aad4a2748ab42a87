"""A fifty-first hostile review of `gate check`, on review 50's Terraform and Serverless
fixes (the packages an S3 upload writes, gate.bundle.discovery.terraform `_upload_places`,
`_packages_under`, `_package_file`; the layers no function is tied to) and review 49's
manifest fixes (setup.py read with ast, `read_setup_py`, `_setup_calls`; pbr, `_pbr_keys`;
Hatch, `hatch_config`, `code_hooks`, `read_plugin_files`; diff mode's `includers`).

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off), and the baseline (the
same problem written plainly, in one run) blocks on GATE-SLS-001 (a handler running the
event's command) or PYSEC-2018-28 (requests 2.19.0, high). The manifest tricks (2, 3)
were also built for real: `pip install --dry-run --report` of the function's folder
(pip 26.3, build isolation, setuptools, pbr 7.1.3 with PBR_VERSION=1.0.0, pdm-backend,
all from the package index) reports `Requires-Dist: requests==2.19.0` for each. What
lets each through:

1. A layer's or an upload's package that is not in the staged copy. Every layer the IaC
   declares, tied to a function or not, and every package an S3 upload writes
   (`Read.layers`, `Discovery.layers`) is unpacked by `_unpack_layers`
   (gate.bundle.discovery.bundle), which skips, without a word, a place that is not a
   file of the *staged copy* (`if ... not path.is_file(): continue`). A place in a folder
   a built-in rule leaves out of the copy (`.serverless`, `cdk.out`: build-output; `.hg`,
   `.svn`: vcs; `__pycache__`, `.mypy_cache`: tool-cache; `__MACOSX`) is not there:
   `bring_back_code` (gate.bundle.staging.imports) restores under a layer's place only
   the files of a virtualenv or dependency tree and importable Python, never the zip
   itself. And a place that is in no folder at all (a zip the build writes later) is
   skipped alike, where a function's own missing code is refused by `settle` ("is not
   in the bundle; build it before gate check"). `_packages_under`
   (gate.bundle.discovery.terraform), which lists what a fileset loop or an unresolved
   upload may write, walks that same copy, so it never sees the left-out folders (a
   literal `node_modules/evil.zip` is brought back, as a dependency tree's file; the
   same zip reached by a loop or an unresolved source is not). The zip (a handler
   running the event's command) is neither scanned nor refused, not even counted:
   (a) an `aws_s3_object` uploading `.serverless/evil.zip` (the Serverless build's own
   output folder; the function takes its code from S3, untied, as review 50's); (b)
   `cdk.out/evil.zip`; (c) `.hg/evil.zip`; (d) `for_each = fileset("build", "**")`,
   `source = "build/${each.value}"`, the zip in `build/__pycache__/`; (e) an unresolved
   source named as data (`format("%s/evil.zip", "node_modules")`, `key = "fn.json"`,
   review 50 class 1's fix: "every package of the bundle"); (f) a Terraform
   `aws_lambda_layer_version` no function uses, `filename = ".serverless/evil.zip"`;
   (g) a SAM `AWS::Serverless::LayerVersion` no function uses, `ContentUri:
   .serverless/evil.zip`; (h) an `AWS::Lambda::LayerVersion` with `Content:
   cdk.out/evil.zip` (`aws cloudformation package` uploads it); (i) an upload of
   `build/missing.zip`, which is not in the bundle; (j) a SAM layer no function uses
   whose `ContentUri` is a missing zip. Each exits 0 with no word of the zip, where
   the same zip at `build/evil.zip` blocks (and where a function's `filename` or
   `CodeUri` naming any of these places is refused, "not in the bundle": held).
   Also seen, not a case: `.svn`, `__MACOSX`, `.mypy_cache` as (a) (exit 0), a Serverless
   layer with a missing `package.artifact` no function uses (exit 0).
2. pbr's own requirements files. pbr (7.1.3, `packaging.parse_requirements`, run by
   its metadata hook) adds to `install_requires` the lines of the first of
   `requirements.txt` and `tools/pip-requires` that exists, read its own way: split on
   `\\n` only, no continuation, `#.*$` cut, the file decoded as the locale's. Review 49's
   fix reads pbr's `[metadata] requires_dist` and `[extras]` (`_pbr_keys`) but neither
   file as pbr does: (a) `tools/pip-requires` (no `.txt`: the gate only counts it "code
   the gate does not analyse", a warning) pinning requests 2.19.0; (b) the
   `requirements.txt` beside it read as pip reads it (gate.bundle.manifests.requirements
   `_logical_lines`): `six==1.16.0 # pinned \\`, then `requests==2.19.0`, is one line to
   pip (the pin a comment), two to pbr, which installs requests; (c) the same through a
   `# -*- coding: utf-7 -*-` line, the backslash written `+AFw-` (pip honours the
   cookie, pbr reads UTF-8). Each exits 0, no dependency finding, where the two lines
   without the backslash (or the pin in `requirements.txt`) block.
3. Build code that sets the dependencies behind a declaration the gate reads as the
   whole truth. `read_setup_py` (gate.bundle.manifests.declared) takes the literal
   arguments of every call `_setup_calls` recognises by name (`setup`, an import alias,
   any `X.setup`) as what the script passes setuptools, and reports dynamic
   dependencies only for a non-literal argument or when it sees no call at all; it
   never asks whether the call it sees is the one that runs, or the only one: (a) a
   module-level `def setup(**kw)` that replaces `install_requires` and calls
   `setuptools.setup` saved under another name, then `setup(..., install_requires=
   ["six==1.16.0"])`; (b) `build = setup`, a decoy `setup(install_requires=["six..."])`
   under `if False:`, and `build(..., install_requires=["requests==2.19.0"])`; (c) the
   decoy, and `getattr(setuptools, "setup")(...)`; (d) `setup(..., install_requires=
   ["six..."], distclass=Pinned)`, a `Distribution` subclass whose `__init__` replaces the
   list. And a backend the gate reads as static whose hooks run code: (e) pdm-backend
   (`build-backend = "pdm.backend"`, `[project] dependencies = ["six==1.16.0"]`) loads
   `pdm_build.py` from the project and runs `pdm_build_initialize(context)`, which sets
   `context.config.metadata["dependencies"]`; `code_hooks` (gate.bundle.manifests.hatch)
   knows Hatch's hooks only. Each exits 0 with no finding of any kind (not even
   GATE-DEP-001, "only the build knows them"), where `install_requires=["requests==
   2.19.0"]` written in the one call (or in `[project]`) blocks.
4. A Lambda function of the Cloud Control provider. `read_terraform`
   (gate.bundle.discovery.terraform) reads `aws_lambda_function` and
   `aws_lambda_layer_version` only; `awscc_lambda_function` (hashicorp/awscc, the
   CloudFormation schema: `code = { zip_file = ... }` is CloudFormation's `ZipFile`,
   deployed as `index.py`) is not read, nor refused, nor warned: (a) its `zip_file` a
   heredoc holding the handler; (b) a quoted string with `\\n` escapes. Each exits 0 (no
   finding, the file counted scanned), where the same code in an `archive_file`'s
   `source { content }` deployed by an `aws_lambda_function` blocks (GATE-SLS-001), as
   does CloudFormation's `ZipFile`. (An `awscc_lambda_function` whose `zip_file` is
   `file("src/app.py")`, or whose `code` names the S3 object an upload writes, blocks:
   the file is scanned as a handler, the upload as a package.)

Fixed, class 4 (gate.bundle.discovery.terraform): `awscc_lambda_function` and
`awscc_lambda_layer_version` are read by the aws reader, their `code`/`content` object's
attributes taken as the block's own (`_as_aws`, through the module's locals and
variables; one it cannot resolve is code only Terraform locates); `code.zip_file` is
staged as `index.py` like an archive_file's inline source (`_written`, `_tf_inline`);
`awscc_cloudformation_stack` and `_stack_set` are read as their aws counterparts
(terraform_stacks `STACKS`); any other `awscc_lambda_*` or `awscc_cloudformation_stack*`
type not known to hold no code is refused (`_refuse_unread`, UnreadTypeError).

Suggested fixes, by class. 1, check every layer and upload place as a function's code is
checked (`settle`'s "not in the bundle"): a place that is no file or folder of the staged
copy is refused unless the bundle has it in a left-out folder, and then it is brought
back whole (`bring_back_code`: a layer's or upload's place is deployed, whatever rule
left its folder out; a zip there is restored and unpacked); `_packages_under` should walk
the bundle as written (the tally's held and ignored files too), not the copy. More
simply, `_unpack_layers` should raise where it now `continue`s on a place that is not a
file, unless it is a folder of the copy. 2, read pbr's files as pbr does: the first of
`requirements.txt`, `tools/pip-requires` (the `-py3` names ignored), split on `\\n`, no
joining, `#.*$` cut, `-r` followed, the text UTF-8 (or refuse a pbr project's
`requirements.txt` that pip and pbr read differently: a `\\` line end, a coding
cookie); treat a setup.cfg naming pbr (`setup_requires`/`pbr=True`, `pbr.build`) as
reading them. 3, read a setup.py's literal call as the truth only when the script is
nothing else: its top level imports and one `setup(...)` statement (plus assignments of
literals); anything more (a function or class defined, a name bound to `setup`, a
`distclass`/`cmdclass` keyword, `getattr`) is dynamic dependencies (GATE-DEP-001), as
a script with no call is; and report as dynamic every backend hook file a backend loads
by itself (`pdm_build.py` for pdm-backend, and `[tool.pdm.build]`'s hooks), as
`code_hooks` does for Hatch. The harness's policy allows GATE-DEP-001: fixed that way,
3's cases exit 0 with a finding (review 49's 5c, the stated limit), so
`test_build_code_that_sets_dependencies_is_reported` is the one to pass then, and 3
moves to LIMITS here. 4, read `awscc_lambda_function` (and `awscc_lambda_layer_version`)
as their `aws_` counterparts (`code.zip_file` as inline code, `code.s3_bucket`/`s3_key`
as code in S3), or refuse any resource of a provider the reader does not know that
declares a Lambda function or layer (`awscc_lambda_*`, `aws_cloudformation_stack*`,
`aws_serverlessapplicationrepository_*`), as review 50 suggested for stacks.

Also tried, and the gate held: an upload naming a literal `node_modules/evil.zip` or
`.venv/evil.zip` (brought back: blocks); `.aws-sam/evil.zip` (looked into: blocks);
a function's `filename`, `CodeUri` or Serverless `package.artifact` in `.serverless/`,
`.hg/` or `cdk.out/` (refused: not in the bundle); a tied layer there (refused); a
Serverless layer (tied or not) whose `package.artifact` is in `.serverless/` (refused:
"a zip in the code of function orders"), or whose `path` is a folder there (its Python
brought back: blocks); `.terraform/evil.zip` (refused: Terraform's working folder);
`source = "${abspath(path.module)}/.serverless/evil.zip"` (refused: unresolved);
Hatch's `hatch.toml` merge against hatchling 1.33.0 `ProjectMetadata.hatch` (the same
top-level `update`) and the plugin's reading against hatch-requirements-txt 0.4.1
`load_requirements_files`/`parse_requirements` (the same patterns, order and UTF-8);
a requirements file in `.serverless/`, `.hg/` or `__pycache__/` named by the plugin's
`files`, a setup.cfg `file:` or a `-r` (refused: "includes a missing file", a false
refusal that fails closed; in `node_modules/` it is read and blocks).

Limits, not bypasses: pbr's `PBR_REQUIREMENTS_FILES` (the runner's environment); a
setuptools plugin from `[build-system] requires` that rewrites `install_requires`
(code outside the bundle, installed by the build).

Not covered: diff mode's `includers` beyond reading (`_READ_WITH`, `_backend_reads`: no
trick found where a finding on record changes files without one of its includers
changing); `--policy-ref`, shards, the cache; Serverless Framework v4's own Python
packaging; `[tool.flit.metadata]` beyond reading (flit_core refuses keys it does not
know); `awscc_lambda_layer_version`. No `terraform apply` or deploy ran: class 1 rests
on Terraform reading `source` as a path and Lambda taking a layer or package from any
zip, class 4 on the awscc provider's documented `code.zip_file`.

Fixed, each by its class (gate.bundle.manifests). 2, in a project pbr builds (its
setup.py names pbr, or its backend is pbr's: `runs_pbr`), the first of `requirements.txt`
and `tools/pip-requires` and the files its `-r` lines name (from the project's folder)
are read as pbr reads them (gate.bundle.manifests.pbr `pbr_requirements`, `_requirement`:
split on line breaks only, cut at `#`, UTF-8 or refused, `-e`/URL lines by their `egg=`),
then as its `[metadata] requires_dist` (declared `read_pbr_projects`), beside pip's own
reading of the file; `_backend_reads` holds them for diff mode and the cache (`pbr_files`),
and `Found.manifest` keeps each finding once. 3, a setup.py's literal call is the whole
truth only in a plain declaration (declared `_build_code`, `_statement_code`,
`_node_code`, `_call_code`: imports of modules not the project's, assignments, `with`,
one `if __name__ == "__main__":`, one call of setuptools' `setup` without `distclass` or
`cmdclass`, every other call one that only reads, `_READING`); anything more is reported
as dynamic dependencies, as is a pdm-backend project's own build hook (`_pdm_hook`:
`pdm_build.py` or `[tool.pdm.build] custom-hook`, in `_read_dynamic`). Class 3 is now
reported (GATE-DEP-001, medium), which this harness's policy allows: exit 0 with a
finding, the gate's stated limit for code that sets dependencies, as review 49's 5c.

Fixed, class 1 (gate.bundle.discovery.bundle `_refuse_absent`; gate.bundle.discovery.
terraform `_packages_under`, `_possible`): a layer's or upload's package no function
names that is not in the copy is refused as `settle` refuses a function's missing code,
naming the IaC: missing ("not in the bundle; build it before gate check"), or in a
folder the gate ignores, naming the rule (references' `refusal`), unless the staging
brings it back (gate.bundle.staging.imports `brings_back`: a dependency tree's or
virtualenv's file, a folder's Python). A fileset loop or an unresolved upload over a
folder holding one the copy left out is refused naming it and its rule, a VCS store
apart (what a commit puts there is checked out beside it); of the places an upload's
values give, a missing one is a pairing Terraform never makes when another is there.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.hostile.conftest import (
    CHEAP_POLICY,
    HARMLESS,
    RUNS_EVENT,
    SAM,
    Batch,
    Layout,
    each_blocked_or_refused,
    each_blocks,
    files,
)
from tests.hostile.test_review50 import EVIL, untied, upload

VULNERABLE = "requests==2.19.0"
# --- 1. a layer's or an upload's package that is not in the staged copy -----------------------


def uploaded(place: str) -> Layout:
    """A module uploading the zip at `place` (a literal source), the zip there."""
    return files({"main.tf": untied("fn.zip") + upload(f'source = "{place}"'), place: EVIL})


def tf_layer(place: str) -> Layout:
    """A Terraform layer no function of the bundle uses, its zip at `place`."""
    main = (
        f'resource "aws_lambda_layer_version" "deps" {{\n  layer_name = "deps"\n'
        f'  filename = "{place}"\n  compatible_runtimes = ["python3.12"]\n}}\n'
    )
    return files({"main.tf": main, place: EVIL})


def sam_layer(place: str, written: bool = True, kind: str = "Serverless") -> Layout:
    """A SAM template whose layer no function uses deploys the zip at `place`."""
    key = "ContentUri" if kind == "Serverless" else "Content"
    template = SAM + (
        f"  Deps:\n    Type: AWS::{kind}::LayerVersion\n    Properties:\n"
        f"      {key}: {place}\n      CompatibleRuntimes: [python3.12]\n"
    )
    zips: dict[str, str | bytes] = {place: EVIL} if written else {}
    return files({"template.yaml": template, "src/app.py": HARMLESS, **zips})


LEFT_OUT: dict[str, Layout] = {
    "1a-upload-in-serverless-output": uploaded(".serverless/evil.zip"),
    "1b-upload-in-cdk-out": uploaded("cdk.out/evil.zip"),
    "1c-upload-in-hg": uploaded(".hg/evil.zip"),
    "1d-fileset-reaching-pycache": files(
        {
            "main.tf": untied("fn.zip")
            + upload(
                'source = "build/${each.value}"',
                '"${each.value}"',
                '  for_each = fileset("build", "**")\n',
            ),
            "build/__pycache__/evil.zip": EVIL,
        }
    ),
    "1e-unresolved-upload-node-modules": files(
        {
            "main.tf": untied("fn.json")
            + upload('source = format("%s/evil.zip", "node_modules")', '"fn.json"'),
            "node_modules/evil.zip": EVIL,
        }
    ),
    "1f-terraform-layer-in-serverless-output": tf_layer(".serverless/evil.zip"),
    "1g-sam-layer-in-serverless-output": sam_layer(".serverless/evil.zip"),
    "1h-cfn-layer-in-cdk-out": sam_layer("cdk.out/evil.zip", kind="Lambda"),
    "1i-upload-of-a-missing-zip": files(
        {"main.tf": untied("fn.zip") + upload('source = "build/missing.zip"')}
    ),
    "1j-sam-layer-missing-zip": sam_layer("build/missing.zip", written=False),
}

# --- 2. pbr's own requirements files ---------------------------------------------------------

PBR = '[build-system]\nrequires = ["pbr>=6.0", "setuptools>=64"]\nbuild-backend = "pbr.build"\n'
PBR_STUB = "import setuptools\n\nsetuptools.setup(setup_requires=['pbr'], pbr=True)\n"
PBR_CFG = "[metadata]\nname = orders\nversion = 1.0.0\n[files]\nmodules = app\n"


def pbr(written: dict[str, str | bytes]) -> Layout:
    """A SAM function whose code folder is a pbr project, with `written` beside it."""
    project = {"src/pyproject.toml": PBR, "src/setup.py": PBR_STUB, "src/setup.cfg": PBR_CFG}
    return files({"template.yaml": SAM, "src/app.py": HARMLESS, **project, **written})


PBR_FILES: dict[str, Layout] = {
    "2a-pbr-tools-pip-requires": pbr({"src/tools/pip-requires": f"{VULNERABLE}\n"}),
    "2b-pbr-requirements-continued-comment": pbr(
        {"src/requirements.txt": f"six==1.16.0 # pinned \\\n{VULNERABLE}\n"}
    ),
    "2c-pbr-requirements-utf7-cookie": pbr(
        {
            "src/requirements.txt": (
                f"# -*- coding: utf-7 -*-\nsix==1.16.0 # pinned +AFw-\n{VULNERABLE}\n"
            )
        }
    ),
}

# --- 3. build code that sets the dependencies behind a declaration the gate reads ------------


def project(written: dict[str, str | bytes]) -> Layout:
    return files({"template.yaml": SAM, "src/app.py": HARMLESS, **written})


ARGS = "name='orders', version='1.0.0', py_modules=['app'], "
WRAPPER = (
    "import setuptools\n\n_real = setuptools.setup\n\n\ndef setup(**kw):\n"
    f"    kw['install_requires'] = ['{VULNERABLE}']\n    _real(**kw)\n\n\n"
    f"setup({ARGS}install_requires=['six==1.16.0'])\n"
)
DECOY = "if False:\n    setup(name='orders', install_requires=['six==1.16.0'])\n"
ALIAS = (
    f"from setuptools import setup\n\nbuild = setup\n{DECOY}"
    f"build({ARGS}install_requires=['{VULNERABLE}'])\n"
)
GETATTR = (
    f"import setuptools\nfrom setuptools import setup\n\n{DECOY}"
    f"getattr(setuptools, 'setup')({ARGS}install_requires=['{VULNERABLE}'])\n"
)
DISTCLASS = (
    "from setuptools import setup\nfrom setuptools.dist import Distribution\n\n\n"
    "class Pinned(Distribution):\n    def __init__(self, attrs=None):\n"
    f"        attrs = dict(attrs or {{}})\n        attrs['install_requires'] = ['{VULNERABLE}']\n"
    "        super().__init__(attrs)\n\n\n"
    f"setup({ARGS}install_requires=['six==1.16.0'], distclass=Pinned)\n"
)
PDM = (
    '[build-system]\nrequires = ["pdm-backend"]\nbuild-backend = "pdm.backend"\n'
    '[project]\nname = "orders"\nversion = "1.0.0"\ndependencies = [{}]\n'
)
PDM_HOOK = (
    "def pdm_build_initialize(context):\n"
    f"    context.config.metadata['dependencies'] = ['{VULNERABLE}']\n"
)

BUILD_CODE: dict[str, Layout] = {
    "3a-setup-py-shadowing-wrapper": project({"src/setup.py": WRAPPER}),
    "3b-setup-py-alias-and-dead-decoy": project({"src/setup.py": ALIAS}),
    "3c-setup-py-getattr-and-dead-decoy": project({"src/setup.py": GETATTR}),
    "3d-setup-py-distclass": project({"src/setup.py": DISTCLASS}),
    "3e-pdm-build-hook": project(
        {"src/pyproject.toml": PDM.format('"six==1.16.0"'), "src/pdm_build.py": PDM_HOOK}
    ),
}

# --- 4. a Lambda function of the Cloud Control provider --------------------------------------


def awscc(zip_file: str) -> Layout:
    main = (
        'resource "awscc_lambda_function" "fn" {\n  function_name = "orders"\n'
        '  role = "arn:aws:iam::123456789012:role/orders"\n  runtime = "python3.12"\n'
        f'  handler = "index.handler"\n  code = {{\n    zip_file = {zip_file}\n  }}\n}}\n'
    )
    return files({"main.tf": main})


ESCAPED = json.dumps(RUNS_EVENT)  # an HCL string: the same escapes for this text
AWSCC: dict[str, Layout] = {
    "4a-awscc-zip-file-heredoc": awscc("<<-EOT\n" + RUNS_EVENT + "EOT"),
    "4b-awscc-zip-file-string": awscc(ESCAPED),
}

INLINE_ARCHIVE = (
    'data "archive_file" "fn" {\n  type = "zip"\n  output_path = "build/fn.zip"\n'
    '  source {\n    filename = "index.py"\n    content = <<-EOT\n' + RUNS_EVENT + "EOT\n  }\n}\n"
    'resource "aws_lambda_function" "fn" {\n  function_name = "orders"\n'
    '  role = "arn:aws:iam::123456789012:role/orders"\n  runtime = "python3.12"\n'
    '  handler = "index.handler"\n  filename = data.archive_file.fn.output_path\n}\n'
)

BASELINES: dict[str, tuple[Layout, str]] = {
    "1-upload-in-build": (uploaded("build/evil.zip"), "GATE-SLS-001"),
    "1-terraform-layer-in-build": (tf_layer("build/evil.zip"), "GATE-SLS-001"),
    "1-sam-layer-in-build": (sam_layer("build/evil.zip"), "GATE-SLS-001"),
    "2-pbr-requirements": (pbr({"src/requirements.txt": f"{VULNERABLE}\n"}), "PYSEC-2018-28"),
    "2-pbr-requirements-two-lines": (
        pbr({"src/requirements.txt": f"six==1.16.0 # pinned\n{VULNERABLE}\n"}),
        "PYSEC-2018-28",
    ),
    "3-setup-py-literal": (
        project(
            {
                "src/setup.py": f"from setuptools import setup\n\nsetup({ARGS}"
                f"install_requires=['{VULNERABLE}'])\n"
            }
        ),
        "PYSEC-2018-28",
    ),
    "3-pdm-static": (
        project({"src/pyproject.toml": PDM.format(f'"{VULNERABLE}"')}),
        "PYSEC-2018-28",
    ),
    "4-archive-file-inline-source": (files({"main.tf": INLINE_ARCHIVE}), "GATE-SLS-001"),
}


def test_the_plain_forms_block(tmp_path: Path) -> None:
    """The baselines: each zip at `build/`, each pin where the gate reads it, each
    handler in a function the gate knows, blocks."""
    each_blocks(tmp_path, BASELINES)


def test_what_is_deployed_or_installed_is_scanned_or_refused(tmp_path: Path) -> None:
    """Classes 1, 2 and 4: a package outside the copy, pbr's files, an awscc function."""
    each_blocked_or_refused(tmp_path, {**LEFT_OUT, **PBR_FILES, **AWSCC})


# Class 3 is a limit, as review 49's 5c: build code sets the dependencies, which the gate
# reports as it reports every dependency only the build knows (GATE-DEP-001, medium;
# tests/test_manifests.py `test_a_setup_py_that_is_more_than_a_declaration_is_dynamic`,
# `test_a_pdm_build_hook_is_reported_as_dynamic`), never blocks.
def test_build_code_that_sets_dependencies_is_reported(tmp_path: Path) -> None:
    """The least the gate owes class 3, its stated limit for dependencies only the build
    knows: each project blocks, is refused, or is reported GATE-DEP-001."""
    batch = Batch(tmp_path, BUILD_CODE, policy=CHEAP_POLICY)
    run = batch.run(BUILD_CODE)
    assert run.stdout.strip(), run.stderr
    report = json.loads(run.stdout)
    silent = [
        name
        for name in BUILD_CODE
        if not batch.of(name, report, "errors")
        and not any(
            f["status"] == "blocking" or f["rule_id"] == "GATE-DEP-001"
            for f in batch.of(name, report, "findings")
        )
    ]
    assert not silent, silent
