"""The checkov severity catalogue (gate/policies/checkov-severity.yml).

checkov rates nothing without its vendor API key, so the gate ships its own
ratings. These tests hold the catalogue to the installed checkov: every check
that matters for a serverless bundle is rated, no id in the file is stale, and
a few ratings that the gate's verdict depends on stay where they were put.

The checks are enumerated from checkov's own registries, the way its runners
and `checkov --list` (checkov/docs_generator.py) load them: importing a check
package registers its checks with the framework's registry, graph (YAML/JSON)
checks are loaded with `get_graph_checks_registry(framework).load_checks()`,
and the secrets framework's ids are the detect-secrets plugin mapping in
`checkov.secrets.runner`. checkov is imported here only, never by the gate
outside its worker.
"""

from __future__ import annotations

import fnmatch
import functools
import importlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

CATALOGUE = Path(__file__).resolve().parent.parent / "gate" / "policies" / "checkov-severity.yml"
SEVERITIES = ("info", "low", "medium", "high", "critical")
GLOB_CHARS = "*?["

# The frameworks the gate runs: cloudformation (SAM included), serverless, terraform, secrets.
# Importing these packages registers their checks, as the runners' imports do.
CHECK_PACKAGES = (
    "checkov.cloudformation.checks.resource.aws",
    "checkov.serverless.checks",
    "checkov.terraform.checks.resource",
    "checkov.terraform.checks.data",
    "checkov.terraform.checks.provider",
    "checkov.terraform.checks.module",
)
REGISTRIES = (
    # (framework, kind, module, attribute)
    (
        "cloudformation",
        "resource",
        "checkov.cloudformation.checks.resource.registry",
        "cfn_registry",
    ),
    ("serverless", "complete", "checkov.serverless.checks.complete.registry", "complete_registry"),
    ("serverless", "custom", "checkov.serverless.checks.custom.registry", "custom_registry"),
    ("serverless", "function", "checkov.serverless.checks.function.registry", "function_registry"),
    ("serverless", "layer", "checkov.serverless.checks.layer.registry", "layer_registry"),
    ("serverless", "package", "checkov.serverless.checks.package.registry", "package_registry"),
    ("serverless", "plugin", "checkov.serverless.checks.plugin.registry", "plugin_registry"),
    ("serverless", "provider", "checkov.serverless.checks.provider.registry", "provider_registry"),
    ("serverless", "service", "checkov.serverless.checks.service.registry", "service_registry"),
    ("terraform", "resource", "checkov.terraform.checks.resource.registry", "resource_registry"),
    ("terraform", "data", "checkov.terraform.checks.data.registry", "data_registry"),
    ("terraform", "provider", "checkov.terraform.checks.provider.registry", "provider_registry"),
    ("terraform", "module", "checkov.terraform.checks.module.registry", "module_registry"),
)
GRAPH_FRAMEWORKS = ("cloudformation", "serverless", "terraform")


@dataclass(frozen=True)
class Check:
    """One checkov check as one registry holds it (an id can be in several)."""

    id: str
    name: str
    framework: str
    kind: str
    entities: frozenset[str]
    categories: frozenset[str]


def _graph_entities(check: Any) -> set[str]:
    """The resource types a graph check reports on.

    A graph check's `resource_types` is the union over its whole condition tree,
    and a `filter` condition without types expands to every type the registry
    knows, so use the types the filter keeps when there is one, else the types
    of the non-filter conditions (connected types are only context).
    """
    from checkov.common.graph.checks_infra.enums import SolverType

    kept: set[str] = set()
    tested: set[str] = set()

    def walk(node: Any) -> None:
        if node.sub_checks:
            for sub in node.sub_checks:
                walk(sub)
        elif node.type == SolverType.FILTER and node.attribute == "resource_type":
            value = node.attribute_value
            kept.update([value] if isinstance(value, str) else value or [])
        else:
            tested.update(node.resource_types or [])

    walk(check)
    return kept or tested


@functools.cache
def checkov_checks() -> tuple[Check, ...]:
    """Every check the installed checkov runs for the gate's frameworks."""
    from checkov.common.checks_infra.registry import get_graph_checks_registry
    from checkov.secrets.runner import CHECK_ID_TO_SECRET_TYPE

    for package in CHECK_PACKAGES:
        importlib.import_module(package)
    checks: list[Check] = []
    for framework, kind, module, attribute in REGISTRIES:
        registry = getattr(importlib.import_module(module), attribute)
        by_id: dict[str, tuple[Any, set[str]]] = {}
        for entity, check in registry.all_checks():
            by_id.setdefault(check.id, (check, set()))[1].add(entity)
        for check, entities in by_id.values():
            categories = frozenset(c.name for c in check.categories)
            checks.append(
                Check(check.id, check.name, framework, kind, frozenset(entities), categories)
            )
    for framework in GRAPH_FRAMEWORKS:
        graph_registry = get_graph_checks_registry(framework)
        graph_registry.load_checks()
        for graph_check in graph_registry.checks:
            category = frozenset({str(graph_check.category).upper()})
            types = frozenset(_graph_entities(graph_check))
            checks.append(
                Check(graph_check.id, graph_check.name, framework, "graph", types, category)
            )
    for check_id, secret_type in CHECK_ID_TO_SECRET_TYPE.items():
        checks.append(
            Check(check_id, secret_type, "secrets", "secrets", frozenset(), frozenset({"SECRETS"}))
        )
    return tuple(checks)


def _entity_in(*patterns: str) -> Callable[[Check], bool]:
    """Checks on a resource type matching a prefix (ends in `::` or `_`) or exact name."""

    def matches(entity: str) -> bool:
        entity = entity.removeprefix("data.")
        return any(
            entity.startswith(p) if p.endswith(("::", "_")) else entity == p for p in patterns
        )

    return lambda check: any(matches(entity) for entity in check.entities)


HARD_CODED = re.compile(r"hard[- ]?coded", re.IGNORECASE)

# What the catalogue must rate: the checks that bear on a Lambda bundle directly.
MUST_RATE: dict[str, Callable[[Check], bool]] = {
    "Lambda": _entity_in("AWS::Lambda::", "AWS::Serverless::Function", "aws_lambda_"),
    "API Gateway": _entity_in(
        "AWS::ApiGateway::",
        "AWS::ApiGatewayV2::",
        "AWS::Serverless::Api",
        "AWS::Serverless::HttpApi",
        "aws_api_gateway_",
        "aws_apigatewayv2_",
    ),
    "IAM": _entity_in("AWS::IAM::", "aws_iam_"),
    "serverless framework": lambda check: check.framework == "serverless",
    "secrets": lambda check: (
        check.framework == "secrets"
        or "SECRETS" in check.categories
        or bool(HARD_CODED.search(check.name))
    ),
}
# Services that commonly sit next to a function; the catalogue rates these as well.
ALSO_RATED: dict[str, Callable[[Check], bool]] = {
    "S3": _entity_in("AWS::S3::", "aws_s3_"),
    "DynamoDB": _entity_in("AWS::DynamoDB::", "AWS::Serverless::SimpleTable", "aws_dynamodb_"),
    "SQS": _entity_in("AWS::SQS::", "aws_sqs_"),
    "SNS": _entity_in("AWS::SNS::", "aws_sns_"),
    "KMS": _entity_in("AWS::KMS::", "aws_kms_"),
    "CloudWatch Logs": _entity_in("AWS::Logs::", "aws_cloudwatch_log_"),
    "Secrets Manager": _entity_in("AWS::SecretsManager::", "aws_secretsmanager_"),
    "SSM": _entity_in("AWS::SSM::", "aws_ssm_"),
    "Step Functions": _entity_in(
        "AWS::StepFunctions::", "AWS::Serverless::StateMachine", "aws_sfn_"
    ),
}


@functools.cache
def catalogue() -> dict[str, Any]:
    data = yaml.safe_load(CATALOGUE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def entries() -> dict[str, str]:
    checks = catalogue()["checks"]
    assert isinstance(checks, dict)
    return checks


def rating(check_id: str) -> str | None:
    """The catalogue's rating of `check_id`: exact id first, then globs in file order."""
    listed = entries()
    if check_id in listed:
        return listed[check_id]
    for pattern, level in listed.items():
        if any(ch in pattern for ch in GLOB_CHARS) and fnmatch.fnmatchcase(check_id, pattern):
            return level
    return None


def unrated(scope: dict[str, Callable[[Check], bool]]) -> list[str]:
    """`id  name  [groups: entities]` of every check in `scope` the catalogue does not rate."""
    missing: dict[str, tuple[str, set[str], set[str]]] = {}
    for check in checkov_checks():
        groups = {group for group, in_scope in scope.items() if in_scope(check)}
        if groups and rating(check.id) is None:
            _, seen_groups, entities = missing.setdefault(check.id, (check.name, set(), set()))
            seen_groups.update(groups)
            entities.update(check.entities or {check.framework})
    return [
        f"{check_id}  {name}  [{'/'.join(sorted(groups))}: {', '.join(sorted(entities))}]"
        for check_id, (name, groups, entities) in sorted(missing.items())
    ]


def ids_named(name: str) -> list[str]:
    """The ids of the checks called `name` (case-insensitive; must exist)."""
    ids = sorted({c.id for c in checkov_checks() if c.name.lower() == name.lower()})
    assert ids, f"no checkov check is named {name!r}; find its new name and update this test"
    return ids


class _DuplicateKeyLoader(yaml.SafeLoader):
    """safe_load keeps the last of two equal keys; this loader refuses them."""


def _no_duplicates(loader: yaml.SafeLoader, node: yaml.MappingNode) -> Any:
    keys = [loader.construct_object(key) for key, _ in node.value]
    duplicates = sorted({str(k) for k in keys if keys.count(k) > 1})
    if duplicates:
        raise yaml.constructor.ConstructorError(None, None, f"duplicate keys: {duplicates}")
    return loader.construct_mapping(node)


_DuplicateKeyLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _no_duplicates,
)


def test_structure() -> None:
    data = catalogue()
    assert set(data) == {"version", "default", "checks"}
    assert data["version"] == 1
    assert data["default"] in SEVERITIES
    checks = entries()
    assert checks
    bad = {rule: level for rule, level in checks.items() if level not in SEVERITIES}
    assert not bad, f"not a severity ({'/'.join(SEVERITIES)}): {bad}"
    assert all(isinstance(rule, str) and rule for rule in checks)


def test_no_duplicate_ids() -> None:
    yaml.load(CATALOGUE.read_text(encoding="utf-8"), Loader=_DuplicateKeyLoader)


def test_enumeration_covers_every_framework() -> None:
    frameworks = {check.framework for check in checkov_checks()}
    assert frameworks == {"cloudformation", "serverless", "terraform", "secrets"}
    ids = {check.id for check in checkov_checks()}
    # One known check from each kind of source, so a broken enumeration cannot pass quietly.
    assert {"CKV_AWS_116", "CKV_AWS_1", "CKV_AWS_41", "CKV2_AWS_29", "CKV_SECRET_2"} <= ids


@pytest.mark.parametrize(
    ("title", "scope"),
    [("must-rate", MUST_RATE), ("also-rated", ALSO_RATED)],
)
def test_every_in_scope_check_is_rated(
    title: str, scope: dict[str, Callable[[Check], bool]]
) -> None:
    missing = unrated(scope)
    assert not missing, (
        f"{len(missing)} {title} checkov checks have no rating in {CATALOGUE.name}:\n"
        + "\n".join(missing)
    )


def test_scope_is_not_empty() -> None:
    for group, in_scope in {**MUST_RATE, **ALSO_RATED}.items():
        assert any(in_scope(check) for check in checkov_checks()), f"nothing in scope: {group}"


def test_no_stale_ids() -> None:
    known = {check.id for check in checkov_checks()}
    stale = [rule for rule in entries() if not any(ch in rule for ch in GLOB_CHARS)]
    stale = [rule for rule in stale if rule not in known]
    assert not stale, f"not a check in the installed checkov: {stale}"
    dead_globs = [
        rule
        for rule in entries()
        if any(ch in rule for ch in GLOB_CHARS) and not fnmatch.filter(sorted(known), rule)
    ]
    assert not dead_globs, f"globs matching no checkov check: {dead_globs}"


def _assert_rated(ids: Iterable[str], expected: str) -> None:
    got = {check_id: rating(check_id) for check_id in ids}
    assert all(level == expected for level in got.values()), f"expected {expected}: {got}"


def test_secrets_are_critical() -> None:
    secret_ids = [c.id for c in checkov_checks() if c.framework == "secrets"]
    assert secret_ids
    _assert_rated(secret_ids, "critical")
    _assert_rated(ids_named("Ensure no hard-coded secrets exist in lambda environment"), "critical")
    _assert_rated(ids_named("Ensure IAM policies does not allow credentials exposure"), "critical")


def test_lambda_hygiene_is_low() -> None:
    names = (
        "Ensure that AWS Lambda function is configured for a Dead Letter Queue(DLQ)",
        "X-Ray tracing is enabled for Lambda",
        "Ensure that AWS Lambda function is configured for function-level concurrent "
        "execution limit",
        "Ensure that AWS Lambda function is configured inside a VPC",
        "Ensure AWS Lambda function is configured to validate code-signing",
    )
    for name in names:
        _assert_rated(ids_named(name), "low")


def test_lambda_environment_kms_is_medium() -> None:
    _assert_rated(ids_named("Check encryption settings for Lambda environment variable"), "medium")


def test_public_lambda_is_high() -> None:
    _assert_rated(ids_named("Ensure that Lambda function URLs AuthType is not None"), "high")
    _assert_rated(ids_named("Ensure that AWS Lambda function is not publicly accessible"), "high")


def test_iam_admin_is_critical_and_wildcards_high() -> None:
    admin = ids_named(
        'Ensure IAM policies that allow full "*-*" administrative privileges are not created'
    )
    _assert_rated(admin, "critical")
    _assert_rated(
        ids_named('Ensure no IAM policies documents allow "*" as a statement\'s actions'), "high"
    )


def test_api_without_authorization_is_high() -> None:
    for name in (
        "Ensure there is no open access to back-end resources through API",
        "Ensure API GatewayV2 routes specify an authorization type",
        "Ensure API gateway method has authorization or API key set",
    ):
        _assert_rated(ids_named(name), "high")


def test_the_gate_reads_the_catalogue_the_same_way() -> None:
    """The gate's loader (packaged resource, safe YAML, SeverityMap) agrees with this test."""
    from gate.model import Severity
    from gate.policy.model import SeverityMap
    from gate.safeyaml import load_yaml

    text = resources.files("gate.policies").joinpath("checkov-severity.yml").read_bytes()
    data = load_yaml(text).data
    severity_map = SeverityMap.from_mapping(data["checks"], default=data["default"])
    assert severity_map.default is Severity.parse(catalogue()["default"])
    for check_id in sorted({check.id for check in checkov_checks()}):
        ours = rating(check_id) or catalogue()["default"]
        assert severity_map.get(check_id) is Severity.parse(ours), check_id
