"""Code written inline in a template (SAM `InlineCode`, CloudFormation `Code.ZipFile`).

Lambda deploys such code as the function's whole package, one file named `index.py`
(handler `index.handler`). The gate stages it as that file in the private copy,
beside the template, at `<template>.inline/<LogicalId>/index.py`, so the scanners
and the serverless rules read it like any other handler and their findings name the
template it came from. Code that is not a literal string (`!Join`, `!If`) cannot be
read: for Python that is a problem (the run is an error); for another runtime, code
the gate does not analyse anyway, a `not-analysed` warning.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path, PurePosixPath
from typing import Any

from gate.bundle.discovery.declared import Declared
from gate.model import other_runtime

INLINE_SUFFIX = ".inline"
# The name Lambda gives inline code, by runtime; other runtimes are not staged.
INLINE_FILE = "index.py"
_NOT_A_NAME = re.compile(r"[^A-Za-z0-9]")


class InlineCollision(ValueError):
    """A bundle file is where the gate stages a function's inline code."""


def inline_source(value: Any) -> str | None:
    """The inline code as text: a literal string, or the template of a `Fn::Sub` (its
    `${...}` left as written, as `!Sub` arrives); None for anything else."""
    if isinstance(value, dict) and len(value) == 1 and "Fn::Sub" in value:
        value = value["Fn::Sub"]
        if isinstance(value, list) and len(value) == 2 and not value[1]:
            value = value[0]  # a variable map would put text in the code: not literal
    return value if isinstance(value, str) else None


def unread_language(item: Declared) -> bool:
    """Whether a function's inline code is of a runtime the gate does not analyse (Lambda
    names it `index.js`, not `index.py`): then said so, never staged."""
    if not other_runtime(item.runtime):
        return False
    item.code_elsewhere = None
    item.inline_unread = f"its inline code is {item.runtime} code"
    return True


def inline_place(iac_file: str, logical_id: str) -> str:
    """Where a function's inline code is staged: `template.yaml.inline/Orders`."""
    return f"{iac_file}{INLINE_SUFFIX}/{_NOT_A_NAME.sub('_', logical_id) or '_'}"


def describe(value: Any) -> str:
    """What a non-literal inline code value is, for a message: `Fn::Join`, `a list`."""
    if isinstance(value, dict) and len(value) == 1:
        return str(next(iter(value)))
    return f"a {type(value).__name__}"


def stage(root: Path, item: Declared) -> None:
    """Write each file of `item.inline` into `item.code` under `root` (the private copy).
    Raises InlineCollision if the bundle already has a different file there, or a file
    name would leave that folder."""
    if item.inline is None or item.code is None:
        return
    folder = root / PurePosixPath(item.code)
    for parent in (folder.parent, folder):
        if parent.is_symlink() or (parent.exists() and not parent.is_dir()):
            raise InlineCollision(_collision(item, parent.relative_to(root).as_posix()))
    for name, text in sorted(item.inline.items()):
        relative = posixpath.normpath(name.replace("\\", "/"))
        if relative.startswith(("/", "../")) or relative in ("..", ".") or "\x00" in name:
            raise InlineCollision(
                f"{item.iac_file}: {item.name}: its inline file name {name!r} is not a "
                "path inside the function's code"
            )
        _write(root, folder / relative, text.encode("utf-8", "surrogateescape"), item)


def _write(root: Path, target: Path, data: bytes, item: Declared) -> None:
    for parent in [target, *target.parents]:
        if parent == root:
            break
        if parent.is_symlink() or (parent != target and parent.is_file()):
            raise InlineCollision(_collision(item, parent.relative_to(root).as_posix()))
    if target.is_dir() or (target.exists() and target.read_bytes() != data):
        raise InlineCollision(_collision(item, target.relative_to(root).as_posix()))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _collision(item: Declared, relative: str) -> str:
    return (
        f"{relative}: the gate stages the inline code of {item.name} ({item.iac_file}) "
        "here, and the bundle has a file of its own there"
    )
