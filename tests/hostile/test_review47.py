"""A forty-seventh hostile review of `gate check`, on review 46's fixes and what they
touch: the pyproject tables now read (gate.bundle.manifests.declared), Poetry unions
(entries `_UNION`), `path.cwd`, and the refusal of a lost layer (`Read.lost_layers`,
read.py `_refuse_lost_layers`), then the Terraform layer and function forms around them.

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off), and the baseline (the
same problem written plainly, in one run) blocks: GATE-SLS-001 for a handler running the
event's command, B605 for a layer's helper running it, PYSEC-2018-28 (requests 2.19.0,
high) for a vulnerable pin. What lets each through:

1. A Terraform function or layer deploying an object the module uploads from a bundle
   zip, matched wrongly or not at all. `_uploaded` (gate.bundle.discovery.terraform)
   ties a function's (or layer's) `s3_bucket`/`s3_key` to an `aws_s3_object` by a
   reference to that object or by equal *unevaluated* text of bucket and key, and takes
   the first upload that matches. So (a) two uploads of one bucket and key, the harmless
   zip's first, the real one's `depends_on` it (so written last, what the function
   deploys): the gate scans the harmless zip and calls the real one "a zip no function or
   layer deploys" (a warning, its content never scanned); (b) the same with the function's
   `s3_object_version = aws_s3_object.b.version_id` (the second object's version is what
   Lambda takes); (c) `s3_bucket = aws_s3_bucket.b.id` beside the upload's `bucket =
   aws_s3_bucket.b.bucket` (one bucket, two attributes); (d) the function's `s3_key =
   local.key` with `locals { key = "fn.zip" }`, the upload's key the literal; (e) the
   reverse, the upload's `key = local.key`; (f) `s3_bucket = var.bucket` whose default is
   the upload's literal bucket; (g), (h) a layer (tied to the function) with (a) and (d).
   In (c) to (h) the function is "code in S3" (`function-code-elsewhere`, a warning) and
   the uploaded zip "not deployed": each exits 0, where the function naming the zip by
   `filename`, or by a reference to its upload, blocks. Review 29 class 2 had `_uploaded`
   follow locals holding a *reference*; a local (or a variable default, or another
   attribute) holding the *same value* is still not evaluated, and several matches are
   never compared.
2. The lost-layer refusal trusts `compatible_runtimes`. Review 46's fix refuses an untied
   layer whose content only the deploy locates only when `may_hold_python` says its
   `compatible_runtimes` may hold Python (the `pythonic` sets of `read_terraform` and
   cloudformation `read_template`). That list is metadata: Lambda lists layers by it but
   attaches any layer to any function (the Python runtime puts the layer's `python/` on
   `sys.path` whatever the layer says). A layer `filename = "${path.cwd}/build/deps.zip"`
   with (a) `compatible_runtimes = ["nodejs20.x"]`, no function in the bundle (a Python
   function of another stack names it), (b) `["java21", "provided.al2023"]`, (c) nodejs
   and tied to the bundle's Python function through `data "aws_lambda_layer_version"`
   (`_tf_references` skips `data.` addresses, so it is untied): each exits 0, the zip
   "not deployed"; (d) the same in SAM: an `AWS::Serverless::LayerVersion` whose
   `ContentUri` is `!Ref LayerZip` (a zip of the bundle by default), `CompatibleRuntimes:
   [nodejs20.x]`, no function. Each exits 0, where `[python3.12]` (or no list) is
   refused and a nodejs layer whose zip is written out and tied is scanned (B605
   blocks). The CloudFormation side is `read_template`'s `pythonic` set, the same filter.
3. hatch-requirements-txt read as "dynamic dependencies". `_read_dynamic`
   (gate.bundle.manifests.declared) reads setuptools' `[tool.setuptools.dynamic]` files
   since review 46, but Hatch's requirements plugin (`[tool.hatch.metadata.hooks
   .requirements_txt] files = ["deps.in"]`, PyPI's hatch-requirements-txt in
   `[build-system] requires`) is the same: the backend reads a requirements file of the
   bundle, no code of the bundle runs. The gate reports GATE-DEP-001 (medium, allowed)
   and counts `deps.in` "not analysed": (a) `dependencies` from `deps.in` pinning
   requests 2.19.0; (b) `optional-dependencies` from `[...requirements_txt
   .optional-dependencies] aws = ["aws.in"]`, the project depending on `orders[aws]`.
   Exit 0. Run by hand with uv 0.13.10 (from PyPI): `uv lock` built the metadata with
   hatchling and the plugin and locked requests 2.19.0, `uv export` printed
   `requests==2.19.0`. (The plugin's default file, `requirements.txt`, is found by name
   and blocks.)
4. setuptools' `setup.cfg` is never read. `install_requires` in a `setup.cfg` beside a
   `pyproject.toml` naming setuptools as its backend (no `[project]` table) is the
   project's dependencies, read declaratively by setuptools (no code of the bundle
   runs), but no manifest reader knows the file (gate.bundle.manifests reads
   requirements files, pyproject, Pipfile and locks): (a) `install_requires =
   requests==2.19.0` (a multi-line list); (b) `install_requires = file: deps.in`,
   `deps.in` pinning it (the form setuptools reads as a requirements file). No
   dependency finding at all, `setup.cfg` counted "not analysed": exit 0. Run by hand:
   `uv pip compile pyproject.toml` printed `requests==2.19.0` and `pip install --dry-run
   --report FILE .` (pip 23.2.1, setuptools from PyPI) would install requests 2.19.0, for each.

Suggested fixes, by class. 1, evaluate bucket and key as Terraform does before comparing
(locals, variable defaults, tfvars, and a bucket's `id`/`bucket` as one name), and when
more than one upload (or none that evaluates) may be the deployed object, refuse the
function as code only the deploy locates, as a lost layer is; better, treat every zip an
`aws_s3_object` of the module uploads as deployed (scan it) whatever function names it.
2, do not read `compatible_runtimes` for the refusal (or for scanning): refuse any untied
layer whose content only the deploy locates, as the layers tied to a function are. 3,
read the requirements files of Hatch's requirements plugin as setuptools' are (its
`files`, default `requirements.txt`, and `optional-dependencies` tables), or refuse a
pyproject whose dependencies only a build backend states unless its lock is present.
4, read `setup.cfg`'s `[options] install_requires` and `[options.extras_require]` (and
their `file:` form, as requirements files) as the project's requirements, as
`[project].dependencies` is read; with a `setup.py` beside it, report or refuse as
dynamic.

Also tried, and the gate held: `[tool.uv.sources] requests = { index = "mirror" }` with an
`explicit` `[[tool.uv.index]]` elsewhere (GATE-DEP-002 blocks); setuptools' dynamic
`file` in a subfolder (`reqs/deps.txt`) and `optional-dependencies.aws = { file = ... }`
(audited, block); a nodejs-runtime layer tied directly to the Python function, its zip
named (B605 blocks) or at `${path.cwd}` (scan error); an untied Python layer at
`${path.cwd}` (refused, also with no `compatible_runtimes`), tied through
`data "aws_lambda_layer_version"` (refused); a function `layers = [var.layer]` (scan
error); a SAM layer with `CompatibleRuntimes: [nodejs20.x]` whose `ContentUri` is a
parameter and whose folder is in the bundle (its files are scanned as the bundle's, B605
blocks).

Not covered: the Poetry union beyond review 46's cases, PDM overrides against PDM itself,
`[tool.hatch.envs]` (a Hatch environment is no Lambda build), CloudFormation's
`AWS::Lambda::LayerVersion` `Content` in S3 (the content is not in the bundle), the
audit's cache key with `audited_requirement_files`, diff mode, shards. No `terraform
apply` ran (no Terraform here): class 1 rests on Terraform evaluating locals, variable
defaults and `depends_on` order as documented, class 2 on Lambda not enforcing
`CompatibleRuntimes` (documented as what the console lists by).

Limits (not bypasses): "code in S3" for an object no block of the module uploads is out
of scope by the README, and so is a layer published elsewhere.

Fixed, class 1: every zip a Terraform module uploads to S3 (`aws_s3_object`'s `source`)
is deployed code, unpacked and scanned like a layer's, whichever upload a function's
bucket and key turn out to name (gate.bundle.discovery.terraform `read_terraform`,
`Read.layers`). Class 2: an untied layer whose content only the deploy locates is
refused whatever runtimes it lists (`Read.lost_layers`, in the CloudFormation and
Terraform readers).

Fixed, classes 3 and 4 (gate.bundle.manifests.declared). 3, the files a build backend
reads dynamic dependencies and extras from are Hatch's requirements plugin's too
(`_backend_files`: `_setuptools_files` and `_hatch_files`, its `files`, default
`requirements.txt`, and `optional-dependencies`), read as requirements files by
`_read_dynamic` and keyed by the audit's cache (`backend_files`). 4, `setup.cfg` is a
manifest (`MANIFEST_PATTERNS`, `READERS`): `read_setup_cfg` reads `[options]
install_requires` and `[options.extras_require]` with configparser, each list item
through `classify_requirement` and each `file:` through `read_named_files` (keyed by
`backend_files`), unless the `pyproject.toml` beside it names a backend other than
setuptools; a file that does not parse is a problem naming it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from tests.hostile.conftest import (
    HARMLESS,
    RUNS_EVENT,
    SAM,
    SAM_HEAD,
    Layout,
    each_blocked_or_refused,
    each_blocks,
    files,
    zipped,
)

HELPER = "import os\n\n\ndef run(cmd):\n    os.system(cmd)\n"
QUIET_HELPER = "def run(cmd):\n    return cmd\n"


# --- 1. uploads to S3 matched by unevaluated text, first match wins -------------------------

FUNCTION = (
    'resource "aws_lambda_function" "fn" {{\n  function_name = "orders"\n'
    '  role = "arn:aws:iam::123456789012:role/orders"\n  runtime = "python3.12"\n'
    '  handler = "app.handler"\n{}}}\n'
)
LAYER = (
    'resource "aws_lambda_layer_version" "deps" {{\n  layer_name = "deps"\n'
    "  compatible_runtimes = {}\n{}}}\n"
)


def upload(
    name: str, source: str, key: str = '"fn.zip"', bucket: str = '"bkt"', more: str = ""
) -> str:
    return (
        f'resource "aws_s3_object" "{name}" {{\n  bucket = {bucket}\n  key = {key}\n'
        f'  source = "{source}"\n{more}}}\n'
    )


ZIPS = {
    "build/good.zip": zipped({"app.py": HARMLESS}),
    "build/evil.zip": zipped({"app.py": RUNS_EVENT}),
    "build/gdeps.zip": zipped({"python/helper.py": QUIET_HELPER}),
    "build/edeps.zip": zipped({"python/helper.py": HELPER}),
}
AFTER_A = "  depends_on = [aws_s3_object.a]\n"
KEY_LOCAL = 'locals {\n  key = "fn.zip"\n}\n'
DEPS_LOCAL = 'locals {\n  key = "deps.zip"\n}\n'
TIED = '  filename = "build/good.zip"\n  layers = [aws_lambda_layer_version.deps.arn]\n'
PYTHON = '["python3.12"]'


def terraform(main: str) -> Layout:
    return files({"main.tf": main, **ZIPS})


UPLOADS: dict[str, Layout] = {
    "a-two-uploads-the-last-deployed": terraform(
        FUNCTION.format(
            '  s3_bucket = "bkt"\n  s3_key = "fn.zip"\n  depends_on = [aws_s3_object.b]\n'
        )
        + upload("a", "build/good.zip")
        + upload("b", "build/evil.zip", more=AFTER_A)
    ),
    "b-object-version-of-the-second": terraform(
        FUNCTION.format(
            '  s3_bucket = "bkt"\n  s3_key = "fn.zip"\n'
            "  s3_object_version = aws_s3_object.b.version_id\n"
        )
        + upload("a", "build/good.zip")
        + upload("b", "build/evil.zip")
    ),
    "c-bucket-by-another-attribute": terraform(
        'resource "aws_s3_bucket" "b" {\n  bucket = "bkt"\n}\n'
        + FUNCTION.format('  s3_bucket = aws_s3_bucket.b.id\n  s3_key = "fn.zip"\n')
        + upload("code", "build/evil.zip", bucket="aws_s3_bucket.b.bucket")
    ),
    "d-function-key-a-local": terraform(
        KEY_LOCAL
        + FUNCTION.format('  s3_bucket = "bkt"\n  s3_key = local.key\n')
        + upload("code", "build/evil.zip")
    ),
    "e-upload-key-a-local": terraform(
        KEY_LOCAL
        + FUNCTION.format('  s3_bucket = "bkt"\n  s3_key = "fn.zip"\n')
        + upload("code", "build/evil.zip", key="local.key")
    ),
    "f-bucket-a-variable-default": terraform(
        'variable "bucket" {\n  default = "bkt"\n}\n'
        + FUNCTION.format('  s3_bucket = var.bucket\n  s3_key = "fn.zip"\n')
        + upload("code", "build/evil.zip")
    ),
    "g-layer-two-uploads": terraform(
        FUNCTION.format(TIED)
        + LAYER.format(
            PYTHON,
            '  s3_bucket = "bkt"\n  s3_key = "deps.zip"\n  depends_on = [aws_s3_object.b]\n',
        )
        + upload("a", "build/gdeps.zip", key='"deps.zip"')
        + upload("b", "build/edeps.zip", key='"deps.zip"', more=AFTER_A)
    ),
    "h-layer-key-a-local": terraform(
        DEPS_LOCAL
        + FUNCTION.format(TIED)
        + LAYER.format(PYTHON, '  s3_bucket = "bkt"\n  s3_key = local.key\n')
        + upload("code", "build/edeps.zip", key='"deps.zip"')
    ),
}

# --- 2. a lost layer refused only when its compatible_runtimes say Python -------------------

CWD_LAYER = '  filename = "${path.cwd}/build/edeps.zip"\n'
BY_DATA = (
    'data "aws_lambda_layer_version" "d" {\n'
    "  layer_name = aws_lambda_layer_version.deps.layer_name\n}\n"
)
LOST_LAYERS: dict[str, Layout] = {
    "a-nodejs-layer-no-function": terraform(LAYER.format('["nodejs20.x"]', CWD_LAYER)),
    "b-java-layer-no-function": terraform(LAYER.format('["java21", "provided.al2023"]', CWD_LAYER)),
    "c-nodejs-layer-tied-by-data-source": terraform(
        FUNCTION.format(
            '  filename = "build/good.zip"\n  layers = [data.aws_lambda_layer_version.d.arn]\n'
        )
        + BY_DATA
        + LAYER.format('["nodejs20.x"]', CWD_LAYER)
    ),
    "d-sam-nodejs-layer-from-a-parameter": files(
        {
            "template.yaml": SAM_HEAD
            + "Parameters:\n  LayerZip:\n    Type: String\n    Default: build/deps.zip\n"
            + "Resources:\n  Deps:\n    Type: AWS::Serverless::LayerVersion\n"
            + "    Properties:\n      ContentUri: !Ref LayerZip\n"
            + "      CompatibleRuntimes: [nodejs20.x]\n",
            "build/deps.zip": zipped({"python/helper.py": HELPER}),
        }
    ),
}

# --- 3. hatch-requirements-txt, 4. setup.cfg ---------------------------------------------

HATCH = (
    '[build-system]\nrequires = ["hatchling", "hatch-requirements-txt"]\n'
    'build-backend = "hatchling.build"\n'
    '[project]\nname = "orders"\nversion = "1.0.0"\nrequires-python = ">=3.11"\n'
)
WHEEL = '[tool.hatch.build.targets.wheel]\nonly-include = ["app.py"]\n'
HOOK = "[tool.hatch.metadata.hooks.requirements_txt"


def sam(written: Mapping[str, str]) -> Layout:
    return files({"template.yaml": SAM, "src/app.py": HARMLESS, **written})


HATCH_FILES: dict[str, Layout] = {
    "a-dependencies-from-deps-in": sam(
        {
            "src/pyproject.toml": HATCH
            + f'dynamic = ["dependencies"]\n{HOOK}]\nfiles = ["deps.in"]\n{WHEEL}',
            "src/deps.in": "requests==2.19.0\n",
        }
    ),
    "b-extra-from-aws-in": sam(
        {
            "src/pyproject.toml": HATCH
            + 'dependencies = ["orders[aws]"]\ndynamic = ["optional-dependencies"]\n'
            + f'{HOOK}.optional-dependencies]\naws = ["aws.in"]\n{WHEEL}',
            "src/aws.in": "requests==2.19.0\n",
        }
    ),
}

BACKEND_ONLY = (
    '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
)
CFG = "[metadata]\nname = orders\nversion = 1.0.0\n[options]\npy_modules = app\n"
SETUP_CFG: dict[str, Layout] = {
    "a-install-requires": sam(
        {
            "src/pyproject.toml": BACKEND_ONLY,
            "src/setup.cfg": CFG + "install_requires =\n    requests==2.19.0\n",
        }
    ),
    "b-install-requires-from-a-file": sam(
        {
            "src/pyproject.toml": BACKEND_ONLY,
            "src/setup.cfg": CFG + "install_requires = file: deps.in\n",
            "src/deps.in": "requests==2.19.0\n",
        }
    ),
}

SETUPTOOLS = (
    '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n'
    '[project]\nname = "orders"\nversion = "1.0.0"\nrequires-python = ">=3.11"\n'
    'dynamic = ["dependencies"]\n'
    '[tool.setuptools.dynamic]\ndependencies = { file = ["deps.txt"] }\n'
)


def test_the_plain_forms_block(tmp_path: Path) -> None:
    """Each problem written plainly blocks, in one run: the function's zip named by
    `filename` or by a reference to its upload (1), a layer's zip named (1), a nodejs
    layer tied and named (2), the pin in `[project].dependencies`, and setuptools'
    dynamic file (3, 4)."""
    cases = {
        "fn-zip-named": (
            terraform(FUNCTION.format('  filename = "build/evil.zip"\n')),
            "GATE-SLS-001",
        ),
        "fn-upload-referenced": (
            terraform(
                FUNCTION.format('  s3_bucket = "bkt"\n  s3_key = aws_s3_object.code.key\n')
                + upload("code", "build/evil.zip")
            ),
            "GATE-SLS-001",
        ),
        "layer-zip-named": (
            terraform(
                FUNCTION.format(TIED) + LAYER.format(PYTHON, '  filename = "build/edeps.zip"\n')
            ),
            "B605",
        ),
        "nodejs-layer-tied-and-named": (
            terraform(
                FUNCTION.format(TIED)
                + LAYER.format('["nodejs20.x"]', '  filename = "build/edeps.zip"\n')
            ),
            "B605",
        ),
        "pin-in-project": (
            sam({"src/pyproject.toml": HATCH + 'dependencies = ["requests==2.19.0"]\n'}),
            "PYSEC-2018-28",
        ),
        "setuptools-dynamic-file": (
            sam({"src/pyproject.toml": SETUPTOOLS, "src/deps.txt": "requests==2.19.0\n"}),
            "PYSEC-2018-28",
        ),
    }
    each_blocks(tmp_path, cases)


def test_an_untied_python_layer_at_path_cwd_is_refused(tmp_path: Path) -> None:
    """Class 2's baseline: review 46's refusal, for a layer whose runtimes say Python."""
    each_blocked_or_refused(
        tmp_path, {"python-layer-no-function": terraform(LAYER.format(PYTHON, CWD_LAYER))}
    )


def test_every_zip_a_module_uploads_is_scanned(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, UPLOADS)


def test_a_lost_layer_is_refused_whatever_runtimes_it_names(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, LOST_LAYERS)


def test_dependencies_a_build_backend_reads_from_files_are_audited(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, {**HATCH_FILES, **SETUP_CFG})
