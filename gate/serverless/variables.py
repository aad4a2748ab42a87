"""Serverless Framework variables the rules resolve without leaving the bundle.

`${self:custom.x}` is the same document's own text, and `${file(./iam.yml)}` another
file of the bundle: a rule that took them for "resolved at deploy time" would let them
hide a wildcard or a plaintext secret. They are resolved here, and only they: a
`${file()}` only to a regular file inside the bundle, read through the gate's YAML
loader and its budgets; never `${env:}`, `${opt:}`, `${ssm:}` or anything outside (a
variable left as written is still judged as written: an action the gate does not know,
a value that is no literal).
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from gate.safeyaml import IAC_MAX_BYTES
from gate.serverless.context import BundleContext

MAX_DEPTH = 8
"""Variables resolved through this many others are left as written (a cycle, or a
chain no real service writes)."""
_SELF = re.compile(r"\$\{self:([A-Za-z0-9_.\-]+)\}")
_WHOLE_SELF = re.compile(r"^\$\{self:([A-Za-z0-9_.\-]+)\}$")
_WHOLE_FILE = re.compile(r"^\$\{file\(([^()${}\s]+)\)(?::([A-Za-z0-9_.\-]+))?\}$")


class Variables:
    """Resolves the variables of one serverless.yml (`data`, at `iac_file` in `context`)."""

    def __init__(self, context: BundleContext | None, iac_file: str, data: Any) -> None:
        self.context = context
        self.iac_file = iac_file
        self.data = data

    def resolve(self, value: Any, depth: int = 0) -> Any:
        """`value` with every `${self:...}` and in-bundle `${file(...)}` it holds
        replaced by what it stands for, as far as the bundle says."""
        if depth > MAX_DEPTH:
            return value
        if isinstance(value, dict):
            return {key: self.resolve(inner, depth) for key, inner in value.items()}
        if isinstance(value, list):
            return [self.resolve(inner, depth) for inner in value]
        if not isinstance(value, str) or "${" not in value:
            return value
        whole = _WHOLE_SELF.match(value)
        if whole:
            found = _at(self.data, whole[1])
            return value if found is None else self.resolve(found, depth + 1)
        included = _WHOLE_FILE.match(value)
        if included:
            found = _at(self._file(included[1]), included[2] or "")
            return value if found is None else self.resolve(found, depth + 1)
        return self.text(value, depth)

    def text(self, value: str, depth: int = 0) -> str:
        """A string with each `${self:...}` that names a scalar written out."""
        for _ in range(MAX_DEPTH - depth):
            replaced = _SELF.sub(self._scalar, value)
            if replaced == value:
                break
            value = replaced
        return value

    def _scalar(self, match: re.Match[str]) -> str:
        found = _at(self.data, match[1])
        if isinstance(found, bool) or not isinstance(found, (str, int, float)):
            return match[0]
        return str(found)

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
