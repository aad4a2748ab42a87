"""Python source as the interpreter reads it: decoded by its own declaration, split into
the lines its tokenizer numbers (the numbers bandit and `ast` report)."""

from __future__ import annotations

import io
import re
import tokenize


def decode_python(data: bytes) -> str:
    """Source text as the interpreter reads it: by its BOM or `# coding:` line (a
    `utf-7` cookie can turn a comment into code), else UTF-8. Bytes that do not decode
    are replaced: the file is then reported as one the rules cannot parse."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding, errors="replace")
    except (SyntaxError, LookupError, UnicodeError):
        return data.decode("utf-8", errors="replace")


def python_lines(data: bytes) -> list[str]:
    """The source's lines as Python numbers them (line N is item N - 1): broken at `\\n`,
    `\\r\\n` and a lone `\\r` only, never at the form feeds and Unicode separators that
    `str.splitlines` also breaks at."""
    return _LINE_BREAK.split(decode_python(data))


_LINE_BREAK = re.compile(r"\r\n|\r|\n")
