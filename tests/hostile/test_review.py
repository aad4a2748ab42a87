"""A hostile review of `gate check`: tricks an attacker who writes the bundle could use
to pass a build the gate should block, to leak a secret, or to make the gate crash.

Each case was a confirmed problem when the review found it: the test says what the gate
must do, and would fail on the code before its fix.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.conftest import HostileRun, Layout, Sandbox, each_blocked_or_refused, each_blocks
from tests.hostile.test_staging import BAD, function

LAYERED = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Dep:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layer/
      CompatibleRuntimes: [python3.12]
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Layers: [!Ref Dep]
"""
USES_EVIL = (
    "import evil\n\n\ndef handler(event, context):\n    return evil.handler(event, context)\n"
)


def blocked_or_refused(run: HostileRun) -> None:
    """The trick did not pass: the run blocks (exit 1) or refuses (exit 2, one line)."""
    assert run.code in (1, 2), (run.code, run.stdout[-2000:], run.stderr)
    if run.code == 2:
        assert run.lines, run.stderr


def report(run: HostileRun) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(run.stdout)
    return data


# --- a folder with a pyvenv.cfg is "a virtualenv" and ignored, wherever it is ----------


def pyvenv_cfg_in(site: str) -> Layout:
    """A layer whose import folder `site` holds a pyvenv.cfg and the module the handler
    imports."""

    def written(sandbox: Sandbox) -> None:
        sandbox.write("template.yaml", LAYERED)
        sandbox.write("src/app.py", USES_EVIL)
        sandbox.write(f"{site}/pyvenv.cfg", "home = /usr/bin\n")
        sandbox.write(f"{site}/evil.py", BAD)

    return written


def test_a_pyvenv_cfg_in_a_layer_import_folder_hides_the_code_a_handler_imports(
    tmp_path: Path,
) -> None:
    each_blocked_or_refused(
        tmp_path,
        {
            "python": pyvenv_cfg_in("layer/python"),
            "site-packages": pyvenv_cfg_in("layer/python/lib/python3.12/site-packages"),
        },
    )


def test_a_pyvenv_cfg_folder_on_a_handlers_sys_path_hides_the_code_it_imports(
    sandbox: Sandbox,
) -> None:
    function(sandbox)
    sandbox.write(
        "src/app.py",
        "import os\nimport sys\n\n"
        "sys.path.insert(0, os.path.join(os.path.dirname(__file__), 'vendor'))\n" + USES_EVIL,
    )
    sandbox.write("src/vendor/pyvenv.cfg", "home = /usr/bin\n")
    sandbox.write("src/vendor/evil.py", BAD)
    blocked_or_refused(sandbox.run("--format", "json"))


# --- IAM wildcards the gate's rules do not see as "every action" -----------------------

SAM_POLICIES = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Conditions:
  Never: !Equals [a, b]
Mappings:
  M:
    a:
      b: '*'
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Policies:
{policies}
"""
STAR_ACTION = (
    "        - Statement:\n            - Effect: Allow\n              Action: {action}\n"
    "              Resource: '*'"
)
GOOD_HANDLER = "def handler(event, context):\n    return {'ok': True}\n"


def plain_star_action(sandbox: Sandbox) -> None:
    """The baseline the tricks below start from: `Action: '*'` blocks."""
    sandbox.write("template.yaml", SAM_POLICIES.format(policies=STAR_ACTION.format(action="'*'")))
    sandbox.write("src/app.py", GOOD_HANDLER)


def test_a_glob_that_matches_every_action_blocks(tmp_path: Path) -> None:

    def layout(action: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            sandbox.write(
                "template.yaml", SAM_POLICIES.format(policies=STAR_ACTION.format(action=action))
            )
            sandbox.write("src/app.py", GOOD_HANDLER)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "0-action": layout("'**'"),
            "1-action": layout("'?*'"),
            "2-action": layout("'*?*'"),
        },
    )


def an_admin_statement_behind_fn_if_in_sam_policies(sandbox: Sandbox) -> None:
    policies = (
        "        - !If\n          - Never\n"
        "          - Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]\n"
        "          - Statement: [{Effect: Allow, Action: '*', Resource: '*'}]"
    )
    sandbox.write("template.yaml", SAM_POLICIES.format(policies=policies))
    sandbox.write("src/app.py", GOOD_HANDLER)


def a_star_action_from_a_mapping(sandbox: Sandbox) -> None:
    policies = STAR_ACTION.format(action="!FindInMap [M, a, b]")
    sandbox.write("template.yaml", SAM_POLICIES.format(policies=policies))
    sandbox.write("src/app.py", GOOD_HANDLER)


def an_admin_statement_behind_fn_if_in_a_statement_list(sandbox: Sandbox) -> None:
    policies = (
        "        - Statement:\n            - !If\n              - Never\n"
        "              - {Effect: Allow, Action: 's3:GetObject', Resource: '*'}\n"
        "              - {Effect: Allow, Action: '*', Resource: '*'}"
    )
    sandbox.write("template.yaml", SAM_POLICIES.format(policies=policies))
    sandbox.write("src/app.py", GOOD_HANDLER)


ROLE_WITH_STRING_DOCUMENT = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Role: !GetAtt Runner.Arn
  Runner:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      Policies:
        - PolicyName: p
          PolicyDocument: '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
"""


def an_admin_policy_document_written_as_a_json_string(sandbox: Sandbox) -> None:
    sandbox.write("template.yaml", ROLE_WITH_STRING_DOCUMENT)
    sandbox.write("src/app.py", GOOD_HANDLER)


# --- the user's `exclude` reaches code the handler imports ------------------------------


def test_python_an_excluded_folder_of_the_deployed_code_holds_is_scanned(
    sandbox: Sandbox,
) -> None:
    """The policy's `exclude` leaves out what is not deployed, never Python a function
    deploys: a bundle's author names its folders (`tests/**` is the pattern `gate init`
    writes), and a handler reaches any module of its zip. The imported helper and the
    test module beside it are scanned and said to be; what is not Python stays excluded,
    counted by the pattern that left it out, in the JSON report and the summary line
    (reviews 25 and 26 reversed this case's first reading)."""
    function(sandbox, code="./")
    sandbox.write(
        "app.py",
        "from tests import helper\n\n\ndef handler(event, context):\n"
        "    return helper.handler(event, context)\n",
    )
    sandbox.write("tests/__init__.py", "")
    sandbox.write("tests/helper.py", BAD)
    sandbox.write("tests/test_app.py", "def test_app():\n    assert True\n")
    sandbox.write("tests/event.json", "{}\n")
    policy = "version: 1\nscanners:\n  checkov: {enabled: false}\nexclude: ['tests/**']\n"
    run = sandbox.run("--format", "json", policy=policy)
    assert run.code == 1, run.stderr
    data = report(run)
    assert data["files"]["excluded"] == 1
    assert data["files"]["excluded_by"] == {"tests/**": 1}
    said = [w["message"] for w in data["warnings"] if w["code"] == "exclude-imported"]
    assert any("tests/helper.py" in m and "app.py imports it" in m for m in said), said
    assert any("tests/test_app.py" in m and "function's code holds it" in m for m in said)
    text = sandbox.run(policy=policy)
    assert "1 excluded" in text.stdout + text.stderr, text.stdout


# --- serverless.yml: variants and variables -------------------------------------------

SLS = (
    "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n{provider}"
    "functions:\n  f:\n    handler: app.handler\n{extra}"
)
SLS_ADMIN = (
    "  iam:\n    role:\n      statements:\n        - Effect: Allow\n"
    "          Action: {action}\n          Resource: '*'\n"
)
SLS_SECRET = "  environment:\n    DB_PASSWORD: {value}\n"
PLAINTEXT = "Sup3rS3cretValue99x"


def sls_json(provider: str, extra: str = "") -> str:
    import yaml

    return json.dumps(yaml.safe_load(SLS.format(provider=provider, extra=extra)))


def test_a_serverless_json_is_read_like_a_serverless_yml(tmp_path: Path) -> None:

    def layout(provider: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            sandbox.write("serverless.json", sls_json(provider))
            sandbox.write("app.py", GOOD_HANDLER)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "admin-role": layout(SLS_ADMIN.format(action="'*'")),
            "plaintext-secret": layout(SLS_SECRET.format(value=PLAINTEXT)),
        },
    )


@pytest.mark.slow
def test_a_serverless_json_admin_role_passes_checkov_too(sandbox: Sandbox) -> None:
    sandbox.write("serverless.json", sls_json(SLS_ADMIN.format(action="'*'")))
    sandbox.write("app.py", GOOD_HANDLER)
    blocked_or_refused(sandbox.run(policy=None))


def serverless_yml_admin_role(name: str) -> Layout:
    """The baseline: the same service as YAML (in `name`) blocks."""

    def written(sandbox: Sandbox) -> None:
        sandbox.write(name, SLS.format(provider=SLS_ADMIN.format(action="'*'"), extra=""))
        sandbox.write("app.py", GOOD_HANDLER)

    return written


# name: (the service's provider settings, what the service file adds)
SLS_VARIABLES = {
    "self-action": (SLS_ADMIN.format(action="${self:custom.act}"), "custom:\n  act: '*'\n"),
    "file-statements": ("  iam:\n    role:\n      statements: ${file(./iam.yml)}\n", ""),
    "self-secret": (SLS_SECRET.format(value="${self:custom.pw}"), f"custom:\n  pw: {PLAINTEXT}\n"),
}


def service_with_variables(provider: str, extra: str) -> Layout:
    def written(sandbox: Sandbox) -> None:
        sandbox.write("serverless.yml", SLS.format(provider=provider, extra=extra))
        sandbox.write("iam.yml", "- Effect: Allow\n  Action: '*'\n  Resource: '*'\n")
        sandbox.write("app.py", GOOD_HANDLER)

    return written


def unprinted(runs: list[HostileRun], secret: str) -> None:
    """No run printed `secret`, on stdout or stderr."""
    assert not any(secret in run.stdout + run.stderr for run in runs), secret


def test_a_serverless_variable_does_not_hide_what_it_stands_for(tmp_path: Path) -> None:
    runs = each_blocked_or_refused(
        tmp_path,
        {
            name: service_with_variables(provider, extra)
            for name, (provider, extra) in SLS_VARIABLES.items()
        },
    )
    unprinted(runs, PLAINTEXT)


# --- Terraform: JSON syntax and templatefile ------------------------------------------

TF_FUNCTION = """\
resource "aws_lambda_function" "f" {
  function_name = "f"
  filename      = "app.zip"
  handler       = "app.handler"
  runtime       = "python3.12"
  role          = aws_iam_role.r.arn
}
resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = "{}"
}
"""
ADMIN_JSON = json.dumps({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


def deployment_zip(sandbox: Sandbox, code: str) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", code)
    sandbox.write("app.zip", buffer.getvalue())


def tf_json() -> str:
    function = {
        "function_name": "f",
        "filename": "app.zip",
        "handler": "app.handler",
        "runtime": "python3.12",
        "role": "${aws_iam_role.r.arn}",
    }
    return json.dumps(
        {
            "resource": {
                "aws_lambda_function": {"f": function},
                "aws_iam_role": {"r": {"name": "r", "assume_role_policy": "{}"}},
                "aws_iam_role_policy": {
                    "p": {"role": "${aws_iam_role.r.id}", "policy": ADMIN_JSON}
                },
            }
        }
    )


def terraform_hcl_deploying_the_zip(sandbox: Sandbox) -> None:
    """The baseline: the same stack in HCL blocks (the zip's code is scanned)."""
    sandbox.write("main.tf", TF_FUNCTION)
    deployment_zip(sandbox, BAD)


def terraform_json_is_read_like_hcl(sandbox: Sandbox) -> None:
    sandbox.write("main.tf.json", tf_json())
    deployment_zip(sandbox, BAD)


@pytest.mark.slow
def test_terraform_json_passes_checkov_too(sandbox: Sandbox) -> None:
    sandbox.write("main.tf.json", tf_json())
    deployment_zip(sandbox, BAD)
    blocked_or_refused(sandbox.run(policy=None))


def a_policy_rendered_by_templatefile(sandbox: Sandbox) -> None:
    sandbox.write(
        "main.tf",
        TF_FUNCTION + 'resource "aws_iam_role_policy" "p" {\n  role   = aws_iam_role.r.id\n'
        '  policy = templatefile("${path.module}/p.tpl", { a = "*" })\n}\n',
    )
    sandbox.write("p.tpl", ADMIN_JSON.replace('"Action": "*"', '"Action": "${a}"'))
    deployment_zip(sandbox, GOOD_HANDLER)


# --- what Python loads instead of the source the gate scanned -------------------------


def unchecked_pyc(source: str) -> bytes:
    """Bytecode of `source` as `py_compile --invalidation-mode unchecked-hash` writes it:
    Python imports it in place of the .py beside it without looking at the source."""
    import py_compile
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "app.py"
        path.write_text(source, encoding="utf-8")
        mode = py_compile.PycInvalidationMode.UNCHECKED_HASH
        out = py_compile.compile(str(path), invalidation_mode=mode, doraise=True)
        assert out is not None
        return Path(out).read_bytes()


def test_bytecode_in_pycache_that_python_loads_is_refused(tmp_path: Path) -> None:

    def layout(shape: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            import io
            import zipfile

            bytecode = unchecked_pyc(BAD)
            if shape == "folder":
                function(sandbox)
                sandbox.write("src/app.py", GOOD_HANDLER)
                sandbox.write("src/__pycache__/app.cpython-312.pyc", bytecode)
            else:
                function(sandbox, code="app.zip")
                buffer = io.BytesIO()
                with zipfile.ZipFile(buffer, "w") as archive:
                    archive.writestr("app.py", GOOD_HANDLER)
                    archive.writestr("__pycache__/app.cpython-312.pyc", bytecode)
                sandbox.write("app.zip", buffer.getvalue())

        return written

    each_blocked_or_refused(tmp_path, {"folder": layout("folder"), "zip": layout("zip")})


def a_native_module_shadowing_the_handler_is_refused(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("src/app.py", GOOD_HANDLER)
    sandbox.write("src/app.cpython-312-x86_64-linux-gnu.so", b"\x7fELF\x02\x01\x01" + bytes(100))


# --- inline code in the template -------------------------------------------------------


def indented(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line + "\n" for line in text.splitlines())


INLINE_SAM = (
    "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
    "Resources:\n  Orders:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      InlineCode: |\n" + indented(BAD, 8) + "      Handler: index.handler\n"
    "      Runtime: python3.12\n"
)
INLINE_CFN = (
    "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Orders:\n"
    "    Type: AWS::Lambda::Function\n    Properties:\n      Code:\n        ZipFile: |\n"
    + indented(BAD, 10)
    + "      Handler: index.handler\n      Runtime: python3.12\n"
    "      Role: arn:aws:iam::123456789012:role/r\n"
)


def test_inline_python_in_a_template_is_scanned(tmp_path: Path) -> None:

    def layout(template: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            sandbox.write("template.yaml", template)

        return written

    each_blocked_or_refused(
        tmp_path,
        {
            "sam-inline": layout(INLINE_SAM),
            "cfn-zipfile": layout(INLINE_CFN),
        },
    )


# --- build output that the deploy tool prefers ----------------------------------------


def a_built_sam_template_that_sam_deploy_prefers_is_not_ignored(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("src/app.py", GOOD_HANDLER)
    sandbox.write(
        ".aws-sam/build/template.yaml",
        SAM_POLICIES.replace("CodeUri: src/", "CodeUri: Orders").format(
            policies=STAR_ACTION.format(action="'*'")
        ),
    )
    sandbox.write(".aws-sam/build/Orders/app.py", BAD)


# --- a plaintext secret one intrinsic function away -------------------------------------

SECRET = "Sup3rS3cretValue99x"
SECRET_TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Pw:
    Type: String
    Default: {secret}
Mappings:
  M:
    a:
      b: {secret}
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Environment:
        Variables:
          DB_PASSWORD: {value}
"""


def test_a_plaintext_secret_in_the_environment_blocks(sandbox: Sandbox) -> None:
    """The baseline: the literal secret is GATE-IAC-012 (high) and blocks, unprinted."""
    sandbox.write("template.yaml", SECRET_TEMPLATE.format(secret=SECRET, value=SECRET))
    sandbox.write("src/app.py", GOOD_HANDLER)
    run = sandbox.run("--format", "json")
    assert run.code == 1
    assert SECRET not in run.stdout + run.stderr


# name: the environment value that stands for the secret
INTRINSIC_SECRETS = {
    "parameter-default": "!Ref Pw",
    "mapping": "!FindInMap [M, a, b]",
    "join": "!Join ['', ['Sup3rS3cret', 'Value99x']]",
}


def secret_behind(value: str) -> Layout:
    def written(sandbox: Sandbox) -> None:
        sandbox.write("template.yaml", SECRET_TEMPLATE.format(secret=SECRET, value=value))
        sandbox.write("src/app.py", GOOD_HANDLER)

    return written


def test_a_plaintext_secret_behind_an_intrinsic_blocks(tmp_path: Path) -> None:
    runs = each_blocked_or_refused(
        tmp_path, {name: secret_behind(value) for name, value in INTRINSIC_SECRETS.items()}
    )
    unprinted(runs, SECRET)


# --- quadratic work on a value the bundle writes ----------------------------------------


@pytest.mark.slow
def test_an_environment_value_cannot_stall_the_secret_rule(sandbox: Sandbox) -> None:
    sandbox.write(
        "template.yaml",
        SECRET_TEMPLATE.format(secret="x", value="'" + "a-" * 150_000 + "'").replace(
            "DB_PASSWORD", "NOTE"
        ),
    )
    sandbox.write("src/app.py", GOOD_HANDLER)
    policy = "version: 1\nscanners:\n  checkov: {enabled: false}\n  serverless: {timeout_s: 20}\n"
    run = sandbox.run(policy=policy)
    assert run.code == 0, run.stderr


# --- the file account when no scanner read the files ------------------------------------


def test_files_no_enabled_scanner_read_are_not_counted_scanned(sandbox: Sandbox) -> None:
    function(sandbox)
    sandbox.write("src/app.py", BAD)
    policy = (
        "version: 1\nscanners:\n  checkov: {enabled: false}\n  bandit: {enabled: false}\n"
        "  serverless: {enabled: false}\n"
    )
    run = sandbox.run("--format", "json", policy=policy)
    assert report(run)["files"]["scanned"] == 0


def an_admin_statement_from_a_terraform_dynamic_block(sandbox: Sandbox) -> None:
    sandbox.write(
        "main.tf",
        TF_FUNCTION + 'variable "acts" {\n  default = [["*"]]\n}\n'
        'data "aws_iam_policy_document" "d" {\n  dynamic "statement" {\n'
        "    for_each = var.acts\n    content {\n      actions   = statement.value\n"
        '      resources = ["*"]\n    }\n  }\n}\n'
        'resource "aws_iam_role_policy" "p" {\n  role   = aws_iam_role.r.id\n'
        "  policy = data.aws_iam_policy_document.d.json\n}\n",
    )
    deployment_zip(sandbox, GOOD_HANDLER)


# --- the baselines, in one run ----------------------------------------------------------

# name: (the bundle, the rule of its blocking finding)
BASELINES: dict[str, tuple[Layout, str]] = {
    "sam-plain-star-action": (plain_star_action, "GATE-IAC-001"),
    "serverless-yml-admin-role": (serverless_yml_admin_role("serverless.yml"), "GATE-IAC-001"),
    "serverless-yaml-admin-role": (serverless_yml_admin_role("serverless.yaml"), "GATE-IAC-001"),
    "terraform-hcl-deploying-the-zip": (terraform_hcl_deploying_the_zip, "GATE-SLS-001"),
}


def test_the_baselines_block(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: each blocks, its finding on the rule
    named beside it."""
    each_blocks(tmp_path, BASELINES)


def test_each_trick_is_blocked_or_refused(tmp_path: Path) -> None:
    """The single tricks above, in one run: none of them passes."""
    each_blocked_or_refused(
        tmp_path,
        {
            "admin-statement-behind-fn-if-in-sam-policies": (
                an_admin_statement_behind_fn_if_in_sam_policies
            ),
            "star-action-from-a-mapping": a_star_action_from_a_mapping,
            "admin-statement-behind-fn-if-in-a-statement-list": (
                an_admin_statement_behind_fn_if_in_a_statement_list
            ),
            "admin-policy-document-written-as-a-json-string": (
                an_admin_policy_document_written_as_a_json_string
            ),
            "terraform-json-is-read-like-hcl": terraform_json_is_read_like_hcl,
            "policy-rendered-by-templatefile": a_policy_rendered_by_templatefile,
            "native-module-shadowing-the-handler-is-refused": (
                a_native_module_shadowing_the_handler_is_refused
            ),
            "built-sam-template-that-sam-deploy-prefers-is-not-ignored": (
                a_built_sam_template_that_sam_deploy_prefers_is_not_ignored
            ),
            "admin-statement-from-a-terraform-dynamic-block": (
                an_admin_statement_from_a_terraform_dynamic_block
            ),
        },
    )
