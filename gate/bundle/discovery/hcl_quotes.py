"""Quoted strings as hclsyntax's scanner finds them, where python-hcl2 may read more.

hclsyntax scans a quoted string's `${...}` and `%{...}` in its main mode: a newline is
allowed there, and `<<EOT` starts a heredoc that runs to the next line that is `EOT`
alone. python-hcl2 lexes the whole quoted string as one token that takes any character
but `}` and `"` in a sequence (newlines too): it makes no heredoc of it, so no heredoc's
end is checked, and what Terraform reads inside the heredoc may be blocks to the gate.
A quoted string's text over more than one line is refused by Terraform and read by
python-hcl2. The gate scans the text as hclsyntax does (comments, heredocs, quoted
strings and their sequences, nested) and refuses either, naming the line
(`check_quoted_strings`), before python-hcl2 reads the file: its own check of quotes,
line by line, is switched off by any line holding `= <<`.
"""

from __future__ import annotations

import re

from gate.bundle.discovery.hcl_text import GO_SPACES, HclTextError

_MAIN = re.compile(r'#|//|/\*|"|<<-?([A-Za-z_][\w-]*)\n|[{}]')
"""What changes hclsyntax's main mode: a comment, a quoted string, a heredoc's opening
line, a brace."""
_IN_QUOTES = re.compile(r'\\[^\n]|"|\n|\$\$\{|%%\{|[$%]\{')
"""What a quoted string's text holds that the scan acts on: an escape, its end, a
newline, a sequence (or its escape)."""
_IN_HEREDOC = re.compile(r"\$\$\{|%%\{|[$%]\{|\n")
_NESTED_QUOTED = re.compile(r'"(?:[^"\\\n]|\\.)*"')

_OVER_LINES = (
    "a quoted string runs over more than one line, which Terraform refuses and the gate's "
    "parser reads: close it on its line (a heredoc holds text of many lines)"
)
_UNCLOSED = "a quoted string is not closed: close it on its line"
_SEQUENCE_OVER_LINES = (
    "a quoted string's `${{...}}` or `%{{...}}` holds {what}, which Terraform reads as HCL "
    "(a heredoc runs to its marker's line) and the gate's parser as the string's text: "
    "write that expression in a local, on one line, without a heredoc"
)


def check_quoted_strings(text: str) -> None:
    """HclTextError at the first quoted string of `text` (lines ended by `\\n`) that
    Terraform and python-hcl2 may end apart: one over more than one line, unclosed, or
    one whose `${...}` or `%{...}` holds a newline or `<<`."""
    _main(text, 0, nested=False)


def _line(text: str, at: int) -> int:
    return text.count("\n", 0, at) + 1


def _main(text: str, at: int, nested: bool) -> int:
    """Scan main mode from `at`: to the end of `text`, or past the `}` that closes the
    sequence it is the body of (`nested`)."""
    depth = 0
    while (mark := _MAIN.search(text, at)) is not None:
        found, at = mark[0], mark.end()
        if found in ("#", "//"):
            newline = text.find("\n", at)
            at = len(text) if newline < 0 else newline
        elif found == "/*":
            closing = text.find("*/", at)
            at = len(text) if closing < 0 else closing + 2
        elif found == '"':
            at = _quoted(text, at)
        elif mark[1] is not None:
            at = _heredoc(text, at, mark[1])
        elif found == "{":
            depth += 1
        elif nested and depth == 0:
            return at
        else:
            depth -= 1
    return len(text)


def _quoted(text: str, start: int) -> int:
    """Past the end of the quoted string whose text starts at `start`."""
    at = start
    while (mark := _IN_QUOTES.search(text, at)) is not None:
        found, at = mark[0], mark.end()
        if found == '"':
            return at
        if found == "\n":
            raise HclTextError(_line(text, mark.start()), _OVER_LINES)
        if found in ("${", "%{"):
            at = _main(text, at, nested=True)
            _check_sequence(text, mark.start(), at)
    raise HclTextError(_line(text, start), _UNCLOSED)


def _check_sequence(text: str, start: int, end: int) -> None:
    """HclTextError where a quoted string's sequence holds a newline, or `<<` outside
    its own quoted strings."""
    written = text[start:end]
    if "\n" in written:
        raise HclTextError(_line(text, start), _SEQUENCE_OVER_LINES.format(what="a newline"))
    if "<<" in _NESTED_QUOTED.sub('""', written):
        raise HclTextError(_line(text, start), _SEQUENCE_OVER_LINES.format(what="`<<`"))


def _heredoc(text: str, at: int, marker: str) -> int:
    """Past a heredoc whose body starts at `at`: at the end of the first line that is
    its marker alone outside its sequences, as hclsyntax ends it (or of the text)."""
    line_start = True
    while True:
        if line_start:
            newline = text.find("\n", at)
            end = len(text) if newline < 0 else newline
            if text[at:end].strip(GO_SPACES) == marker:
                return end
        mark = _IN_HEREDOC.search(text, at)
        if mark is None:
            return len(text)
        at = mark.end()
        line_start = mark[0] == "\n"
        if mark[0] in ("${", "%{"):
            at = _main(text, at, nested=True)
