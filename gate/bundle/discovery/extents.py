"""Which lines each IaC resource spans, by every name a finding may give it.

A finding on a resource reports one line (a scanner's own rules) or the whole block
(checkov). Diff mode asks whether a change touched the resource anywhere, so it needs the
whole block. Extents err on the side of too long: a YAML resource runs to the next key at
its own depth or shallower, and in a document with an alias every resource spans the
whole file (an alias or merge key takes its content from its anchor's lines, wherever
they are: `sam deploy` expands it). A Terraform block spans the lines the parse gives it
(python-hcl2's, whose header Terraform reads as hclsyntax does: any spacing, bare or
escaped labels, comments), keyed by its address as discovery reads it. A resource with
no extent here is one to judge by its whole file, never by one of its lines.
"""

from __future__ import annotations

from pathlib import Path

from gate.bundle.discovery.terraform import HclError, addressed_blocks
from gate.safeyaml import YamlDocument, YamlLoadError, load_yaml

Extent = tuple[int, int]
"""First and last line, 1-based and inclusive."""

# Where resources live in a SAM/CloudFormation template and in a serverless.yml.
_YAML_SECTIONS = (("Resources",), ("functions",), ("resources", "Resources"))


def resource_extents(path: Path) -> dict[str, Extent]:
    """The extent of each resource in the IaC file `path`, keyed by the names findings use:
    `Type.LogicalId` and `LogicalId` (CloudFormation), the function name (serverless.yml),
    `type.name` (Terraform). Empty when the file cannot be read as IaC."""
    if path.suffix == ".tf":
        return _terraform_extents(path)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        return {}
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
            extent = _yaml_extent(document, (*section, str(name)), starts, last_line)
            if extent is None:
                continue
            extents[str(name)] = extent
            kind = body.get("Type") if isinstance(body, dict) else None
            if isinstance(kind, str):
                extents[f"{kind}.{name}"] = extent
    return extents


def _yaml_extent(
    document: YamlDocument, key: tuple[str, ...], starts: list[tuple[int, int]], last_line: int
) -> Extent | None:
    """The resource at `key` from its key to the next key at its depth or shallower; the
    whole file in a document with an alias; None for one whose key the loader reads
    otherwise than written (`true:`), which has no extent."""
    if document.aliases:
        return (1, last_line)
    if key not in document.positions:
        return None
    first = document.positions[key][0]
    return (first, _end_of(first, len(key), starts, last_line))


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


def _terraform_extents(path: Path) -> dict[str, Extent]:
    """Each resource and data source of the `.tf` file, from its header to its closing
    brace as the parse numbers them (at `\n` alone, as git and hclsyntax do: a form feed
    is no line break). Empty for a file discovery cannot read. Of two blocks with one
    address (which Terraform refuses), the first's lines are outside every resource."""
    try:
        blocks = addressed_blocks(path)
    except HclError:
        return {}
    return {
        address: (first, last)
        for address, body in blocks
        if isinstance(first := body.get("__start_line__"), int)
        and isinstance(last := body.get("__end_line__"), int)
    }
