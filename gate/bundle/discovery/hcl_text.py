"""HCL text as hclsyntax reads it where python-hcl2 reads it otherwise: a line's end, a
heredoc's end, and a `<<-` heredoc's indentation.

A line ends at `\\n` or `\\r\\n` (hclsyntax `Newline`); a carriage return alone ends none,
and Terraform takes it for an error anywhere but in a comment. Reading a file with
universal newlines makes it a line's end, so the gate reads a `.tf` file's bytes as they
are (`read_hcl`) and refuses a lone one (`hcl_lines`).

A heredoc ends, for hclsyntax (`heredocLiteralEOL`), at the first line outside its
template sequences that is its marker alone once Go's whitespace is trimmed, its first line
too; python-hcl2 ends it at the first line after its first that starts with the marker
after any of Python's whitespace, whatever follows. The gate requires both to end it on
the same line (`check_heredoc_end`).

A `<<-` heredoc is trimmed as hclsyntax `flushHeredocTemplateParts` trims it (python-hcl2
counts only spaces and counts blank lines too). Terraform looks at the first part of
each line: literal text (after the strip markers `${~` and `~}` have trimmed it), or a
template sequence, which counts as no indentation. It takes the smallest number of
leading whitespace characters (Go's `unicode.IsSpace`: tabs, form feeds, any Unicode
space) of those literals that are not whitespace only up to their newline, and removes
that many from each of them, counting grapheme clusters; a whitespace-only line keeps
its whitespace. Template sequences stay as written, strip markers too: the text is what
Terraform renders, once they are applied (`flush_trimmed`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

GO_SPACES = (
    "\t\n\v\f\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)
"""The characters Go's `unicode.IsSpace` (Unicode's White_Space) takes for whitespace;
Python's `str.isspace` takes more (`\\x1c` to `\\x1f`)."""

_LONE_CARRIAGE_RETURN = re.compile(r"\r(?!\n)")
_LITERAL = re.compile(r"[^\n$%]*\n|[^\n$%]+|[$%]")
"""One literal token as hclsyntax scans a heredoc: up to and with a newline, or up to a
`$` or `%`, or that sign alone."""


class HclTextError(ValueError):
    """HCL text Terraform may read otherwise than the gate: refused, at its line."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        """The line of the file, 1-based."""


def check_heredoc_end(
    written: str, first_line: int, marker: str, sequences: Iterable[tuple[int, int]]
) -> None:
    """HclTextError unless hclsyntax ends a heredoc where python-hcl2 ended it: `written`
    is its text from its first line to its closing line as python-hcl2 lexed them (the
    first on line `first_line` of the file; the closing line without its newline), its
    template sequences at `sequences`, as (start, end)."""
    spans = list(sequences)
    for start, end in spans:
        if _unsure_sequence(written[start:end]):
            raise HclTextError(first_line + written.count("\n", 0, start), _UNSURE_SEQUENCE)
    closing = written.rfind("\n") + 1
    terraform_end = next(
        (
            at
            for at, line in _lines(written)
            if line.strip(GO_SPACES) == marker and not any(s < at < e for s, e in spans)
        ),
        None,
    )
    if terraform_end != closing:
        said = _NOT_CLOSED if terraform_end is None else _CLOSED_EARLIER
        at = closing if terraform_end is None else terraform_end
        raise HclTextError(first_line + written.count("\n", 0, at), said.format(marker=marker))


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """Each line of `text` (split at `\\n`), with where it starts."""
    at = 0
    for line in text.split("\n"):
        yield at, line
        at += len(line) + 1


_CLOSED_EARLIER = (
    "Terraform ends a heredoc on this line (its marker `{marker}` alone), where the gate's "
    "parser reads on to a later one (it ends no heredoc whose text is empty or one empty "
    "line): write such a text as a quoted string"
)
_NOT_CLOSED = (
    "a heredoc's closing line is not its marker `{marker}` alone (nothing but whitespace "
    "around it, outside any `${{...}}` or `%{{...}}`): Terraform reads on past it, where the "
    "gate's parser ends the heredoc; put nothing else on a heredoc's closing line"
)
_UNSURE_SEQUENCE = (
    "a heredoc's `${...}` or `%{...}` holds a comment, a heredoc or a quoted template, so the "
    "gate cannot be sure where Terraform ends it, nor the heredoc; write that expression "
    "without them (a local can hold it)"
)
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_HIDES_A_BRACE = ("#", "//", "/*", "<<")
"""What may hold a brace hclsyntax does not count in a template sequence, and the gate's
count (gate.bundle.discovery.hcl `_closing`) would: a comment, a heredoc."""


def _unsure_sequence(written: str) -> bool:
    """Whether the gate may find a template sequence's end elsewhere than hclsyntax: it
    holds, outside its quoted strings, what may hide a brace, or a quoted template
    holding a sequence of its own."""
    body = written[2:]
    outside = _QUOTED.sub('""', body)
    quoted = "".join(_QUOTED.findall(body))
    return any(mark in outside for mark in _HIDES_A_BRACE) or "${" in quoted or "%{" in quoted


def read_hcl(path: Path) -> str:
    """A `.tf` file's text as written (UnicodeDecodeError for text not UTF-8, OSError):
    universal newlines would make a lone carriage return a line's end, which Terraform
    does not (`hcl_lines`)."""
    return path.read_bytes().decode("utf-8")


def hcl_lines(text: str) -> str:
    """`text` with each `\\r\\n` made `\\n`, as hclsyntax ends a line at either.
    HclTextError for a carriage return alone: the gate's parser would end a line there
    (a comment, a heredoc's closing marker), and Terraform does not."""
    lone = _LONE_CARRIAGE_RETURN.search(text)
    if lone is not None:
        raise HclTextError(
            text.count("\n", 0, lone.start()) + 1,
            "a carriage return with no line feed after it, which Terraform does not take "
            "for a line's end, as the gate's parser would: save the file with `\\n` or "
            "`\\r\\n` line endings",
        )
    return text.replace("\r\n", "\n")


@dataclass
class _Part:
    """A literal token or a template sequence of a heredoc's body."""

    written: str
    """Its text in the file."""
    at: int
    """Where it starts in the body."""
    literal: bool
    """Literal text, not a sequence."""
    value: str = ""
    """A literal's text once the strip markers next to it have trimmed it: what the
    trim counts."""


def flush_trimmed(body: str, first_line: int, sequences: Iterable[tuple[int, int]]) -> str:
    """`body` (a `<<-` heredoc's lines, each with its newline, the first on line
    `first_line` of the file; its template sequences at `sequences`, as (start, end)) as
    Terraform trims it. HclTextError naming the line where the gate cannot be sure of
    Terraform's trim: a mark joined to the last character it removes from a line."""
    parts = _stripped(_parts(body, sequences))
    least, trimmed = _least_indentation(parts)
    out = []
    for index, part in enumerate(parts):
        if index in trimmed and least:
            if _splits_a_cluster(part.written, least):
                raise HclTextError(first_line + body.count("\n", 0, part.at), _UNSURE_CLUSTER)
            out.append(part.written[least:])
        else:
            out.append(part.written)
    return "".join(out)


_UNSURE_CLUSTER = (
    "a `<<-` heredoc's line is indented with a space a combining character follows, which "
    "Terraform trims as one character (a grapheme cluster): the gate cannot be sure of the "
    "text it deploys; start no line of it with a combining character, or use `<<`"
)


def _parts(body: str, sequences: Iterable[tuple[int, int]]) -> list[_Part]:
    """The body's literal tokens and template sequences, in order."""
    parts, last = [], 0
    for start, end in sequences:
        parts += _literals(body, last, start)
        parts.append(_Part(body[start:end], start, literal=False))
        last = end
    return parts + _literals(body, last, len(body))


def _literals(body: str, start: int, end: int) -> list[_Part]:
    return [
        _Part(token[0], token.start(), literal=True, value=token[0])
        for token in _LITERAL.finditer(body, start, end)
    ]


def _stripped(parts: list[_Part]) -> list[_Part]:
    """`parts`, each literal next to a strip marker trimmed on that side (`${~` or `%{~`
    its end, `~}` the start of the literal after it), as hclsyntax does before trimming."""
    for index, part in enumerate(parts):
        if part.literal:
            continue
        before = parts[index - 1] if index else None
        after = parts[index + 1] if index + 1 < len(parts) else None
        if part.written[2:3] == "~" and before is not None and before.literal:
            before.value = before.value.rstrip(GO_SPACES)
        if part.written.endswith("~}") and after is not None and after.literal:
            after.value = after.value.lstrip(GO_SPACES)
    return parts


def _least_indentation(parts: list[_Part]) -> tuple[int, set[int]]:
    """The indentation Terraform removes, and the parts (by index) it removes it from:
    the literal that starts each line, a blank line's aside."""
    least: int | None = None
    trimmed: set[int] = set()
    line_start = True
    for index, part in enumerate(parts):
        if line_start:
            spaces = _indentation(part)
            if spaces is not None:
                least = spaces if least is None else min(least, spaces)
                if part.literal:
                    trimmed.add(index)
        line_start = part.literal and part.value.endswith("\n")
    return least or 0, trimmed


def _indentation(part: _Part) -> int | None:
    """How many whitespace characters lead the first part of a line (none for a template
    sequence); None for a blank line's, whitespace only up to its newline."""
    if not part.literal:
        return 0
    rest = part.value.lstrip(GO_SPACES)
    if not rest and part.value.endswith("\n"):
        return None
    return len(part.value) - len(rest)


def _splits_a_cluster(line: str, least: int) -> bool:
    """Whether removing `least` characters from `line` may end within a grapheme cluster:
    where they are all its indentation, the last a space (not a control character, which
    a cluster never extends) and a character that may extend one follows."""
    indentation = len(line) - len(line.lstrip(GO_SPACES))
    if least < indentation or unicodedata.category(line[least - 1]) != "Zs":
        return False
    follower = line[least : least + 1]
    return bool(follower) and (
        follower in _EXTENDING or unicodedata.category(follower) in _EXTENDING_CATEGORIES
    )


# Characters that may join the one before them into a grapheme cluster (Unicode's
# Extend, ZWJ and SpacingMark), taken broadly: marks, format and unassigned characters
# (a newer Unicode may make one a mark), and the few letters and symbols among them.
_EXTENDING_CATEGORIES = {"Mn", "Mc", "Me", "Cf", "Cn", "Co"}
_EXTENDING = {"\u0e33", "\u0eb3", "\uff9e", "\uff9f", *map(chr, range(0x1F3FB, 0x1F400))}
