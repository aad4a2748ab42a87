"""Reading `requirements*.txt` without pip: which dependencies are pinned, which are not.

Nothing here installs, builds or imports anything. A line the gate cannot audit
from its text alone (unpinned, editable, a URL, a local path) is reported so
the policy can judge it; it is never handed to pip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

REQUIREMENTS_GLOB = "requirements*.txt"
# Dependency declarations this version cannot read yet. Passing over one silently
# would call its packages clean, so each is reported as not audited.
UNREAD_MANIFESTS = ("poetry.lock", "Pipfile.lock", "Pipfile", "uv.lock", "pdm.lock")
_PYPROJECT_DEPENDENCIES = re.compile(
    r"^\s*(dependencies\s*=\s*\[\s*['\"]|\[tool\.poetry(\.group\.[^\]]+)?\.dependencies\])",
    re.MULTILINE,
)
_OPTION_WITH_VALUE = re.compile(
    r"^(-i|--index-url|--extra-index-url|-f|--find-links|--trusted-host|-c|--constraint"
    r"|--pre|--prefer-binary|--only-binary|--no-binary|--no-index|--require-hashes)\b"
)
_INCLUDE = re.compile(r"^(-r|--requirement)(\s+|=)(?P<file>\S+)")
_EDITABLE = re.compile(r"^(-e|--editable)(\s+|=)")
_HASH = re.compile(r"\s--hash[=\s]\S+")


@dataclass(frozen=True)
class Pin:
    """A requirement pinned to exactly one version."""

    name: str
    version: str
    path: str
    line: int


@dataclass(frozen=True)
class Unauditable:
    """A requirement line the gate will not resolve: why, and where."""

    text: str
    reason: str
    path: str
    line: int


@dataclass(frozen=True)
class Manifest:
    """Everything read from one bundle's requirements files."""

    pins: tuple[Pin, ...]
    unauditable: tuple[Unauditable, ...]
    problems: tuple[Unauditable, ...]
    """Lines that are not requirements at all: the audit is incomplete."""


def read_requirements(root: Path) -> Manifest:
    """Read every `requirements*.txt` under `root`, following `-r` includes inside it."""
    pins: list[Pin] = []
    unauditable: list[Unauditable] = []
    problems: list[Unauditable] = []
    seen: set[Path] = set()
    queue = sorted(root.rglob(REQUIREMENTS_GLOB))
    while queue:
        path = queue.pop(0).resolve()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        relative = path.relative_to(root.resolve()).as_posix()
        for number, text in _logical_lines(path.read_text("utf-8", errors="replace")):
            include = _INCLUDE.match(text)
            if include:
                queue.extend(_include(root, path, include["file"], relative, number, problems))
                continue
            _classify(text, relative, number, pins, unauditable, problems)
    problems.extend(_unread_manifests(root))
    return Manifest(tuple(pins), tuple(unauditable), tuple(problems))


def _unread_manifests(root: Path) -> list[Unauditable]:
    found = [p for name in UNREAD_MANIFESTS for p in root.rglob(name)]
    found += [
        p
        for p in root.rglob("pyproject.toml")
        if _PYPROJECT_DEPENDENCIES.search(p.read_text("utf-8", errors="replace"))
    ]
    return [
        Unauditable(
            p.name,
            f"{p.name} is not read by this version, so its dependencies are not audited; "
            "export pinned requirements to a requirements.txt beside it",
            p.relative_to(root).as_posix(),
            0,
        )
        for p in sorted(found)
    ]


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Lines with comments removed and `\\` continuations joined, numbered by their first line."""
    result: list[tuple[int, str]] = []
    pending, start = "", 0
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"(^|\s)#.*$", "", raw).rstrip()
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        full = (pending + line).strip()
        pending = ""
        if full:
            result.append((start, full))
    return result


def _include(
    root: Path, path: Path, name: str, relative: str, number: int, problems: list[Unauditable]
) -> list[Path]:
    target = (path.parent / name).resolve()
    if not target.is_relative_to(root.resolve()):
        problems.append(
            Unauditable(f"-r {name}", "includes a file outside the bundle", relative, number)
        )
        return []
    if not target.is_file():
        problems.append(Unauditable(f"-r {name}", "includes a missing file", relative, number))
        return []
    return [target]


def _classify(
    text: str,
    path: str,
    number: int,
    pins: list[Pin],
    unauditable: list[Unauditable],
    problems: list[Unauditable],
) -> None:
    if _OPTION_WITH_VALUE.match(text):
        return
    if _EDITABLE.match(text):
        unauditable.append(Unauditable(text, "editable requirement", path, number))
        return
    spec = _HASH.sub("", " " + text).strip()
    if spec.startswith((".", "/", "file:")) or re.match(r"^[a-z+]+://", spec):
        kind = "local path" if not re.match(r"^[a-z+]+://", spec) else "URL"
        unauditable.append(Unauditable(text, f"{kind} requirement", path, number))
        return
    try:
        requirement = Requirement(spec)
    except InvalidRequirement as e:
        reason = str(e).splitlines()[0]
        problems.append(Unauditable(text, f"not a valid requirement ({reason})", path, number))
        return
    if requirement.url:
        unauditable.append(Unauditable(text, "URL requirement", path, number))
        return
    version = _pinned_version(requirement)
    if version is None:
        unauditable.append(Unauditable(text, "not pinned to one version", path, number))
        return
    pins.append(Pin(canonicalize_name(requirement.name), version, path, number))


def _pinned_version(requirement: Requirement) -> str | None:
    specifiers = list(requirement.specifier)
    if len(specifiers) != 1:
        return None
    only = specifiers[0]
    if only.operator in ("==", "===") and "*" not in only.version:
        return only.version
    return None
