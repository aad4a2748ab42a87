"""Functions found from SAM, CloudFormation, serverless.yml and Terraform, and findings
attributed to them."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gate.bundle.discovery import attribute
from gate.bundle.discovery.bundle import discover
from gate.bundle.discovery.references import LeftOutFolders
from gate.errors import BundleError
from gate.model import Finding, Function, Location, Severity
from tests.conftest import ASSETS, RunGate, only_scanners
from tests.hostile.test_review26 import TERRAFORM

SHOP = ASSETS / "repos" / "shop"
ONLY_PIP_AUDIT = only_scanners("pip-audit")


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def finding(path: str, resource: str | None = None) -> Finding:
    return Finding(
        "bandit", "B602", "t", "m", Severity.HIGH, "shop", Location(path, 1, 1, resource)
    )


def test_gate_ls_lists_every_function_of_the_repository(run_gate: RunGate) -> None:
    result = run_gate("ls", str(SHOP), "--format", "json")
    assert result.code == 0, result.stderr
    functions = {f["name"]: f for f in json.loads(result.stdout)["bundles"][0]["functions"]}
    assert list(functions) == [
        "OrdersFunction",
        "RefundsFunction",
        "ReportsFunction",
        "createAccount",
        "sendWelcome",
        "aws_lambda_function.thumbnail",
        "aws_lambda_function.cleanup",
    ]
    assert {f["iac"] for f in functions.values()} == {"sam", "serverless", "terraform"}
    handlers = {name: (f["handler_file"], f["handler_function"]) for name, f in functions.items()}
    assert handlers == {
        "OrdersFunction": ("sam/src/orders/app.py", "lambda_handler"),
        "RefundsFunction": ("sam/src/refunds/handlers/refund.py", "handle"),
        "ReportsFunction": ("sam/src/reports/app.py", "handler"),
        "createAccount": ("serverless/handlers/accounts.py", "create"),
        "sendWelcome": ("serverless/notify.py", "send_welcome"),
        "aws_lambda_function.thumbnail": ("terraform/functions/thumbnail/main.py", "handler"),
        "aws_lambda_function.cleanup": ("terraform/functions/cleanup/cleanup.py", "handler"),
    }
    assert functions["OrdersFunction"]["manifests"] == [
        "sam/layers/shared/requirements.txt",
        "sam/src/orders/requirements.txt",
    ]
    assert functions["createAccount"]["manifests"] == ["serverless/requirements.txt"]
    assert functions["aws_lambda_function.thumbnail"]["manifests"] == [
        "terraform/functions/thumbnail/requirements.txt"
    ]
    # Globals give the runtime; a function's own Runtime wins; provider defaults likewise.
    assert functions["OrdersFunction"]["runtime"] == "python3.12"
    assert functions["ReportsFunction"]["runtime"] == "python3.11"
    assert functions["sendWelcome"]["runtime"] == "python3.11"
    assert functions["createAccount"]["runtime"] == "python3.12"


def test_gate_ls_console_names_handler_and_manifests(run_gate: RunGate) -> None:
    result = run_gate("ls", str(SHOP))
    assert result.code == 0, result.stderr
    assert f"{SHOP} (directory): 7 functions" in result.stdout
    assert "sam/src/orders/app.py:lambda_handler" in result.stdout
    assert "manifests: serverless/requirements.txt" in result.stdout


def test_a_directory_without_iac_is_one_bundle(run_gate: RunGate, tmp_path: Path) -> None:
    write(tmp_path, {"handler.py": "def handler(event, context):\n    return 1\n"})
    result = run_gate("ls", str(tmp_path))
    assert result.code == 0
    assert "no functions in its IaC; scanned as one bundle" in result.stdout


def test_related_resources_are_the_role_and_what_points_at_the_function() -> None:
    functions = {f.name: f for f in discover(SHOP, "shop").functions}
    assert functions["ReportsFunction"].related == (
        "AWS::IAM::Role.ReportsRole",
        "AWS::Logs::LogGroup.ReportsLogGroup",
    )
    # A table the function only names in its environment is not the function's.
    assert functions["OrdersFunction"].related == ()
    # Functions sharing a role are not related to each other.
    assert functions["aws_lambda_function.cleanup"].related == ("aws_iam_role.lambda",)
    assert functions["aws_lambda_function.thumbnail"].related == (
        "aws_iam_role.lambda",
        "aws_lambda_permission.thumbnail_s3",
    )


def test_attribution_by_resource_handler_code_and_layer() -> None:
    found = discover(SHOP, "shop")

    def owners(path: str, resource: str | None = None) -> tuple[str, ...]:
        return attribute(finding(path, resource), found.functions, found.iac_files).functions

    assert owners("sam/template.yaml", "AWS::IAM::Role.ReportsRole") == ("ReportsFunction",)
    assert owners("sam/template.yaml", "AWS::DynamoDB::Table.OrdersTable") == ()
    assert owners("sam/src/orders/requirements.txt") == ("OrdersFunction",)
    assert owners("sam/layers/shared/python/shop_common.py") == (
        "OrdersFunction",
        "RefundsFunction",
        "ReportsFunction",
    )
    # A handler file is its function's alone, even where two functions share a code dir.
    assert owners("serverless/notify.py") == ("sendWelcome",)
    assert owners("serverless/requirements.txt") == ("createAccount", "sendWelcome")
    assert owners("serverless/serverless.yml", "createAccount") == ("createAccount",)
    assert owners("README.md") == ()


def test_same_named_functions_of_two_templates_are_two_functions(tmp_path: Path) -> None:
    """A finding on one template's resource names that template's function only."""
    for service in ("orders", "billing"):
        (tmp_path / service / "src").mkdir(parents=True)
        (tmp_path / service / "src" / "app.py").write_text("def handler(e, c):\n    return 1\n")
        (tmp_path / service / "template.yaml").write_text(
            "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
            "Resources:\n  TableUpdateFunction:\n    Type: AWS::Serverless::Function\n"
            "    Properties: {CodeUri: src/, Handler: app.handler, Runtime: python3.12}\n"
        )
    found = discover(tmp_path, "repo")
    resource = "AWS::Serverless::Function.TableUpdateFunction"
    owned = attribute(finding("billing/template.yaml", resource), found.functions, found.iac_files)
    assert owned.functions == ("billing/template.yaml:TableUpdateFunction",)


def test_code_deployed_as_a_single_file_belongs_to_its_function() -> None:
    # A Node function built from one file (archive_file source_file): no Python handler
    # is found, so the file is matched as the function's code itself.
    node = Function(
        "aws_lambda_function.z",
        "terraform",
        "main.tf",
        1,
        "aws_lambda_function.z",
        "nodejs20.x",
        "index.handler",
        None,
        None,
        "functions/z/index.js",
    )
    owned = attribute(finding("functions/z/index.js"), (node,), frozenset()).functions
    assert owned == ("aws_lambda_function.z",)


def test_cloudformation_functions_and_code_outside_the_bundle(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "template.json": json.dumps(
                {
                    "AWSTemplateFormatVersion": "2010-09-09",
                    "Resources": {
                        "Inline": {
                            "Type": "AWS::Lambda::Function",
                            "Properties": {
                                "Runtime": "python3.12",
                                "Handler": "index.handler",
                                "Code": {"ZipFile": "def handler(e, c): pass"},
                            },
                        },
                        "Packaged": {
                            "Type": "AWS::Lambda::Function",
                            "Properties": {
                                "Runtime": "python3.12",
                                "Handler": "app.handler",
                                "Code": "src",
                            },
                        },
                    },
                }
            ),
            "src/app.py": "def handler(event, context):\n    return 1\n",
        },
    )
    found = discover(tmp_path, "b")
    functions = {f.name: f for f in found.functions}
    assert functions["Packaged"].handler_file == "src/app.py"
    assert functions["Packaged"].resource == "AWS::Lambda::Function.Packaged"
    # Inline code is staged as the file Lambda makes of it, beside the template.
    assert functions["Inline"].code == "template.json.inline/Inline"
    assert functions["Inline"].handler_file == "template.json.inline/Inline/index.py"
    staged = tmp_path / "template.json.inline/Inline/index.py"
    assert staged.read_text() == "def handler(e, c): pass"
    assert found.warnings == () and found.issues == ()


def test_missing_code_is_an_error_naming_the_function(run_gate: RunGate, tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "template.yaml": "Transform: AWS::Serverless-2016-10-31\nResources:\n"
            "  Fn:\n    Type: AWS::Serverless::Function\n"
            "    Properties: {CodeUri: build/fn/, Handler: app.handler, Runtime: python3.12}\n"
        },
    )
    result = run_gate("ls", str(tmp_path))
    assert result.code == 2
    assert "template.yaml: Fn (line 3): its code 'build/fn' is not in the bundle" in result.stderr
    report = tmp_path.parent / f"{tmp_path.name}-report.json"
    console = run_gate("check", str(tmp_path), "--report", f"json={report}")
    assert console.code == 2
    errors = json.loads(report.read_text())["errors"]
    assert errors[0]["scanner"] is None
    assert "build/fn" in errors[0]["message"]
    assert "ERROR: the gate could not check everything: Fn (line 3): its code 'build/fn'" in (
        console.stdout
    )


def test_an_unsafe_function_zip_is_refused_naming_it(run_gate: RunGate, tmp_path: Path) -> None:
    repo = write(
        tmp_path / "repo",
        {
            "main.tf": 'resource "aws_lambda_function" "api" {\n'
            '  filename = "build/api.zip"\n  handler = "app.handler"\n'
            '  runtime = "python3.12"\n}\n'
        },
    )
    (repo / "build").mkdir()
    with zipfile.ZipFile(repo / "build" / "api.zip", "w") as zf:
        zf.writestr("../../escaped.py", "print('out')\n")
    result = run_gate("ls", str(repo))
    assert result.code == 2
    assert result.stderr.strip().splitlines() == [
        f"gate: error: {repo}/build/api.zip: entry '../../escaped.py' points outside the archive"
    ]
    assert not (tmp_path / "escaped.py").exists()


def test_code_outside_the_bundle_is_an_error(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "serverless.yml": "service: s\nprovider: {name: aws, runtime: python3.12}\n"
            "package: {artifact: ../dist/s.zip}\nfunctions:\n  f: {handler: h.f}\n"
        },
    )
    found = discover(tmp_path, "b")
    assert "outside the bundle" in found.issues[0].message


def test_unresolved_iac_is_said(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"infra/main.tf": 'module "api" {\n  source = "terraform-aws-modules/lambda/aws"\n}\n'},
    )
    found = discover(tmp_path, "b")
    assert [w.code for w in found.warnings] == ["iac-not-read"]
    assert "module 'api' not followed" in found.warnings[0].message
    assert found.functions == ()


SERVICE_WITH_FUNCTIONS = "service: s\nprovider: {name: aws, runtime: python3.12}\nfunctions: %s\n"


@pytest.mark.parametrize(
    "functions",
    [
        "${file(functions.yml)}",
        "${file('./functions.yml')}",
        "${file(./all.yml):api}",
        "[{b: {handler: app.b}}, '${file(functions.yml)}']",
    ],
)
def test_functions_included_from_a_file_are_read(tmp_path: Path, functions: str) -> None:
    write(
        tmp_path,
        {
            "serverless.yml": SERVICE_WITH_FUNCTIONS % functions,
            "functions.yml": "a:\n  handler: app.a\n",
            "all.yml": "api:\n  a:\n    handler: app.a\n",
            "app.py": "def a(e, c): pass\n",
        },
    )
    names = {f.name for f in discover(tmp_path, "b").functions}
    assert "a" in names


@pytest.mark.parametrize(
    ("functions", "said"),
    [
        ("${self:custom.fns}", "which the gate cannot read as a mapping"),
        ("${file(missing.yml)}", "includes nothing the gate can read"),
        ("${file(./all.yml):nothing}", "includes nothing the gate can read"),
    ],
)
def test_functions_the_gate_cannot_enumerate_are_refused(
    tmp_path: Path, functions: str, said: str
) -> None:
    write(
        tmp_path,
        {"serverless.yml": SERVICE_WITH_FUNCTIONS % functions, "all.yml": "api: {}\n"},
    )
    with pytest.raises(BundleError, match=said):
        discover(tmp_path, "b")


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        (
            "infra/broken.tf",
            'resource "aws_lambda_function" "x" {\n',
            "b/infra/broken.tf:1: not valid HCL",
        ),
        (
            "tpl/template.yaml",
            "AWSTemplateFormatVersion: '2010-09-09'\nResources: [\n",
            "b/tpl/template.yaml:3: cannot read this IaC file: YAML syntax error",
        ),
    ],
)
def test_iac_that_cannot_be_read_is_refused(
    tmp_path: Path, name: str, text: str, said: str
) -> None:
    write(tmp_path, {name: text})
    with pytest.raises(BundleError) as refused:
        discover(tmp_path, "b")
    assert str(refused.value).startswith(said)


def test_code_only_terraform_can_locate_is_an_error_for_python(tmp_path: Path) -> None:
    """Terraform variables are never resolved: code at `${var.artifact_dir}/f.zip` may be
    a folder of this bundle, so for a Python function that is a scan error naming it,
    never code "elsewhere"."""
    write(
        tmp_path,
        {
            "main.tf": 'resource "aws_lambda_function" "f" {\n'
            '  filename = "${var.artifact_dir}/f.zip"\n  handler = "app.handler"\n'
            '  runtime = "python3.12"\n}\n'
        },
    )
    found = discover(tmp_path, "b")
    assert found.functions[0].code is None
    assert not found.warnings
    (issue,) = found.issues
    assert "needs Terraform to resolve" in issue.message and issue.path == "main.tf"


def test_a_root_path_in_a_child_module_is_the_root_module_s(tmp_path: Path) -> None:
    """In a module a local module call reaches, `path.root` is the calling root's
    folder; with two roots calling it, the gate cannot tell which, so the code is a
    location it cannot follow."""
    prefix = "${path.root}"
    child = (
        'resource "aws_lambda_function" "f" {\n'
        f'  filename = "{prefix}/build/f.zip"\n  handler = "app.handler"\n'
        '  runtime = "python3.12"\n}\n'
    )
    calls = 'module "fn" {\n  source = "SOURCE"\n}\n'
    write(
        tmp_path,
        {"main.tf": calls.replace("SOURCE", "./modules/fn"), "modules/fn/main.tf": child},
    )
    for folder in ("build", "modules/fn/build"):  # the root's zip, and a decoy
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(tmp_path / folder / "f.zip", "w") as archive:
            archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    (found,) = discover(tmp_path, "b", lambda _: None).functions
    assert found.code == "build/f.zip"
    write(tmp_path, {"other/main.tf": calls.replace("SOURCE", "../modules/fn")})
    (issue,) = discover(tmp_path, "b", lambda _: None).issues
    assert f"'{prefix}/build/f.zip' needs Terraform to resolve" in issue.message


def test_a_module_call_s_source_is_read_with_its_override(tmp_path: Path) -> None:
    """A second root whose call an override file points elsewhere (`source` in the
    override's `module` block) does not call the child: the child has one root, as
    Terraform merges the call (review 60 class 3)."""
    child = (
        'resource "aws_lambda_function" "f" {\n'
        '  filename = "${path.root}/build/f.zip"\n  handler = "app.handler"\n'
        '  runtime = "python3.12"\n}\n'
    )
    write(
        tmp_path,
        {
            "main.tf": 'module "fn" {\n  source = "./modules/fn"\n}\n',
            "modules/fn/main.tf": child,
            "other/main.tf": 'module "fn" {\n  source = "../modules/fn"\n}\n',
            "other/fn_override.tf": 'module "fn" {\n  source = "../elsewhere"\n}\n',
            "elsewhere/main.tf": 'variable "x" {\n  default = 1\n}\n',
        },
    )
    (tmp_path / "build").mkdir()
    with zipfile.ZipFile(tmp_path / "build" / "f.zip", "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    found = discover(tmp_path, "b", lambda _: None)
    assert not found.issues
    assert [f.code for f in found.functions] == ["build/f.zip"]


def test_the_working_directory_is_the_pipeline_s_to_state(tmp_path: Path) -> None:
    """`path.cwd` is where Terraform was started: `terraform -chdir=infra` from the
    repository's top makes it the top, not the root module's folder, so a location
    built on it is one the gate cannot follow, whatever zip lies beside the module."""
    write(
        tmp_path,
        {
            "infra/main.tf": 'resource "aws_lambda_function" "f" {\n'
            '  filename = "${path.cwd}/build/f.zip"\n  handler = "app.handler"\n'
            '  runtime = "python3.12"\n}\n'
        },
    )
    (tmp_path / "infra/build").mkdir()
    with zipfile.ZipFile(tmp_path / "infra/build/f.zip", "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    (issue,) = discover(tmp_path, "b", lambda _: None).issues
    assert "'${path.cwd}/build/f.zip' needs Terraform to resolve" in issue.message


@pytest.mark.parametrize(
    ("name", "text", "said"),
    [
        (
            "template.yaml",
            "Parameters:\n  Where: {Type: String, Default: deps/}\nResources:\n"
            "  Deps:\n    Type: AWS::Serverless::LayerVersion\n"
            "    Properties: {ContentUri: !Ref Where}\n",
            "b/template.yaml:4: layer Deps: its content is",
        ),
        (
            "template.yaml",
            "Parameters:\n  Where: {Type: String, Default: deps/}\nResources:\n"
            "  Deps:\n    Type: AWS::Serverless::LayerVersion\n"
            "    Properties: {ContentUri: !Ref Where, CompatibleRuntimes: [nodejs20.x]}\n",
            "b/template.yaml:4: layer Deps: its content is",
        ),
        (
            "infra/main.tf",
            'resource "aws_lambda_layer_version" "deps" {\n'
            '  layer_name = "deps"\n  filename = "${path.cwd}/build/deps.zip"\n}\n',
            "b/infra/main.tf:1: layer aws_lambda_layer_version.deps: its content is",
        ),
        (
            "serverless.yml",
            "service: s\nprovider: {name: aws, runtime: nodejs22.x}\n"
            "custom: {dir: node_modules/deps}\nlayers:\n  deps: {path: '${self:custom.dir}'}\n",
            "b/serverless.yml: layer deps's path is '${self:custom.dir}', which the gate does not",
        ),
        (
            "serverless.yml",
            "service: s\nprovider: {name: aws, runtime: python3.12}\nlayers:\n"
            "  deps: {path: \"${env:DIR, 'deps'}\"}\nfunctions:\n"
            "  fn: {handler: app.handler, layers: [{Ref: DepsLambdaLayer}]}\n",
            "b/serverless.yml: layer deps's path is \"${env:DIR, 'deps'}\", which the gate",
        ),
    ],
)
def test_a_layer_only_the_deploy_locates_is_refused_tied_or_not(
    tmp_path: Path, name: str, text: str, said: str
) -> None:
    """A layer no function of the file names is deployed all the same (for functions
    of other stacks): one whose content only the deploy locates is code the gate cannot
    follow, as a function's own layer of that kind is, whatever runtimes it lists
    (Lambda does not hold a function to them)."""
    write(tmp_path, {name: text})
    with pytest.raises(BundleError) as refused:
        discover(tmp_path, "b")
    assert str(refused.value).startswith(said), refused.value


def test_a_custom_section_plugins_read_is_read_or_refused(tmp_path: Path) -> None:
    """`custom` holds the plugins' settings (serverless-python-requirements' fileName):
    one only the deploy resolves is refused where a plugin is listed, and read as empty
    where none is."""
    service = (
        "service: s\nprovider: {name: aws, runtime: python3.12}\n"
        "functions:\n  api: {handler: app.handler}\n"
        "custom: ${file(./${opt:stage, 'dev'}/custom.yml)}\n"
    )
    app = "def handler(event, context):\n    return 1\n"
    write(tmp_path, {"a/serverless.yml": service, "a/app.py": app})
    assert [f.name for f in discover(tmp_path, "b").functions] == ["api"]
    plugins = "plugins:\n  - serverless-python-requirements\n"
    write(tmp_path, {"a/serverless.yml": service + plugins})
    with pytest.raises(BundleError) as refused:
        discover(tmp_path, "b")
    assert "its plugins read their settings from it" in str(refused.value)


def test_the_same_name_in_two_templates_is_qualified(tmp_path: Path) -> None:
    template = (
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n"
        "    Type: AWS::Serverless::Function\n"
        "    Properties: {CodeUri: ., Handler: app.handler, Runtime: python3.12}\n"
    )
    write(tmp_path, {"a/template.yaml": template, "b/template.yaml": template})
    names = [f.name for f in discover(tmp_path, "b").functions]
    assert names == ["a/template.yaml:Api", "b/template.yaml:Api"]


def vendored_requests_zip(path: Path, prefix: str = "") -> Path:
    info = f"{prefix}requests-2.19.0.dist-info/"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("app.py", "def handler(event, context):\n    return 1\n")
        zf.writestr(f"{prefix}requests/__init__.py", "__version__ = '2.19.0'\n")
        zf.writestr(f"{info}METADATA", "Metadata-Version: 2.1\nName: requests\nVersion: 2.19.0\n")
        # What pip writes: the path from the site directory, with the file's hash.
        proof = "sha256=dbhWxtjdCs4SKudmBDxVnGFCeRKb4AHUP_vLr_MX4Rc"
        zf.writestr(f"{info}RECORD", f"requests/__init__.py,{proof},24\n")
    return path


@pytest.mark.slow
def test_a_deployment_zip_inside_a_repository_is_unpacked_and_audited(
    run_gate: RunGate, tmp_path: Path, policy_file: Callable[[str], Path]
) -> None:
    repo = write(
        tmp_path / "repo",
        {
            "main.tf": 'resource "aws_lambda_function" "api" {\n'
            '  filename = "${path.module}/build/api.zip"\n  handler = "app.handler"\n'
            '  runtime = "python3.12"\n  layers = [aws_lambda_layer_version.deps.arn]\n}\n'
            'resource "aws_lambda_layer_version" "deps" {\n'
            '  layer_name = "deps"\n  filename = "build/deps.zip"\n}\n'
        },
    )
    (repo / "build").mkdir()
    vendored_requests_zip(repo / "build" / "api.zip")
    vendored_requests_zip(repo / "build" / "deps.zip", "python/lib/python3.12/site-packages/")
    before = sorted(p.name for p in repo.rglob("*"))
    listed = run_gate("ls", str(repo), "--format", "json")
    function = json.loads(listed.stdout)["bundles"][0]["functions"][0]
    assert function["handler_file"] == "build/api.zip.contents/app.py"
    assert function["layers"] == ["build/deps.zip"]
    result = run_gate(
        "check", str(repo), "--policy", str(policy_file(ONLY_PIP_AUDIT)), "--format", "json"
    )
    assert result.code == 1, result.stderr
    found = [f for f in json.loads(result.stdout)["findings"] if f["rule_id"] == "PYSEC-2018-28"]
    assert {f["path"] for f in found} == {
        "build/api.zip.contents/requests-2.19.0.dist-info/METADATA",
        "build/deps.zip.contents/python/lib/python3.12/site-packages/"
        "requests-2.19.0.dist-info/METADATA",
    }
    assert all(f["functions"] == ["aws_lambda_function.api"] for f in found)
    assert sorted(p.name for p in repo.rglob("*")) == before, "the repository was written to"


@pytest.mark.slow
def test_each_finding_carries_its_function(run_gate: RunGate, tmp_path: Path) -> None:
    repo = tmp_path / "shop"
    shutil.copytree(SHOP, repo)
    junit, written = tmp_path / "junit.xml", tmp_path / "report.json"
    console = run_gate(
        "check", str(repo), "--report", f"json={written}", "--report", f"junit={junit}"
    )
    assert console.code == 1, console.stderr
    report = json.loads(written.read_text())
    owners = {(f["rule_id"], f["path"]): f["functions"] for f in report["findings"]}
    assert owners[("B602", "sam/src/reports/app.py")] == ["ReportsFunction"]
    assert owners[("PYSEC-2018-28", "sam/src/orders/requirements.txt")] == ["OrdersFunction"]
    assert owners[("CKV_AWS_364", "terraform/main.tf")] == ["aws_lambda_function.thumbnail"]
    # The wildcard role: the gate's own rule, with checkov's reports of it folded in.
    assert owners[("GATE-IAC-001", "sam/template.yaml")] == ["ReportsFunction"]
    role = next(f for f in report["findings"] if f["rule_id"] == "GATE-IAC-001")
    assert {"scanner": "checkov", "rule_id": "CKV_AWS_62"} in role["also_reported_by"]
    assert owners[("CKV_AWS_119", "sam/template.yaml")] == []
    # Every finding in a function's code or on its resource is attributed.
    for f in report["findings"]:
        in_code = f["path"].startswith(("sam/src/", "terraform/functions/", "serverless/"))
        assert f["functions"] or not in_code, f
    assert f'name="B602 {repo}/sam/src/reports/app.py:9 (ReportsFunction)"' in junit.read_text()
    assert "── function ReportsFunction" in console.stdout
    assert "7 functions, 6 with blocking findings" in console.stdout


# Any shape a hostile or broken template can take: discovery reads it or passes over it,
# and never fails.
_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=20)
    | st.sampled_from(
        [
            "AWS::Serverless::Function",
            "AWS::Lambda::Function",
            "AWS::Serverless::LayerVersion",
            "src",
            "../out",
            "app.handler",
            "python3.12",
            "x.zip",
            "${self:custom.x}",
            ".",
            "..",
            "/",
            "C:\\x",
            "src/../..",
            "a\x00b",
            "../../etc/passwd.x",
            "aws",
            "google",
            "nodejs24.x",
            "Image",
        ]
    ),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "Type",
                    "Properties",
                    "CodeUri",
                    "Handler",
                    "Runtime",
                    "Layers",
                    "Role",
                    "Code",
                    "functions",
                    "handler",
                    "package",
                    "artifact",
                    "layers",
                    "provider",
                    "Ref",
                    "Fn::GetAtt",
                    "Globals",
                    "Function",
                    "Resources",
                    "AWS::Serverless::Function",
                    "Events",
                    "Policies",
                    "PackageType",
                    "ContentUri",
                    "Content",
                    "Metadata",
                    "DockerContext",
                    "InlineCode",
                    "runtime",
                    "name",
                    "image",
                    "path",
                    "Fn::If",
                    "Fn::Sub",
                ]
            )
            | st.text(max_size=8),
            inner,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=60, deadline=None)
@given(template=_VALUES, service=_VALUES)
def test_discovery_never_fails_on_arbitrary_iac(template: object, service: object) -> None:
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        document = {"AWSTemplateFormatVersion": "2010-09-09", "Resources": template}
        (root / "template.json").write_text(json.dumps(document), "utf-8")
        (root / "serverless.yml").write_text(json.dumps(service), "utf-8")
        try:
            found = discover(root, "b")
        except BundleError as e:  # refused in one line, never an exception of its own
            assert "\n" not in str(e)
            return
    assert isinstance(found.functions, tuple)


_HCL_TOKENS = st.sampled_from(
    [
        'resource "aws_lambda_function" "f" {',
        'data "archive_file" "a" {',
        'resource "aws_lambda_layer_version" "l" {',
        'module "m" {',
        "}",
        "{",
        "[",
        "]",
        ",",
        "=",
        "\n",
        "filename =",
        "source_dir =",
        "source_file =",
        "output_path =",
        "handler =",
        "runtime =",
        "layers =",
        '"app.handler"',
        '"python3.12"',
        '"../x"',
        '"/etc"',
        '"x.zip"',
        '"${path.module}/src"',
        "data.archive_file.a.output_path",
        "aws_lambda_layer_version.l.arn",
        "5",
        "null",
        "<<EOF\nx\nEOF",
        "# c",
        '"unclosed',
    ]
)


@settings(max_examples=60, deadline=None)
@given(tokens=st.lists(_HCL_TOKENS, max_size=30))
def test_discovery_never_fails_on_arbitrary_terraform(tokens: list[str]) -> None:
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        (root / "main.tf").write_text(" ".join(tokens) + "\n", "utf-8")
        (root / "x.zip").write_bytes(b"PK")
        try:
            found = discover(root, "b")
        except BundleError as e:  # refused in one line naming the file
            assert "\n" not in str(e)
            assert str(e).startswith("b/main.tf")
            return
    assert isinstance(found.functions, tuple)


def test_terraform_inline_text_is_read_as_terraform_writes_it() -> None:
    from gate.bundle.discovery.terraform import _literal

    assert _literal("line\\n\nkept") == "line\\n\nkept"
    assert _literal('${file("x.py")}') is None
    assert _literal('x = "${var.code}"\n') is None
    assert _literal("%{ if true }x%{ endif }") is None
    assert _literal("# %${base64decode(var.code)}\n") is None
    assert _literal("x = '$${a}'") == "x = '${a}'"  # the template's escape, undone
    assert _literal(["x"]) is None


@pytest.mark.parametrize(
    ("text", "templated"),
    [
        ("# %${base64decode(x)}", True),  # a plain `%`, then an interpolation
        ("$%{ if true }x%{ endif }", True),  # a plain `$`, then a directive
        ("${x}", True),
        ("$${x} %%{x} $$${x}", False),  # escapes: a run of two or more signs
        ("100% $5 {}", False),
    ],
)
def test_hcl_templates_are_scanned_as_hclsyntax_scans_them(text: str, templated: bool) -> None:
    from gate.bundle.discovery.hcl import templated as scanned

    assert scanned(text) is templated


@pytest.mark.parametrize(
    ("text", "rendered", "made"),
    [
        ("app.zip", "app.zip", False),
        ("cost: 100% of $5", "cost: 100% of $5", False),
        ("echo $${HOME} %%{x}", "echo ${HOME} %{x}", True),
        ("$$${x}", "$${x}", True),
        ("fn-%{ if true }a%{ endif }.zip", None, True),
        ("${var.name}.zip", None, True),
    ],
)
def test_terraform_text_is_taken_as_written_only_where_terraform_writes_it_so(
    text: str, rendered: str | None, made: bool
) -> None:
    """Inline code is what Terraform renders (its template escapes undone); a name or path
    is judged as written only where it holds no sequence of a template at all."""
    from gate.bundle.discovery.hcl import made_by_terraform
    from gate.bundle.discovery.hcl import rendered as render

    assert render(text) == rendered
    assert made_by_terraform(text) is made


def test_quoted_terraform_strings_are_unescaped_once_heredocs_never() -> None:
    from gate.bundle.discovery.hcl import hcl_loads

    parsed = hcl_loads(
        'resource "aws_x" "n\\u0041" {\n'
        '  quoted = "import os\\nx = \\"a\\\\b\\" # \\u00e9 \\U0001F600"\n'
        '  kept = "\\\\u0041 ${x}"\n'
        '  expression = "${f("\\u0041")}"\n'
        '  map = { "WRAPPE\\u0052" = "x" }\n'
        '  policy = jsonencode({ Action = "\\u002a" })\n'
        "  heredoc = <<EOT\n\\u0041 \\n\nEOT\n}\n"
    )
    body = parsed["resource"][0]["aws_x"]["nA"]
    assert body["quoted"] == ['import os\nx = "a\\b" # \u00e9 \U0001f600']
    assert body["kept"] == ["\\u0041 ${x}"]  # a literal backslash-u, decoded once
    assert body["expression"] == ['${f("\\u0041")}']  # an expression's text, as written
    assert body["map"] == [{"WRAPPER": "x"}]
    assert body["policy"] == ["${jsonencode({'Action': '*'})}"]
    assert body["heredoc"] == ["\\u0041 \\n"]


@pytest.mark.parametrize("escape", ["\\q", "\\U0011FFFF", "\\u00"])
def test_a_malformed_hcl_escape_is_refused_naming_the_file(tmp_path: Path, escape: str) -> None:
    (tmp_path / "main.tf").write_text(f'locals {{\n  a = "x{escape}"\n}}\n', "utf-8")
    with pytest.raises(BundleError, match=r"^b/main.tf: not valid HCL \(a quoted string holds"):
        discover(tmp_path, "b")


@pytest.mark.parametrize(
    ("written", "trimmed"),
    [
        ("    Foo\n  Bar\n    Baz\n", "  Foo\nBar\n  Baz"),  # the spec suite's indented_less
        ("\tFoo\n  Bar\n  Baz\n", "Foo\n Bar\n Baz"),  # tabs: one character each
        ("   \u2003\u2003Foo\n    Bar\n", "\u2003Foo\nBar"),  # unicode_spaces
        ("    Foo\n  ${bar}\n    Baz\n", "  Foo\n${bar}\n  Baz"),  # interp_indented_less
        ("\f\f\f\fx\n    y\n", "x\ny"),  # a form feed is whitespace too
        ("\x1cx\n y\n", "\x1cx\n y"),  # to Go, unlike Python, `\x1c` is not
        ("\t\u0301x\n\ty\n", "\u0301x\ny"),  # a mark is no cluster with a control character
        ("    x\n\n  \n    y\n", "x\n\n  \ny"),  # blank lines count for none, keep theirs
        ("    x\n${y}\n    z\n", "    x\n${y}\n    z"),  # a line led by a sequence: none
        ("    x ${y}\n      z\n", "x ${y}\n  z"),  # a line's first part alone counts
        ("  a\n  ${~ b}\n  c\n", "  a\n  ${~ b}\n  c"),  # `${~` strips what leads its line
        ("  %{ if x ~}\n    a\n  %{ endif }\n", "%{ if x ~}\n    a\n%{ endif }"),  # `~}`: a
        # line start no more (its newline stripped), so `    a` is neither counted nor trimmed
    ],
)
def test_a_flush_heredoc_is_trimmed_as_terraform_trims_it(written: str, trimmed: str) -> None:
    """hclsyntax `flushHeredocTemplateParts`: the least leading whitespace (Go's) of the
    lines, by their first part, after strip markers; the template kept as written."""
    from gate.bundle.discovery.hcl import hcl_loads

    assert hcl_loads(f"a = <<-EOT\n{written}EOT\n")["a"] == [trimmed]


_NOT_ITS_MARKER = "a heredoc's closing line is not its marker `EOT` alone"
_ENDED_EARLIER = "Terraform ends a heredoc on this line (its marker `EOT` alone)"


@pytest.mark.parametrize(
    ("written", "line", "said"),
    [
        (
            "locals {\n  a = <<-EOT\n    x\n   \u0301y\n  EOT\n}\n",
            4,
            "a `<<-` heredoc's line is indented with a space a combining character follows",
        ),
        ("locals {\n  a = 1 # x\r}\n}\n", 2, "a carriage return with no line feed after it"),
        ("locals {\n  a = <<-EOT\n    x\r    y\n  EOT\n}\n", 3, "a carriage return with"),
        *(
            (f"locals {{\n  a = [<<-EOT\n  x\n{closing}\n  ]\n}}\n", 4, _NOT_ITS_MARKER)
            for closing in ("  EOT # end", "  EOT,", "\x1cEOT", '  EOT == "x"')
        ),
        ("locals {\n  a = [<<-EOT\n  x\n  EOT]\n}\n", 4, _NOT_ITS_MARKER),
        ("locals {\n  a = <<EOT\nx\n\x1fEOT\n}\n", 4, _NOT_ITS_MARKER),
        ("locals {\n  a = <<EOT\nEOT\n  b = 1\n  c = <<EOT\nx\nEOT\n}\n", 3, _ENDED_EARLIER),
        ("locals {\n  a = <<EOT\n\nEOT\n  c = <<EOT\nx\nEOT\n}\n", 4, _ENDED_EARLIER),
        ("locals {\n  a = <<EOT\nx ${b # }\nEOT\n}\n", 3, "a heredoc's `${...}` or `%{...}`"),
        ('locals {\n  a = <<EOT\n%{ if b == "${c}" }x%{ endif }\nEOT\n}\n', 3, "a heredoc's `$"),
    ],
)
def test_hcl_terraform_may_read_otherwise_is_refused_naming_file_and_line(
    tmp_path: Path, written: str, line: int, said: str
) -> None:
    """A trim that may split a grapheme cluster; a carriage return alone, which ends a
    line for universal newlines and python-hcl2, and none for Terraform; a heredoc's end
    where python-hcl2 puts it and Terraform does not (a line that only starts with the
    marker, or after `\\x1c`-`\\x1f`, which Go does not trim), or the reverse (an empty
    heredoc), or where the gate cannot be sure of it (a sequence holding a comment or a
    quoted template)."""
    (tmp_path / "main.tf").write_bytes(written.encode())
    with pytest.raises(BundleError, match=rf"^b/main.tf:{line}: {re.escape(said)}"):
        discover(tmp_path, "b")


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("x\n \t EOT \t", "x"),  # whitespace around the marker
        ("${f({\n  a = 1\n})}\nEOT", "${f({\n  a = 1\n})}"),  # a sequence over lines
        ('${f("#", "}")}\n%{ if a }b%{ endif }\nEOT', '${f("#", "}")}\n%{ if a }b%{ endif }'),
        ("x EOT\n${b}EOT\nEOT", "x EOT\n${b}EOT"),  # the marker after text or a sequence
    ],
)
def test_a_heredoc_ending_where_terraform_ends_it_is_read(written: str, value: str) -> None:
    from gate.bundle.discovery.hcl import hcl_loads

    assert hcl_loads(f"a = <<EOT\n{written}\n")["a"] == [value]


def test_a_heredoc_closing_line_inside_a_sequence_is_refused() -> None:
    """A marker line inside a `${...}` over lines is an expression to Terraform, whose
    heredoc reads on; python-hcl2's lexer, which knows no sequences, ends it there."""
    from gate.bundle.discovery.hcl import template_sequences
    from gate.bundle.discovery.hcl_text import HclTextError, check_heredoc_end

    with pytest.raises(HclTextError, match="not its marker `true` alone") as refused:
        check_heredoc_end("${\ntrue", 7, "true", template_sequences("${\ntrue"))
    assert refused.value.line == 8
    check_heredoc_end("${\ntrue\n}\ntrue", 7, "true", template_sequences("${\ntrue\n}\ntrue"))


QUOTED_TERRAFORM_READS_APART = {
    "heredoc in an interpolation": (
        '# = <<NOTE\nlocals {\n  note = "${false ? <<EOT\n}"\n}\n'
        'locals {\n  a = 1\n}\nlocals {\n  other = "\nEOT\n  : 1}"\n}\n',
        3,
        "holds a newline",
    ),
    "heredoc in a directive": ('a = "%{ if <<EOT\n}"\nb = "\nEOT\n}"\n', 1, "holds a newline"),
    "heredoc opener on one line": ('a = "${<<EOT}"\n', 1, "holds `<<`"),
    "interpolation over lines": ('a = "${b\n}"\n', 1, "holds a newline"),
    "string over lines": ('# = <<X\na = "b\nc"\n', 2, "more than one line"),
    "string over lines after an escape": ('# = <<X\na = "$${b\\\n"\n', 2, "more than one line"),
    "unclosed": ('# = <<X\na = 1\nb = "c\n', 3, "more than one line"),
    "unclosed at the end": ('# = <<X\nb = "c', 2, "not closed"),
}


@pytest.mark.parametrize(
    ("text", "line", "said"),
    QUOTED_TERRAFORM_READS_APART.values(),
    ids=QUOTED_TERRAFORM_READS_APART.keys(),
)
def test_a_quoted_string_terraform_ends_elsewhere_is_refused(
    text: str, line: int, said: str
) -> None:
    """hclsyntax scans a quoted string's `${...}` and `%{...}` as HCL (a heredoc, a
    newline), python-hcl2 as the string's text; a quoted string over lines is refused
    by Terraform. Found by scanning the text, whatever python-hcl2's own line check."""
    from gate.bundle.discovery.hcl import hcl_loads
    from gate.bundle.discovery.hcl_text import HclTextError

    with pytest.raises(HclTextError, match=re.escape(said)) as refused:
        hcl_loads(text)
    assert refused.value.line == line


def test_quoted_strings_terraform_reads_alike_are_read() -> None:
    """Quotes in comments and heredocs, a heredoc's sequence over lines, nested quoted
    strings with braces and `<<`, escapes: nothing is refused."""
    from gate.bundle.discovery.hcl import hcl_loads

    text = (
        '# "\n// "\n/* "\n" */\na = <<EOT\n"${ b ? "x"\n  : "y" }\nEOT\n'
        'c = "${ {k = "}"}.k }"\nd = "${"<<"}\\"%{ if e }f%{ endif }"\n'
    )
    parsed = hcl_loads(text)
    assert parsed["c"] == ['${ {k = "}"}.k }'] and parsed["d"] == ['${"<<"}"%{ if e }f%{ endif }']


@pytest.mark.parametrize(
    ("files", "said"),
    [
        (
            {
                "main.tf": 'resource "aws_s3_bucket" "b" {}\n',
                "x.tf": 'resource "aws_s3_bucket" "b" {}\n',
            },
            "x.tf:1: aws_s3_bucket.b is defined again (first at main.tf:1)",
        ),
        (
            {"x.tf": 'data "archive_file" "fn" {\n}\n\ndata "archive_file" "fn" {\n}\n'},
            "x.tf:4: data.archive_file.fn is defined again (first at x.tf:1)",
        ),
        (
            {"x.tf": 'resource "archive_file" "fn" {\n}\ndata "archive_file" "fn" {\n}\n'},
            "x.tf:3: data.archive_file.fn and archive_file.fn, two archives Terraform keeps",
        ),
        (
            {"x.tf": 'data "a" "b" {\n}\ncheck "c" {\n  data "a" "b" {\n  }\n}\n'},
            "x.tf:4: data.a.b is defined again",
        ),
        (
            {"main.tf": "locals {\n  a = 1\n}\n", "x.tf": "locals {\n  b = 1\n  a = 2\n}\n"},
            "x.tf:1: local.a is defined again (first at main.tf:1)",
        ),
        ({"x.tf": "locals {\n  a = 1\n  a = 2\n}\n"}, "x.tf:1: local.a is defined again"),
        (
            {"x.tf": 'module "m" {\n  source = "./m"\n}\nmodule "m" {\n  source = "./n"\n}\n'},
            "x.tf:4: module.m is defined again",
        ),
        (
            {
                "main.tf": 'variable "v" {}\n',
                "override.tf": 'variable "v" {}\n',
                "x.tf": 'variable "v" {}\n',
            },
            "x.tf:1: var.v is defined again (first at main.tf:1)",
        ),
    ],
)
def test_an_address_defined_twice_is_refused_as_terraform_refuses_it(
    tmp_path: Path, files: dict[str, str], said: str
) -> None:
    """Terraform refuses a module defining one address twice outside override files; the
    gate would merge the blocks (a later local winning): what only it reads would win."""
    for name, text in files.items():
        (tmp_path / name).write_text(text, "utf-8")
    with pytest.raises(BundleError, match=rf"^b/{re.escape(said)}"):
        discover(tmp_path, "b")


def test_override_files_still_merge_into_what_they_override(tmp_path: Path) -> None:
    """An override file (`override.tf`, `*_override.tf`) may set again what another
    file defines, and another override file after it: Terraform merges them in turn."""
    from gate.bundle.discovery.terraform_defined import in_merge_order, redefinition

    block = 'locals {\n  a = 1\n}\ndata "archive_file" "fn" {\n  type = "zip"\n}\n'
    files = {name: {"locals": [{"a": [1]}]} for name in ("a_override.tf", "main.tf", "override.tf")}
    assert redefinition(files.items()) is None
    assert [p.name for p in in_merge_order(map(Path, files))] == [
        "main.tf",
        "a_override.tf",
        "override.tf",
    ]
    for name in files:
        (tmp_path / name).write_text(block, "utf-8")
    discover(tmp_path, "b")


def test_named_blocks_merge_override_blocks_source_included() -> None:
    """A module's `module` (or `output`) blocks as Terraform reads them: an override
    file's block of a call's name (with or without `source`) merged into the call, at
    its place."""
    from gate.bundle.discovery.terraform_defined import named_blocks

    main = {"module": [{"fn": {"source": "./fn", "role": "a", "__start_line__": 1}}]}
    argument = {"module": [{"fn": {"role": "b", "__start_line__": 9}}]}
    source = {"module": [{"fn": {"source": "./other"}}, {"new": {"source": "./new"}}]}
    assert named_blocks([main, argument, source], "module") == {
        "fn": {"source": "./other", "role": "b", "__start_line__": 1},
        "new": {"source": "./new"},
    }


@pytest.mark.parametrize(
    ("name", "ignored"),
    [
        ("main.tf", False),
        ("x_override.tf", False),
        ("#x.tf", False),
        (".x_override.tf", True),
        (".tf", True),
        ("main.tf~", True),
        ("#main.tf#", True),
    ],
)
def test_terraform_ignores_hidden_backup_and_autosave_files(name: str, ignored: bool) -> None:
    """Terraform's configs `IsIgnoredFile`: a name starting with `.`, ending with `~`, or
    starting and ending with `#`."""
    from gate.bundle.discovery.terraform_defined import terraform_ignores

    assert terraform_ignores(name) is ignored


def test_a_module_is_the_files_terraform_loads(tmp_path: Path) -> None:
    """A hidden `.tf` file is no part of a module (never an override file); a hidden
    `.auto.tfvars` file is loaded all the same."""
    from gate.bundle.discovery.terraform_defined import module_files, variable_files

    names = ["main.tf", ".gate_override.tf", "a_override.tf", ".tf", "terraform.tfvars"]
    names += ["b.auto.tfvars", ".a.auto.tfvars"]
    for name in names:
        (tmp_path / name).write_text("", "utf-8")
    (tmp_path / "folder.tf").mkdir()
    assert [p.name for p in module_files(tmp_path)] == ["main.tf", "a_override.tf"]
    assert [p.name for p in variable_files(tmp_path)] == [
        "terraform.tfvars",
        ".a.auto.tfvars",
        "b.auto.tfvars",
    ]


def test_a_hidden_tf_file_is_not_read_as_part_of_the_module(tmp_path: Path) -> None:
    """A second definition in a file Terraform ignores is none: the module is read
    without it (the file is accounted for as any other file of the bundle)."""
    block = "locals {\n  a = 1\n}\n"
    (tmp_path / "main.tf").write_text(block, "utf-8")
    (tmp_path / ".hidden.tf").write_text(block, "utf-8")
    discover(tmp_path, "b")
    (tmp_path / "shown.tf").write_text(block, "utf-8")
    with pytest.raises(BundleError, match=r"local\.a is defined again"):
        discover(tmp_path, "b")


def test_inline_source_takes_literals_and_sub_templates_only() -> None:
    from gate.bundle.discovery.inline import inline_place, inline_source

    assert inline_source("x = 1") == "x = 1"
    assert inline_source({"Fn::Sub": "x = '${AWS::Region}'"}) == "x = '${AWS::Region}'"
    assert inline_source({"Fn::Sub": ["x = '${A}'", {}]}) == "x = '${A}'"
    assert inline_source({"Fn::Sub": ["${A}", {"A": "import os"}]}) is None
    assert inline_source({"Fn::Join": ["", ["a"]]}) is None
    assert inline_place("t/template.yaml", "../../x") == "t/template.yaml.inline/______x"


@pytest.mark.parametrize(("runtime", "error"), [("nodejs20.x", False), ("python3.12", True)])
def test_code_only_the_deploy_locates_is_an_error_for_python_and_said_for_others(
    tmp_path: Path, runtime: str, error: bool
) -> None:
    """A code location given by a parameter: Python the gate cannot find is a scan error;
    code of another runtime is warned, never passed over without a word."""
    (tmp_path / "template.yaml").write_text(
        "Transform: AWS::Serverless-2016-10-31\nParameters:\n  Code: {Type: String}\n"
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        f"      CodeUri: {{Ref: Code}}\n      Handler: app.handler\n      Runtime: {runtime}\n",
        encoding="utf-8",
    )
    found = discover(tmp_path, "b")
    assert bool(found.issues) is error
    elsewhere = [w for w in found.warnings if w.code == "function-code-elsewhere"]
    assert bool(elsewhere) is not error


@pytest.mark.parametrize(
    ("waits_for", "blocks", "unfollowed"),
    [
        ("aws_s3_bucket.b", 'resource "aws_s3_bucket" "b" {}\n', False),
        ("module.deps", 'module "deps" {\n  source = "acme/deps/aws"\n}\n', True),
    ],
)
def test_what_an_archive_waits_for_decides_whether_its_code_is_followed(
    tmp_path: Path, waits_for: str, blocks: str, unfollowed: bool
) -> None:
    """A bucket writes nothing on the runner; a module call, even one from a registry,
    may write the archive's source before it is zipped."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "app.py").write_text("def handler(e, c):\n    return 1\n")
    waiting = TERRAFORM % f"  depends_on = [{waits_for}]\n"
    (tmp_path / "main.tf").write_text(waiting + blocks, encoding="utf-8")
    found = discover(tmp_path, "b")
    assert [waits_for in issue.message for issue in found.issues] == ([True] if unfollowed else [])


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["--extra-index-url", "https://ci:t0ken@pkgs.example.net/simple"], "https://pkgs"),
        (["--pre --extra-index-url", "https://pkgs.example.net/t0ken/simple"], "https://pkgs"),
        (["--extra-index", "https://pkgs.example.net/simple"], "'--extra-index'"),
        (["--requirement=deps.txt"], "'--requirement=deps.txt'"),
        (["--index-url=https://pkgs.example.net/simple"], "--index-url https://pkgs"),
        (["--find-links", "./wheels"], "./wheels"),
        (["--index-url", "https://pypi.org/simple", "--no-cache-dir"], None),
        (["--platform manylinux2014_x86_64", "--only-binary=:all:"], None),
    ],
)
def test_pip_sources_of_the_requirements_plugin_are_followed_or_said(
    tmp_path: Path, arguments: list[str], said: str | None
) -> None:
    """`pipCmdExtraArgs` naming a folder of the bundle or an index other than PyPI: what
    the plugin's pip installs is not what the audit reads (and a credential stays hidden)."""
    write(
        tmp_path,
        {
            "serverless.yml": "service: s\nprovider: {name: aws, runtime: python3.12}\n"
            "plugins: [serverless-python-requirements]\n"
            f"custom:\n  pythonRequirements:\n    pipCmdExtraArgs: {json.dumps(arguments)}\n"
            "functions:\n  f: {handler: h.f}\n",
            "h.py": "def f(event, context):\n    return 1\n",
            "requirements.txt": "six==1.16.0\n",
        },
    )
    messages = [issue.message for issue in discover(tmp_path, "b").issues]
    if said is None:
        assert messages == []
    else:
        assert any(said in message for message in messages), messages
        assert not any("t0ken" in message for message in messages)


SAM_LAYERED = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Parameters:
  Published: {Type: String, Default: 'arn:aws:lambda:eu-west-1:017000801446:layer:P:4'}
  Given: {Type: String}
Globals:
  Function:
    Layers:
      - !Sub arn:aws:lambda:${AWS::Region}:017000801446:layer:AWSLambdaPowertoolsPythonV3:7
Resources:
  Deps:
    Type: AWS::Serverless::LayerVersion
    Properties: {ContentUri: deps/}
  Remote:
    Type: AWS::Lambda::LayerVersion
    Properties: {Content: {S3Bucket: b, S3Key: k.zip}}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Layers: [LAYERS]
"""


@pytest.mark.parametrize(
    ("layers", "untied"),
    [
        ("!Ref Deps, !Ref Remote, !Ref Published, 'arn:aws:lambda:us-east-1:1:layer:x:1'", None),
        ("!ImportValue shared-deps-layer, {'Fn::ImportValue': x}", None),
        ("!Sub '${Deps}'", None),
        ("!Ref Given", "Ref Given"),
        ("!GetAtt Stack.Outputs.LayerArn", "GetAtt Stack.Outputs.LayerArn"),
        ("!If [Prod, !Ref Deps, !Ref Given]", "If"),
    ],
)
def test_each_layer_of_a_function_is_tied_or_said(
    tmp_path: Path, layers: str, untied: str | None
) -> None:
    """A layer of the template, a published one (an ARN, a parameter defaulting to one,
    another stack's export) is followed or known elsewhere; any other is code the gate
    cannot tie to the bundle: an error for a Python function."""
    write(
        tmp_path,
        {
            "template.yaml": SAM_LAYERED.replace("LAYERS", layers),
            "src/app.py": "def handler(event, context):\n    return 1\n",
            "deps/python/x.py": "X = 1\n",
        },
    )
    found = discover(tmp_path, "b")
    messages = [issue.message for issue in found.issues]
    if untied is None:
        assert messages == []
    else:
        (message,) = messages
        assert f"layer {untied}" in message and "cannot tie" in message


def test_a_layer_no_function_is_tied_to_is_unpacked(tmp_path: Path) -> None:
    """Every layer zip the IaC declares is deployed: its files are scanned."""
    write(tmp_path, {"template.yaml": SAM_LAYERED.replace("LAYERS", "!Ref Deps")})
    write(tmp_path, {"src/app.py": "def handler(event, context):\n    return 1\n"})
    with zipfile.ZipFile(tmp_path / "orphan.zip", "w") as archive:
        archive.writestr("python/helper.py", "X = 1\n")
    template = (tmp_path / "template.yaml").read_text()
    (tmp_path / "template.yaml").write_text(
        template + "  Orphan:\n    Type: AWS::Serverless::LayerVersion\n"
        "    Properties: {ContentUri: orphan.zip}\n"
    )
    unpacked: list[str] = []
    discover(tmp_path, "b", unpacked.append)
    assert unpacked == ["orphan.zip"]


@pytest.mark.parametrize(
    ("layers", "untied"),
    [
        ('["arn:aws:lambda:eu-west-1:1:layer:x:1", data.aws_lambda_layer_version.p.arn]', False),
        ("[aws_lambda_layer_version.deps.arn]", False),
        ("[var.layer_arn]", True),
        ("[module.deps.arn]", True),
    ],
)
def test_each_terraform_layer_is_tied_or_said(tmp_path: Path, layers: str, untied: bool) -> None:
    write(
        tmp_path,
        {
            "main.tf": 'variable "layer_arn" {}\n'
            'resource "aws_lambda_layer_version" "deps" {\n  filename = "deps.zip"\n'
            '  layer_name = "deps"\n}\n'
            'resource "aws_lambda_function" "fn" {\n  filename = "fn.zip"\n'
            '  function_name = "fn"\n  role = "arn:aws:iam::1:role/r"\n'
            f'  handler = "app.handler"\n  runtime = "python3.12"\n  layers = {layers}\n}}\n',
        },
    )
    for name in ("deps.zip", "fn.zip"):
        with zipfile.ZipFile(tmp_path / name, "w") as archive:
            archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    found = discover(tmp_path, "b", lambda _: None)
    assert any("cannot tie" in issue.message for issue in found.issues) is untied


FUNCTION_ONLY = (
    "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      {CodeUri: src/, Handler: app.handler, Runtime: python3.12}\n"
)
GOOGLE = "service: x\nprovider: {name: google, runtime: python39}\n"


@pytest.mark.parametrize(
    ("iac", "layer", "service"),
    [
        ("template.yaml", "  Deps:\n    Type: AWS::Serverless::LayerVersion\n"
         "    Properties: {ContentUri: layer/}\n", "layer/serverless.yml"),
        ("template.yaml", "  Deps:\n    Type: AWS::Lambda::LayerVersion\n"
         "    Properties: {Content: layers/deps}\n", "layers/serverless.yml"),
        ("layer.tf", 'resource "aws_lambda_layer_version" "deps" {\n'
         '  layer_name = "deps"\n  filename = "layer"\n}\n', "layer/serverless.yml"),
    ],
)  # fmt: skip
def test_a_layer_no_function_is_tied_to_is_never_another_cloud_s(
    tmp_path: Path, iac: str, layer: str, service: str
) -> None:
    """A service of another cloud in or above a layer's folder does not set the layer
    aside: the layer is deployed, tied to a function or not."""
    files = {"src/app.py": "def handler(event, context):\n    return 1\n", service: GOOGLE}
    files["layers/deps/python/helper.py"] = "X = 1\n"  # the second layer's code
    if iac == "template.yaml":
        files["template.yaml"] = FUNCTION_ONLY + layer
    else:
        files.update({"template.yaml": FUNCTION_ONLY, iac: layer})
    write(tmp_path, files)
    found = discover(tmp_path, "b")
    assert found.out_of_scope == {service} and found.foreign_services() == []


def test_a_layer_that_is_a_zip_named_otherwise_is_refused(tmp_path: Path) -> None:
    """Lambda unpacks a layer's zip whatever its name; the gate unpacks a `.zip`."""
    layer = "  Deps:\n    Type: AWS::Lambda::LayerVersion\n    Properties: {Content: deps.whl}\n"
    write(tmp_path, {"template.yaml": FUNCTION_ONLY + layer, "src/app.py": "x = 1\n"})
    with zipfile.ZipFile(tmp_path / "deps.whl", "w") as archive:
        archive.writestr("python/helper.py", "X = 1\n")
    with pytest.raises(BundleError, match=r"^b/deps\.whl: a layer's or upload's content"):
        discover(tmp_path, "b", lambda _: None)


def upload(written: str, key: str = '"fn.zip"') -> str:
    """A Terraform upload to S3 of the object `key`, its content as `written`."""
    return f'resource "aws_s3_object" "code" {{\n  bucket = "bkt"\n  key = {key}\n  {written}\n}}\n'


EACH = 'source = "build/${each.value}"'
ARCHIVE = (
    'data "archive_file" "z" {\n  type = "zip"\n  source_dir = "node_modules/fn"\n'
    '  output_path = "build/z.zip"\n}\n'
)


@pytest.mark.parametrize(
    ("written", "deployed"),
    [
        ('locals {\n  zip = "build/fn.zip"\n}\n' + upload("source = local.zip"), {"build/fn.zip"}),
        ('variable "zip" {\n  default = "build/fn.bin"\n}\n' + upload("source = var.zip"),
         {"build/fn.bin"}),
        (upload('content_base64 = filebase64("${path.module}/build/fn.zip")'), {"build/fn.zip"}),
        (upload('for_each = fileset("build", "*")\n  ' + EACH, "each.value"),
         {"build/fn.zip", "build/fn.bin", "build/fn.json", "build/report.docx"}),
        (upload('source = "build/fn.json"'), {"build/fn.json"}),
        (upload('source = "build/report.docx"'), {"build/report.docx"}),
        (ARCHIVE + upload("source = data.archive_file.z.output_path"), {"node_modules/fn"}),
        (upload('source = "build/page.html"', '"page.html"'), set()),
        (upload("content = jsonencode({ a = 1 })", '"config.json"'), set()),
        (upload("source = var.page", '"index.html"'),
         {"build/fn.zip", "build/fn.bin", "build/fn.json", "build/report.docx"}),
    ],
)  # fmt: skip
def test_every_package_a_terraform_upload_writes_is_deployed(
    tmp_path: Path, written: str, deployed: set[str]
) -> None:
    """Whatever writes the file a Terraform module uploads to S3 (a local, a variable's
    default, `filebase64`, a fileset, an archive_file's output), a package it uploads is
    deployed code, scanned as a layer is: a zip whatever its name (a `.docx` too), an
    archive's source; a page or data is not. One the gate cannot resolve, named as a
    page, may still write any package of the bundle: each is scanned."""
    write(tmp_path, {"main.tf": written, "build/page.html": "<p>hi</p>\n"})
    write(tmp_path, {"node_modules/fn/app.py": "def handler(event, context):\n    return 1\n"})
    for name in ("fn.zip", "fn.bin", "fn.json", "report.docx"):
        with zipfile.ZipFile(tmp_path / "build" / name, "w") as archive:
            archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    assert discover(tmp_path, "b").layers == deployed


@pytest.mark.parametrize(
    "written",
    [
        'variable "zip" {}\n' + upload("source = var.zip"),
        upload("content_base64 = base64encode(local.blob)"),
        upload("for_each = toset(var.names)\n  " + EACH, "each.value"),
        upload('for_each = fileset("build", "../*")\n  ' + EACH, "each.value"),
        upload("source = data.archive_file.elsewhere.output_path"),
    ],
)
def test_an_upload_only_the_deploy_locates_is_refused(tmp_path: Path, written: str) -> None:
    """An upload whose content the gate cannot resolve to files of the bundle (a variable
    the caller sets, an expression, a loop over values it does not know or over paths
    leaving its folder) may be any function's package: refused, naming the file, line
    and resource."""
    write(tmp_path, {"main.tf": written})
    with pytest.raises(BundleError, match=r"^b/main\.tf:\d+: upload aws_s3_object\.code: its"):
        discover(tmp_path, "b")


UNTIED_LAYER = (
    'resource "aws_lambda_layer_version" "deps" {{\n  layer_name = "deps"\n  filename = "{}"\n}}\n'
)


def sam_layer(place: str) -> str:
    """A SAM template whose layer no function uses has its code at `place`."""
    return (
        FUNCTION_ONLY + "  Deps:\n    Type: AWS::Serverless::LayerVersion\n"
        f"    Properties: {{ContentUri: {place}}}\n"
    )


PYCACHE = {"build/__pycache__": "tool-cache"}


@pytest.mark.parametrize(
    ("iac", "written", "ignored", "refused"),
    [
        ("main.tf", UNTIED_LAYER.format(".serverless/evil.zip"), {".serverless": "build-output"},
         r"b/\*\.tf: a layer or upload names \.serverless/evil\.zip, in a folder the gate "
         r"ignores \(build-output\): the deploy reads it"),
        ("main.tf", upload('source = ".hg/evil.bin"'), {".hg": "vcs"},
         r"b/\*\.tf: a layer or upload names \.hg/evil\.bin, in a folder the gate ignores \(vcs\)"),
        ("main.tf", upload('source = "build/missing.zip"'), {},
         r"b/\*\.tf: a layer or upload names build/missing\.zip, which is not in the bundle; "
         "build it before gate check"),
        ("template.yaml", sam_layer("cdk.out/evil.zip"), {"cdk.out": "build-output"},
         r"b/template\.yaml: a layer or upload names cdk\.out/evil\.zip, in a folder the gate "
         r"ignores \(build-output\)"),
        ("template.yaml", sam_layer("build/missing.zip"), {},
         r"b/template\.yaml: a layer or upload names build/missing\.zip, which is not in"),
        ("main.tf", upload('for_each = fileset("build", "**")\n  ' + EACH, "each.value"), PYCACHE,
         r"b/main\.tf:\d+: upload aws_s3_object\.code: it may write any package in build/, and "
         r"build/__pycache__ may be one, in a folder the gate ignores \(tool-cache\)"),
        ("main.tf", upload('for_each = fileset("build", "*")\n  source = "build/__pycache__/'
         '${each.value}"', "each.value"), PYCACHE,
         r"b/main\.tf:\d+: upload aws_s3_object\.code: it may write any package in "
         r"build/__pycache__/, which is in build/__pycache__, a folder the gate ignores"),
        ("main.tf", upload("source = var.page", '"index.html"'), {"lib/.venv": "virtualenv"},
         r"b/main\.tf:\d+: upload aws_s3_object\.code: it may write any package in the bundle, "
         r"and lib/\.venv may be one, in a folder the gate ignores \(virtualenv\)"),
    ],
)  # fmt: skip
def test_a_deployed_package_the_copy_lacks_is_refused(
    tmp_path: Path, iac: str, written: str, ignored: dict[str, str], refused: str
) -> None:
    """A layer's or upload's package no function names (settle judges those) that is not
    in the copy is refused as a function's missing code is, naming the IaC: missing, the
    build writes it later; in a folder the copy left out (`ignored`), never copied. So is
    a fileset or an unresolved upload reaching such a folder: it may write a package
    there."""
    write(tmp_path, {iac: written, "src/app.py": "x = 1\n"})
    with pytest.raises(BundleError, match=f"^{refused}"):
        discover(tmp_path, "b", lambda _: None, ignored=ignored)


def test_a_left_out_folder_an_upload_reaches_is_judged_by_what_it_holds(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Where the staging says which files it left out (`LeftOutFolders`), a fileset loop
    over a folder holding a left-out one is refused only when one of those files may be
    a package (a `.zip`, a zip by content, a link): the bytecode and caches a CI job's
    test run leaves behind do not refuse it."""
    write(
        tmp_path, {"main.tf": upload('for_each = fileset("build", "**")\n  ' + EACH, "each.value")}
    )
    original = tmp_path.parent / "original"
    write(original, {"build/__pycache__/app.cpython-312.pyc": "x", "build/__pycache__/x.bin": ""})
    files = {f"build/__pycache__/{p.name}": p for p in (original / "build/__pycache__").iterdir()}
    ignored = LeftOutFolders(PYCACHE, files)
    assert discover(tmp_path, "b", ignored=ignored).layers == set()
    with zipfile.ZipFile(original / "build/__pycache__/x.bin", "w") as archive:
        archive.writestr("app.py", "def handler(event, context):\n    return 1\n")
    with pytest.raises(BundleError, match=r"build/__pycache__/x\.bin may be one"):
        discover(tmp_path, "b", ignored=ignored)


def test_a_deployed_package_the_staging_brings_back_or_a_vcs_store_is_not_refused(
    tmp_path: Path,
) -> None:
    """A place the staging copies back after discovery (`brings_back`) is unpacked then,
    not refused; a VCS store beside an unresolved upload holds nothing a fileset or a
    build writes, so every checkout's `.git` does not refuse it."""
    write(tmp_path, {"main.tf": UNTIED_LAYER.format("node_modules/deps.zip")})
    ignored = {"node_modules": "dependency-tree"}
    back = discover(tmp_path, "b", ignored=ignored, brings_back=lambda p: p.endswith("deps.zip"))
    assert back.layers == {"node_modules/deps.zip"}
    write(tmp_path, {"main.tf": upload("source = var.page", '"index.html"'), "fn.zip": "x"})
    checkout = discover(tmp_path, "b", ignored={".git": "vcs", ".git/modules/x": "vcs"})
    assert checkout.layers == {"fn.zip"}


def test_a_pairing_of_values_terraform_never_makes_is_not_refused(tmp_path: Path) -> None:
    """An upload's source built of two variables, each set in another file, gives pairs
    Terraform never makes (`build/page.zip`): missing, and another of its places in the
    bundle, such a pair is no package the build writes later."""
    variables = 'variable "a" {\n  default = "page"\n}\nvariable "b" {\n  default = ".html"\n}\n'
    main = variables + upload('source = "build/${var.a}${var.b}"')
    write(
        tmp_path, {"main.tf": main, "zz.auto.tfvars": 'a = "fn"\nb = ".zip"\n', "build/fn.zip": ""}
    )
    assert discover(tmp_path, "b").layers == {"build/fn.zip"}


def test_a_layer_in_a_left_out_folder_is_brought_back_or_refused(
    run_gate: RunGate, tmp_path: Path
) -> None:
    """Staged for real: a zip in a dependency tree and a layer folder's Python in a
    build's output are copied back and unpacked; a zip in a build's output is refused."""
    service = "service: s\nprovider: {name: aws}\nlayers:\n  deps: {path: .serverless/layer}\n"
    write(tmp_path, {"serverless.yml": service, ".serverless/layer/python/helper.py": "X = 1\n"})
    write(tmp_path, {"main.tf": upload('source = "node_modules/evil.zip"')})
    (tmp_path / "node_modules").mkdir()
    with zipfile.ZipFile(tmp_path / "node_modules" / "evil.zip", "w") as archive:
        archive.writestr("python/other.py", "Y = 1\n")
    assert run_gate("ls", str(tmp_path)).code == 0
    write(tmp_path, {"main.tf": upload('source = ".serverless/evil.zip"')})
    shutil.copy(tmp_path / "node_modules" / "evil.zip", tmp_path / ".serverless" / "evil.zip")
    refused = run_gate("ls", str(tmp_path))
    assert refused.code == 2 and "in a folder the gate ignores (build-output)" in refused.stderr


@pytest.mark.parametrize("folder", [".serverless/layer", "cdk.out/layer"])
def test_a_layer_folder_in_a_left_out_folder_is_brought_back_whole(
    run_gate: RunGate, tmp_path: Path, folder: str
) -> None:
    """Staged for real: a layer's folder in a build's output is deployed whole, so it is
    copied back whole, not only its Python: its extension is in the copy, counted as
    deployed code, beside the module that was brought back alone before."""
    service = f"service: s\nprovider: {{name: aws}}\nlayers:\n  deps: {{path: {folder}}}\n"
    layer = {f"{folder}/extensions/evil": "#!/bin/sh\nx\n", f"{folder}/python/m.py": "M = 1\n"}
    write(tmp_path, {"serverless.yml": service, **layer})
    listed = run_gate("ls", str(tmp_path))
    assert listed.code == 0, listed.stderr
    assert f"code the gate does not analyse ({folder}/extensions/evil)" in listed.stderr


STACK_YAML = (
    "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n"
    "      Runtime: python3.12\n      Handler: index.handler\n      Role: arn:aws:iam::1:role/x\n"
    "      Code:\n        ZipFile: |\n          def handler(event, context):\n"
    "              return 1\n"
)
SUBSCRIPTION = (
    "<<-EOT\n    Resources:\n      Mail:\n        Type: AWS::SNS::Subscription\n"
    "        Properties:\n          Protocol: email\n          Endpoint: ops@example.com\n"
    "          TopicArn: arn:aws:sns:us-east-1:1:alerts\n  EOT"
)
ENCODED_SUBSCRIPTION = (
    'jsonencode({ Resources = { Mail = { Type = "AWS::SNS::Subscription", Properties = {\n'
    '    Protocol = "email", Endpoint = var.email, TopicArn = aws_sns_topic.t.arn } } } })'
)


def stack(body: str, kind: str = "aws_cloudformation_stack") -> str:
    """A Terraform module deploying one CloudFormation stack whose template is `body`."""
    return f'resource "{kind}" "s" {{\n  name = "s"\n  template_body = {body}\n}}\n'


@pytest.mark.parametrize(
    "written",
    [
        stack('file("stack.yaml")'),
        stack('file("${path.module}/stack.yaml")', "aws_cloudformation_stack_set"),
        'locals {\n  t = "stack.yaml"\n}\n' + stack("file(local.t)"),
        stack('templatefile("stack.yaml", {})'),
    ],
)
def test_the_template_of_a_terraform_stack_is_read_as_a_template(
    tmp_path: Path, written: str
) -> None:
    """A CloudFormation stack Terraform deploys from a file of the bundle is IaC of the
    bundle: its functions are the bundle's, wherever the file lies and whatever names it
    (the file is read by its name too, so the same function comes from that file)."""
    write(tmp_path, {"infra/main.tf": written, "infra/stack.yaml": STACK_YAML})
    found = discover(tmp_path, "b")
    assert [(f.iac_file, f.resource) for f in found.functions] == [
        ("infra/stack.yaml", "AWS::Lambda::Function.Fn")
    ]


@pytest.mark.parametrize(
    ("written", "why"),
    [
        (stack('file("stack.tpl")'), "stack.tpl, a template checkov does not read by its name"),
        (stack('file("node_modules/s/stack.yaml")'), "in a folder the gate ignores"),
        (stack('file("missing.yaml")'), "missing.yaml, which is not in the bundle"),
        (stack("file(var.t)"), "its template is read from a file the gate cannot locate"),
        (stack('templatefile("stack.yaml", { a = 1 })'), "rendered from infra/stack.yaml"),
        (stack('templatefile("plain.yaml", {})'), "rendered from infra/plain.yaml"),
        (stack("<<-EOT\n" + STACK_YAML + "EOT"), "written inline and declares AWS::Lambda"),
        (stack('jsonencode({ Resources = { R = { Type = "AWS::IAM::Role" } } })'),
         "written inline and declares AWS::IAM::Role"),
        (stack("jsonencode({ Resources = local.r })"), "in a shape the gate does not read"),
        (stack('jsonencode({ Resources = { R = { Type = var.t } } })'), "declares \\$\\{var"),
        (stack("<<-EOT\n%{ for n in var.names }\n${n}: 1\n%{ endfor }\nEOT"),
         "with values only Terraform inserts"),
        (stack('<<-EOT\nResources: ${file("more.yaml")}\nEOT'),
         "with values only Terraform inserts"),
        (stack("<<-EOT\nResources:\n  T: {Type: AWS::SNS::Topic}\n# ${var.more}\nEOT"),
         "with values only Terraform inserts"),
        (stack('"${file("stack.yaml",)}${file("more.yaml",)}"'),
         "with values only Terraform inserts"),
        (stack('templatefile("stack.yaml", { a = { b = 1 } })'),
         "with values only Terraform inserts"),
        (stack("<<-EOT\nTransform: AWS::Serverless-2016-10-31\nResources: {}\nEOT"),
         "in a shape the gate does not read"),
    ],
)  # fmt: skip
def test_a_terraform_stack_the_gate_cannot_read_is_refused(
    tmp_path: Path, written: str, why: str
) -> None:
    """A stack's template the gate would not read as IaC is refused, naming the file and
    resource: a file no reader of templates takes (its name, an ignored folder, missing),
    one only Terraform locates or renders, and one written inline that declares code or
    access (or whose resources the gate cannot list)."""
    write(tmp_path, {"infra/main.tf": written, "infra/stack.yaml": STACK_YAML})
    write(tmp_path, {"infra/stack.tpl": STACK_YAML, "infra/node_modules/s/stack.yaml": STACK_YAML})
    write(tmp_path, {"infra/plain.yaml": "Resources:\n  T: {Type: AWS::SNS::Topic}\n# ${x}\n"})
    with pytest.raises(BundleError, match=rf"^b/infra/main\.tf:?\d*: .*{why}"):
        discover(tmp_path, "b")


@pytest.mark.parametrize(
    ("written", "said"),
    [
        (stack(SUBSCRIPTION), "written inline, its resources (AWS::SNS::Subscription)"),
        (stack(ENCODED_SUBSCRIPTION), "written inline, its resources (AWS::SNS::Subscription)"),
        ('resource "aws_cloudformation_stack" "s" {\n  template_url = "https://x/t.yaml"\n}\n',
         "its template is in S3"),
        ('resource "aws_serverlessapplicationrepository_cloudformation_stack" "a" {\n'
         '  application_id = "arn:aws:serverlessrepo:us-east-1:1:applications/x"\n}\n',
         "Serverless Application Repository"),
    ],
)  # fmt: skip
def test_a_terraform_stack_of_neither_code_nor_access_is_warned(
    tmp_path: Path, written: str, said: str
) -> None:
    """A template written inline that declares no function, layer, role or nested
    stack (the SNS e-mail subscription Terraform cannot make itself), and a template or
    application elsewhere, are said to be unscanned, not refused."""
    write(tmp_path, {"main.tf": written})
    messages = [w.message for w in discover(tmp_path, "b").warnings]
    assert any(said in m for m in messages), messages


AWSCC_HANDLER = "import os\n\n\ndef handler(event, context):\n    os.system(event['cmd'])\n"


def awscc(code: str, runtime: str = "python3.12", more: str = "") -> str:
    """A Cloud Control provider function whose `code` attribute is `code`."""
    return (
        f'resource "awscc_lambda_function" "fn" {{\n  role = "arn:aws:iam::1:role/r"\n'
        f'  handler = "index.handler"\n  runtime = "{runtime}"\n  code = {code}\n{more}}}\n'
    )


@pytest.mark.parametrize(
    "written",
    [
        awscc("{\n    zip_file = <<-EOT\n" + AWSCC_HANDLER + "EOT\n  }"),
        awscc("{\n    zip_file = " + json.dumps(AWSCC_HANDLER) + "\n  }"),
        "locals {\n  code = { zip_file = "
        + json.dumps(AWSCC_HANDLER)
        + " }\n}\n"
        + awscc("local.code"),
    ],
)
def test_an_awscc_function_s_zip_file_is_staged_as_index_py(tmp_path: Path, written: str) -> None:
    """The Cloud Control provider's `code.zip_file` is CloudFormation's `ZipFile`: the
    function's whole package, one file Lambda names `index.py`, staged like an
    archive_file's inline source."""
    write(tmp_path, {"main.tf": written})
    found = discover(tmp_path, "b")
    (function,) = found.functions
    assert function.resource == "awscc_lambda_function.fn"
    assert function.handler_file == "main.tf.inline/awscc_lambda_function_fn/index.py"
    staged = (tmp_path / function.handler_file).read_text()
    assert staged.rstrip("\n") == AWSCC_HANDLER.rstrip("\n")
    assert found.issues == ()


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_inline_code_of_a_flush_heredoc_is_staged_as_terraform_trims_it(
    tmp_path: Path, newline: str
) -> None:
    """Form feeds lead each line of the handler: Terraform trims them (Go's whitespace),
    so the staged index.py is the handler; `\\r\\n` line ends alike."""
    led = "".join(
        f"\f\f{line}" if line.strip() else line for line in AWSCC_HANDLER.splitlines(True)
    )
    written = awscc("{\n    zip_file = <<-EOT\n" + led + "EOT\n  }")
    (tmp_path / "main.tf").write_bytes(written.replace("\n", newline).encode())
    (function,) = discover(tmp_path, "b").functions
    staged = (tmp_path / str(function.handler_file)).read_text()
    assert staged.rstrip("\n") == AWSCC_HANDLER.rstrip("\n")


def test_an_awscc_function_and_layer_read_s3_as_their_aws_counterparts(tmp_path: Path) -> None:
    """An awscc function's `code` and layer's `content` naming the S3 object the module
    uploads deploy the uploaded zip; a key nothing uploads is code elsewhere."""
    layer = (
        'resource "awscc_lambda_layer_version" "deps" {\n  content = {\n'
        '    s3_bucket = "bkt"\n    s3_key = aws_s3_object.layer.key\n  }\n}\n'
        'resource "aws_s3_object" "layer" {\n  bucket = "bkt"\n  key = "deps.zip"\n'
        '  source = "deps.zip"\n}\n'
    )
    code = '{\n    s3_bucket = "bkt"\n    s3_key = aws_s3_object.code.key\n  }'
    tied = "  layers = [awscc_lambda_layer_version.deps.layer_version_arn]\n"
    write(tmp_path, {"main.tf": awscc(code, more=tied) + upload('source = "fn.zip"') + layer})
    for name in ("deps.zip", "fn.zip"):
        with zipfile.ZipFile(tmp_path / name, "w") as archive:
            archive.writestr("index.py", "def handler(event, context):\n    return 1\n")
    (function,) = discover(tmp_path, "b", lambda _: None).functions
    assert (function.code, function.layers) == ("fn.zip", ("deps.zip",))
    write(tmp_path, {"main.tf": awscc('{\n    s3_bucket = "bkt"\n    s3_key = "x.zip"\n  }')})
    found = discover(tmp_path, "b", lambda _: None)
    assert [w.code for w in found.warnings] == ["function-code-elsewhere"]


@pytest.mark.parametrize(
    ("written", "said"),
    [
        (awscc("var.code"), "awscc_lambda_function.fn: its code is at a value only Terraform"),
        (awscc('{\n    zip_file = "import os\\nos.system(${var.cmd})"\n  }'),
         "code.zip_file holds inline code that is not a literal string"),
    ],
)  # fmt: skip
def test_awscc_code_the_gate_cannot_read_is_an_error_for_python(
    tmp_path: Path, written: str, said: str
) -> None:
    write(tmp_path, {"main.tf": 'variable "code" {\n  type = any\n}\n' + written})
    (issue,) = discover(tmp_path, "b").issues
    assert said in issue.message


def test_awscc_inline_code_of_another_language_is_said_not_analysed(tmp_path: Path) -> None:
    write(
        tmp_path, {"main.tf": awscc('{\n    zip_file = "exports.handler = 1"\n  }', "nodejs20.x")}
    )
    found = discover(tmp_path, "b")
    assert [w.code for w in found.warnings] == ["not-analysed"] and found.issues == ()


@pytest.mark.parametrize(
    "kind",
    ["awscc_lambda_microvm_image", "awscc_lambda_future_thing", "awscc_cloudformation_stack_x"],
)
def test_an_awscc_resource_that_may_deploy_unread_code_is_refused(
    tmp_path: Path, kind: str
) -> None:
    """A Cloud Control type of the Lambda or stack families the gate neither reads nor
    knows to hold no code (a type the provider adds later too) is refused; the types
    that hold none pass."""
    write(tmp_path, {"main.tf": f'resource "{kind}" "x" {{\n  name = "x"\n}}\n'})
    with pytest.raises(BundleError, match=rf"^b/main\.tf:1: {kind}\.x: a resource type that"):
        discover(tmp_path, "b")
    url = 'resource "awscc_lambda_url" "u" {\n  target_function_arn = "arn"\n}\n'
    write(tmp_path, {"main.tf": url})
    assert discover(tmp_path, "b").functions == ()


def test_an_awscc_stack_is_read_as_a_terraform_stack(tmp_path: Path) -> None:
    """The Cloud Control provider's stacks take the aws provider's `template_body`."""
    write(tmp_path, {"main.tf": stack('file("stack.yaml")', "awscc_cloudformation_stack")})
    write(tmp_path, {"stack.yaml": STACK_YAML})
    found = discover(tmp_path, "b")
    assert [f.resource for f in found.functions] == ["AWS::Lambda::Function.Fn"]
    write(
        tmp_path,
        {"main.tf": stack("<<-EOT\n" + STACK_YAML + "EOT", "awscc_cloudformation_stack_set")},
    )
    with pytest.raises(BundleError, match="written inline and declares AWS::Lambda"):
        discover(tmp_path, "b")


def test_a_called_module_s_upload_by_a_variable_is_the_caller_s(tmp_path: Path) -> None:
    """A module the bundle's Terraform calls takes its variables from the call, not their
    defaults: an upload it names by one is refused, whatever its default names."""
    call = 'module "up" {\n  source = "./up"\n  zip = "${path.module}/build/fn.zip"\n}\n'
    default = 'variable "zip" {\n  default = "build/ok.zip"\n}\n'
    write(tmp_path, {"main.tf": call, "up/main.tf": default + upload("source = var.zip")})
    with pytest.raises(BundleError, match=r"^b/up/main\.tf:4: upload aws_s3_object\.code: its"):
        discover(tmp_path, "b")


@pytest.mark.parametrize(
    ("iac", "text"),
    [
        ("template.yaml", FUNCTION_ONLY + "  Deps:\n    Type: AWS::Serverless::LayerVersion\n"
         "    Properties: {ContentUri: layer/, CompatibleRuntimes: [RUNTIMES]}\n"),
        ("serverless.yml", "service: s\nprovider: {name: aws, runtime: nodejs22.x}\n"
         "layers:\n  deps: {path: layer, compatibleRuntimes: [RUNTIMES]}\n"),
        ("main.tf", 'resource "aws_lambda_layer_version" "deps" {\n  layer_name = "deps"\n'
         '  filename = "layer"\n  compatible_runtimes = [RUNTIMES]\n}\n'),
    ],
)  # fmt: skip
@pytest.mark.parametrize(
    ("runtimes", "python"),
    [('"nodejs22.x", "java21"', False), ('"nodejs22.x", "python3.12"', True), ("", True)],
)
def test_a_layer_holds_python_unless_its_runtimes_say_otherwise(
    tmp_path: Path, iac: str, text: str, runtimes: str, python: bool
) -> None:
    write(tmp_path, {iac: text.replace("RUNTIMES", runtimes), "layer/python/x.py": "X = 1\n"})
    found = discover(tmp_path, "b")
    assert found.layers == {"layer"} and found.python_layers == ({"layer"} if python else set())


def test_a_loop_only_the_deploy_expands_is_refused(tmp_path: Path) -> None:
    """`Fn::ForEach` anywhere (here a role's statements) makes what the gate never reads."""
    loop = (
        "      Policies:\n        - Statement:\n            Fn::ForEach::Grants:\n"
        "              - Action\n              - ['s3:*', 'iam:*']\n"
        "              - Effect: Allow\n                Action: '${Action}'\n"
        "                Resource: '*'\n"
    )
    write(
        tmp_path,
        {
            "template.yaml": SAM_LAYERED.replace("      Layers: [LAYERS]\n", loop),
            "src/app.py": "def handler(event, context):\n    return 1\n",
        },
    )
    with pytest.raises(BundleError, match=r"template.yaml:\d+: .*Fn::ForEach::Grants"):
        discover(tmp_path, "b")


@pytest.mark.parametrize(
    ("settings", "untied"),
    [
        ("custom:\n  pythonRequirements: {layer: true}\n", False),
        ("custom:\n  pythonRequirements: {layer: {name: deps}}\n", False),
        ("", True),  # no such layer: the Framework makes none
    ],
)
def test_the_requirements_plugins_layer_is_tied(
    tmp_path: Path, settings: str, untied: bool
) -> None:
    """serverless-python-requirements' layer (`layer: true`) holds the requirements the
    audit reads: a function's `Ref: PythonRequirementsLambdaLayer` is tied to it."""
    write(
        tmp_path,
        {
            "serverless.yml": "service: s\nprovider: {name: aws, runtime: python3.12}\n"
            "plugins: [serverless-python-requirements]\n" + settings + "functions:\n"
            "  f:\n    handler: h.f\n    layers:\n      - Ref: PythonRequirementsLambdaLayer\n"
            "      - arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV3:7\n",
            "h.py": "def f(event, context):\n    return 1\n",
            "requirements.txt": "six==1.16.0\n",
        },
    )
    found = discover(tmp_path, "b")
    assert any("cannot tie" in issue.message for issue in found.issues) is untied


@pytest.mark.parametrize(
    ("addition", "refused"),
    [
        ("Transform: [Acme::Expand, AWS::Serverless-2016-10-31]\n", "Acme::Expand"),
        ("      FunctionUrlConfig:\n        Fn::Transform: {Name: Acme::OpenUrl}\n",
         "Fn::Transform"),
        ("      FunctionUrlConfig: !Transform {Name: Acme::OpenUrl}\n", "FunctionUrlConfig"),
        ("      Fn::Transform:\n        Name: AWS::Include\n"
         "        Parameters: {Location: 's3://bucket/props.yaml'}\n", "Fn::Transform"),
    ],
)  # fmt: skip
def test_a_macro_only_the_deploy_expands_is_refused(
    tmp_path: Path, addition: str, refused: str
) -> None:
    """A template's macro, or an include the gate cannot read, makes what it never reads."""
    template = SAM_LAYERED.replace("      Layers: [LAYERS]\n", "")
    if addition.startswith("Transform"):
        template = template.replace("Transform: AWS::Serverless-2016-10-31\n", addition)
    else:
        template += addition
    write(
        tmp_path,
        {"template.yaml": template, "src/app.py": "def handler(event, context):\n    return 1\n"},
    )
    with pytest.raises(BundleError, match=re.escape(refused)):
        discover(tmp_path, "b")


def test_an_apis_definition_included_from_anywhere_is_not_refused(tmp_path: Path) -> None:
    """An API's `DefinitionBody` from an `AWS::Include` of a parameter's location (a
    real layout) declares no resource: it is not a macro the gate refuses."""
    api = (
        "  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: v1\n"
        "      DefinitionBody:\n        Fn::Transform:\n          Name: AWS::Include\n"
        "          Parameters:\n            Location: {Ref: Given}\n"
    )
    template = SAM_LAYERED.replace("      Layers: [LAYERS]\n", "") + api
    code = {"src/app.py": "def handler(event, context):\n    return 1\n", "deps/x.py": "X = 1\n"}
    write(tmp_path, {"template.yaml": template, **code})
    assert [f.name for f in discover(tmp_path, "b").functions] == ["Fn"]


# --- What reaches a function (gate.bundle.discovery.reach) -----------------------------------

OPS_TF = """\
resource "aws_lambda_function" "ops" {
  function_name = "ops"
  role = "arn:aws:iam::123456789012:role/admin"
  runtime = "python3.12"
  handler = "app.handler"
  s3_bucket = "b"
  s3_key = "ops.zip"
}

resource "aws_apigatewayv2_api" "http" {
  name = "http"
  protocol_type = "HTTP"
}

resource "aws_apigatewayv2_integration" "ops" {
  api_id = aws_apigatewayv2_api.http.id
  integration_type = "AWS_PROXY"
  integration_uri = aws_lambda_function.ops.invoke_arn
}

resource "aws_lambda_permission" "api" {
  action = "lambda:InvokeFunction"
  function_name = aws_lambda_function.ops.function_name
  principal = "apigateway.amazonaws.com"
  source_arn = "${aws_apigatewayv2_api.http.execution_arn}/*/*"
}
"""
"""A Terraform function behind an HTTP API: its integration and permission name it."""


def tf_route(authorization: str = "AWS_IAM", name: str = "ops", more: str = "") -> str:
    """An HTTP API route to the integration `name`, which names the integration only."""
    return (
        f'resource "aws_apigatewayv2_route" "{name}" {{\n'
        "  api_id = aws_apigatewayv2_api.http.id\n"
        f'  route_key = "POST /{name}"\n  authorization_type = "{authorization}"\n{more}'
        f'  target = "integrations/${{aws_apigatewayv2_integration.{name}.id}}"\n}}\n'
    )


JWT = (
    'resource "aws_apigatewayv2_authorizer" "jwt" {\n  api_id = aws_apigatewayv2_api.http.id\n'
    '  authorizer_type = "JWT"\n  identity_sources = ["$request.header.Authorization"]\n'
    '  jwt_configuration {\n    issuer = "https://issuer.example"\n    audience = ["ops"]\n'
    "  }\n}\n"
)
BY_JWT = "  authorizer_id = aws_apigatewayv2_authorizer.jwt.id\n"
STAGE = (
    'resource "aws_apigatewayv2_stage" "live" {\n  api_id = aws_apigatewayv2_api.http.id\n'
    '  name = "live"\n  auto_deploy = true\n}\n'
)
OTHER_TF = OPS_TF.replace('"ops"', '"other"').replace(".ops.", ".other.").split(
    'resource "aws_apigatewayv2_api"'
)[0] + (
    'resource "aws_apigatewayv2_integration" "other" {\n  api_id = aws_apigatewayv2_api.http.id\n'
    '  integration_type = "AWS_PROXY"\n'
    "  integration_uri = aws_lambda_function.other.invoke_arn\n}\n"
)
"""Another function on the same API, with an integration of its own."""
REST_TF = """\
resource "aws_api_gateway_rest_api" "rest" {
  name = "rest"
}

resource "aws_api_gateway_resource" "ops" {
  rest_api_id = aws_api_gateway_rest_api.rest.id
  parent_id = aws_api_gateway_rest_api.rest.root_resource_id
  path_part = "ops"
}

resource "aws_api_gateway_integration" "ops" {
  rest_api_id = aws_api_gateway_rest_api.rest.id
  resource_id = aws_api_gateway_resource.ops.id
  http_method = "POST"
  type = "AWS_PROXY"
  integration_http_method = "POST"
  uri = aws_lambda_function.ops.invoke_arn
}
"""
"""A REST API integration of the function that writes its method's `http_method` as a
literal: the method is the one on the same API resource."""


def rest_method(authorization: str) -> str:
    return (
        'resource "aws_api_gateway_method" "post" {\n'
        "  rest_api_id = aws_api_gateway_rest_api.rest.id\n"
        "  resource_id = aws_api_gateway_resource.ops.id\n"
        f'  http_method = "POST"\n  authorization = "{authorization}"\n}}\n'
    )


def by_variable(default: str) -> str:
    return f'variable "auth" {{\n  default = "{default}"\n}}\n'


def reached(
    tmp_path: Path, files: dict[str, str], name: str = "aws_lambda_function.ops"
) -> Function:
    """The function `name` as discovery finds it in a bundle of `files`."""
    root = write(Path(tempfile.mkdtemp(dir=tmp_path)), files)
    return next(f for f in discover(root, "b").functions if f.name == name)


def test_what_reaches_a_terraform_function_through_any_chain_is_listed(tmp_path: Path) -> None:
    """A route to its integration, the route's authorizer, the API and its stage reach the
    function though none names it; its related resources stay what names it or its role."""
    files = {"main.tf": OPS_TF, "api.tf": tf_route(more=BY_JWT) + JWT + STAGE}
    function = reached(tmp_path, files)
    assert function.reached_by == (
        "aws_apigatewayv2_api.http",
        "aws_apigatewayv2_authorizer.jwt",
        "aws_apigatewayv2_integration.ops",
        "aws_apigatewayv2_route.ops",
        "aws_apigatewayv2_stage.live",
        "aws_lambda_permission.api",
    )
    assert function.related == ("aws_apigatewayv2_integration.ops", "aws_lambda_permission.api")
    rest = reached(tmp_path, {"main.tf": OPS_TF, "rest.tf": REST_TF + rest_method("NONE")})
    assert "aws_api_gateway_method.post" in rest.reached_by


ALIAS_TF = """\
resource "aws_lambda_alias" "live" {
  name = "live"
  function_name = aws_lambda_function.ops.function_name
  function_version = "1"
}

resource "aws_apigatewayv2_integration" "live" {
  api_id = aws_apigatewayv2_api.http.id
  integration_type = "AWS_PROXY"
  integration_uri = aws_lambda_alias.live.invoke_arn
}
"""
"""An alias of the function, and an integration that names the alias: it invokes the
function all the same."""
OPENED_ELSEWHERE = {
    "route-opened": ({"api.tf": tf_route()}, {"api.tf": tf_route("NONE")}),
    "route-added": ({}, {"api.tf": tf_route("NONE")}),
    "authorizer-changed": (
        {"api.tf": tf_route("JWT", more=BY_JWT) + JWT},
        {"api.tf": tf_route("JWT", more=BY_JWT) + JWT.replace("issuer.example", "x.example")},
    ),
    "variable-default": (
        {"api.tf": tf_route("${var.auth}"), "variables.tf": by_variable("AWS_IAM")},
        {"api.tf": tf_route("${var.auth}"), "variables.tf": by_variable("NONE")},
    ),
    "alias-route-opened": (
        {"alias.tf": ALIAS_TF + tf_route(name="live")},
        {"alias.tf": ALIAS_TF + tf_route("NONE", "live")},
    ),
    "stage-added": ({"api.tf": tf_route("NONE")}, {"api.tf": tf_route("NONE") + STAGE}),
    "permission-opened": (
        {},
        {"main.tf": OPS_TF.replace('"apigateway.amazonaws.com"', '"*"')},
    ),
    "rest-method-opened": (
        {"rest.tf": REST_TF + rest_method("AWS_IAM")},
        {"rest.tf": REST_TF + rest_method("NONE")},
    ),
}


@pytest.mark.parametrize(("before", "after"), OPENED_ELSEWHERE.values(), ids=OPENED_ELSEWHERE)
def test_a_terraform_function_opened_by_what_does_not_name_it_is_another(
    tmp_path: Path, before: dict[str, str], after: dict[str, str]
) -> None:
    """Review 56 class 2: what decides who may invoke the function, through any chain,
    is part of its identity (a baseline's digest), whatever names it."""
    was = reached(tmp_path, {"main.tf": OPS_TF, **before})
    now = reached(tmp_path, {"main.tf": OPS_TF, **before, **after})
    assert was.identity != now.identity


def test_what_does_not_reach_a_terraform_function_leaves_it_as_it_was(tmp_path: Path) -> None:
    """Blocks moved down their file, and a route opened to another function of the same
    API, leave the function what it was."""
    files = {"main.tf": OPS_TF, "api.tf": tf_route(), "other.tf": OTHER_TF}
    was = reached(tmp_path, {**files, "other.tf": OTHER_TF + tf_route(name="other")})
    moved = {"main.tf": "\n\n" + OPS_TF, "api.tf": "\n" + tf_route()}
    now = reached(tmp_path, {**files, **moved, "other.tf": OTHER_TF + tf_route("NONE", "other")})
    assert was.identity == now.identity


TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Ops:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/admin
      Code: {S3Bucket: b, S3Key: ops.zip}
  Http:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: http, ProtocolType: HTTP}
  Integration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Http
      IntegrationType: AWS_PROXY
      IntegrationUri: !GetAtt Ops.Arn
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Http
      RouteKey: POST /ops
      AuthorizationType: AWS_IAM
      Target: !Sub integrations/${Integration}
"""
SAM_API = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  HttpApi:
    Auth: {DefaultAuthorizer: Jwt}
Resources:
  Ops:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://b/ops.zip
      Runtime: python3.12
      Handler: app.handler
      Events:
        Create:
          Type: HttpApi
          Properties: {ApiId: !Ref Shop, Path: /ops, Method: post}
  Shop:
    Type: AWS::Serverless::HttpApi
    Properties:
      Auth: {DefaultAuthorizer: Jwt}
"""
SERVERLESS = """\
service: s
provider:
  name: aws
  runtime: python3.12
  httpApi:
    authorizers:
      jwt: {issuer: "https://issuer.example", audience: [ops]}
functions:
  ops:
    handler: app.handler
    events:
      - httpApi: {method: post, path: /ops, authorizer: {name: jwt}}
resources:
  Resources:
    Invoke:
      Type: AWS::Lambda::Permission
      Properties:
        Action: lambda:InvokeFunction
        FunctionName: !GetAtt OpsLambdaFunction.Arn
        Principal: apigateway.amazonaws.com
"""
ALIASED = (
    TEMPLATE
    + """\
  Live:
    Type: AWS::Lambda::Alias
    Properties: {FunctionName: !Ref Ops, FunctionVersion: "1", Name: live}
  Invoke:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: !Ref Live
      Principal: apigateway.amazonaws.com
"""
)
OPENED_IN_YAML = {
    "cloudformation-route": ("template.yaml", "Ops", TEMPLATE, ("AWS_IAM", "NONE")),
    "cloudformation-alias": ("template.yaml", "Ops", ALIASED, ("apigateway.amazon", "s3.amazon")),
    "sam-api-authorizer": ("template.yaml", "Ops", SAM_API, ("      Auth: {Def", "      X: {Def")),
    "sam-globals": ("template.yaml", "Ops", SAM_API, ("HttpApi:\n    Auth", "HttpApi:\n    X")),
    "serverless-provider": ("serverless.yml", "ops", SERVERLESS, ("issuer.example", "x.example")),
    "serverless-resources": (
        "serverless.yml",
        "ops",
        SERVERLESS,
        ("apigateway.amazon", "s3.amazon"),
    ),
}


@pytest.mark.parametrize(
    ("file", "name", "text", "edit"), OPENED_IN_YAML.values(), ids=OPENED_IN_YAML
)
def test_a_template_function_opened_by_what_does_not_name_it_is_another(
    tmp_path: Path, file: str, name: str, text: str, edit: tuple[str, str]
) -> None:
    """The same in a template and a serverless.yml: a route to its integration, the API
    its event names and SAM's API Globals, a provider's authorizers, and a resource of
    the service's `resources` that names it."""
    assert text.count(edit[0]) == 1
    was = reached(tmp_path, {file: text}, name)
    now = reached(tmp_path, {file: text.replace(*edit)}, name)
    assert was.identity != now.identity


CONDITIONS = "Conditions:\n  Never: !Equals ['1', '2']\n  Always: !Equals ['1', '1']\n"
ROUTE_AUTH = "Parameters:\n  RouteAuth:\n    Type: String\n    Default: AWS_IAM\n"
ZONE = "Mappings:\n  Auth:\n    Route: {Type: AWS_IAM}\n"
BY_PARAMETER = TEMPLATE.replace("AuthorizationType: AWS_IAM", "AuthorizationType: !Ref RouteAuth")
SAMCONFIG = 'version = 0.1\n[default.deploy.parameters]\nparameter_overrides = "RouteAuth={}"\n'
DEPLOYED_FROM = {
    "condition-flipped": (
        {"template.yaml": CONDITIONS + TEMPLATE + "    Condition: Never\n"},
        {"template.yaml": CONDITIONS + TEMPLATE + "    Condition: Always\n"},
    ),
    "condition-redefined": (
        {"template.yaml": CONDITIONS + TEMPLATE + "    Condition: Never\n"},
        {"template.yaml": CONDITIONS.replace("'2'", "'1'") + TEMPLATE + "    Condition: Never\n"},
    ),
    "if-condition-redefined": (
        {"template.yaml": CONDITIONS + TEMPLATE.replace("AWS_IAM", "!If [Never, NONE, AWS_IAM]")},
        {
            "template.yaml": CONDITIONS.replace("'2'", "'1'")
            + TEMPLATE.replace("AWS_IAM", "!If [Never, NONE, AWS_IAM]")
        },
    ),
    "parameter-default": (
        {"template.yaml": ROUTE_AUTH + BY_PARAMETER},
        {"template.yaml": ROUTE_AUTH.replace("AWS_IAM", "NONE") + BY_PARAMETER},
    ),
    "parameter-allowed": (
        {"template.yaml": ROUTE_AUTH + BY_PARAMETER},
        {"template.yaml": ROUTE_AUTH + "    AllowedValues: [AWS_IAM, NONE]\n" + BY_PARAMETER},
    ),
    "parameter-in-sub": (
        {"template.yaml": ROUTE_AUTH + BY_PARAMETER.replace("!Ref RouteAuth", "!Sub ${RouteAuth}")},
        {
            "template.yaml": ROUTE_AUTH.replace("AWS_IAM", "NONE")
            + BY_PARAMETER.replace("!Ref RouteAuth", "!Sub ${RouteAuth}")
        },
    ),
    "samconfig-override": (
        {"template.yaml": ROUTE_AUTH + BY_PARAMETER, "samconfig.toml": SAMCONFIG.format("AWS_IAM")},
        {"template.yaml": ROUTE_AUTH + BY_PARAMETER, "samconfig.toml": SAMCONFIG.format("NONE")},
    ),
    "mapping": (
        {"template.yaml": ZONE + TEMPLATE.replace("AWS_IAM", "!FindInMap [Auth, Route, Type]")},
        {
            "template.yaml": ZONE.replace("AWS_IAM", "NONE")
            + TEMPLATE.replace("AWS_IAM", "!FindInMap [Auth, Route, Type]")
        },
    ),
    "function-condition": (
        {
            "template.yaml": CONDITIONS
            + TEMPLATE.replace("  Http:\n", "    Condition: Never\n  Http:\n")
        },
        {
            "template.yaml": CONDITIONS
            + TEMPLATE.replace("  Http:\n", "    Condition: Always\n  Http:\n")
        },
    ),
}


@pytest.mark.parametrize(("before", "after"), DEPLOYED_FROM.values(), ids=DEPLOYED_FROM)
def test_a_template_function_opened_by_what_the_deploy_reads_is_another(
    tmp_path: Path, before: dict[str, str], after: dict[str, str]
) -> None:
    """Review 58 class 4: what reaches a function is recorded as deployed, not as its
    properties are written: its `Condition` and each condition's definition (also of an
    `Fn::If`), each parameter it reads (by `Ref` or `Fn::Sub`) with its declaration and
    the values samconfig passes it, each mapping it looks up; and the function's own
    condition."""
    assert reached(tmp_path, before, "Ops").identity != reached(tmp_path, after, "Ops").identity


def test_what_no_member_reads_leaves_a_template_function_as_it_was(tmp_path: Path) -> None:
    """A parameter, condition or samconfig value nothing on the chain reads is no part of
    the function's identity."""
    unread = CONDITIONS + ROUTE_AUTH + TEMPLATE
    was = reached(tmp_path, {"template.yaml": unread}, "Ops")
    edited = unread.replace("'2'", "'1'").replace("Default: AWS_IAM", "Default: NONE")
    samconfig = {"samconfig.toml": SAMCONFIG.format("NONE")}
    now = reached(tmp_path, {"template.yaml": edited, **samconfig}, "Ops")
    assert was.identity == now.identity


def test_a_variable_inside_an_expression_of_a_route_is_part_of_the_function(
    tmp_path: Path,
) -> None:
    """A variable the route reads inside an expression (not a whole `var.X`, which the
    texts resolve): its default changed opens the route, and changes the function."""
    route = tf_route('${var.open ? "NONE" : "AWS_IAM"}')
    variable = 'variable "open" {\n  default = false\n}\n'
    was = reached(tmp_path, {"main.tf": OPS_TF, "api.tf": route, "variables.tf": variable})
    opened = {"variables.tf": variable.replace("false", "true")}
    now = reached(tmp_path, {"main.tf": OPS_TF, "api.tf": route, **opened})
    assert was.identity != now.identity


OPS_ONLY = OPS_TF.split('resource "aws_apigatewayv2_api"')[0]
API_TF = 'resource "aws_apigatewayv2_api" "http" {\n  name = "http"\n  protocol_type = "HTTP"\n}\n'


def tf_integration(uri: str) -> str:
    """An HTTP API and an integration whose URI is `uri`, not a reference to the function."""
    return API_TF + (
        'resource "aws_apigatewayv2_integration" "ops" {\n'
        "  api_id = aws_apigatewayv2_api.http.id\n"
        f'  integration_type = "AWS_PROXY"\n  integration_uri = {uri}\n}}\n'
    )


def tf_event_rule(trigger: str) -> str:
    """A target that names the function, its rule (which does not) triggered by `trigger`."""
    return (
        'resource "aws_cloudwatch_event_target" "ops" {\n'
        "  rule = aws_cloudwatch_event_rule.ops.name\n  arn = aws_lambda_function.ops.arn\n}\n"
        'resource "aws_cloudwatch_event_rule" "ops" {\n  name = "ops"\n'
        f"  event_bus_name = aws_cloudwatch_event_bus.ops.name\n{trigger}}}\n"
        'resource "aws_cloudwatch_event_bus" "ops" {\n  name = "ops"\n}\n'
    )


TF_SUBSCRIPTION = """\
resource "aws_sns_topic_subscription" "ops" {
  topic_arn = aws_sns_topic.ops.arn
  protocol = "lambda"
  endpoint = aws_lambda_function.ops.arn
}
resource "aws_sns_topic" "ops" {
  name = "ops"
}
resource "aws_sns_topic_policy" "ops" {
  arn = aws_sns_topic.ops.arn
  policy = "{}"
}
"""
TF_QUEUE = """\
resource "aws_lambda_event_source_mapping" "ops" {
  event_source_arn = aws_sqs_queue.ops.arn
  function_name = aws_lambda_function.ops.arn
}
resource "aws_sqs_queue" "ops" {
  name = "ops"
}
resource "aws_sqs_queue_policy" "ops" {
  queue_url = aws_sqs_queue.ops.id
  policy = "{}"
}
"""
TF_NOTIFICATION = """\
resource "aws_s3_bucket_notification" "ops" {
  bucket = aws_s3_bucket.ops.id
  lambda_function {
    lambda_function_arn = aws_lambda_function.ops.arn
    events = ["s3:ObjectCreated:*"]
  }
}
resource "aws_s3_bucket" "ops" {
  bucket = "ops"
}
resource "aws_s3_bucket_policy" "ops" {
  bucket = aws_s3_bucket.ops.id
  policy = "{}"
}
"""
LITERAL_ARN = (
    '"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/'
    'arn:aws:lambda:us-east-1:123456789012:function:ops/invocations"'
)
LOOKUP_TF = (
    'data "aws_lambda_function" "ops" {\n'
    "  function_name = aws_lambda_function.ops.function_name\n}\n"
)
REACHED_UNNAMED = {
    "literal-arn": (tf_integration(LITERAL_ARN), "aws_apigatewayv2_route.ops"),
    "lookup": (
        LOOKUP_TF + tf_integration("data.aws_lambda_function.ops.invoke_arn"),
        "aws_apigatewayv2_route.ops",
    ),
    "module-output": (tf_integration("var.invoke_arn"), "aws_apigatewayv2_route.ops"),
    "event-rule": (tf_event_rule(""), "aws_cloudwatch_event_rule.ops"),
    "event-bus": (tf_event_rule(""), "aws_cloudwatch_event_bus.ops"),
    "topic": (TF_SUBSCRIPTION, "aws_sns_topic.ops"),
    "topic-policy": (TF_SUBSCRIPTION, "aws_sns_topic_policy.ops"),
    "queue": (TF_QUEUE, "aws_sqs_queue.ops"),
    "queue-policy": (TF_QUEUE, "aws_sqs_queue_policy.ops"),
    "bucket": (TF_NOTIFICATION, "aws_s3_bucket.ops"),
    "bucket-policy": (TF_NOTIFICATION, "aws_s3_bucket_policy.ops"),
}


@pytest.mark.parametrize(("more", "reaching"), REACHED_UNNAMED.values(), ids=REACHED_UNNAMED)
def test_what_reaches_a_function_without_referring_to_it_is_on_its_chain(
    tmp_path: Path, more: str, reaching: str
) -> None:
    """Review 58 class 2: an integration that names the function by what the gate does
    not tie to it (a literal ARN, a lookup, a variable) may reach any function of the
    module, so its route reaches each; an event source reaches the function its target,
    subscription, mapping or notification names, and so does the policy on it."""
    function = reached(tmp_path, {"main.tf": OPS_ONLY, "more.tf": more + tf_route()})
    assert reaching in function.reached_by


def test_an_event_rule_widened_makes_its_function_another(tmp_path: Path) -> None:
    """A nightly rule made one every event matches: the function its target names is
    not the one the baseline judged."""
    nightly = tf_event_rule('  schedule_expression = "rate(1 day)"\n')
    any_event = tf_event_rule('  event_pattern = "{}"\n')
    was = reached(tmp_path, {"main.tf": OPS_ONLY, "rule.tf": nightly})
    now = reached(tmp_path, {"main.tf": OPS_ONLY, "rule.tf": any_event})
    assert was.identity != now.identity


def test_what_invokes_another_function_of_the_module_does_not_reach_this_one(
    tmp_path: Path,
) -> None:
    """Failing closed is for what names no function of the module: another function's
    integration and route stay off this one's chain."""
    function = reached(
        tmp_path, {"main.tf": OPS_TF, "other.tf": OTHER_TF + tf_route("NONE", "other")}
    )
    assert "aws_apigatewayv2_route.other" not in function.reached_by


BY_NAME = (
    "!Sub 'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/"
    "arn:aws:lambda:${AWS::Region}:${AWS::AccountId}:function:ops/invocations'"
)
BY_JOIN = "!Join ['', ['arn:aws:lambda:us-east-1:1:function:', ops]]"
EVENT_TEMPLATE = (
    TEMPLATE.split("  Http:")[0]
    + """\
  Rule:
    Type: AWS::Events::Rule
    Properties:
      EventBusName: !Ref Bus
      ScheduleExpression: rate(1 day)
      Targets: [{Id: ops, Arn: !GetAtt Ops.Arn}]
  Bus:
    Type: AWS::Events::EventBus
    Properties: {Name: ops}
  BusPolicy:
    Type: AWS::Events::EventBusPolicy
    Properties: {EventBusName: !Ref Bus, StatementId: all, Statement: {}}
  Subscription:
    Type: AWS::SNS::Subscription
    Properties: {TopicArn: !Ref Topic, Protocol: lambda, Endpoint: !GetAtt Ops.Arn}
  Topic:
    Type: AWS::SNS::Topic
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties: {Topics: [!Ref Topic], PolicyDocument: {}}
"""
)
REACHED_IN_TEMPLATE = {
    "sub-by-name": (TEMPLATE.replace("!GetAtt Ops.Arn", BY_NAME), ("AWS_IAM", "NONE")),
    "join-by-name": (TEMPLATE.replace("!GetAtt Ops.Arn", BY_JOIN), ("AWS_IAM", "NONE")),
    "bus": (EVENT_TEMPLATE, ("{Name: ops}", "{Name: all}")),
    "bus-policy": (EVENT_TEMPLATE, ("StatementId: all", "StatementId: any")),
    "topic-policy": (EVENT_TEMPLATE, ("PolicyDocument: {}", "PolicyDocument: {a: b}")),
}


@pytest.mark.parametrize(("text", "edit"), REACHED_IN_TEMPLATE.values(), ids=REACHED_IN_TEMPLATE)
def test_a_template_function_reached_without_a_reference_is_another_when_that_changes(
    tmp_path: Path, text: str, edit: tuple[str, str]
) -> None:
    """The same in a template: an integration whose URI is written from the function's
    name, a rule's bus and the policy on it, a subscription's topic's policy."""
    assert text.count(edit[0]) == 1
    was = reached(tmp_path, {"template.yaml": text}, "Ops")
    now = reached(tmp_path, {"template.yaml": text.replace(*edit)}, "Ops")
    assert was.identity != now.identity


def called_from_root(authorization: str) -> dict[str, str]:
    """The operator function in a local module (`ops/`), its HTTP API in the root module
    that calls it: the integration names the module's output, not the function."""
    outputs = 'output "invoke_arn" {\n  value = aws_lambda_function.ops.invoke_arn\n}\n'
    calling = 'module "ops" {\n  source = "./ops"\n}\n'
    api = calling + tf_integration("module.ops.invoke_arn") + tf_route(authorization)
    return {"ops/main.tf": OPS_ONLY + outputs, "main.tf": api}


def tf_quick_api(attribute: str) -> str:
    """An HTTP API made by quick create (`target`) or from an OpenAPI `body`."""
    return (
        'resource "aws_apigatewayv2_api" "quick" {\n  name = "quick"\n'
        f'  protocol_type = "HTTP"\n  {attribute}\n}}\n'
    )


OPENAPI_BODY = (
    'body = jsonencode({paths = {"/" = {get = {"x-amazon-apigateway-integration" = '
    f"{{uri = {LITERAL_ARN}}}}}}}}}}})"
)
HOLDING_A_FUNCTION = {
    "quick-literal-arn": (
        tf_quick_api('target = "arn:aws:lambda:us-east-1:123456789012:function:ops"'),
        "aws_apigatewayv2_api.quick",
    ),
    "quick-lookup": (
        LOOKUP_TF + tf_quick_api("target = data.aws_lambda_function.ops.arn"),
        "aws_apigatewayv2_api.quick",
    ),
    "quick-china-arn": (
        tf_quick_api('target = "arn:aws-cn:lambda:cn-north-1:123456789012:function:ops"'),
        "aws_apigatewayv2_api.quick",
    ),
    "openapi-body": (tf_quick_api(OPENAPI_BODY), "aws_apigatewayv2_api.quick"),
    "any-kind-literal-arn": (
        'resource "aws_appsync_datasource" "ops" {\n  type = "AWS_LAMBDA"\n'
        '  lambda_config {\n    function_arn = "arn:aws:lambda:us-east-1:1:function:ops"\n'
        "  }\n}\n",
        "aws_appsync_datasource.ops",
    ),
    "any-kind-lookup": (
        LOOKUP_TF + 'resource "aws_iot_topic_rule" "ops" {\n  name = "ops_rule"\n'
        "  lambda {\n    function_arn = data.aws_lambda_function.ops.arn\n  }\n}\n",
        "aws_iot_topic_rule.ops",
    ),
    "any-kind-name": (
        'resource "aws_ssm_parameter" "ops" {\n  name = "handler"\n  value = "ops"\n}\n',
        "aws_ssm_parameter.ops",
    ),
}


@pytest.mark.parametrize(("more", "reaching"), HOLDING_A_FUNCTION.values(), ids=HOLDING_A_FUNCTION)
def test_a_terraform_resource_that_names_a_function_as_text_reaches_it(
    tmp_path: Path, more: str, reaching: str
) -> None:
    """Review 60 class 5: an HTTP API made by quick create, or one whose OpenAPI body
    names a function, invokes it; so may a resource of any kind whose content names a
    function by a literal ARN, a lookup or its name: untied, each reaches the function."""
    function = reached(tmp_path, {"main.tf": OPS_ONLY, "more.tf": more})
    assert reaching in function.reached_by


def test_a_quick_api_that_refers_to_another_function_does_not_reach_this_one(
    tmp_path: Path,
) -> None:
    """Failing closed is for what names no function by reference: a quick-create API
    that refers to another function of the module is that function's alone."""
    quick = tf_quick_api("target = aws_lambda_function.other.arn")
    function = reached(tmp_path, {"main.tf": OPS_TF, "other.tf": OTHER_TF + quick})
    assert "aws_apigatewayv2_api.quick" not in function.reached_by


CFN_QUICK = """\
  Quick:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: quick, ProtocolType: HTTP, Target: %s}
"""
CFN_HOLDING_A_FUNCTION = {
    "quick-literal-arn": (CFN_QUICK % "arn:aws:lambda:us-east-1:1:function:ops", "Quick"),
    "quick-sub": (CFN_QUICK % "!Sub 'arn:aws:lambda:${AWS::Region}:1:function:ops'", "Quick"),
    "openapi-body": (
        f"""\
  Quick:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Body:
        paths:
          /:
            get:
              x-amazon-apigateway-integration:
                uri: {BY_NAME}
""",
        "Quick",
    ),
    "any-kind-literal-arn": (
        """\
  Source:
    Type: AWS::AppSync::DataSource
    Properties:
      Type: AWS_LAMBDA
      LambdaConfig: {LambdaFunctionArn: 'arn:aws:lambda:us-east-1:1:function:ops'}
""",
        "Source",
    ),
    "any-kind-name": (
        """\
  Parameter:
    Type: AWS::SSM::Parameter
    Properties: {Type: String, Value: ops-fn}
""",
        "Parameter",
    ),
}


@pytest.mark.parametrize(
    ("more", "reaching"), CFN_HOLDING_A_FUNCTION.values(), ids=CFN_HOLDING_A_FUNCTION
)
def test_a_template_resource_that_names_a_function_as_text_reaches_it(
    tmp_path: Path, more: str, reaching: str
) -> None:
    """The same in a template: `AWS::ApiGatewayV2::Api` `Target` (quick create), an
    OpenAPI `Body` whose integration names the function, and any resource whose content
    names a function by its ARN or its name (`FunctionName`)."""
    text = TEMPLATE.split("  Http:")[0].replace(
        "      Runtime:", "      FunctionName: ops-fn\n      Runtime:"
    )
    function = reached(tmp_path, {"template.yaml": text + more}, "Ops")
    assert any(r.endswith(f".{reaching}") for r in function.reached_by), function.reached_by


def test_a_serverless_resource_that_names_a_function_as_text_reaches_it(tmp_path: Path) -> None:
    """The same in serverless.yml `resources`: a quick-create API naming the function by
    its ARN reaches each function of the service."""
    service = SERVICE_WITH_FUNCTIONS % "{ops: {handler: app.ops}}" + (
        "resources:\n  Resources:\n    Quick:\n      Type: AWS::ApiGatewayV2::Api\n"
        "      Properties: {Name: q, ProtocolType: HTTP,"
        " Target: 'arn:aws:lambda:us-east-1:1:function:s-dev-ops'}\n"
    )
    root = write(tmp_path, {"serverless.yml": service, "app.py": "def ops(e, c): pass\n"})
    (function,) = discover(root, "b").functions
    assert "AWS::ApiGatewayV2::Api.Quick" in function.reached_by


def test_what_reaches_a_function_from_the_module_that_calls_it_is_on_its_chain(
    tmp_path: Path,
) -> None:
    """Review 58 class 2d: the calling module's route, integration and API reach the
    function, each by its folder and address; opening the route makes it another."""
    was = reached(tmp_path, called_from_root("AWS_IAM"))
    assert "./aws_apigatewayv2_route.ops" in was.reached_by
    assert "./aws_apigatewayv2_integration.ops" in was.reached_by
    assert was.identity != reached(tmp_path, called_from_root("NONE")).identity
