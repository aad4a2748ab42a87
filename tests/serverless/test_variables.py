"""Serverless variables the rules resolve inside the bundle, fallbacks and budgets."""

from __future__ import annotations

from pathlib import Path

import pytest

from gate.rules.context import BundleContext
from gate.rules.variable_files import VariableUnreadable
from gate.rules.variable_syntax import split_sources, variable_spans
from gate.rules.variables import MAX_DEPTH, Variables, VariablesTooLarge

CUSTOM = {"custom": {"act": "*", "stage": "prod", "prod": {"act": "iam:*"}, "n": 3}}


def resolve(value: object, data: object = CUSTOM) -> object:
    return Variables(None, "serverless.yml", data).resolve(value)


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("${self:custom.act}", "*"),
        ("${self:custom.act, 's3:GetObject'}", "*"),
        ("${self:custom.nope, '*'}", "*"),
        ('${self:custom.nope, "s3:*"}', "s3:*"),
        ("${env:ACTION, '*'}", "*"),
        ("${opt:act, '*'}", "*"),
        ("${ssm:/app/act, '*'}", "*"),
        ("${opt:stage, self:custom.act, 'dev'}", "*"),
        ("${opt:x, ${self:custom.act}}", "*"),
        ("${self:custom.${self:custom.stage}.act}", "iam:*"),
        ("${self:custom.${opt:stage, 'prod'}.act}", "iam:*"),
        ("${self:custom.n, 1}", 3),
        ("${env:N, 7}", 7),
    ],
)
def test_a_variable_is_its_first_source_the_bundle_decides(written: str, value: object) -> None:
    assert resolve(written) == value


@pytest.mark.parametrize(
    "written", ["${env:ACTION}", "${opt:stage, ssm:/x}", "${self:custom.nope}", "${self:custom."]
)
def test_a_variable_the_bundle_does_not_decide_is_left_as_written(written: str) -> None:
    assert resolve(written) == written


def test_a_self_reference_to_a_deploy_time_variable_takes_the_fallback() -> None:
    data = {"custom": {"act": "${env:ACT}"}}
    assert resolve("${self:custom.act, '*'}", data) == "*"
    assert resolve("${self:custom.act}", data) == "${self:custom.act}"


def test_variables_inside_text_are_written_out() -> None:
    written = "arn:aws:s3:::${self:custom.stage}-${env:B, 'b'}/${env:KEY}"
    assert resolve(written) == "arn:aws:s3:::prod-b/${env:KEY}"


def test_a_cycle_is_an_error_not_a_value_left_as_written() -> None:
    with pytest.raises(VariablesTooLarge, match="deep"):
        resolve("${self:custom.a}", {"custom": {"a": "${self:custom.b}", "b": "${self:custom.a}"}})


def test_a_long_chain_within_the_depth_resolves() -> None:
    custom = {f"v{i}": f"${{self:custom.v{i + 1}}}" for i in range(MAX_DEPTH - 2)}
    custom[f"v{MAX_DEPTH - 2}"] = "*"
    assert resolve("${self:custom.v0}", {"custom": custom}) == "*"


def test_a_file_that_includes_itself_many_times_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "iam.yml").write_text("- ${file(./iam.yml)}\n" * 12)
    context = BundleContext("b", tmp_path, tmp_path, ())
    with pytest.raises(VariablesTooLarge, match="more than"):
        Variables(context, "serverless.yml", {}).resolve("${file(./iam.yml)}")


def test_a_file_with_a_fallback_outside_the_bundle_takes_the_fallback(tmp_path: Path) -> None:
    (tmp_path / "iam.yml").write_text("act: 'iam:*'\n")
    variables = Variables(BundleContext("b", tmp_path, tmp_path, ()), "serverless.yml", {})
    assert variables.resolve("${file(./iam.yml):act, 's3:GetObject'}") == "iam:*"
    assert variables.resolve("${file(../outside.yml):act, '*'}") == "*"


def test_quoted_commas_and_braces_do_not_split() -> None:
    assert split_sources("self:a, 'x, }', ${env:B, 'c'}") == ["self:a", "'x, }'", "${env:B, 'c'}"]
    assert variable_spans("a${x:'}'}b${y}") == [(1, 9), (10, 14)]


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ('${self:custom.nope, "\\u002a"}', "*"),
        ("${self:custom.nope, 'it\\'s'}", "it's"),
        ("${self: custom.act, 's3:GetObject'}", "*"),
        ("${self:custom.odd@1}", "iam:*"),
    ],
)
def test_values_are_read_as_the_framework_reads_them(written: str, value: object) -> None:
    data = {"custom": {"act": "*", "odd@1": "iam:*"}}
    assert resolve(written, data) == value


def test_variables_on_the_way_to_a_value_are_resolved(tmp_path: Path) -> None:
    (tmp_path / "custom.yml").write_text("act: '*'\n")
    data = {"custom": "${file(./custom.yml)}", "provider": "${self:custom}"}
    variables = Variables(BundleContext("b", tmp_path, tmp_path, ()), "serverless.yml", data)
    assert variables.resolve("${self:custom.act, 's3:GetObject'}") == "*"
    assert variables.at("provider", "act") == "*"
    assert variables.at("provider", "nope") is None


@pytest.mark.parametrize(
    ("name", "text"), [("perm.js", "module.exports = {}\n"), ("bad.yml", "a: [")]
)
def test_a_file_the_gate_cannot_read_is_an_error(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text)
    variables = Variables(BundleContext("b", tmp_path, tmp_path, ()), "serverless.yml", {})
    with pytest.raises(VariableUnreadable, match=name):
        variables.resolve(f"${{file(./{name}):act, 's3:GetObject'}}")


def test_a_string_that_doubles_is_an_error() -> None:
    custom = {f"s{i}": f"${{self:custom.s{i + 1}}}${{self:custom.s{i + 1}}}" for i in range(15)}
    custom["s15"] = "x" * 1024
    with pytest.raises(VariablesTooLarge, match="characters"):
        resolve("${self:custom.s0}", {"custom": custom})


def test_one_file_shares_one_resolver_across_functions(tmp_path: Path) -> None:
    context = BundleContext("b", tmp_path, tmp_path, ())
    first = Variables.for_file(context, "serverless.yml", {})
    assert Variables.for_file(context, "serverless.yml", {}) is first
    assert Variables.for_file(context, "other/serverless.yml", {}) is not first


def test_a_file_of_another_kind_is_its_text(tmp_path: Path) -> None:
    (tmp_path / "public_key").write_text("KEY")
    variables = Variables(BundleContext("b", tmp_path, tmp_path, ()), "serverless.yml", {})
    assert variables.resolve("${file(./public_key)}") == "KEY"


def test_an_address_with_a_deploy_time_segment_stands_for_every_value_it_reaches() -> None:
    data = {"custom": {"dev": {"act": "s3:GetObject"}, "prod": {"act": "*"}, "qa": {}}}
    assert resolve("${self:custom.${sls:stage}.act, 'sqs:SendMessage'}", data) == [
        "s3:GetObject",
        "*",
    ]
    # In a list, each value is an item; in a longer string, each string it may be.
    assert resolve(["a", "${self:custom.${opt:stage}.act}"], data) == ["a", "s3:GetObject", "*"]
    assert resolve("x-${self:custom.${opt:stage}.act}", data) == ["x-s3:GetObject", "x-*"]
    # A literal value (an environment variable) is only ever one string.
    variables = Variables(None, "serverless.yml", data)
    assert (
        variables.text("x-${self:custom.${opt:stage}.act}") == "x-${self:custom.${opt:stage}.act}"
    )
    assert resolve("${self:custom.${ssm:/a.b}.act}", {"custom": {"dev": {"act": "*"}}}) == "*"


def test_an_address_reaching_several_structures_is_an_error() -> None:
    data = {"custom": {"dev": {"s": {"a": 1}}, "prod": {"s": {"b": 2}}}}
    with pytest.raises(VariableUnreadable, match="several"):
        resolve("${self:custom.${opt:stage}.s}", data)


def test_lists_of_mappings_are_merged_on_the_way() -> None:
    variables = Variables(None, "serverless.yml", {"functions": [{"a": {"x": 1}}, {"b": {"x": 2}}]})
    assert variables.at("functions", "b", "x") == 2


def test_a_value_larger_than_the_budget_through_shared_variables_is_an_error() -> None:
    custom: dict[str, object] = {f"s{i}": [f"${{self:custom.s{i + 1}}}"] * 40 for i in range(6)}
    custom["s6"] = "x"
    variables = Variables(None, "serverless.yml", {"custom": custom, "top": "${self:custom.s0}"})
    with pytest.raises(VariablesTooLarge, match="top"):
        variables.at("top")


def test_lists_merge_item_by_item_as_the_framework_merges_them() -> None:
    from gate.bundle.discovery.declared import deep_merge

    admin = {"Effect": "Allow", "Action": "*"}
    merged = deep_merge([{"f": {"s": [admin]}}, {"f": {"s": [], "timeout": 6}}])
    assert merged == {"f": {"s": [admin], "timeout": 6}}
    merged = deep_merge([{"f": {"s": [admin]}}, {"f": {"s": [{"Sid": "More"}]}}])
    assert merged == {"f": {"s": [{**admin, "Sid": "More"}]}}


def test_candidates_are_written_into_a_string_as_the_framework_writes_them() -> None:
    data = {"custom": {"dev": {"svc": "iam"}, "prod": {"svc": True}}}
    assert resolve("${self:custom.${opt:stage, 'dev'}.svc}:*", data) == ["iam:*", "true:*"]


def test_a_segment_one_reference_away_from_the_deploy_stands_for_every_value(
    tmp_path: Path,
) -> None:
    """`${self:custom.${self:provider.stage}.act}` where `stage: ${opt:stage, 'dev'}`:
    the stage is the deploy's, so every stage's value is judged, not only the fallback's.
    The same through a file, and through two references; a literal stage stays one."""
    (tmp_path / "stage.yml").write_text("name: ${opt:stage, 'dev'}\n")
    stages = {"dev": {"act": "s3:GetObject"}, "prod": {"act": "*"}}
    data = {
        "provider": {"stage": "${opt:stage, 'dev'}", "alias": "${self:provider.stage}"},
        "custom": {**stages, "fixed": "dev"},
    }
    variables = Variables(BundleContext("b", tmp_path, tmp_path, ()), "serverless.yml", data)
    for segment in (
        "${self:provider.stage}",
        "${self:provider.alias}",
        "${file(./stage.yml):name}",
    ):
        assert variables.resolve(f"${{self:custom.{segment}.act}}") == ["s3:GetObject", "*"]
    assert variables.resolve("${self:custom.${self:custom.fixed}.act}") == "s3:GetObject"


def test_a_service_param_stands_for_every_stages_value() -> None:
    """`${param:act}` is `params.<stage>.act` or `params.default.act`; the deploy picks
    the stage, so every stage's value is judged."""
    data = {"params": {"default": {"act": "*"}, "prod": {"act": "s3:GetObject"}}}
    assert resolve("${param:act}", data) == ["*", "s3:GetObject"]
    assert resolve("${param:nope, 'sqs:SendMessage'}", data) == "sqs:SendMessage"
    assert resolve("${param:nope}", data) == "${param:nope}"
