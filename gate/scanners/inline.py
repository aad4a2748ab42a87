"""Inline suppressions written in the scanned code, read as text.

The scanners are run so that they obey none of these; the worker reads them
here and reports them with the finding, and the policy's `inline_suppressions`
decides what each is worth.

- bandit: `# nosec`, `# nosec B602`, `# nosec B602,B607 -- reason`, `# nosec: reason`,
  read from real comments only (`tokenize`, as bandit does): `"ls # nosec"` in a string,
  a docstring or an f-string is text, not a suppression. A comment covers the line it
  is on; a finding spanning several lines (a call written over many) is covered by a
  comment on any of them. A file that does not tokenize has no suppressions.
- checkov: `# checkov:skip=CKV_AWS_116:reason` in the resource's lines, and in
  CloudFormation `Metadata: {checkov: {skip: [{id: CKV_AWS_116, comment: reason}]}}`
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gate.safeyaml import YamlLoadError, load_yaml

_NOSEC = re.compile(r"#\s*nosec\b:?(?P<rest>.*)$", re.IGNORECASE)
# One way to read each run: `\s*,?\s*` and `[a-z0-9_]+_[a-z0-9_]+` would each split a long
# run every way before failing (quadratic); the lookahead asks for the `_` once.
_NOSEC_ID = re.compile(r"\s*(?:,\s*)?(B\d{3}|(?=[a-z][a-z0-9_]*_[a-z0-9_])[a-z][a-z0-9_]*)\b")
_CHECKOV_SKIP = re.compile(r"checkov:skip=(?P<id>[A-Za-z0-9_]+)(?::(?P<reason>[^\n]*))?")
_NO_REASON = {"", "no comment provided"}


@dataclass(frozen=True)
class Found:
    """An inline suppression: what kind, and the reason its author gave (if any)."""

    kind: str
    reason: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "reason": self.reason}


def comments(source: bytes) -> dict[int, str]:
    """The comments of a Python file by line number; none if it does not tokenize (a
    string that never ends, a bad encoding): a broken file suppresses nothing."""
    found: dict[int, str] = {}
    try:
        for token in tokenize.tokenize(io.BytesIO(source).readline):
            if token.type == tokenize.COMMENT:
                found[token.start[0]] = token.string
    except (tokenize.TokenError, SyntaxError, UnicodeDecodeError, LookupError):
        return {}
    return found


def nosec(comment: str, test_id: str, test_name: str) -> Found | None:
    """The `# nosec` in `comment` (a comment token) if it covers this bandit test."""
    match = _NOSEC.search(comment)
    if match is None:
        return None
    rest, ids, position = match["rest"], [], 0
    # Matched in place: slicing `rest` after each id would copy it once per id.
    while (id_match := _NOSEC_ID.match(rest, position)) is not None:
        ids.append(id_match[1])
        position = id_match.end()
    rest = rest[position:]
    if ids and test_id not in ids and test_name not in ids:
        return None
    return Found("nosec", _reason(rest))


def _reason(text: str) -> str | None:
    cleaned = text.strip().lstrip("-:#").strip()
    return cleaned or None


def checkov_skip(lines: list[str], check_id: str) -> Found | None:
    """A `checkov:skip=` comment for `check_id` among a resource's source lines: in a
    comment (`#`, or `//` in HCL), never in a value (`Description: "checkov:skip=..."`)."""
    for line in lines:
        for match in _CHECKOV_SKIP.finditer(comment_of(line)):
            if match["id"] == check_id:
                reason = (match["reason"] or "").strip()
                return Found("checkov:skip", None if reason.lower() in _NO_REASON else reason)
    return None


def comment_of(line: str) -> str:
    """The comment ending a line of YAML, HCL or Python, or "": text after a `#` (or
    `//`) that starts the line or follows a space, outside quotes. A quote opens a
    string only where a value can start (so the apostrophe in `don't` does not); `''`
    inside single quotes and a backslash-escaped `"` do not close one."""
    quote, index = "", 0
    while index < len(line):
        char, before = line[index], line[index - 1] if index else " "
        escaped = line.startswith("''", index) if quote == "'" else char == "\\"
        if quote and escaped:
            index += 1  # skip the escaped character
        elif quote and char == quote:
            quote = ""
        elif not quote and char in "'\"" and (before.isspace() or before in "[{(,:="):
            quote = char
        elif not quote and before.isspace() and (char == "#" or line.startswith("//", index)):
            return line[index:]
        index += 1
    return ""


def metadata_skip(template: Any, resource: str, check_id: str) -> Found | None:
    """A CloudFormation `Metadata.checkov.skip` entry for `check_id` on `resource`."""
    logical_id = resource.rsplit(".", 1)[-1]
    try:
        skips = template["Resources"][logical_id]["Metadata"]["checkov"]["skip"]
    except (KeyError, TypeError):
        return None
    for entry in skips if isinstance(skips, list) else []:
        if isinstance(entry, dict) and entry.get("id") == check_id:
            reason = str(entry.get("comment") or "").strip()
            return Found("Metadata.checkov.skip", reason or None)
    return None


def load_template(path: Path) -> Any:
    """A CloudFormation template as data, or None when it cannot be read."""
    try:
        return load_yaml(path.read_bytes(), allow_tags=True, max_bytes=None).data
    except (OSError, YamlLoadError):
        return None
