"""Inline suppressions count only in real comments: `# nosec` by Python's tokenizer,
`checkov:skip=` after a `#` or `//` that starts a comment outside quotes."""

from __future__ import annotations

import pytest

from gate.scanners.inline import checkov_skip, comment_of, comments, nosec


def test_comments_are_python_comment_tokens() -> None:
    source = b'x = "ls # nosec"  # nosec B602 -- reviewed\n"""\n# nosec\n"""\ny = f"{x} # nosec"\n'
    assert comments(source) == {1: "# nosec B602 -- reviewed"}


def test_a_file_that_does_not_tokenize_has_no_comments() -> None:
    assert comments(b'x = 1  # nosec\ny = """never closed\n') == {}


def test_comments_honour_the_coding_line() -> None:
    assert comments(b"# coding: latin-1\nx = '\xe9'  # nosec\n") == {
        1: "# coding: latin-1",
        2: "# nosec",
    }


def test_nosec_reads_ids_and_reason() -> None:
    found = nosec(
        "# nosec B602,B607 -- reviewed", "B602", "subprocess_popen_with_shell_equals_true"
    )
    assert found is not None and found.reason == "reviewed"
    assert nosec("# nosec B101", "B602", "x") is None


@pytest.mark.parametrize(
    ("line", "comment"),
    [
        ("    # checkov:skip=A:b", "# checkov:skip=A:b"),
        ("x: 1 # checkov:skip=A", "# checkov:skip=A"),
        ('Description: "a # checkov:skip=A"', ""),
        ("Description: 'it''s # x' # real", "# real"),
        ("Description: don't # real", "# real"),
        ('x = "a\\" # no" // yes', "// yes"),
        ("url: http://x#frag", ""),
        ('k: "unterminated # x', ""),
        ('{"Description": "# checkov:skip=A"}', ""),
    ],
)
def test_comment_of(line: str, comment: str) -> None:
    assert comment_of(line) == comment


def test_checkov_skip_only_in_a_comment() -> None:
    assert checkov_skip(['Description: "# checkov:skip=CKV_AWS_116:x"'], "CKV_AWS_116") is None
    found = checkov_skip(["    # checkov:skip=CKV_AWS_116:retried"], "CKV_AWS_116")
    assert found is not None and found.reason == "retried"
