"""HCL text as Terraform reads it: the parse both Terraform readers share, and the
template scanner every judgement "this text holds nothing Terraform inserts" uses.

python-hcl2 keeps a quoted string's escapes as written (`\\u0027` is six characters);
Terraform undoes them before anything reads the value, so a reader of the raw text
judges another value than the one deployed. A heredoc's text keeps its backslashes: HCL
undoes no escapes there (hclsyntax spec, "Template Expressions"). In both, `$${` and
`%%{` stay as written: they are the template's own escapes, which `template_sequences`
reads. Where python-hcl2 reads the text itself otherwise than hclsyntax (a `<<-`
heredoc's indentation, a carriage return alone), gate.bundle.discovery.hcl_text does.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import re
import sys
import tempfile
from collections.abc import Iterator
from typing import Any

from gate.bundle.discovery.hcl_quotes import check_quoted_strings
from gate.bundle.discovery.hcl_text import check_heredoc_end, flush_trimmed, hcl_lines
from gate.places import cache_dir, private_dir

_HCL_ESCAPE = re.compile(r'\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[nrt"\\])?')
"""A backslash and the escape it starts in a quoted string (none: a malformed escape)."""
_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def template_sequences(text: str) -> Iterator[tuple[int, int]]:
    """Where each interpolation (`${...}`) and directive (`%{...}`) of an HCL template
    is, as (start, end), read as hclsyntax's scanner reads them (`TemplateNotInterp`,
    `TemplateNotControl`): `$${` and `%%{` are escapes, and a `$` or `%` before anything
    but `{` is a plain character, so `%${` and `$%{` start one. An unclosed one runs to
    the end of the text."""
    at = 0
    while at < len(text):
        if text.startswith(("$${", "%%{"), at):
            at += 3
        elif text.startswith(("${", "%{"), at):
            end = _closing(text, at + 2)
            yield at, end
            at = end
        else:
            at += 1


def templated(text: str) -> bool:
    """Whether an HCL template holds an interpolation or a directive: text only
    Terraform works out."""
    return next(template_sequences(text), None) is not None


def rendered(text: str) -> str | None:
    """A template's text as Terraform renders it, where it holds no interpolation or
    directive: its own escapes undone (`$${` is `${`, `%%{` is `%{`); None where it holds
    one (its value is not in the text)."""
    if templated(text):
        return None
    return _TEMPLATE_ESCAPE.sub(lambda escape: escape[0][1:], text)


def made_by_terraform(text: str) -> bool:
    """Whether a name or path Terraform reads may differ from its text: it holds an
    interpolation, a directive or a template escape (`${`, `%{`, `$${`, `%%{`). The simple
    rule for a judge that takes only a name as written."""
    return "${" in text or "%{" in text


_TEMPLATE_ESCAPE = re.compile(r"\$\$\{|%%\{")


def _closing(text: str, at: int) -> int:
    """The end of the sequence whose body starts at `at`: past the `}` that closes it,
    braces inside its quoted strings apart."""
    depth, quoted = 1, False
    while at < len(text):
        char = text[at]
        if quoted and char == "\\":
            at += 1
        elif char == '"':
            quoted = not quoted
        elif not quoted and char in "{}":
            depth += 1 if char == "{" else -1
            if depth == 0:
                return at + 1
        at += 1
    return len(text)


def unescaped(text: str) -> str:
    """A quoted string's text as Terraform reads it: its escapes undone outside its
    interpolations and directives (whose text is an expression, left as written).
    ValueError for a backslash that starts no HCL escape, which Terraform refuses."""
    parts, last = [], 0
    for start, end in template_sequences(text):
        parts += [_HCL_ESCAPE.sub(_escaped, text[last:start]), text[start:end]]
        last = end
    return "".join([*parts, _HCL_ESCAPE.sub(_escaped, text[last:])])


def _escaped(match: re.Match[str]) -> str:
    """The character an escape stands for; ValueError for a backslash that starts none,
    or a code point past Unicode."""
    if match[1] in _SIMPLE:
        return _SIMPLE[match[1]]
    if match[1] is not None and int(match[1][1:], 16) <= 0x10FFFF:
        return chr(int(match[1][1:], 16))
    written = match[0] if match[1] else match.string[match.start() : match.start() + 2]
    raise ValueError(f"a quoted string holds `{written}`, which is not an HCL escape")


def hcl_loads(text: str) -> dict[str, Any]:
    """A Terraform file (its text as written, `read_hcl`) as python-hcl2 parses it, each
    quoted string (an attribute's value, a map's key, a block's label, a literal in
    `jsonencode(...)`) with its escapes undone (`unescaped`), heredocs as written but a
    `<<-` heredoc's indentation trimmed as Terraform trims it (`flush_trimmed`), each
    without its last newline. HclTextError (a ValueError naming the line) for text
    Terraform may read otherwise than the gate (`hcl_lines`, `flush_trimmed`, a heredoc
    Terraform ends elsewhere: `check_heredoc_end`; a quoted string Terraform ends
    elsewhere: `check_quoted_strings`); ValueError (and lark's errors) for
    text that is not valid HCL."""
    text = hcl_lines(text)
    check_quoted_strings(text)
    loads = _python_hcl2()
    parsed: dict[str, Any] = loads(text)
    if "\\" not in text and "<<" not in text:
        return parsed
    # Parsed again, now that python-hcl2's own check (an unclosed quote, which would make
    # its lexer backtrack without end) has passed, to see where each heredoc ends, which
    # strings were quoted and what each `<<-` heredoc holds as written.
    from hcl2.parser import Hcl2
    from lark.exceptions import VisitError

    tree = Hcl2.lark_parser.parse(text + "\n")
    for heredoc in tree.find_pred(lambda node: node.data in _HEREDOCS):
        _check_end(text, heredoc.children[0])
    try:
        decoded: dict[str, Any] = _transformer()().transform(tree)
    except VisitError as e:  # a malformed escape: its own message, not lark's wrapper
        raise e.orig_exc from e
    return decoded


_HEREDOCS = ("heredoc_template", "heredoc_template_trim")


def _check_end(text: str, token: Any) -> None:
    """HclTextError unless Terraform ends the heredoc python-hcl2 lexed as `token` on
    the line python-hcl2 ended it (`check_heredoc_end`)."""
    opening = text.index("\n", token.start_pos)
    marker = text[token.start_pos : opening].lstrip("<-")
    closing_end = text.find("\n", token.end_pos)
    written = text[opening + 1 : len(text) if closing_end < 0 else closing_end]
    check_heredoc_end(written, token.line + 1, marker, template_sequences(written))


def _python_hcl2() -> Any:
    """python-hcl2's parser, imported only when there is Terraform to read, and built
    where its grammar cache is private: lark keeps that cache, a pickle, in the temp dir
    and loads it on the next start, and a shared /tmp is anyone's to plant one in."""
    if "hcl2.api" not in sys.modules:
        with contextlib.ExitStack() as stack:
            private = private_dir(cache_dir() / "worker-tmp")
            where = str(private) if private else stack.enter_context(tempfile.TemporaryDirectory())
            saved, tempfile.tempdir = tempfile.tempdir, where
            stack.callback(setattr, tempfile, "tempdir", saved)
            importlib.import_module("hcl2.api")
    from hcl2.api import loads

    return loads


@functools.cache
def _transformer() -> type:
    """python-hcl2's transformer, undoing the escapes of each quoted string where it
    still knows the string was quoted (and not a heredoc), and trimming each `<<-`
    heredoc from its text as written."""
    from hcl2.transformer import DictTransformer, Heredoc

    class AsTerraformReads(DictTransformer):
        def to_string_dollar(self, value: Any) -> Any:
            written = super().to_string_dollar(value)
            return _quoted(value, written, Heredoc)

        def strip_quotes(self, value: Any) -> Any:
            return _quoted(value, super().strip_quotes(value), Heredoc)

        def heredoc_template_trim(self, args: list[Any]) -> Any:
            return Heredoc(f'"{_trimmed_heredoc(args[0])}"')

    return AsTerraformReads


def _trimmed_heredoc(token: Any) -> str:
    """A `<<-` heredoc's value, from its lexer token (the opening line to the closing
    marker), trimmed as Terraform trims it and without its last newline, as python-hcl2
    gives a heredoc."""
    written = str(token)
    body = written[written.index("\n") + 1 : written.rindex("\n") + 1]
    return flush_trimmed(body, token.line + 1, template_sequences(body))[:-1]


def _quoted(value: Any, written: Any, heredoc: type) -> Any:
    """`written`, unescaped when python-hcl2 made it of a quoted string by dropping its
    quotes."""
    quoted = isinstance(value, str) and not isinstance(value, heredoc) and value.startswith('"')
    if quoted and written == value[1:-1]:
        return unescaped(written)
    return written
