"""The syntax of Serverless Framework variables: where `${...}` spans are in a string,
the sources a variable falls back through, and the `self:` and `file()` sources the
bundle decides (gate.rules.variables resolves them)."""

from __future__ import annotations

import re

from gate.bundle.discovery.references import FILE_SOURCE, unquoted

_ADDRESS = r"\s*([^},:$]*?)\s*"
FILE = re.compile("^" + FILE_SOURCE + r"(?::\s*(.*?)\s*)?$")
SELF = re.compile(r"^self:" + _ADDRESS + "$")


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
    sources, level, quote, start, escaped = [], 0, "", 0, False
    for i, char in enumerate(inner):
        if quote:
            escaped, quote = (False, quote) if escaped else (char == "\\", _after(char, quote))
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
    level, quote, escaped = 1, "", False
    for j in range(i, len(text)):
        char = text[j]
        if quote:
            escaped, quote = (False, quote) if escaped else (char == "\\", _after(char, quote))
        elif char in "'\"":
            quote = char
        elif char == "{":
            level += 1
        elif char == "}":
            level -= 1
            if level == 0:
                return j + 1
    return None


def _after(char: str, quote: str) -> str:
    """The quote still open after `char` inside a string opened by `quote`."""
    return "" if char == quote else quote


def included_file(source: str) -> tuple[str, str] | None:
    """(path, address) of a `file(path):address` source whose path is literal."""
    included = FILE.match(source)
    if included is None or "${" in (path := unquoted(included[1])):
        return None
    return path, included[2] or ""


def keys_of(dotted: str) -> list[str]:
    """The keys of an address, split at dots outside the variables it holds."""
    keys, start, spans = [], 0, variable_spans(dotted)
    for i, char in enumerate(dotted):
        if char == "." and not any(a <= i < b for a, b in spans):
            keys.append(dotted[start:i].strip())
            start = i + 1
    keys.append(dotted[start:].strip())
    return [key for key in keys if key]
