"""Hostile IaC against discovery and the gate's own IaC loader: files it cannot read,
paths that leave the bundle, handlers that are not there, parser bombs, odd shapes.

Each case runs `gate check` on the bundle in a sandbox (see conftest.py; bundles that need
only block share one run). A trick that stops the gate from reading IaC must end in a
refusal (exit 2, one line naming the file), never in a pass on a bundle the gate did not
fully read.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    CHEAP_POLICY,
    Check,
    Findings,
    HostileRun,
    Layout,
    Sandbox,
    assert_blocks,
    assert_refused,
    each_blocks,
    each_blocks_with,
    each_passes_with,
    each_refused_in_report,
    files,
    files_warned,
    on_rule,
)

APP = "def handler(event, context):\n    return {'ok': True}\n"
WILDCARD_POLICY = """      Policies:
        - Statement:
            - Effect: Allow
              Action: "*"
              Resource: "*"
"""


def sam(
    code_uri: str = "src/",
    handler: str = "app.handler",
    runtime: str = "python3.12",
    extra: str = "",
) -> str:
    """A SAM template with one function, its properties as given."""
    return (
        textwrap.dedent(
            f"""\
        AWSTemplateFormatVersion: '2010-09-09'
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: {json.dumps(code_uri)}
              Handler: {json.dumps(handler)}
              Runtime: {runtime}
        """
        )
        + extra
    )


def alias_bomb(levels: int = 9) -> str:
    """A few hundred bytes that expand to ten to the `levels` nodes."""
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def big_template(resources: int, extra: str = "") -> str:
    """A real-looking CloudFormation template of many resources, one clean function."""
    parts = [sam(extra=extra), ""]
    for i in range(resources):
        parts.append(
            f"  Queue{i:05d}:\n    Type: AWS::SQS::Queue\n    Properties:\n"
            f"      QueueName: orders-{i:05d}\n      MessageRetentionPeriod: 1209600\n"
            f"      VisibilityTimeout: 60\n      KmsMasterKeyId: alias/aws/sqs\n"
            f"      Tags:\n        - {{Key: team, Value: orders}}\n"
            f"        - {{Key: cost-centre, Value: cc-{i % 97:03d}}}\n"
        )
    return "\n".join(parts)


# --- the gate's own loader refuses a template: exit 2, never a pass (defect 2) -----------


def a_readable_wildcard_template(sandbox: Sandbox) -> None:
    # The control for the next cases: the gate's own rules see the wildcard role.
    sandbox.write("template.yaml", sam(extra=WILDCARD_POLICY))
    sandbox.write("src/app.py", APP)


def test_a_template_with_one_non_utf8_byte_is_refused(sandbox: Sandbox) -> None:
    text = sam(extra=WILDCARD_POLICY).replace("Effect: Allow", "Effect: Allow  # caf\xe9")
    sandbox.write("template.yaml", text.encode("latin-1"))
    sandbox.write("src/app.py", APP)
    assert_refused(sandbox.run(), "template.yaml:12:", "not UTF-8")


def test_an_alias_bomb_template_is_refused(sandbox: Sandbox) -> None:
    sandbox.write("template.yaml", sam() + "Metadata:\n" + textwrap.indent(alias_bomb(), "  "))
    sandbox.write("src/app.py", APP)
    assert_refused(sandbox.run(), "template.yaml:", "alias bomb")


def test_a_template_over_the_size_limit_is_refused(sandbox: Sandbox) -> None:
    sandbox.write("template.yaml", big_template(4000, WILDCARD_POLICY))  # about 1.6 MB
    sandbox.write("src/app.py", APP)
    policy = "version: 1\niac: {max_file_mb: 1}\nscanners:\n  checkov: {enabled: false}\n"
    assert_refused(sandbox.run(policy=policy), "template.yaml", "iac.max_file_mb")


def test_a_3mb_template_is_read_in_full(sandbox: Sandbox) -> None:
    # Accepted under the default limit, and read by the gate's own rules to the end.
    sandbox.write("template.yaml", big_template(11500, WILDCARD_POLICY))
    sandbox.write("src/app.py", APP)
    assert (sandbox.bundle / "template.yaml").stat().st_size > 3 << 20
    assert_blocks(sandbox.run())


def test_a_template_whose_markers_are_escaped_is_read(sandbox: Sandbox) -> None:
    # No marker in the bytes; CloudFormation reads the escapes all the same.
    text = sam(extra=WILDCARD_POLICY).replace("AWSTemplateFormatVersion: '2010-09-09'\n", "")
    text = text.replace("AWS::Serverless", '"AWS::Serverles\\x73').replace("-31\n", '-31"\n')
    text = text.replace("::Function\n", '::Function"\n')
    assert "AWS::Serverless" not in text and "AWS::Lambda::Function" not in text
    sandbox.write("template.yaml", text)
    sandbox.write("src/app.py", APP)
    assert_blocks(sandbox.run())


def test_a_serverless_yml_that_is_not_yaml_is_refused(sandbox: Sandbox) -> None:
    sandbox.write(
        "serverless.yml",
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "  iam: {role: {statements: [{Effect: Allow, Action: '*', Resource: '*'}]}\n"
        "functions:\n  f: {handler: app.handler}\n",
    )
    sandbox.write("app.py", APP)
    assert_refused(sandbox.run(), "serverless.yml:", "cannot read this IaC file")


# --- hostile structure in any file a scanner parses (defect 14) --------------------------


@pytest.mark.parametrize(
    "name", ["config/data.yaml", "config/settings.yml", "fixtures/event.json", "x.template"]
)
def test_an_alias_bomb_in_a_data_file_is_refused(sandbox: Sandbox, name: str) -> None:
    sandbox.write("app.py", APP)
    sandbox.write(name, alias_bomb())
    assert_refused(sandbox.run(), name, "alias bomb")


def test_an_alias_bomb_in_a_second_document_is_refused(sandbox: Sandbox) -> None:
    sandbox.write("app.py", APP)
    sandbox.write("k8s/deploy.yaml", "kind: ConfigMap\n---\n" + alias_bomb())
    assert_refused(sandbox.run(), "k8s/deploy.yaml", "alias bomb")


def test_nesting_past_the_budget_is_refused(sandbox: Sandbox) -> None:
    sandbox.write("app.py", APP)
    sandbox.write("data/deep.json", "[" * 500 + "]" * 500)
    assert_refused(sandbox.run(), "data/deep.json", "nested deeper than")


def a_data_file_that_is_not_yaml_is_no_refusal(sandbox: Sandbox) -> None:
    # Only hostile structure is refused in a data file; its syntax is the scanner's.
    sandbox.write("app.py", APP)
    sandbox.write("data/notes.yaml", "key: [unclosed\n\tweird: }\n")
    sandbox.write("data/blob.json", b"\x00\x01\xff{{{")


@pytest.mark.slow
def test_an_alias_bomb_data_file_never_reaches_checkov(sandbox: Sandbox) -> None:
    # With every scanner on: refused before any starts, in seconds, not checkov's 600 s.
    sandbox.write("app.py", APP)
    sandbox.write("config/data.yaml", alias_bomb())
    run = sandbox.run(policy=None)
    assert_refused(run, "config/data.yaml", "alias bomb")
    assert "checkov" not in run.stderr


# --- paths from IaC that leave the bundle (defect 4) -------------------------------------


CODE_URIS_OUTSIDE = {
    "parent": "..",
    "through-src": "src/../..",
    "dot-parent": "./..",
    "parent-sibling": "../x",
    "root": "/",
    "absolute": "/usr",
    "drive-path": "C:\\x",
    "drive": "C:",
    "backslash-parents": "..\\..\\x",
}


def test_code_outside_the_bundle_is_refused(tmp_path: Path) -> None:
    """Each `CodeUri` out of the bundle, in one run: each bundle refused by an error
    naming its template, the function and why."""
    each_refused_in_report(
        tmp_path,
        {
            name: (
                files({"template.yaml": sam(code_uri=code_uri), "src/app.py": APP}),
                ("template.yaml", "Fn (line 4)", "outside the bundle"),
            )
            for name, code_uri in CODE_URIS_OUTSIDE.items()
        },
    )


def code_that_comes_back_into_the_bundle_is_read(sandbox: Sandbox) -> None:
    sandbox.write("infra/template.yaml", sam(code_uri="../src/./", extra=WILDCARD_POLICY))
    sandbox.write("src/app.py", APP)


def a_layer_outside_the_bundle_is_refused(sandbox: Sandbox) -> None:
    layer = (
        "      Layers: [!Ref Deps]\n"
        "  Deps:\n    Type: AWS::Serverless::LayerVersion\n"
        "    Properties: {ContentUri: 'layers/../..'}\n"
    )
    sandbox.write("template.yaml", sam(extra=layer))
    sandbox.write("src/app.py", APP)


def a_serverless_artifact_outside_the_bundle_is_refused(sandbox: Sandbox) -> None:
    sandbox.write(
        "serverless.yml",
        "service: s\nprovider: {name: aws, runtime: python3.12}\n"
        "functions:\n  f:\n    handler: app.handler\n"
        "    package: {artifact: ./build/../../dist/s.zip}\n",
    )
    sandbox.write("app.py", APP)


TERRAFORM_SOURCES_OUTSIDE = {
    "parents-of-the-module": 'filename = "${path.module}/../../build/api.zip"',
    "absolute": 'filename = "/etc/passwd"',
    "archive-source-dir": "filename = data.archive_file.api.output_path\n}\n"
    'data "archive_file" "api" {\n'
    '  type = "zip"\n  source_dir = "${path.module}/../.."\n  output_path = "api.zip"',
    "archive-source-file": "filename = data.archive_file.api.output_path\n}\n"
    'data "archive_file" "api" {\n'
    '  type = "zip"\n  source_file = "../app.py"\n  output_path = "api.zip"',
}


def test_terraform_code_outside_the_bundle_is_refused(tmp_path: Path) -> None:
    """Each way a Terraform function's code leaves the bundle, in one run: each bundle
    refused by an error naming its file, the resource and why."""

    def layout(source: str) -> Layout:
        return files(
            {
                "main.tf": 'resource "aws_lambda_function" "api" {\n  function_name = "api"\n'
                f'  handler = "app.handler"\n  runtime = "python3.12"\n  {source}\n}}\n',
                "app.py": APP,
            }
        )

    each_refused_in_report(
        tmp_path,
        {
            name: (layout(source), ("main.tf", "aws_lambda_function.api", "outside the bundle"))
            for name, source in TERRAFORM_SOURCES_OUTSIDE.items()
        },
    )


HANDLERS_OUT_OF_THEIR_CODE = {
    "parents": "../../etc/passwd.x",
    "leading-dots": "..app.handler",
    "absolute": "/etc/app.handler",
}


def test_a_handler_naming_a_path_out_of_its_code_is_refused(tmp_path: Path) -> None:
    """Each handler out of its code, in one run: each bundle refused by an error naming
    its template and why."""
    each_refused_in_report(
        tmp_path,
        {
            name: (
                files({"template.yaml": sam(handler=handler), "src/app.py": APP}),
                ("template.yaml", "does not name a module inside its code"),
            )
            for name, handler in HANDLERS_OUT_OF_THEIR_CODE.items()
        },
    )


def json_template(code_uri: str, handler: str = "app.handler") -> str:
    properties = {"CodeUri": code_uri, "Handler": handler, "Runtime": "python3.12"}
    function = {"Type": "AWS::Serverless::Function", "Properties": properties}
    return json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Fn": function}})


NULS_IN_A_PATH = {
    "in-the-code-uri": ("src\x00x", "app.handler", "is not a path"),
    "in-the-handler": ("src", "app\x00.handler", "does not name a module inside its code"),
}


def test_a_nul_in_a_path_is_refused(tmp_path: Path) -> None:
    """A NUL in the code's path and in the handler, in one run: each bundle refused by an
    error naming its template, the function and why."""
    each_refused_in_report(
        tmp_path,
        {
            name: (
                files({"template.json": json_template(code_uri, handler), "src/app.py": APP}),
                ("template.json", "Fn (line 1)", said),
            )
            for name, (code_uri, handler, said) in NULS_IN_A_PATH.items()
        },
    )


def a_directory_named_like_a_zip_is_refused(sandbox: Sandbox) -> None:
    sandbox.write("template.json", json_template("build/fn.zip"))
    sandbox.write("build/fn.zip/app.py", APP)


# --- a handler whose module is not there (defect 11a) ------------------------------------


def a_missing_python_handler_module_is_refused(sandbox: Sandbox) -> None:
    sandbox.write("template.yaml", sam(extra=WILDCARD_POLICY))
    sandbox.write("src/other.py", APP)


def a_missing_handler_module_inside_a_zip_is_refused(sandbox: Sandbox) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("other.py", APP)
    sandbox.write("build/fn.zip", buffer.getvalue())
    sandbox.write("template.yaml", sam(code_uri="build/fn.zip"))


HANDLER_MODULES_WHERE_LAMBDA_IMPORTS_THEM = {
    "serverless-style-path": ("handlers/orders.main", {"src/handlers/orders.py": APP}),
    "package-init": ("pkg.handler", {"src/pkg/__init__.py": APP}),
}


def test_a_python_handler_module_is_found_where_lambda_imports_it(tmp_path: Path) -> None:
    """A handler module as a path and as a package's `__init__`, in one run: each
    bundle passes."""
    each_passes_with(
        tmp_path,
        {
            name: files({"template.yaml": sam(handler=handler), **written})
            for name, (handler, written) in HANDLER_MODULES_WHERE_LAMBDA_IMPORTS_THEM.items()
        },
    )


def test_a_handler_of_another_runtime_is_not_looked_for(tmp_path: Path) -> None:
    """Each runtime the gate does not analyse, in one run: each bundle passes, and no
    line of the run speaks of the missing `index` module."""
    layouts = {
        runtime: files(
            {
                "template.yaml": sam(handler="index.handler", runtime=runtime),
                "src/README.md": "built elsewhere\n",
            }
        )
        for runtime in ["nodejs24.x", "java21", "provided.al2023"]
    }
    run = each_passes_with(tmp_path, layouts)
    assert "index" not in run.stderr


# --- other clouds, Terraform the parser cannot read ---------------------------------------


def a_serverless_service_of_another_cloud_is_warned_not_refused(sandbox: Sandbox) -> None:
    sandbox.write(
        "serverless.yml",
        "service: gcf\nprovider: {name: google, runtime: python312, project: p}\n"
        "functions:\n  first: {handler: http, events: [{http: path}]}\n",
    )
    sandbox.write("main.py", "def http(request):\n    return 'ok'\n")


def warned_of_another_cloud(name: str, own: Findings) -> bool:
    """One `not-aws` warning naming the serverless.yml and its provider, and its one file
    counted out of scope (an `out-of-scope` warning)."""
    return (
        [w["code"] for w in own if w["code"] == "not-aws"] == ["not-aws"]
        and any("serverless.yml" in w["message"] and "'google'" in w["message"] for w in own)
        and files_warned("out-of-scope", 1)(name, own)
    )


def test_a_policy_can_fail_iac_of_another_cloud(sandbox: Sandbox) -> None:
    sandbox.write(
        "serverless.yml",
        "service: azf\nprovider: {name: azure, runtime: python3.11}\n"
        "functions:\n  first: {handler: main.http}\n",
    )
    sandbox.write("main.py", "def http(request):\n    return 'ok'\n")
    run = sandbox.run(policy=CHEAP_POLICY + "coverage: {out_of_scope: fail}\n")
    assert run.code == 1, run.stderr


def test_a_hostile_serverless_yml_of_another_cloud_is_refused(sandbox: Sandbox) -> None:
    sandbox.write("serverless.yml", "service: gcf\nprovider: {name: google}\n" + alias_bomb())
    assert_refused(sandbox.run(), "serverless.yml", "alias bomb")


@pytest.mark.parametrize(
    ("text", "line", "why"),
    [
        (
            'resource "aws_lambda_function" "f" {\n  filename = "f.zip"\n  handler = \n}\n',
            ":3:",
            "not valid HCL",
        ),
        (
            'variable "a" {\n  default = "x"\n}\nresource "aws_lambda_function" "f" {\n'
            '  filename = "f.zip\n  handler = "a.b"\n}\n',
            ":5:",
            "a quoted string runs over more than one line",
        ),
    ],
)
def test_terraform_the_parser_cannot_read_is_refused_with_its_line(
    sandbox: Sandbox, text: str, line: str, why: str
) -> None:
    sandbox.write("infra/main.tf", text)
    sandbox.write("app.py", APP)
    assert_refused(sandbox.run(), f"infra/main.tf{line}", why)


def test_terraform_that_is_not_utf8_is_refused(sandbox: Sandbox) -> None:
    sandbox.write("main.tf", b'resource "aws_lambda_function" "f" {\n  # \xff\n}\n')
    assert_refused(sandbox.run(), "main.tf", "not valid HCL")


# --- odd shapes: understood, or refused in one line naming the file (defect 16) -----------

HEAD = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
FN = "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
ODD_SHAPES = {
    "resources-list": HEAD + "Resources: [1, {Type: AWS::Serverless::Function}]\n",
    "resource-null": HEAD + "Resources: {Fn: null, Other: 3}\n",
    "properties-list": HEAD
    + "Resources:\n  Fn: {Type: AWS::Serverless::Function, Properties: [a]}\n",
    "globals-string": HEAD + "Globals: yes\n" + FN + "      CodeUri: src\n",
    "globals-function-list": HEAD + "Globals: {Function: [1]}\n" + FN + "      CodeUri: src\n",
    "events-number": HEAD + FN + "      CodeUri: src\n      Handler: app.handler\n"
    "      Runtime: python3.12\n      Events: 7\n",
    "events-odd": HEAD + FN + "      CodeUri: src\n      Handler: app.handler\n"
    "      Runtime: python3.12\n      Events: {Api: {Type: Api, Properties: [1]}, X: null}\n",
    "policies-null": HEAD + FN + "      CodeUri: src\n      Handler: app.handler\n"
    "      Runtime: python3.12\n      Policies: null\n",
    "policies-odd": HEAD + FN + "      CodeUri: src\n      Handler: app.handler\n"
    "      Runtime: python3.12\n      Policies: [null, 5, '*', {Statement: 3}, "
    "{Statement: [{Action: [null, 1, {a: b}], Resource: null}]}]\n",
    "layers-mapping": HEAD + FN + "      CodeUri: src\n      Handler: app.handler\n"
    "      Runtime: python3.12\n      Layers: {Ref: Deps}\n",
    "handler-list": HEAD + FN + "      CodeUri: src\n      Handler: [app, handler]\n"
    "      Runtime: python3.12\n",
    "handler-number": HEAD
    + FN
    + "      CodeUri: src\n      Handler: 12.5\n      Runtime: python3.12\n",
    "codeuri-number": HEAD + FN + "      CodeUri: 42\n      Handler: app.handler\n"
    "      Runtime: python3.12\n",
    "codeuri-if": HEAD
    + FN
    + "      CodeUri: !If [IsProd, src, other]\n      Handler: app.handler\n"
    "      Runtime: python3.12\n",
    "codeuri-sub": HEAD + FN + "      CodeUri: !Sub '${Dir}/src'\n      Handler: app.handler\n"
    "      Runtime: python3.12\n",
    "runtime-ref": HEAD + FN + "      CodeUri: src\n      Handler: app.handler\n"
    "      Runtime: !Ref PythonRuntime\n",
    "type-tag": HEAD + "Resources:\n  Fn: {Type: !GetAtt X.Arn, Properties: !Ref Y}\n",
    "nested-tags": HEAD + FN + "      CodeUri: src\n      Handler: app.handler\n"
    "      Runtime: python3.12\n      Role: !GetAtt [!Ref A, !Sub '${B}']\n"
    "      Environment: !If [C, {Variables: {A: !Ref D}}, !Ref AWS::NoValue]\n",
    "huge-int": HEAD + FN + "      CodeUri: src\n      MemorySize: " + "9" * 5000 + "\n",
    "unhashable-key": HEAD + "Resources:\n  ? [a, b]\n  : {Type: AWS::Lambda::Function}\n",
    "null-and-int-keys": HEAD + "Resources:\n  null: {Type: AWS::Lambda::Function}\n"
    "  7: {Type: AWS::Serverless::Function, Properties: {CodeUri: src, Handler: app.handler,"
    " Runtime: python3.12}}\n",
    "merge-key": HEAD
    + "x: &p {CodeUri: src, Handler: app.handler, Runtime: python3.12}\n"
    + FN
    + "      <<: *p\n",
    "json-template": json.dumps(
        {"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Fn": {"Type": 1}}}
    ),
}
SLS = "service: s\nframeworkVersion: '3'\n"
ODD_SERVERLESS = {
    "functions-list": SLS + "provider: {name: aws, runtime: python3.12}\n"
    "functions:\n  - a: {handler: app.handler}\n  - ${file(more.yml)}\n  - 3\n",
    "functions-null": SLS + "provider: {name: aws}\nfunctions: null\n",
    "provider-string": SLS + "provider: aws\nfunctions: {a: {handler: app.handler}}\n",
    "provider-list": SLS + "provider: [aws]\nfunctions: {a: null, b: [1], c: {handler: [x]}}\n",
    "artifact-mapping": SLS + "provider: {name: aws, runtime: python3.12}\n"
    "functions: {a: {handler: app.handler, package: {artifact: {s3: x}}}}\n",
    "layers-odd": SLS + "provider: {name: aws, runtime: python3.12}\nlayers: [1, 2]\n"
    "functions: {a: {handler: app.handler, layers: [{Ref: X}, 5, null]}}\n",
    "iam-odd": SLS + "provider: {name: aws, runtime: python3.12, iam: {role: {statements: 5}},"
    " iamRoleStatements: [null, {Action: {a: 1}}]}\nfunctions: {a: {handler: app.handler}}\n",
}
ODD_TERRAFORM = {
    "one-label": 'resource "aws_lambda_function" {\n  filename = "f.zip"\n}\n',
    "filename-number": 'resource "aws_lambda_function" "f" {\n  filename = 5\n'
    '  handler = "app.handler"\n  runtime = "python3.12"\n}\n',
    "filename-list": 'resource "aws_lambda_function" "f" {\n  filename = ["a", "b"]\n}\n',
    "layers-string": 'resource "aws_lambda_function" "f" {\n  filename = "app.py"\n'
    '  handler = "app.handler"\n  runtime = "python3.12"\n  layers = "x"\n}\n',
    "dynamic-block": 'resource "aws_lambda_function" "f" {\n  filename = "app.py"\n'
    '  handler = "app.handler"\n  runtime = "python3.12"\n'
    '  dynamic "environment" {\n    for_each = var.e\n    content { variables = {} }\n  }\n}\n',
    "archive-odd": 'data "archive_file" "a" {\n  type = "zip"\n  source_dir = 3\n'
    '  output_path = "a.zip"\n}\nresource "aws_lambda_function" "f" {\n'
    "  filename = data.archive_file.a.output_path\n}\n",
    "module-odd": 'module "m" {\n  source = "./m"\n}\nlocals {}\n',
    "empty": "",
}


def assert_understood_or_refused(run: HostileRun, file: str) -> None:
    """Exit 0 or 1; or exit 2 whose every error line names `file` (no internal error)."""
    assert "internal error" not in run.stderr, run.stderr
    if run.code == 2:
        assert run.lines and all(file in line for line in run.lines), run.stderr
    else:
        assert run.code in (0, 1), (run.code, run.stderr)


# The shapes each run alone passes, and those it refuses leaving a report: checked in a
# run of each outcome. The others (refused at discovery, which ends a run, or blocked)
# run alone.
ODD_SHAPES_PASSING = {
    "events-number",
    "events-odd",
    "globals-function-list",
    "globals-string",
    "handler-list",
    "handler-number",
    "json-template",
    "merge-key",
    "nested-tags",
    "policies-null",
    "properties-list",
    "resource-null",
    "resources-list",
    "runtime-ref",
    "type-tag",
}
ODD_SHAPES_REFUSED = {
    "codeuri-if",
    "codeuri-number",
    "codeuri-sub",
    "layers-mapping",
    "null-and-int-keys",
}
ODD_SERVERLESS_PASSING = {"functions-null", "iam-odd", "provider-string"}
ODD_SERVERLESS_REFUSED = {"artifact-mapping"}
ODD_TERRAFORM_PASSING = {"dynamic-block", "empty", "module-odd", "one-label"}
ODD_TERRAFORM_REFUSED = {"archive-odd", "filename-list", "filename-number", "layers-string"}


def template_of(shape: str) -> str:
    return "template.json" if shape.startswith("json") else "template.yaml"


def assert_odd_shapes_understood_or_refused(
    base: Path,
    shapes: dict[str, str],
    passing: set[str],
    refused: set[str],
    iac: Callable[[str], str],
    code: str,
) -> None:
    """The shapes of `passing` in one run, each bundle passing; those of `refused` in
    another, each refused by an error of its own naming its IaC file (`iac(shape)`); no
    internal error in either. Each bundle holds the shape and `code`, a clean module."""

    def layout(shape: str) -> Layout:
        return files({iac(shape): shapes[shape], code: APP})

    runs = [
        each_passes_with(base / "passing", {shape: layout(shape) for shape in sorted(passing)}),
        each_refused_in_report(
            base / "refused", {shape: (layout(shape), (iac(shape),)) for shape in sorted(refused)}
        ),
    ]
    for run in runs:
        assert "internal error" not in run.stderr, run.stderr


def test_odd_templates_are_understood_or_refused_in_the_report(tmp_path: Path) -> None:
    assert_odd_shapes_understood_or_refused(
        tmp_path, ODD_SHAPES, ODD_SHAPES_PASSING, ODD_SHAPES_REFUSED, template_of, "src/app.py"
    )


@pytest.mark.parametrize("shape", sorted(set(ODD_SHAPES) - ODD_SHAPES_PASSING - ODD_SHAPES_REFUSED))
def test_an_odd_template_is_understood_or_refused(sandbox: Sandbox, shape: str) -> None:
    name = template_of(shape)
    sandbox.write(name, ODD_SHAPES[shape])
    sandbox.write("src/app.py", APP)
    assert_understood_or_refused(sandbox.run(), name)


def test_odd_serverless_ymls_are_understood_or_refused_in_the_report(tmp_path: Path) -> None:
    assert_odd_shapes_understood_or_refused(
        tmp_path,
        ODD_SERVERLESS,
        ODD_SERVERLESS_PASSING,
        ODD_SERVERLESS_REFUSED,
        lambda _: "serverless.yml",
        "app.py",
    )


@pytest.mark.parametrize(
    "shape", sorted(set(ODD_SERVERLESS) - ODD_SERVERLESS_PASSING - ODD_SERVERLESS_REFUSED)
)
def test_an_odd_serverless_yml_is_understood_or_refused(sandbox: Sandbox, shape: str) -> None:
    sandbox.write("serverless.yml", ODD_SERVERLESS[shape])
    sandbox.write("app.py", APP)
    assert_understood_or_refused(sandbox.run(), "serverless.yml")


def test_odd_terraform_is_understood_or_refused(tmp_path: Path) -> None:
    """Every odd Terraform shape is understood (a pass) or refused in the report: none
    is refused at discovery or blocks."""
    assert set(ODD_TERRAFORM) == ODD_TERRAFORM_PASSING | ODD_TERRAFORM_REFUSED
    assert_odd_shapes_understood_or_refused(
        tmp_path,
        ODD_TERRAFORM,
        ODD_TERRAFORM_PASSING,
        ODD_TERRAFORM_REFUSED,
        lambda _: "main.tf",
        "app.py",
    )


def test_terraform_in_hcl1_syntax_is_refused_saying_so(sandbox: Sandbox) -> None:
    """Terraform 0.11 quoted its nested block types; 0.12 and the gate's parser do not."""
    sandbox.write(
        "main.tf",
        'resource "aws_dynamodb_table" "t" {\n  name = "t"\n  hash_key = "id"\n\n'
        '  "attribute" {\n    name = "id"\n    type = "S"\n  }\n}\n',
    )
    assert_refused(sandbox.run(), "main.tf:", "line 5 is HCL1 syntax", "0.12upgrade")


@pytest.mark.parametrize(
    ("name", "text", "where"),
    [
        (
            "template.yaml",
            "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
            "      Policies: [AdministratorAccess]\n    Properties: {Handler: app.h}\n",
            "template.yaml:6:",
        ),
        (
            "serverless.yml",
            "service: s\nprovider: {name: aws, runtime: python3.12}\n"
            "functions: {f: {handler: app.h}}\nfunctions: {}\n",
            "serverless.yml:4:",
        ),
    ],
    ids=["template", "serverless"],
)
def test_a_key_written_twice_is_refused_with_its_line(
    sandbox: Sandbox, name: str, text: str, where: str
) -> None:
    """PyYAML keeps the last `Properties` (no admin policy); js-yaml and checkov refuse
    the file. The gate once judged the last and, with checkov off, passed; with it on,
    the error said only "checkov could not parse it"."""
    sandbox.write(name, text)
    sandbox.write("app.py", "def h(event, context):\n    return 1\n")
    assert_refused(sandbox.run(), where, "duplicate key", "first at line")


JAVA_FUNCTION = """\
service: orders
provider: {name: aws, runtime: java17}
package: {artifact: build/distributions/orders.zip}
functions:
  create: {handler: com.example.Create::handleRequest}
"""


def test_missing_build_output_of_a_runtime_the_gate_does_not_analyse_is_not_an_error(
    sandbox: Sandbox,
) -> None:
    sandbox.write("serverless.yml", JAVA_FUNCTION)
    lenient = CHEAP_POLICY + "fail_on: never\n"
    run = sandbox.run("--format", "json", policy=lenient)
    assert run.code == 0, run.stderr
    warnings = json.loads(run.stdout)["warnings"]
    assert any(
        w["code"] == "not-analysed" and "java17" in w["message"] and "orders.zip" in w["message"]
        for w in warnings
    ), warnings
    assert sandbox.run(policy=lenient + "coverage: {not_analysed: fail}\n").code == 1


def missing_build_output_of_a_python_function_stays_an_error(sandbox: Sandbox) -> None:
    sandbox.write("serverless.yml", JAVA_FUNCTION.replace("java17", "python3.12"))


@pytest.mark.parametrize("named", ["create", "serverless.yml:create"])
def test_a_function_the_policy_leaves_out_may_miss_its_build_output(
    sandbox: Sandbox, named: str
) -> None:
    """Another job builds and checks it: a `left-out` warning with the policy's reason,
    the function's coverage says so, and its IaC is still judged."""
    sandbox.write("serverless.yml", JAVA_FUNCTION.replace("java17", "python3.12"))
    policy = CHEAP_POLICY + f"leave_out:\n  - {{function: '{named}', reason: built by job B}}\n"
    run = sandbox.run("--format", "json", policy=policy)
    assert run.code in (0, 1), run.stderr
    report = json.loads(run.stdout)
    (function,) = report["bundles"][0]["functions"]
    assert function["left_out"] == "built by job B"
    assert function["coverage"]["code"] == "left out by the policy: built by job B"
    (warning,) = [w for w in report["warnings"] if w["code"] == "left-out"]
    assert "create: left out by the policy (built by job B)" in warning["message"]
    assert "orders.zip" in warning["message"]


def test_a_leave_out_entry_that_names_no_function_is_a_warning(sandbox: Sandbox) -> None:
    sandbox.write("serverless.yml", JAVA_FUNCTION.replace("java17", "python3.12"))
    policy = CHEAP_POLICY + "leave_out:\n  - {function: craete, reason: typo}\n"
    run = sandbox.run("--format", "json", policy=policy)
    assert run.code == 2  # the real function's missing code is still an error
    warnings = json.loads(run.stdout)["warnings"]
    assert any(w["code"] == "left-out" and "'craete'" in w["message"] for w in warnings)


@pytest.mark.parametrize("reason", ["''", "'  '"])
def test_leaving_a_function_out_needs_a_reason(sandbox: Sandbox, reason: str) -> None:
    sandbox.write("serverless.yml", JAVA_FUNCTION.replace("java17", "python3.12"))
    policy = CHEAP_POLICY + f"leave_out:\n  - {{function: create, reason: {reason}}}\n"
    assert_refused(sandbox.run(policy=policy), "leave_out")


@pytest.mark.slow
def test_an_aws_service_of_only_resources_is_iac_like_any_other(sandbox: Sandbox) -> None:
    """checkov reads it and has nothing to say: that is no scan error."""
    sandbox.write(
        "serverless.yml",
        "service: shared-gateway\nprovider: {name: aws, runtime: python3.12}\n"
        "resources:\n  Resources:\n    SharedGW:\n      Type: AWS::ApiGateway::RestApi\n"
        "      Properties: {Name: SharedGW}\n",
    )
    run = sandbox.run("--format", "json", policy=None)
    assert run.code in (0, 1), run.stderr
    report = json.loads(run.stdout)
    assert report["errors"] == []
    assert {s["name"]: s["status"] for s in report["scanners"]}["checkov"] == "ok"


# --- IaC in the other syntaxes its tools read ---------------------------------------

SLS_JSON_ADMIN = {
    "service": "s",
    "provider": {
        "name": "aws",
        "runtime": "python3.12",
        "iam": {"role": {"statements": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}},
    },
    "functions": {"orders": {"handler": "app.handler"}},
}


def test_a_serverless_json_admin_role_blocks(tmp_path: Path) -> None:
    def layout(folder: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            sandbox.write(f"{folder}serverless.json", json.dumps(SLS_JSON_ADMIN, indent=2))
            sandbox.write(f"{folder}app.py", APP)

        return written

    cases = {"top": layout(""), "svc": layout("svc/")}
    each_blocks(tmp_path, on_rule("GATE-IAC-001", cases))


def a_serverless_json_with_a_missing_handler_is_refused(sandbox: Sandbox) -> None:
    sandbox.write("serverless.json", json.dumps(SLS_JSON_ADMIN))


def test_a_serverless_json_that_is_not_json_is_refused(sandbox: Sandbox) -> None:
    sandbox.write("serverless.json", '{"service": "s", "functions": {"a": [}')
    assert_refused(sandbox.run(), "serverless.json")


@pytest.mark.parametrize("name", ["serverless.ts", "serverless.js"])
def test_a_serverless_program_is_warned_and_can_fail(sandbox: Sandbox, name: str) -> None:
    # Beside no Python (a Node.js service) in a bundle whose other IaC declares its
    # functions: warned. Beside Python, or alone: refused (reviews 28 and 31).
    sandbox.write(f"web/{name}", "module.exports = { service: 's' };\n")
    sandbox.write("web/handler.js", "exports.handler = async () => ({});\n")
    sandbox.write("template.yaml", sam())
    sandbox.write("src/app.py", APP)
    warned = sandbox.run()
    assert warned.code == 0, warned.stderr
    said = warned.stdout + warned.stderr
    assert f"{name}: a Serverless service written as a program" in said, said
    failing = CHEAP_POLICY + "coverage:\n  not_analysed: fail\n"
    assert_blocks(sandbox.run(policy=failing))


TF_JSON = {
    "resource": {
        "aws_lambda_function": {
            "f": {
                "function_name": "f",
                "filename": "app.zip",
                "handler": "app.handler",
                "runtime": "python3.12",
                "role": "arn:aws:iam::123456789012:role/r",
            }
        }
    }
}


@pytest.mark.parametrize("name", ["main.tf.json", "infra/lambda.tf.json", "override.tf.json"])
def test_terraform_json_is_refused_by_name(sandbox: Sandbox, name: str) -> None:
    sandbox.write(name, json.dumps(TF_JSON))
    sandbox.write("app.py", APP)
    assert_refused(sandbox.run(), name, "Terraform JSON")


def test_terraform_json_beside_hcl_is_refused(sandbox: Sandbox) -> None:
    sandbox.write("main.tf", 'variable "x" {\n  default = 1\n}\n')
    sandbox.write("extra.tf.json", json.dumps(TF_JSON))
    assert_refused(sandbox.run(), "extra.tf.json")


def test_terraform_json_the_policy_excludes_is_not_refused(sandbox: Sandbox) -> None:
    sandbox.write("old/main.tf.json", json.dumps(TF_JSON))
    sandbox.write("app.py", APP)
    run = sandbox.run(policy=CHEAP_POLICY + "exclude:\n  - 'old/**'\n")
    assert run.code == 0, run.stderr


# --- code written inline in a template --------------------------------------------

SHELL = (
    "import subprocess\n\n\ndef handler(event, context):\n"
    "    return subprocess.call(event['cmd'], shell=True)\n"
)


def inline_template(code: str, logical_id: str = "Orders", runtime: str = "python3.12") -> str:
    """A CloudFormation function whose `Code.ZipFile` is `code` (YAML text after the key)."""
    return (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n"
        f"  {json.dumps(logical_id)}:\n    Type: AWS::Lambda::Function\n    Properties:\n"
        f"      Handler: index.handler\n      Runtime: {runtime}\n"
        "      Role: arn:aws:iam::123456789012:role/r\n      Code:\n        ZipFile: " + code
    )


def block(source: str, indent: int = 10) -> str:
    return "|\n" + "".join(" " * indent + line + "\n" for line in source.splitlines())


INLINE_PYTHON = {
    "literal-in-a-folder": block(SHELL),
    "short-sub": "!Sub " + block(SHELL),
    "long-sub": "\n          Fn::Sub: " + block(SHELL, 12),
    "flow-string": json.dumps(SHELL) + "\n",
}


def test_inline_python_in_each_syntax_is_scanned_and_named(tmp_path: Path) -> None:
    """Each way of writing `Code.ZipFile`, in one run: each bundle blocks on a critical
    finding in its staged inline code, attributed to the function."""

    def named(_: str, own: Findings) -> bool:
        shell = [f for f in own if f.get("severity") == "critical"]
        return bool(shell) and all(
            f["path"].startswith("infra/template.yaml.inline/") and "Orders" in f["functions"]
            for f in shell
        )

    layouts = {
        n: files({"infra/template.yaml": inline_template(c)}) for n, c in INLINE_PYTHON.items()
    }
    each_blocks_with(tmp_path, layouts, named)


def clean_inline_python_passes(sandbox: Sandbox) -> None:
    sandbox.write("template.yaml", inline_template(block(APP)))


def a_hostile_logical_id_stages_inside_the_copy(sandbox: Sandbox) -> None:
    sandbox.write("template.yaml", inline_template(block(SHELL), logical_id="../../x"))


INLINE_PYTHON_NOT_A_LITERAL = {
    "short-join": '!Join ["\\n", ["import os", "def handler(e, c): pass"]]\n',
    "long-join": "\n          Fn::Join: ['', ['import os']]\n",
    "if": "!If [Cond, 'a', 'b']\n",
    "number": "42\n",
    "sub-a-parameter": "!Sub |\n          x = '${Code}'\n          def handler(e, c): pass\n",
    "sub-a-variable-map": "\n          Fn::Sub: ['${Code}', {Code: 'import os'}]\n",
}


def test_inline_python_that_is_not_a_literal_is_refused(tmp_path: Path) -> None:
    """Each `Code.ZipFile` that is no literal string, in one run: each bundle refused by
    an error naming its template and function."""
    each_refused_in_report(
        tmp_path,
        {
            name: (
                files({"template.yaml": inline_template(code)}),
                ("template.yaml", "Orders", "not a literal string"),
            )
            for name, code in INLINE_PYTHON_NOT_A_LITERAL.items()
        },
    )


def test_inline_code_of_another_runtime_is_warned_and_can_fail(sandbox: Sandbox) -> None:
    code = block("exports.handler = async () => require('child_process').execSync('x');")
    sandbox.write("template.yaml", inline_template(code, runtime="nodejs24.x"))
    warned = sandbox.run()
    assert warned.code == 0, warned.stderr
    assert "Orders" in warned.stdout + warned.stderr
    assert "nodejs24.x" in warned.stdout + warned.stderr
    assert_blocks(sandbox.run(policy=CHEAP_POLICY + "coverage:\n  not_analysed: fail\n"))


@pytest.mark.parametrize(
    "planted", ["template.yaml.inline/Orders/index.py", "template.yaml.inline/Orders"]
)
def test_a_bundle_file_where_inline_code_is_staged_is_refused(
    sandbox: Sandbox, planted: str
) -> None:
    sandbox.write("template.yaml", inline_template(block(SHELL)))
    sandbox.write(planted, APP)
    assert_refused(sandbox.run(), planted, "inline code of Orders")


def tf_inline(archive: str) -> str:
    """A Terraform function deploying `data.archive_file.z`, whose body is `archive`."""
    return (
        'data "archive_file" "z" {\n  type        = "zip"\n'
        '  output_path = "${path.module}/build/f.zip"\n' + archive + "}\n\n"
        'resource "aws_lambda_function" "f" {\n  function_name = "f"\n'
        "  filename      = data.archive_file.z.output_path\n"
        '  handler       = "index.handler"\n  runtime       = "python3.12"\n'
        '  role          = "arn:aws:iam::123456789012:role/r"\n}\n'
    )


HEREDOC = "  source_content = <<-PY\n" + "".join(f"    {line}\n" for line in SHELL.splitlines())


TF_INLINE_ARCHIVES = {
    "source-content-heredoc": HEREDOC + "  PY\n" + '  source_content_filename = "index.py"\n',
    "source-block-quoted": (
        f'  source {{\n    content  = {json.dumps(SHELL)}\n    filename = "index.py"\n  }}\n'
    ),
    "two-source-blocks": (
        '  source {\n    content  = "import os\\n"\n    filename = "util.py"\n  }\n'
    )
    + f'  source {{\n    content  = {json.dumps(SHELL)}\n    filename = "index.py"\n  }}\n',
}


def test_terraform_inline_archive_code_in_each_form_is_scanned(tmp_path: Path) -> None:
    """Each way of writing an `archive_file`'s code inline, in one run: each bundle blocks
    on a critical finding in its staged inline code."""

    def staged(_: str, own: Findings) -> bool:
        shell = [f for f in own if f.get("severity") == "critical"]
        return bool(shell) and all(f["path"].startswith("infra/main.tf.inline/") for f in shell)

    layouts = {n: files({"infra/main.tf": tf_inline(a)}) for n, a in TF_INLINE_ARCHIVES.items()}
    each_blocks_with(tmp_path, layouts, staged)


TF_INLINE_NOT_LITERAL = {
    "file-call": '  source_content = file("${path.module}/x.py")\n'
    '  source_content_filename = "index.py"\n',
    "variable": '  source {\n    content  = var.code\n    filename = "index.py"\n  }\n',
    "interpolated-heredoc": HEREDOC
    + '    x = "${var.code}"\n  PY\n  source_content_filename = "index.py"\n',
}


def test_terraform_inline_code_that_is_not_literal_is_refused(tmp_path: Path) -> None:
    """Each `archive_file` code that is no literal string, in one run: each bundle
    refused by an error naming its file and the function."""
    each_refused_in_report(
        tmp_path,
        {
            name: (
                files({"main.tf": tf_inline(archive)}),
                ("main.tf", "aws_lambda_function.f", "not a literal string"),
            )
            for name, archive in TF_INLINE_NOT_LITERAL.items()
        },
    )


def test_terraform_inline_file_name_out_of_the_code_is_refused(sandbox: Sandbox) -> None:
    archive = (
        f'  source {{\n    content  = {json.dumps(APP)}\n    filename = "../../app.py"\n  }}\n'
    )
    sandbox.write("main.tf", tf_inline(archive))
    assert_refused(sandbox.run(), "main.tf", "../../app.py", "not a path inside")


def test_each_single_baseline_blocks_on_its_rule(tmp_path: Path) -> None:
    """The single baselines above, in one run: each bundle blocks on its rule."""
    each_blocks(
        tmp_path,
        {
            "readable-wildcard-template": (a_readable_wildcard_template, "GATE-IAC-001"),
            "code-that-comes-back-into-the-bundle": (
                code_that_comes_back_into_the_bundle_is_read,
                "GATE-IAC-001",
            ),
            "hostile-logical-id-stages-inside-the-copy": (
                a_hostile_logical_id_stages_inside_the_copy,
                "GATE-SLS-001",
            ),
        },
    )


def test_each_single_refusal_in_a_report_names_its_file(tmp_path: Path) -> None:
    """The single refusals above that leave a report, in one run: each bundle refused
    by an error of its own naming what a run of it alone names."""
    each_refused_in_report(
        tmp_path,
        {
            "layer-outside-the-bundle": (
                a_layer_outside_the_bundle_is_refused,
                ("template.yaml", "'..' is outside the bundle"),
            ),
            "serverless-artifact-outside-the-bundle": (
                a_serverless_artifact_outside_the_bundle_is_refused,
                ("serverless.yml", "f (line 4)", "outside the bundle"),
            ),
            "directory-named-like-a-zip": (
                a_directory_named_like_a_zip_is_refused,
                ("template.json", "'build/fn.zip' is a directory"),
            ),
            "missing-python-handler-module": (
                a_missing_python_handler_module_is_refused,
                ("template.yaml", "Fn (line 4)", "'app.handler'", "src/app.py"),
            ),
            "missing-handler-module-inside-a-zip": (
                a_missing_handler_module_inside_a_zip_is_refused,
                ("template.yaml", "build/fn.zip.contents/app.py"),
            ),
            "missing-build-output-of-a-python-function": (
                missing_build_output_of_a_python_function_stays_an_error,
                ("serverless.yml", "create (line 5)", "orders.zip", "`serverless package`"),
            ),
            "serverless-json-with-a-missing-handler": (
                a_serverless_json_with_a_missing_handler_is_refused,
                ("serverless.json", "app.handler"),
            ),
        },
    )


def test_each_single_pass_is_warned_as_it_was_alone(tmp_path: Path) -> None:
    """The single passes above, in one run: each bundle passes; the service of another
    cloud is warned of in its bundle's warnings and is the run's one file out of scope."""
    warned: dict[str, Check] = {
        "serverless-service-of-another-cloud": warned_of_another_cloud,
        "data-file-that-is-not-yaml": lambda _, own: True,
        "clean-inline-python": lambda _, own: True,
    }
    run = each_passes_with(
        tmp_path,
        {
            "serverless-service-of-another-cloud": (
                a_serverless_service_of_another_cloud_is_warned_not_refused
            ),
            "data-file-that-is-not-yaml": a_data_file_that_is_not_yaml_is_no_refusal,
            "clean-inline-python": clean_inline_python_passes,
        },
        warned=lambda name, own: warned[name](name, own),
    )
    report = json.loads(run.stdout)
    assert report["files"]["out_of_scope"] == 1, report["files"]
    assert [w["code"] for w in report["warnings"] if w["code"] == "not-aws"] == ["not-aws"]
