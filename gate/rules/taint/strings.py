"""Formatted strings taken apart: the literal text and the values put into it, in
order, for f-strings, `+`, `%` and `str.format`. The text before the first event data
tells whether a URL's host is fixed."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator


def string_parts(node: ast.expr) -> Iterator[str | ast.expr]:
    """A formatted string as literal text and the expressions put into it, in order."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        for value in node.values:
            yield from string_parts(value.value if isinstance(value, ast.FormattedValue) else value)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        yield from string_parts(node.left)
        yield from string_parts(node.right)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        if isinstance(node.left, ast.Constant) and isinstance(node.left.value, str):
            yield from _percent_parts(node.left.value, node.right)
        else:
            yield node.left
            yield node.right
    else:
        yield node


# A width never starts with 0 (that is a flag): `[-#0 +]*\d+` would split a run of zeros
# every way before failing, quadratic in the run.
_PERCENT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*(?:[1-9]\d*|\*)?(?:\.\d+)?[sdrifxXoeEgGca]")


def _percent_parts(template: str, values: ast.expr) -> Iterator[str | ast.expr]:
    """`"... %s ..." % (a, b)` as text and values."""
    items = values.elts if isinstance(values, ast.Tuple) else [values]
    named = (
        dict(zip(values.keys, values.values, strict=True)) if isinstance(values, ast.Dict) else {}
    )
    position = 0
    for literal, match in _split(_PERCENT, template):
        yield literal
        if match is None:
            continue
        if match.group(1):
            key = next(
                (k for k in named if isinstance(k, ast.Constant) and k.value == match.group(1)),
                None,
            )
            if key is not None:
                yield named[key]
        elif position < len(items):
            yield items[position]
            position += 1
    yield from items[position:] if not named else ()


def _split(pattern: re.Pattern[str], text: str) -> Iterator[tuple[str, re.Match[str] | None]]:
    start = 0
    for match in pattern.finditer(text):
        yield text[start : match.start()], match
        start = match.end()
    yield text[start:], None


def format_parts(call: ast.Call, template: ast.expr) -> Iterator[str | ast.expr]:
    """`"...{}...".format(a, b)` as text and values; an unknown template as a value."""
    if not (isinstance(template, ast.Constant) and isinstance(template.value, str)):
        yield template
        yield from call.args
        yield from (k.value for k in call.keywords)
        return
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    position = 0
    try:
        fields = list(string.Formatter().parse(template.value))
    except ValueError:
        fields = [(template.value, None, None, None)]
    for literal, field, _, _ in fields:
        yield literal
        if field is None:
            continue
        key = re.split(r"[.\[]", field, maxsplit=1)[0]
        if key == "" and position < len(call.args):
            yield call.args[position]
            position += 1
        elif key.isdigit() and int(key) < len(call.args):
            yield call.args[int(key)]
        elif key in keywords:
            yield keywords[key]
