"""CloudFormation intrinsics the rules read within the template: every literal a value
may stand for."""

from __future__ import annotations

import pytest

from gate.rules.intrinsics import literal_values

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
