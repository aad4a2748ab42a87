"""What every IaC reader produces, a function as declared, with paths relative to the
bundle root; and the small helpers the readers share."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any


@dataclass
class Declared:
    """A function as its IaC declares it, before paths are checked against the bundle."""

    name: str
    iac: str
    iac_file: str
    line: int | None
    resource: str
    runtime: str | None
    handler: str | None
    code: str | None
    """Path relative to the bundle root, or None when the code is not in the bundle."""
    code_elsewhere: str | None = None
    """Why `code` is None: S3, an image, a value the gate does not resolve."""
    layers: list[str] = field(default_factory=list)
    related: set[str] = field(default_factory=set)


def local_path(here: PurePosixPath, value: str) -> tuple[str | None, str | None]:
    if re.match(r"^[a-z0-9]+://", value):
        return None, f"code at {value.split('://')[0]}:// location"
    if "${" in value:
        return None, f"{value!r} is not resolved (the gate never resolves variables)"
    return join_path(here, value), None


def join_path(here: PurePosixPath, value: str) -> str:
    """A path relative to the bundle root, normalised; may start with `../` if it leaves."""
    joined = os.path.normpath((here / value).as_posix())
    return PurePosixPath(joined).as_posix()


def as_mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def as_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
