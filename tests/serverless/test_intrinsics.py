"""CloudFormation intrinsics the rules read within the template: every literal a value
may stand for."""

from __future__ import annotations

import pytest

from gate.bundle.discovery.references import parameter_overrides
from gate.rules.intrinsics import deployed_values, literal_values, with_parameters

TEMPLATE = {
    "Parameters": {"W": {"Type": "String", "Default": "wrapper"}, "N": {"Type": "String"}},
}


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ({"Ref": "W"}, ["wrapper", None]),
        ({"Fn::Sub": "/var/task/${W}"}, ["/var/task/wrapper", None]),
        ({"Fn::Sub": "/var/task/${!W}"}, ["/var/task/${W}"]),
        ({"Fn::Sub": ["/var/${D}/${W}", {"D": "task"}]}, ["/var/task/wrapper", None]),
        ({"Fn::Sub": ["/var/${D}/x", {"D": "task"}]}, ["/var/task/x"]),
        ({"Fn::Sub": "/var/task/${N}"}, [None]),
        ({"Fn::Sub": "${AWS::Region}"}, [None]),
        ({"Fn::If": ["C", "/a", {"Fn::Join": ["", ["/b", "/c"]]}]}, ["/a", "/b/c"]),
        ({"Fn::If": ["C", "/a", {"Ref": "N"}]}, ["/a", None]),
        ({"Fn::If": ["C", "/a"]}, [None]),
    ],
    ids=[
        "ref-of-a-default",
        "sub-of-a-default",
        "sub-escaped",
        "sub-with-a-map",
        "sub-of-literals",
        "sub-of-no-default",
        "sub-of-a-pseudo-parameter",
        "if-both-branches",
        "if-one-branch-at-deploy",
        "if-malformed",
    ],
)
def test_a_value_stands_for_every_literal_the_template_gives(
    value: object, found: list[str | None]
) -> None:
    assert literal_values(TEMPLATE, value) == found


# `sam deploy` reads samconfig's parameter_overrides: each value is one the deploy may use.
OVERRIDES = {"W": ["patched"], "N": ["given", "other"], "Undeclared": ["x"]}


@pytest.mark.parametrize(
    ("value", "found"),
    [
        ({"Ref": "W"}, ["wrapper", "patched", None]),
        ({"Ref": "N"}, ["given", "other", None]),
        (
            {"Fn::Sub": "${W}/${N}"},
            [f"{w}/{n}" for w in ("wrapper", "patched") for n in ("given", "other")] + [None],
        ),
        ({"Ref": "Undeclared"}, [None]),
        ({"Fn::Sub": "${N}-${AWS::Region}"}, [None]),
    ],
    ids=["default-and-override", "override-alone", "every-choice", "undeclared", "left-to-deploy"],
)
def test_a_parameter_stands_for_its_default_and_every_override(
    value: object, found: list[str | None]
) -> None:
    assert literal_values(TEMPLATE, value, OVERRIDES) == found


def test_a_policy_document_lists_the_alternatives_a_parameter_stands_for() -> None:
    """One value is written out as it is; several become the list of alternatives, which
    the IAM rules judge one by one; what the deploy decides stays as written."""
    document = {
        "Action": {"Ref": "W"},
        "Resource": [{"Fn::Sub": "arn:aws:s3:::${N}/*"}, {"Ref": "AWS::Region"}],
    }
    assert with_parameters(document, TEMPLATE) == {
        "Action": "wrapper",
        "Resource": [{"Fn::Sub": "arn:aws:s3:::${N}/*"}, {"Ref": "AWS::Region"}],
    }
    assert with_parameters(document, TEMPLATE, OVERRIDES) == {
        "Action": ["wrapper", "patched"],
        "Resource": [
            ["arn:aws:s3:::given/*", "arn:aws:s3:::other/*"],
            {"Ref": "AWS::Region"},
        ],
    }
    assert deployed_values(TEMPLATE, {"Fn::Sub": "${N}-${AWS::Region}"}, OVERRIDES) == []


@pytest.mark.parametrize(
    ("settings", "found"),
    [
        (
            {"default": {"deploy": {"parameters": {"parameter_overrides": "A=1 B=two"}}}},
            {"A": ["1"], "B": ["two"]},
        ),
        (
            {"prod": {"deploy": {"parameters": {"parameter_overrides": ["A=iam:*", 'B="x y"']}}}},
            {"A": ["iam:*"], "B": ["x y"]},
        ),
        (
            {
                "default": {
                    "global": {
                        "parameters": {
                            "parameter_overrides": 'ParameterKey=A,ParameterValue=s3:* C="q\\"r"'
                        }
                    }
                }
            },
            {"A": ["s3:*"], "C": ['q"r']},
        ),
        ({"default": {"deploy": {"parameters": {"parameter_overrides": 3}}}}, {}),
    ],
    ids=["pairs", "a-list-in-another-environment", "long-form-and-escapes", "not-text"],
)
def test_samconfig_overrides_are_read_as_sam_deploy_reads_them(
    settings: object, found: dict[str, list[str]]
) -> None:
    assert parameter_overrides(settings) == found


def test_a_list_parameters_ref_is_the_list_of_its_items() -> None:
    """`CommaDelimitedList` (and `List<...>`): CloudFormation splits the value."""
    template = {
        "Parameters": {
            "Acts": {"Type": "CommaDelimitedList", "Default": "s3:GetObject, iam:*"},
            "Ids": {"Type": "List<AWS::EC2::Subnet::Id>", "Default": "a,b"},
        }
    }
    document = {"Action": {"Ref": "Acts"}, "Resource": {"Ref": "Ids"}}
    assert with_parameters(document, template, {"Acts": ["sts:*"]}) == {
        "Action": ["s3:GetObject", "iam:*", "sts:*"],
        "Resource": ["a", "b"],
    }
