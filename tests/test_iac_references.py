"""Files the IaC makes the deploy read (gate.bundle.discovery.references): followed, inlined,
or refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.bundle.discovery.bundle import discover
from gate.bundle.discovery.declared import is_remote
from gate.errors import BundleError
from gate.rules.context import BundleContext
from tests.test_discovery import write

HEAD = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
FUNCTION = (
    "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n"
)
API = (
    "  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: v1\n"
    "      DefinitionBody:\n        Fn::Transform:\n          Name: AWS::Include\n"
    "          Parameters:\n            Location: {location}\n"
)
OPENAPI = "openapi: 3.0.1\ninfo: {title: orders, version: '1'}\npaths: {}\n"


def template(*resources: str) -> str:
    return HEAD + "Resources:\n" + "".join(resources)


def test_an_api_definition_included_from_a_local_file_is_read(tmp_path: Path) -> None:
    """The common use of AWS::Include: an OpenAPI body kept beside the template."""
    write(
        tmp_path,
        {
            "template.yaml": template(FUNCTION, API.format(location="./api/openapi.yaml")),
            "api/openapi.yaml": OPENAPI,
            "src/app.py": "def handler(event, context):\n    return 1\n",
        },
    )
    assert [f.name for f in discover(tmp_path, "b").functions] == ["Fn"]
    document = BundleContext("b", tmp_path, tmp_path, ()).yaml("template.yaml")
    assert document is not None
    body = document.data["Resources"]["Api"]["Properties"]["DefinitionBody"]
    assert body["openapi"] == "3.0.1"
    # Inlined values have no line of their own: they are found at the include.
    assert document.line_of(("Resources", "Api", "Properties", "DefinitionBody", "paths")) == 14


def test_an_include_in_the_short_form_is_inlined(tmp_path: Path) -> None:
    """`!Transform {Name: AWS::Include, ...}`: the tagged value is the transform."""
    api = (
        "  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: v1\n"
        "      DefinitionBody: !Transform {Name: AWS::Include, Parameters: {Location: a.yaml}}\n"
    )
    write(tmp_path, {"template.yaml": template(FUNCTION, api), "a.yaml": OPENAPI})
    document = BundleContext("b", tmp_path, tmp_path, ()).yaml("template.yaml")
    assert document is not None
    body = document.data["Resources"]["Api"]["Properties"]["DefinitionBody"]
    assert body["openapi"] == "3.0.1"
    assert ("Resources", "Api", "Properties", "DefinitionBody") not in document.tags


def test_an_include_from_s3_is_not_followed(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "template.yaml": template(FUNCTION, API.format(location="s3://bucket/api.yaml")),
            "src/app.py": "def handler(event, context):\n    return 1\n",
        },
    )
    assert [f.name for f in discover(tmp_path, "b").functions] == ["Fn"]


def test_resources_included_at_the_top_join_the_templates_own(tmp_path: Path) -> None:
    """`Fn::Transform` beside other resources: the snippet's resources are added."""
    include = (
        "  Fn::Transform:\n    Name: AWS::Include\n    Parameters:\n      Location: more.yaml\n"
    )
    more = (
        FUNCTION.replace("  Fn:", "Other:").replace("\n    ", "\n  ").replace("\n      ", "\n    ")
    )
    write(
        tmp_path,
        {
            "template.yaml": template(FUNCTION, include),
            "more.yaml": more,
            "src/app.py": "def handler(event, context):\n    return 1\n",
        },
    )
    assert sorted(f.name for f in discover(tmp_path, "b").functions) == ["Fn", "Other"]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"template.yaml": template(FUNCTION, API.format(location="./gone.yaml"))},
            r"b/template.yaml: AWS::Include of ./gone.yaml names gone.yaml, which is not in",
        ),
        (
            {
                "template.yaml": template(
                    "  Inner:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n"
                    "      TemplateURL: ../shared/stack.yaml\n"
                )
            },
            r"b/template.yaml: nested stack Inner names \.\./shared/stack.yaml, outside the "
            "bundle",
        ),
        (
            {
                "main.tf": 'module "fn" {\n  source = "./.terraform/fn"\n}\n',
            },
            r"b/\./: module 'fn' names \.terraform/fn, in a folder the gate ignores "
            r"\(build-output\)",
        ),
        (
            {
                "serverless.yml": "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
                "custom: ${file(./node_modules/c/custom.yml)}\n"
                "functions:\n  f:\n    handler: app.handler\n",
            },
            r"b/serverless.yml: \$\{file\(\./node_modules/c/custom.yml\)\} names "
            r"node_modules/c/custom.yml, in a folder the gate ignores \(dependency-tree\)",
        ),
    ],
)
def test_a_reference_the_gate_cannot_follow_is_refused(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    write(tmp_path, {**files, "src/app.py": "def handler(event, context):\n    return 1\n"})
    with pytest.raises(BundleError, match=message):
        discover(tmp_path, "b")


@pytest.mark.parametrize(
    "files",
    [
        # Outside the bundle: the gate was pointed at part of a repository.
        {"main.tf": 'module "shared" {\n  source = "../modules/shared"\n}\n'},
        {
            "serverless.yml": "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
            "custom: ${file(../config.yml)}\nfunctions:\n  f:\n    handler: app.handler\n",
            "app.py": "def handler(event, context):\n    return 1\n",
        },
        # A registry module Terraform downloads into .terraform is not a local source.
        {"main.tf": 'module "lambda" {\n  source = "terraform-aws-modules/lambda/aws"\n}\n'},
    ],
)
def test_references_outside_the_bundle_or_not_local_are_left_to_warnings(
    tmp_path: Path, files: dict[str, str]
) -> None:
    write(tmp_path, files)
    discover(tmp_path, "b")


@pytest.mark.parametrize(
    ("value", "kind", "remote"),
    [
        ("s3://bucket/key.zip", "code", True),
        ("https://bucket.s3.amazonaws.com/fn.zip", "code", False),  # samcli uploads it
        ("https://bucket.s3.amazonaws.com/p.yaml", "include", True),
        ("s3://bucket", "code", False),  # no key: `sam package` takes it for a path
        ("S3://bucket/key.yaml", "include", False),  # samcli matches `s3://` as written
        ("conf://policies.json", "include", False),
        ("https://example.com/t.yaml", "include", False),
        ("https://example.com/t.yaml", "template", True),  # a nested template's URL
        ("./api.yaml", "template", False),
    ],
)
def test_only_what_samcli_leaves_alone_is_remote(value: str, kind: str, remote: bool) -> None:
    assert is_remote(value, kind) is remote


def test_the_template_a_samconfig_names_is_followed(tmp_path: Path) -> None:
    """`sam deploy` deploys samconfig's `template_file`: read like any template when it is
    named as one, refused when it is named otherwise."""
    samconfig = '[default.deploy.parameters]\ntemplate_file = "infra/{name}"\n'
    files = {
        "infra/app.yaml": template(FUNCTION),
        "infra/src/app.py": "def handler(e, c):\n    pass\n",
    }
    write(tmp_path, {**files, "samconfig.toml": samconfig.format(name="app.yaml")})
    assert [f.name for f in discover(tmp_path, "b").functions] == ["Fn"]
    (tmp_path / "infra/app.yaml").rename(tmp_path / "infra/app.cfn")
    (tmp_path / "samconfig.toml").write_text(samconfig.format(name="app.cfn"))
    with pytest.raises(BundleError, match=r"b/samconfig.toml: template_file infra/app.cfn"):
        discover(tmp_path, "b")
