"""Serverless Framework variables the rules resolve without leaving the bundle.

`${self:custom.x}` is the same document's own text, and `${file(./iam.yml)}` another
file of the bundle: a rule that took them for "resolved at deploy time" would let them
hide a wildcard or a plaintext secret. They are resolved here, and only they: a
`${file()}` only to a regular file inside the bundle, read through the gate's YAML
loader and its budgets; never `${env:}`, `${opt:}`, `${ssm:}` or anything outside.

A variable may name fallbacks, tried in order: `${self:custom.act, 's3:GetObject'}`,
`${env:ACTION, '*'}`, `${opt:stage, self:provider.stage, 'dev'}`. The value is the first
the bundle decides; a source only the deploy knows (`env:`, `opt:`, `ssm:`...) is
passed over, because the deploy takes the fallback wherever that source is unset. A
variable with nothing the bundle decides is left as written, and still judged as
written (an action the gate does not know, a value that is no literal).

Resolution has budgets, and going over one is an error (a rule that raises makes the
scan an error), never a value left as written: a chain deeper than MAX_DEPTH (a cycle,
which the framework refuses too) and more than MAX_STEPS values in all (a file that
includes itself many times grows exponentially).
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from gate.safeyaml import IAC_MAX_BYTES
from gate.serverless.context import BundleContext

MAX_DEPTH = 16
"""Variables resolved through this many others: no real service writes such a chain."""
MAX_STEPS = 50_000
"""Values produced resolving one serverless.yml, across every variable in it."""

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_FILE = re.compile(r"^file\(([^()${}\s]+)\)(?::([A-Za-z0-9_.\-]*))?$")
_SELF = re.compile(r"^self:([A-Za-z0-9_.\-]*)$")
_UNRESOLVED = object()
"""What `Variables._variable` returns for a variable the bundle does not decide."""


class VariablesTooLarge(ValueError):
    """The variables of a serverless.yml go deeper or expand further than the budgets."""


class Variables:
    """Resolves the variables of one serverless.yml (`data`, at `iac_file` in `context`)."""

    def __init__(self, context: BundleContext | None, iac_file: str, data: Any) -> None:
        self.context = context
        self.iac_file = iac_file
        self.data = data
        self._steps = 0

    def resolve(self, value: Any, depth: int = 0) -> Any:
        """`value` with every `${self:...}` and in-bundle `${file(...)}` it holds
        replaced by what it stands for, as far as the bundle says."""
        self._spend(depth)
        if isinstance(value, dict):
            return {key: self.resolve(inner, depth) for key, inner in value.items()}
        if isinstance(value, list):
            return [self.resolve(inner, depth) for inner in value]
        if not isinstance(value, str) or "${" not in value:
            return value
        spans = variable_spans(value)
        if len(spans) == 1 and spans[0] == (0, len(value)):
            found = self._variable(value[2:-1], depth)
            return value if found is _UNRESOLVED else found
        return self.text(value, depth)

    def text(self, value: str, depth: int = 0) -> str:
        """A string with each variable in it that stands for a scalar written out."""
        pieces, end = [], 0
        for start, stop in variable_spans(value):
            found = self._variable(value[start + 2 : stop - 1], depth)
            scalar = isinstance(found, (str, int, float)) and not isinstance(found, bool)
            pieces += [value[end:start], str(found) if scalar else value[start:stop]]
            end = stop
        return "".join(pieces) + value[end:]

    def _spend(self, depth: int) -> None:
        self._steps += 1
        if depth > MAX_DEPTH:
            raise VariablesTooLarge(
                f"{self.iac_file}: variables refer to each other more than {MAX_DEPTH} deep"
                " (a cycle?)"
            )
        if self._steps > MAX_STEPS:
            raise VariablesTooLarge(
                f"{self.iac_file}: variables expand to more than {MAX_STEPS} values"
            )

    def _variable(self, inner: str, depth: int) -> Any:
        """What `${inner}` stands for: its first source the bundle decides, in order."""
        for source in split_sources(inner):
            found = self._source(source, depth + 1)
            if found is not _UNRESOLVED and not _is_variable(found):
                return found
        return _UNRESOLVED

    def _source(self, source: str, depth: int) -> Any:
        self._spend(depth)
        if len(source) >= 2 and source[0] == source[-1] and source[0] in "'\"":
            return source[1:-1]
        if _NUMBER.match(source):
            return float(source) if "." in source else int(source)
        if source.startswith("${") and variable_spans(source) == [(0, len(source))]:
            return self._variable(source[2:-1], depth)
        source = self.text(source, depth) if "${" in source else source
        own = _SELF.match(source)
        if own:
            return self._found(_at(self.data, own[1]), depth)
        included = _FILE.match(source)
        if included:
            return self._found(_at(self._file(included[1]), included[2] or ""), depth)
        return _UNRESOLVED  # a source only the deploy knows

    def _found(self, value: Any, depth: int) -> Any:
        return _UNRESOLVED if value is None else self.resolve(value, depth)

    def _file(self, name: str) -> Any:
        """A YAML or JSON file of the bundle beside the serverless.yml; None if it is not
        a regular file inside the bundle, too large, or not YAML the gate reads."""
        if self.context is None or name.startswith(("/", "~")):
            return None
        relative = posixpath.normpath(posixpath.join(posixpath.dirname(self.iac_file), name))
        if relative.startswith("../") or relative == "..":
            return None
        root = self.context.root.resolve()
        path = (self.context.root / relative).resolve()
        try:
            if not path.is_relative_to(root) or not path.is_file():
                return None
            if path.stat().st_size > IAC_MAX_BYTES:
                return None
        except OSError:
            return None
        document = self.context.yaml(path.relative_to(root).as_posix())
        return None if document is None else document.data


def variable_spans(text: str) -> list[tuple[int, int]]:
    """(start, stop) of each outermost `${...}` in `text`, nested ones and quoted braces
    inside it included; an unclosed `${` is text."""
    spans: list[tuple[int, int]] = []
    start = text.find("${")
    while start != -1:
        stop = _closing(text, start + 2)
        if stop is None:
            break
        spans.append((start, stop))
        start = text.find("${", stop)
    return spans


def split_sources(inner: str) -> list[str]:
    """The comma-separated sources of a variable's inside (`self:a, 'b'`), each
    stripped; commas inside quotes, parentheses or a nested `${}` do not split."""
    sources, level, quote, start = [], 0, "", 0
    for i, char in enumerate(inner):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "({":
            level += 1
        elif char in ")}":
            level -= 1
        elif char == "," and level == 0:
            sources.append(inner[start:i].strip())
            start = i + 1
    sources.append(inner[start:].strip())
    return [source for source in sources if source]


def _closing(text: str, i: int) -> int | None:
    """The index just past the `}` that closes a `${` whose inside starts at `i`."""
    level, quote = 1, ""
    for j in range(i, len(text)):
        char = text[j]
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "{":
            level += 1
        elif char == "}":
            level -= 1
            if level == 0:
                return j + 1
    return None


def _is_variable(value: Any) -> bool:
    """Whether `value` is a string that is one variable left as written."""
    return isinstance(value, str) and variable_spans(value) == [(0, len(value))]


def _at(data: Any, dotted: str) -> Any:
    """The value at `a.b.c` in `data` (the whole of it for ""), or None."""
    for key in [k for k in dotted.split(".") if k]:
        if isinstance(data, dict) and key in data:
            data = data[key]
        elif isinstance(data, list) and key.isdigit() and int(key) < len(data):
            data = data[int(key)]
        else:
            return None
    return data
