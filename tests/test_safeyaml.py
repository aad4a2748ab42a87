"""The gate's YAML loader: its budgets on size, alias expansion and depth, and the
structure check of files a scanner parses."""

from __future__ import annotations

import pytest

from gate.errors import PolicyError
from gate.policy.load import parse_policy
from gate.safeyaml import (
    IAC_MAX_BYTES,
    MAX_BYTES,
    MAX_DEPTH,
    YamlLoadError,
    check_structure,
    load_yaml,
)


def bomb(levels: int = 9) -> str:
    lines = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return "\n".join(lines) + "\n"


def test_anchors_that_share_a_large_block_are_not_a_bomb() -> None:
    # 60,000 nodes written once, used three times: 180,000 nodes expanded is past the
    # flat budget, yet only three times what is written.
    items = "".join(f"  - {i}\n" for i in range(60_000))
    text = f"shared: &s\n{items}again: *s\nthird: *s\n"
    assert len(load_yaml(text, max_bytes=None).data["third"]) == 60_000
    check_structure(text.encode())


@pytest.mark.parametrize("loader", ["load", "check"])
def test_an_alias_bomb_is_refused_where_it_grows(loader: str) -> None:
    with pytest.raises(YamlLoadError, match="alias bomb") as refused:
        if loader == "load":
            load_yaml(bomb())
        else:
            check_structure(bomb().encode())
    assert refused.value.line is not None


def test_nesting_past_the_budget_is_refused() -> None:
    deep = "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)
    shallow = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    for check in (load_yaml, lambda t: check_structure(t.encode())):
        with pytest.raises(YamlLoadError, match="nested deeper"):
            check(deep)
        check(shallow)


def test_structure_check_judges_every_document_and_no_syntax() -> None:
    with pytest.raises(YamlLoadError, match="alias bomb"):
        check_structure(("kind: A\n---\n" + bomb()).encode())
    with pytest.raises(YamlLoadError, match="alias bomb"):
        check_structure(b"# \xff\xfe not UTF-8\n" + bomb().encode())
    for data in (b"a: [unclosed\n", b"\x00\x01binary", b"\tx: }", b"", b"%YAML 9.9\n"):
        check_structure(data)


def test_the_size_budget_is_the_callers() -> None:
    big = "x: '" + "a" * MAX_BYTES + "'\n"
    with pytest.raises(YamlLoadError, match="the limit is"):
        load_yaml(big)
    assert len(load_yaml(big, max_bytes=None).data["x"]) == MAX_BYTES


def test_policy_sets_the_iac_size_limit() -> None:
    default = parse_policy(b"version: 1\n", "gate.yml", "file:gate.yml", None)
    assert default.iac_max_bytes == IAC_MAX_BYTES == 16 << 20
    raised = parse_policy(b"version: 1\niac: {max_file_mb: 64}\n", "g", "file:g", None)
    assert raised.iac_max_bytes == 64 << 20
    with pytest.raises(PolicyError, match="max_file_mb"):
        parse_policy(b"version: 1\niac: {max_file_mb: 0}\n", "g", "file:g", None)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Resources:\n  Fn:\n    Properties: {}\n    Properties: {}\n", 4),
        ("a: {x: 1, x: 2}\n", 1),
        ('{"Statement": [], "Statement": 1}\n', 1),
    ],
    ids=["block", "flow", "json"],
)
def test_a_key_written_twice_is_refused_where_it_repeats(text: str, line: int) -> None:
    """PyYAML keeps the last of two keys; js-yaml (the Serverless Framework) and
    checkov's parser refuse the file: the gate must not judge a value never deployed."""
    with pytest.raises(YamlLoadError, match=r"duplicate key .*\(first at line") as caught:
        load_yaml(text, allow_tags=True)
    assert caught.value.line == line


def test_merge_keys_and_keys_of_other_types_are_not_duplicates() -> None:
    text = "base: &b {x: 1}\nitem:\n  <<: *b\n  <<: {y: 2}\n  x: 3\n  1: a\n  '1': b\n"
    assert load_yaml(text).data["item"] == {"x": 3, "y": 2, 1: "a", "1": "b"}


def test_application_tags_are_kept_by_path_and_yamls_own_are_plain() -> None:
    """`!Ref X` arrives as "X", its tag kept apart; `!!str` is YAML's own: a string."""
    text = "a: !Ref X\nb: !!str /v\nc: !Join\n  - ''\n  - - !Ref P\n    - x\n"
    document = load_yaml(text, allow_tags=True)
    assert document.data == {"a": "X", "b": "/v", "c": ["", ["P", "x"]]}
    assert document.tags == {("a",): "Ref", ("c",): "Join", ("c", 1, 0): "Ref"}


def test_aliases_are_kept_by_path() -> None:
    # An alias's content is written at its anchor: a reader of a key's lines must know.
    # A merge key's entries are merged in place (`d.b`, at the anchor's line).
    text = "a: &x {b: 1}\nc: *x\nd:\n  <<: *x\n  e: [&y 2, *y]\n"
    document = load_yaml(text)
    assert document.aliases == {("c",), ("d", "b"), ("d", "e", 1)}
    assert document.positions["d", "b"] == (1, 8)
    assert not load_yaml("a: &x 1\nb: 2\n").aliases
