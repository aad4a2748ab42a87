"""Which lines each IaC resource spans, by every name a finding may give it.

A finding on a resource reports one line (a scanner's own rules) or the whole block
(checkov). Diff mode asks whether a change touched the resource anywhere, so it needs the
whole block. Extents err on the side of too long: a YAML resource runs to the next key at
its own depth or shallower, a Terraform block to the next top-level block.
"""

from __future__ import annotations

import re
from pathlib import Path

from gate.safeyaml import YamlDocument, YamlLoadError, load_yaml

Extent = tuple[int, int]
"""First and last line, 1-based and inclusive."""

# Where resources live in a SAM/CloudFormation template and in a serverless.yml.
_YAML_SECTIONS = (("Resources",), ("functions",), ("resources", "Resources"))
_TERRAFORM_BLOCK = re.compile(r'^(resource|data)\s+"([^"]+)"\s+"([^"]+)"')
# A top-level block starts a line with its keyword; a heredoc's lines (`EOF`, policy
# JSON) may start at column 0 too, but not with one of these followed by a label or `{`.
_TOP_LEVEL = re.compile(
    r"^(resource|data|module|variable|output|locals|provider|terraform|moved|import|check|removed)"
    r"\s*[\"{]"
)


def resource_extents(path: Path) -> dict[str, Extent]:
    """The extent of each resource in the IaC file `path`, keyed by the names findings use:
    `Type.LogicalId` and `LogicalId` (CloudFormation), the function name (serverless.yml),
    `type.name` (Terraform). Empty when the file cannot be read as IaC."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
    if path.suffix == ".tf":
        # Numbered as git and hclsyntax number lines: at `\n` alone (a form feed is not one).
        return _terraform_extents(text.removesuffix("\n").split("\n"))
    try:
        document = load_yaml(text, allow_tags=True, max_bytes=None)
    except YamlLoadError:
        return {}
    return _yaml_extents(document, text.count("\n") + 1)


def _yaml_extents(document: YamlDocument, last_line: int) -> dict[str, Extent]:
    starts = sorted((position[0], len(key)) for key, position in document.positions.items() if key)
    extents: dict[str, Extent] = {}
    for section in _YAML_SECTIONS:
        entries = _lookup(document.data, section)
        if not isinstance(entries, dict):
            continue
        for name, body in entries.items():
            key = (*section, str(name))
            if key not in document.positions:
                continue
            first = document.positions[key][0]
            extent = (first, _end_of(first, len(key), starts, last_line))
            extents[str(name)] = extent
            kind = body.get("Type") if isinstance(body, dict) else None
            if isinstance(kind, str):
                extents[f"{kind}.{name}"] = extent
    return extents


def _lookup(data: object, path: tuple[str, ...]) -> object:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _end_of(first: int, depth: int, starts: list[tuple[int, int]], last_line: int) -> int:
    """The line before the next key at `depth` or shallower after line `first`."""
    for line, key_depth in starts:
        if line > first and key_depth <= depth:
            return line - 1
    return last_line


def _terraform_extents(lines: list[str]) -> dict[str, Extent]:
    tops = [number for number, text in enumerate(lines, 1) if _TOP_LEVEL.match(text)]
    extents: dict[str, Extent] = {}
    for index, first in enumerate(tops):
        block = _TERRAFORM_BLOCK.match(lines[first - 1])
        if block is None:
            continue
        last = tops[index + 1] - 1 if index + 1 < len(tops) else len(lines)
        section, kind, name = block.groups()
        address = f"{kind}.{name}" if section == "resource" else f"data.{kind}.{name}"
        extents[address] = (first, last)
    return extents
