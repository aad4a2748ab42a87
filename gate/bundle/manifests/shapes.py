"""Parsed TOML and JSON whose shape the bundle's author chose.

A manifest that parses is not yet a manifest: `"default": []` in a Pipfile.lock or
`package = "x"` in a uv.lock would otherwise read as "no packages", and the
`pyproject.toml` or `Pipfile` beside the lock would be left to it unread. Every value
a reader uses goes through these accessors, and one of the wrong type raises
`Malformed` naming the key, which the audit reports as a file it could not read.
"""

from __future__ import annotations

import configparser
import datetime
import re
import sys
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib


class Malformed(Exception):
    """A manifest that parses but is not shaped as its tool writes it."""

    def __init__(self, key: str, problem: str, line: int = 0) -> None:
        super().__init__(f'"{key}" {problem}' if key else problem)
        self.key = key
        self.line = line
        """Where in the file, when the reader knows; 0 otherwise."""


def kind(value: object) -> str:
    """What a value is, as TOML and JSON call it."""
    kinds: list[tuple[type | tuple[type, ...], str]] = [
        (bool, "a boolean"),
        ((int, float), "a number"),
        (str, "a string"),
        (dict, "a table"),
        (list, "an array"),
        ((datetime.date, datetime.time), "a date or time"),
    ]
    return next((name for types, name in kinds if isinstance(value, types)), "null")


def join(at: str, key: str | int) -> str:
    """The dotted path of `key` under `at`: `tool.poetry`, `package[2]`."""
    if isinstance(key, int):
        return f"{at}[{key}]"
    return f"{at}.{key}" if at else key


def table(parent: dict[str, Any], key: str, at: str = "", required: bool = False) -> dict[str, Any]:
    """`parent[key]`, which must be a table; an empty one if absent and not required."""
    value = parent.get(key)
    if value is None and not required and key not in parent:
        return {}
    if not isinstance(value, dict):
        raise Malformed(join(at, key), _expected("a table", value, key in parent))
    return value


def array(parent: dict[str, Any], key: str, at: str = "", required: bool = False) -> list[Any]:
    """`parent[key]`, which must be an array; an empty one if absent and not required."""
    value = parent.get(key)
    if value is None and not required and key not in parent:
        return []
    if not isinstance(value, list):
        raise Malformed(join(at, key), _expected("an array", value, key in parent))
    return value


def tables(parent: dict[str, Any], key: str, at: str = "", required: bool = False) -> list[Any]:
    """`parent[key]`, an array of tables (`[[package]]`)."""
    items = array(parent, key, at, required)
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            raise Malformed(join(join(at, key), index), f"must be a table, not {kind(item)}")
    return items


def strings(parent: dict[str, Any], key: str, at: str = "") -> list[str]:
    """`parent[key]`, an array of strings; empty if absent."""
    items = array(parent, key, at)
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise Malformed(join(join(at, key), index), f"must be a string, not {kind(item)}")
    return items


def string(parent: dict[str, Any], key: str, at: str = "", required: bool = False) -> str | None:
    """`parent[key]`, a string; None if absent and not required."""
    value = parent.get(key)
    if value is None and not required and key not in parent:
        return None
    if not isinstance(value, str) or (required and not value.strip()):
        raise Malformed(join(at, key), _expected("a non-empty string", value, key in parent))
    return value


def _expected(what: str, value: object, present: bool) -> str:
    return f"must be {what}, not {kind(value)}" if present else f"is missing (must be {what})"


def load_toml(text: str) -> dict[str, Any]:
    """The TOML document; a file that is not TOML is `Malformed`."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise Malformed("", f"not valid TOML ({e})", getattr(e, "lineno", 0)) from e


def load_ini(text: str, parser: configparser.ConfigParser) -> configparser.ConfigParser:
    """The INI document as `parser` (the one its tool reads it with) reads it; a file that
    parser cannot read is `Malformed`."""
    try:
        parser.read_string(text)
    except configparser.Error as e:
        line = getattr(e, "lineno", 0)
        raise Malformed("", f"not valid INI ({str(e).splitlines()[0]})", line) from e
    return parser


def ini_value(
    parser: configparser.ConfigParser, section: str, key: str, tool: str, line: int
) -> str:
    """The value of `key` in `section` as `tool` reads it with its `parser`: each
    `%(name)s` expanded (from the section or `[DEFAULT]`), a `%%` read as `%`. One the
    parser cannot expand (a name nothing sets, a loop, a lone `%`) fails `tool` there: it
    is `Malformed` at `line`, never read as written."""
    try:
        return parser.get(section, key)
    except configparser.InterpolationError as e:
        problem = f"cannot be expanded as {tool} expands it ({str(e).splitlines()[0]})"
        fix = "set each %(name)s it uses in its section or [DEFAULT], write a % as %%"
        raise Malformed(join(section, key), f"{problem}; {fix}", line) from e


def ini_line(lines: list[str], key: str) -> int:
    """The first line of an INI file (its `lines`) setting `key` (`key =` or `key:`, in
    any case); 0 if none does."""
    pattern = re.compile(rf"{re.escape(key)}\s*[=:]", re.IGNORECASE)
    return next((n for n, t in enumerate(lines, 1) if pattern.match(t)), 0)


def key_line(lines: list[str], header: str, key: str) -> int:
    """The line of `key =` in the TOML table `[header]`; that header's line if the key is
    written another way, 0 if the header is too."""
    start = next((n for n, t in enumerate(lines, 1) if t.strip() == f"[{header}]"), 0)
    pattern = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for number in range(start + 1, len(lines) + 1):
        if lines[number - 1].lstrip().startswith("["):
            break
        if pattern.match(lines[number - 1]):
            return number
    return start
