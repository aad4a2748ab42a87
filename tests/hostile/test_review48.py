"""A forty-eighth hostile review of `gate check`, on review 47's fixes and what they
touch: every `.zip` a Terraform module uploads (gate.bundle.discovery.terraform
`read_terraform`, `Read.layers`), the lost-layer refusal whatever the runtimes
(`Read.lost_layers`), setup.cfg and Hatch's requirements plugin as manifests
(gate.bundle.manifests.declared), and diff mode's includers (gate.bundle.manifests
`includers`, gate.scan.diff `_includers`).

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off), and the baseline (the
same problem written plainly, in one run) blocks: GATE-SLS-001 for a handler running the
event's command, B605 for a layer's helper running it, PYSEC-2018-28 (requests 2.19.0,
high) for a vulnerable pin. What lets each through:

1. An upload whose `source` is not a literal path ending `.zip`. Review 47's fix scans
   "every zip the module uploads", but `read_terraform` builds that set (`uploaded`)
   only from `tf_value(upload, "source")` that is a *string ending `.zip`*, taken as
   written (never through `ModuleValues`), and says nothing of the others. The function
   `s3_key = local.key` (untied, as review 47's case d; "code in S3", a warning) and the
   bundle's `build/evil.zip` "a zip no function or layer deploys" (a warning, never
   unpacked), when the upload writes it from: (a) `source = local.zip`; (b) `source =
   var.zip` (a default); (c) `source = "build/evil.bin"` (a zip named otherwise: Lambda
   takes any key; the README refuses a layer's zip not named `.zip`, not an upload's);
   (d) `content_base64 = filebase64("build/evil.zip")`; (e) `for_each =
   fileset("build", "*.zip")`, `source = "build/${each.value}"`; (f) `source =
   "build/${local.name}.zip"`; (g) an upload in a child module of the bundle, `source =
   var.zip` given by the caller; (h) (a) with no function at all (a function of another
   stack deploys the object); (i) `source = data.archive_file.z.output_path`, the
   archive's `source_dir` a folder the gate skips (`node_modules/fn`, the handler
   there); (j) a layer (`s3_key = local.key`, untied, "code in S3" so never lost)
   whose object is uploaded from `local.zip`. Each exits 0, where `source =
   "build/evil.zip"` (or `"${path.module}/build/evil.zip"`) blocks, and the function
   naming the archive of (i) by `filename` is refused (its code "not in the bundle").
   Also exit 0 by hand: `source = abspath("build/evil.zip")`, a `.jar`. (The function
   tied by reference to an upload whose source is `local.zip` is a scan error: `_tf_code`
   refuses it.)
2. setup.cfg read without the interpolation setuptools applies. `_setup_cfg_values`
   (gate.bundle.manifests.declared) reads with `ConfigParser(interpolation=None)`;
   setuptools (`Distribution._parse_config_files`, 84.2.1 here) reads with a plain
   `ConfigParser()`, whose BasicInterpolation expands `%(name)s` from the same section
   and `[DEFAULT]`, before it splits the list. So `install_requires =` (a multi-line
   value) `six ; python_version >= "%(x)s"` is one valid requirement to the gate (six,
   unpinned, allowed), and with `x = 3"` / `requests==2.19.0` / `six; python_version >=
   "3` (a multi-line value of `[options]`, an option setuptools ignores) it is three to
   setuptools, one of them `requests==2.19.0`: (a) `x` in `[options]`; (b) `x` in
   `[DEFAULT]`. Exit 0. Run by hand: setuptools 84.2.1's `Distribution
   .parse_config_files` gives `['six; python_version >= "3"', 'requests==2.19.0', ...]`
   and `pip install --dry-run --report` (pip 23.2.1, setuptools from PyPI) would install
   requests 2.19.0. (A `%(x)s` the gate cannot parse is a refusal: exit 2 seen for
   `requests==%(v)s`, `file: %(f)s`; a false refusal, see below.)
3. A Serverless Framework layer whose `path` is a variable. The CloudFormation and
   Terraform readers refuse an untied layer whose content only the deploy locates
   (`Read.lost_layers`); the Serverless reader (gate.bundle.discovery.serverless
   `_layer_code`) refuses a `${...}` `package.artifact` but joins a `${...}` `path` as a
   folder name, no `lost_layers` at all: a layer-only service (`layers: deps: path:
   ${self:custom.dir}`, `custom: dir: node_modules/deps`) whose folder the gate skips
   (`node_modules`, a dependency tree) passes, no warning: (a) `${self:custom.dir}`;
   (b) `${env:LAYER_DIR, 'node_modules/deps'}`; (c) (a) at `.venv`. Exit 0, where
   `path: node_modules/deps` written out (or `.venv`) is scanned: B605 blocks.
4. Flit's older metadata table. `[tool.flit.metadata]` with `requires =
   ["requests==2.19.0"]` (and `[tool.flit.metadata.requires-extra]`), build backend
   `flit_core.buildapi`, no `[project]`: flit_core 3 still reads it, from the file (the
   version and description by `ast` from the module's literals, no code of the bundle
   runs), and no manifest reader knows it: no dependency finding at all, exit 0, where
   the same pin in `[project].dependencies` blocks. Run by hand: `pip install --dry-run
   --report .` (flit_core from PyPI) would install requests 2.19.0.
5. Diff mode does not know the files a build backend reads. `includers`
   (gate.bundle.manifests) takes only `requirement_includes` (requirements files and
   their `-r`/`-c`); the files a `setup.cfg` `file:`, `[tool.setuptools.dynamic]` or
   Hatch's plugin names (`backend_files`, which the audit reads since review 47) have no
   file above them, so `_touched_by_change` (gate.scan.diff) judges their pins by their
   own file alone. main: legacy pins requests 2.19.0; `src/deps.in` pins it, read only
   as the orders project's `test` extra (audited, the finding on record); the change
   makes it the project's dependencies: (a) setup.cfg `test = file: deps.in` ->
   `install_requires = file: deps.in`; (b) `[tool.setuptools.dynamic]`
   `optional-dependencies.test` -> `dependencies`; (c) Hatch's plugin
   `optional-dependencies.test` -> `files`. Each exits 0 (`preexisting`), where the same
   change by requirements files (`requirements-dev.txt` including `-r deps.in` on main,
   `requirements.txt` gaining it) blocks (exit 1, run by hand; review 45's
   `test_an_include_diff_mode_recognises_blocks` is the same reading). The test runs (a).
6. setup.cfg unread beside a backend that is setuptools under another name.
   `_built_by_setuptools` (gate.bundle.manifests.declared) reads a setup.cfg only when
   the pyproject's `build-backend` starts `setuptools`; pbr's PEP 517 backend
   (`build-backend = "pbr.build"`, PyPI's pbr 6) is setuptools underneath, and
   setuptools reads setup.cfg's `[options] install_requires` for it: (a) setup.cfg
   `install_requires = requests==2.19.0`, no setup.py, exit 0 (no dependency finding),
   where `setuptools.build_meta` blocks. Run by hand: `pip install --dry-run --report .`
   (pbr and setuptools from PyPI, no PBR_VERSION) would install requests 2.19.0.

Suggested fixes, by class. 1, evaluate an upload's `source` (and `content_base64`'s
`filebase64`, `for_each`) through the module's values, and refuse an `aws_s3_object`
whose content the gate cannot resolve to files it scans (as a lost layer is), or,
simpler, treat every zip of a Terraform bundle as deployed unless no upload could name
it; scan an uploaded file that is a zip whatever its name. 2, read setup.cfg with
setuptools' own parser (`ConfigParser()`, BasicInterpolation, `optionxform = str`),
or refuse a value holding `%(`. 3, give the Serverless reader the lost-layer refusal:
a layer whose `path` (or artifact) is not written out is refused, tied or not. 4, read
`[tool.flit.metadata]` `requires` and `requires-extra` as dependencies (or refuse a
pyproject whose build backend states dependencies outside `[project]` without its
lock); more generally list the backends' declarative inputs by backend. 5, have
`includers` add, for each file `backend_files` names, the manifest naming it (the
audit's own reading: `audited_requirement_files`), so a changed setup.cfg or
pyproject makes its files' pins new. 6, read setup.cfg unless the backend is known
not to read it (hatchling, flit_core, poetry-core, pdm-backend, uv_build, maturin), not
only when it is named setuptools.

Also tried, and the gate held: an upload at `"${path.module}/build/evil.zip"` (blocks);
literal paths into folders the gate skips: an upload's `node_modules/evil.zip` or
`.aws-sam/evil.zip`, a SAM layer's `.aws-sam/build/Deps` or `node_modules/deps.zip`
(scanned, block), a function's `CodeUri: __pycache__/fn` (scan error);
a function tied by reference to an upload with `source = local.zip` (scan error);
CloudFormation `AWS::Lambda::LayerVersion` `Content: build/deps.zip` (scanned, blocks)
and `!Sub`, `!Join`, `!If` forms of `Content`/`ContentUri`, also from a parameter
(refused as lost); a SAM or Serverless layer zip named `.bin` (refused); a Serverless
layer `package.artifact: ${self:custom.zip}` (refused); a Serverless layer with a
variable `path` tied to a function (scan error); setup.cfg with `install-requires`, a
one-line `;` list, no pyproject or a `setup.py` beside it (each blocks); `requests \\`
continuation and inline `# comment` in setup.cfg (refused: a false refusal, below);
`%(x)s` in an extra (setuptools itself fails there); the diff-mode cases where
`deps.in` was unread on main (setup.cfg `file:`, setuptools dynamic, Hatch `files`:
each blocks, the pin is new).

Not covered: `aws_s3_object_copy`, `source_hash`, `archive_file` feeding an upload (its
source folder is scanned as the bundle's files anyway); PDM's backend hooks and
`tool.setuptools.dynamic.optional-dependencies` beyond review 47's; `dependency_links`;
the audit's cache key with `backend_files` (read: `key_files` takes
`audited_requirement_files`, which holds them); shards, `--policy-ref`. No `terraform
apply` or `serverless package` ran (neither is here): class 1 rests on Terraform
evaluating locals, variables, `filebase64` and `for_each` as documented, class 3 on the
Framework resolving `${self:...}`/`${env:...}` in `layers.*.path`.

Limits and false refusals (not bypasses): setup.cfg lists setuptools reads and the gate
refuses: `requests \\` continued on the next line (setuptools joins continuations),
`requests==2.19.0 # pinned` (setuptools drops the comment), `requests==%(v)s` (exit 2,
"not a valid requirement"); they fail closed.

Fixed, each by its class (gate.bundle.manifests.declared, gate.bundle.manifests). 2, a
setup.cfg is read with setuptools' own parser (`_SetuptoolsParser`: BasicInterpolation,
option names as written), a value it cannot expand refused naming the key
(`_setup_cfg_values`), and its lists split as setuptools splits them, ` #` comments cut
and `\\` continuations joined (`_setup_cfg_list`): the false refusals above are gone.
4, `[tool.flit.metadata]` `requires`, `dev-requires` and `requires-extra` are read with
`[project]`'s lists (`_pyproject_requirements`); the module docstring lists each build
backend's declarative inputs. 5, `includers` adds each file a manifest's build backend
reads (`_backend_reads`, `backend_files`, which the audit's `audited_requirement_files`
reads too) under the manifest naming it, so a changed setup.cfg or pyproject makes its
files' pins new. 6, a setup.cfg is read unless its backend is one known never to read it
(`_reads_setup_cfg`, `_NEVER_READ_SETUP_CFG`): pbr, a backend of the project's own
(`backend-path`) or any other reads it.

Fixed, classes 1 and 3. 1, an upload's content is read through the module's values
(those of a module another calls without its variables, which the call sets)
(gate.bundle.discovery.terraform `_upload_places`, `_upload_source`): its `source`, the
file `filebase64()` or `file()` reads whole, every file under the folder a `fileset()`
loop's source names (`_enumerated`), an `archive_file`'s source for its output; each
zip by its content (`_package_file`) is deployed like a layer's, unpacked and scanned
(one not named `.zip` refused), and an upload the gate cannot resolve is refused as a
lost layer is, naming file, line and resource (`Read.lost`, gate.bundle.discovery.read
`_refuse_lost`), unless its source or key plainly names no package
(`_could_be_package`). 3, a Serverless layer whose `path` or `package.artifact` is not
written out is refused, tied to a function or not (gate.bundle.discovery.serverless
`_layer_code`).
"""

from __future__ import annotations

from pathlib import Path

from tests.hostile.conftest import (
    HARMLESS,
    RUNS_EVENT,
    SAM,
    Layout,
    Sandbox,
    commit,
    committed_repository,
    each_blocked_or_refused,
    each_blocks,
    files,
    zipped,
)
from tests.hostile.test_review45 import VULNERABLE, two_functions

HELPER = "import os\n\n\ndef run(cmd):\n    os.system(cmd)\n"


# --- 1. uploads whose source is not a literal `.zip` path -----------------------------------

FUNCTION = (
    'resource "aws_lambda_function" "fn" {{\n  function_name = "orders"\n'
    '  role = "arn:aws:iam::123456789012:role/orders"\n  runtime = "python3.12"\n'
    '  handler = "app.handler"\n{}}}\n'
)
UNTIED = FUNCTION.format('  s3_bucket = "bkt"\n  s3_key = local.key\n')
KEY = '  key = "fn.zip"\n'
EVIL = zipped({"app.py": RUNS_EVENT})


def upload(source: str, more: str = "") -> str:
    return f'resource "aws_s3_object" "code" {{\n{more}  bucket = "bkt"\n{KEY}  {source}\n}}\n'


def terraform(main: str, zip_name: str = "build/evil.zip", **more: str) -> Layout:
    return files({"main.tf": main, zip_name: EVIL, **more})


def locals_(**values: str) -> str:
    return "locals {\n" + "".join(f'  {k} = "{v}"\n' for k, v in values.items()) + "}\n"


WITH_KEY = locals_(key="fn.zip")
UPLOADS: dict[str, Layout] = {
    "1a-source-a-local": terraform(
        locals_(key="fn.zip", zip="build/evil.zip") + UNTIED + upload("source = local.zip")
    ),
    "1b-source-a-variable": terraform(
        WITH_KEY
        + 'variable "zip" {\n  default = "build/evil.zip"\n}\n'
        + UNTIED
        + upload("source = var.zip")
    ),
    "1c-zip-named-bin": terraform(
        WITH_KEY + UNTIED + upload('source = "build/evil.bin"'), "build/evil.bin"
    ),
    "1d-content-base64": terraform(
        WITH_KEY + UNTIED + upload('content_base64 = filebase64("build/evil.zip")')
    ),
    "1e-for-each-fileset": terraform(
        WITH_KEY
        + UNTIED
        + upload('source = "build/${each.value}"', more='  for_each = fileset("build", "*.zip")\n')
    ),
    "1f-interpolated-name": terraform(
        locals_(key="fn.zip", name="evil") + UNTIED + upload('source = "build/${local.name}.zip"')
    ),
    "1g-upload-in-a-child-module": terraform(
        WITH_KEY
        + UNTIED
        + 'module "up" {\n  source = "./up"\n  zip = "${path.module}/build/evil.zip"\n}\n',
        **{"up/main.tf": 'variable "zip" {}\n' + upload("source = var.zip")},
    ),
    "1h-no-function": terraform(locals_(zip="build/evil.zip") + upload("source = local.zip")),
    "1i-archive-of-a-skipped-folder": files(
        {
            "main.tf": WITH_KEY
            + 'data "archive_file" "z" {\n  type = "zip"\n  source_dir = "node_modules/fn"\n'
            + '  output_path = "build/fn.zip"\n}\n'
            + UNTIED
            + upload("source = data.archive_file.z.output_path"),
            "node_modules/fn/app.py": RUNS_EVENT,
        }
    ),
    "1j-layer-from-an-upload": files(
        {
            "main.tf": locals_(key="deps.zip", zip="build/deps.zip")
            + 'resource "aws_lambda_layer_version" "deps" {\n  layer_name = "deps"\n'
            + '  s3_bucket = "bkt"\n  s3_key = local.key\n}\n'
            + upload("source = local.zip"),
            "build/deps.zip": zipped({"python/helper.py": HELPER}),
        }
    ),
}

# --- 2. setup.cfg without setuptools' interpolation -------------------------------------------

BACKEND = '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
CFG = "[metadata]\nname = orders\nversion = 1.0.0\n[options]\npy_modules = app\n"
# Three requirements once `%(x)s` is expanded into the marker's string.
SPLIT = 'x = 3"\n    requests==2.19.0\n    six; python_version >= "3\n'
MARKER = 'install_requires =\n    six ; python_version >= "%(x)s"\n'


def sam(written: dict[str, str]) -> Layout:
    return files({"template.yaml": SAM, "src/app.py": HARMLESS, **written})


def setup_cfg(text: str) -> Layout:
    return sam({"src/pyproject.toml": BACKEND, "src/setup.cfg": text})


INTERPOLATED: dict[str, Layout] = {
    "2a-from-options": setup_cfg(CFG + SPLIT + MARKER),
    "2b-from-default": setup_cfg("[DEFAULT]\n" + SPLIT + CFG + MARKER),
}

# --- 6. setup.cfg beside a backend that is setuptools under another name -----------------------

PBR = '[build-system]\nrequires = ["pbr>=6.0", "setuptools>=64"]\nbuild-backend = "pbr.build"\n'
OTHER_NAME: dict[str, Layout] = {
    "6a-pbr-build": sam(
        {
            "src/pyproject.toml": PBR,
            "src/setup.cfg": CFG + "install_requires =\n    requests==2.19.0\n",
        }
    ),
}

# --- 3. a Serverless layer whose path is a variable ---------------------------------------

SLS = (
    "service: deps\nprovider:\n  name: aws\n  runtime: python3.12\n"
    "custom:\n  dir: {folder}\nlayers:\n  deps:\n    path: {path}\n"
)


def serverless(path: str, folder: str = "node_modules/deps") -> Layout:
    return files(
        {
            "serverless.yml": SLS.format(folder=folder, path=path),
            f"{folder}/python/helper.py": HELPER,
        }
    )


SLS_LAYERS: dict[str, Layout] = {
    "3a-self-custom": serverless("${self:custom.dir}"),
    "3b-env-with-default": serverless("${env:LAYER_DIR, 'node_modules/deps'}"),
    "3c-self-custom-venv": serverless("${self:custom.dir}", ".venv"),
}

# --- 4. flit's [tool.flit.metadata] -----------------------------------------------------------

FLIT = '[build-system]\nrequires = ["flit_core >=3.2,<4"]\nbuild-backend = "flit_core.buildapi"\n'
FLIT_MODULE = '"""Orders."""\n\n__version__ = "1.0"\n\n\n' + HARMLESS
FLIT_METADATA = '[tool.flit.metadata]\nmodule = "app"\nauthor = "orders"\n'


def flit(pyproject: str) -> Layout:
    return sam({"src/pyproject.toml": FLIT + pyproject, "src/app.py": FLIT_MODULE})


FLIT_TABLES: dict[str, Layout] = {
    "4a-requires": flit(FLIT_METADATA + 'requires = ["requests==2.19.0"]\n'),
    "4b-requires-extra": flit(
        FLIT_METADATA
        + 'requires = ["app[aws]"]\n'
        + '[tool.flit.metadata.requires-extra]\naws = ["requests==2.19.0"]\n'
    ),
}


def test_the_plain_forms_block(tmp_path: Path) -> None:
    """Each problem written plainly blocks, in one run: an upload's literal `.zip` (1),
    setup.cfg's list beside `setuptools.build_meta` (2, 6), a Serverless layer's skipped
    folder written out (3), the pin in `[project].dependencies` of a flit project (4)."""
    cases = {
        "upload-literal": (
            terraform(WITH_KEY + UNTIED + upload('source = "build/evil.zip"')),
            "GATE-SLS-001",
        ),
        "setup-cfg-list": (
            setup_cfg(CFG + "install_requires =\n    requests==2.19.0\n"),
            "PYSEC-2018-28",
        ),
        "sls-layer-written-out": (serverless("node_modules/deps"), "B605"),
        "sls-layer-venv-written-out": (serverless(".venv", ".venv"), "B605"),
        "flit-project-table": (
            flit(
                '[project]\nname = "app"\nversion = "1.0"\ndescription = "x"\n'
                'dependencies = ["requests==2.19.0"]\n'
            ),
            "PYSEC-2018-28",
        ),
    }
    each_blocks(tmp_path, cases)


def test_what_the_deploy_uploads_or_layers_is_scanned_or_refused(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, {**UPLOADS, **SLS_LAYERS})


def test_what_the_build_backend_installs_is_scanned_or_refused(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, {**INTERPOLATED, **FLIT_TABLES, **OTHER_NAME})


# --- 5. diff mode and the files a build backend reads -----------------------------------------


def test_a_setup_cfg_that_now_installs_its_file_makes_its_pins_new(sandbox: Sandbox) -> None:
    """main: `src/deps.in` (requests 2.19.0) is the orders project's `test` extra; the
    change makes it its `install_requires`. The same by requirements files blocks."""
    two_functions(sandbox, "src", "six==1.16.0")
    sandbox.write("src/deps.in", VULNERABLE + "\n")
    sandbox.write("src/pyproject.toml", BACKEND)
    sandbox.write("src/setup.cfg", CFG + "[options.extras_require]\ntest = file: deps.in\n")
    repo = committed_repository(sandbox, "main")
    repo.git.checkout("-b", "change")
    sandbox.write("src/setup.cfg", CFG + "install_requires = file: deps.in\n")
    commit(repo, "requests for orders")
    assert sandbox.run("--diff-base", "main").code in (1, 2)
