"""The files a Serverless `${file()}` variable includes, read as the Framework reads them
but without running anything: a YAML or JSON file of the bundle as its data, another
file as its text, a program (`.js`, `.ts`) never."""

from __future__ import annotations

import posixpath
from typing import Any

from gate.bundle.discovery.references import ignored_by
from gate.rules.context import BundleContext
from gate.safeyaml import IAC_MAX_BYTES

_PROGRAM_SUFFIXES = (".js", ".cjs", ".mjs", ".ts")
_DATA_SUFFIXES = (".yml", ".yaml", ".json")


class VariableUnreadable(ValueError):
    """A `${file()}` names a file of the bundle the gate cannot read as YAML or JSON."""


def included_data(context: BundleContext | None, iac_file: str, name: str) -> Any:
    """A YAML or JSON file of the bundle beside the serverless.yml; None if it is not
    a regular file inside the bundle. One that is, but that the gate cannot read (too
    large, not YAML, a program the Framework would run) is VariableUnreadable."""
    if context is None or name.startswith(("/", "~")):
        return None
    relative = posixpath.normpath(posixpath.join(posixpath.dirname(iac_file), name))
    if relative.startswith("../") or relative == "..":
        return None
    rule = ignored_by(context.root, relative, context.ignored)
    if rule is not None:
        raise VariableUnreadable(
            f"{iac_file}: ${{file({name})}} names {relative}, in a folder the gate "
            f"ignores ({rule}): the Framework reads it and the gate never copied it; "
            "move it out of that folder"
        )
    root = context.root.resolve()
    path = (context.root / relative).resolve()
    try:
        if not path.is_relative_to(root) or not path.is_file():
            return None
        too_large = path.stat().st_size > IAC_MAX_BYTES
    except OSError:
        return None
    shown = path.relative_to(root).as_posix()
    document = None
    suffix = path.suffix.lower()
    if not too_large and suffix not in _PROGRAM_SUFFIXES + _DATA_SUFFIXES:
        try:
            return path.read_text("utf-8")  # the Framework reads other files as text
        except (OSError, UnicodeDecodeError):
            pass
    elif not too_large and suffix in _DATA_SUFFIXES:
        document = context.yaml(shown)
    if document is None:
        raise VariableUnreadable(
            f"{iac_file}: ${{file({name})}} names {shown}, which the gate cannot "
            "read as YAML or JSON (it never runs a program the Framework would): "
            "write the value out, or in a YAML file"
        )
    return document.data
