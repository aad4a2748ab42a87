"""A fifty-sixth hostile review of `gate check`, on reviews 53-55's fixes: the HCL reader
both Terraform readers share (gate.bundle.discovery.hcl `hcl_loads`, `unescaped`,
`template_sequences`, `rendered`) and the inline code it hands on (gate.bundle.discovery
.terraform `_written`, `_literal`, `_tf_inline`).

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 1 or 0 with the hostile harness's policy (checkov off) but without the
finding the same code written plainly blocks on, so a bundle whose only problem is that
code exits 0. The baseline (the same code as Terraform deploys it, in one run) blocks on
GATE-SLS-002 (critical, event data run as Python code) or GATE-SLS-004 (critical, event
data unpickled). What lets each through:

1. A `<<-` heredoc is trimmed by python-hcl2, not as Terraform trims it. Terraform
   (hclsyntax `flushHeredocTemplateParts`; the spec suite's `indent.tabs`,
   `indent.unicode_spaces`, `indent.newlines_between`) removes from each line the
   smallest number of leading whitespace characters (any `unicode.IsSpace`, counted as
   grapheme clusters) of the lines that are not blank. python-hcl2's
   `heredoc_template_trim` (the parse `hcl_loads` returns, heredocs "as written") counts
   only `" "` and counts every line, blank ones too. Lines that start with form feeds
   (`\\f\\f\\f\\f def handler...`) are trimmed by four by Terraform and not at all by the
   gate, and Python reads a line's indentation from after its last form feed (CPython's
   tokenizer resets the column at `\\f`): both texts parse, with different blocks. A line
   written with eight spaces after lines led by `\\f\\f\\f\\f` and four spaces is, in the
   gate's copy, in the body of a nested `def helper(event):` that rebinds its own
   `event` to a constant and is never called; in the file Terraform writes it is in the
   handler's body, where `event` is the event: `return eval(event['c'])` (or
   `pickle.loads(event['c'])`). The staged copy (`main.tf.inline/...`) shows no taint:
   bandit's B307/B301 (medium, allowed) alone. (a) an `archive_file`'s `source {
   content = <<-EOT }` (eval); (b) its `source_content` (pickle); (c) an
   `awscc_lambda_function`'s `code.zip_file` (eval). Each exits 0 with B307 or B301
   (allowed) and GATE-IAC-015 (allowed), where the same function written as Terraform
   writes it (the heredoc trimmed by hand) blocks (GATE-SLS-002, GATE-SLS-004). A
   blank line alone (or spaces-only lines, or tabs) makes the gate's copy more
   indented than Terraform's; with spaces, Python then cannot parse it and the gate
   refuses it (exit 2, though with the misleading hint that the function's Python
   (3.12) is newer than the gate's): held, but the same divergence.
   Suggested fix, by class: do not take python-hcl2's `<<-` trimming. Re-trim each
   `<<-` heredoc from its raw text as hclsyntax does (lines not blank, leading
   `unicode.IsSpace` characters counted as grapheme clusters, the same count removed
   from each such line), or refuse a `<<-` heredoc whose lines start with any
   whitespace but `" "` or that holds a blank or whitespace-only line, where the two
   trims differ. The same holds for every other use of a heredoc's text (template
   bodies, policies read by the IAM rules).

What held (tried for real): the same `<<-` Python indented with spaces and one blank
line (refused, exit 2: unexpected indent).

What was not covered: setup.cfg and build backends (focus 2) and diff mode and baselines
(focus 3) were not attacked for lack of time; nested quotes in interpolations
(`_closing` ends `${ "x${"}"}" }` early, so `unescaped` undoes escapes inside an
interpolation, which only makes a templated value more templated: no trick built), and
a lone carriage return (the gate reads `.tf` files with universal newlines, hclsyntax's
newline is `\\n` or `\\r\\n`), whose effect on heredoc ends was not checked against
Terraform.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.conftest import Layout, each_blocked_or_refused, each_blocks, files

FF = "\f\f\f\f"
"""Four form feeds: four characters Terraform trims from a `<<-` heredoc's line, and
python-hcl2 does not; CPython counts a line's indentation from after them."""


def tricked(sink: str) -> str:
    """A handler as the gate's copy of a `<<-` heredoc reads it: `sink` (a call on
    `event['c']`) in a helper that rebinds `event` and is never called."""
    return (
        f"{FF}import pickle\n"
        f"{FF}def handler(event, context):\n"
        f"{FF}    def helper(event):\n"
        f"{FF}        event = {{'c': '1'}}\n"
        f"        return {sink}\n"
        f"{FF}    return helper\n"
    )


def trimmed(text: str) -> str:
    """`text` trimmed as Terraform trims a `<<-` heredoc: the smallest count of leading
    whitespace of the lines that are not blank, removed from each of them."""
    lines = text.split("\n")
    least = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return "\n".join(line[least:] if line.strip() else line for line in lines)


FUNCTION = (
    'resource "aws_lambda_function" "fn" {\n  function_name = "orders"\n'
    '  role = "arn:aws:iam::123456789012:role/orders"\n  runtime = "python3.12"\n'
    '  handler = "index.handler"\n  filename = data.archive_file.fn.output_path\n}\n'
)


def archive_source(code: str) -> Layout:
    """An archive_file whose `source {}` block writes `index.py` from a `<<-` heredoc."""
    main = (
        'data "archive_file" "fn" {\n  type = "zip"\n  output_path = "build/fn.zip"\n'
        '  source {\n    filename = "index.py"\n    content = <<-EOT\n'
        + code
        + "EOT\n  }\n}\n"
        + FUNCTION
    )
    return files({"main.tf": main})


def archive_content(code: str) -> Layout:
    """An archive_file whose `source_content` writes `index.py` from a `<<-` heredoc."""
    main = (
        'data "archive_file" "fn" {\n  type = "zip"\n  output_path = "build/fn.zip"\n'
        '  source_content_filename = "index.py"\n  source_content = <<-EOT\n'
        + code
        + "EOT\n}\n"
        + FUNCTION
    )
    return files({"main.tf": main})


def awscc(code: str) -> Layout:
    """An awscc function whose `code.zip_file` (index.py) is a `<<-` heredoc."""
    main = (
        'resource "awscc_lambda_function" "fn" {\n  function_name = "orders"\n'
        '  role = "arn:aws:iam::123456789012:role/orders"\n  runtime = "python3.12"\n'
        '  handler = "index.handler"\n  code = {\n    zip_file = <<-EOT\n' + code + "EOT\n  }\n}\n"
    )
    return files({"main.tf": main})


EVAL = "eval(event['c'])"
PICKLE = "pickle.loads(event['c'])"

BASELINES: dict[str, tuple[Layout, str]] = {
    "1a-source-block": (archive_source(trimmed(tricked(EVAL))), "GATE-SLS-002"),
    "1b-source-content": (archive_content(trimmed(tricked(PICKLE))), "GATE-SLS-004"),
    "1c-awscc-zip-file": (awscc(trimmed(tricked(EVAL))), "GATE-SLS-002"),
}

TRICKS: dict[str, Layout] = {
    "1a-source-block": archive_source(tricked(EVAL)),
    "1b-source-content": archive_content(tricked(PICKLE)),
    "1c-awscc-zip-file": awscc(tricked(EVAL)),
}


def test_the_plain_forms_block(tmp_path: Path) -> None:
    """The code as Terraform writes it blocks, each in its reader."""
    each_blocks(tmp_path, BASELINES)


@pytest.mark.xfail(
    strict=True,
    reason="review 56 class 1: python-hcl2 trims a <<- heredoc otherwise than Terraform "
    "(hcl_loads); the staged inline code is not the deployed code",
)
def test_a_trimmed_heredoc_is_read_as_terraform_trims_it(tmp_path: Path) -> None:
    """The same heredocs, written with form feeds that Terraform trims and the gate keeps:
    each blocked, or refused."""
    each_blocked_or_refused(tmp_path, TRICKS)
