"""What a Terraform module defines, and where: Terraform refuses a module whose files
define one address twice (two `resource` or `data` blocks of one type and name, two
`module`, `variable` or `output` blocks of one name, a local in two `locals` blocks or
twice in one), override files apart, whose blocks it merges into those they override.
The gate's readers merge every block of one address as an override file's, and let a
later local win: a second definition would be read by the gate alone, so a module
holding one is refused, as Terraform refuses it (`redefinition`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path, PurePath
from typing import Any

from gate.bundle.discovery.declared import as_mapping

_TFVARS = ("terraform.tfvars", "*.auto.tfvars")
"""The variable files Terraform loads from a module's directory by itself."""


def terraform_ignores(name: str) -> bool:
    """Whether Terraform leaves a file of a module's folder out of its configuration
    (configs `IsIgnoredFile`): a hidden file, an editor's backup (`~`) or autosave
    (`#...#`). The gate reads it as Terraform does: as no part of the module."""
    return (
        name.startswith(".") or name.endswith("~") or (name.startswith("#") and name.endswith("#"))
    )


def module_files(folder: Path) -> list[Path]:
    """The `.tf` files of the module in `folder` as Terraform loads them, in merge order:
    every one Terraform does not ignore (`terraform_ignores`). The only list of a
    module's configuration every reader takes."""
    found = (p for p in folder.glob("*.tf") if p.is_file() and not terraform_ignores(p.name))
    return in_merge_order(found)


def variable_files(folder: Path) -> list[Path]:
    """The variable files Terraform loads by itself from the module in `folder`, in its
    order: `terraform.tfvars`, then each `*.auto.tfvars` by name (Terraform ignores none
    of them by name)."""
    return [p for pattern in _TFVARS for p in sorted(folder.glob(pattern)) if p.is_file()]


def is_override(path: PurePath) -> bool:
    """Whether Terraform merges a `.tf` file's blocks into those they override
    (`override.tf`, `*_override.tf`) rather than adding them."""
    return path.stem == "override" or path.stem.endswith("_override")


def in_merge_order(paths: Iterable[PurePath]) -> list[Any]:
    """A module's `.tf` files as Terraform merges them: override files after all the
    others, each group by name."""
    return sorted(paths, key=lambda path: (is_override(path), path.name))


def scopes(parsed: dict[str, Any]) -> list[dict[str, Any]]:
    """Where a file defines resources and data sources: the file, and each `check` block
    in it (a data source scoped to one is the module's all the same)."""
    return [parsed] + [
        as_mapping(body)
        for group in _as_list(parsed.get("check"))
        for body in as_mapping(group).values()
    ]


def overridden(original: dict[str, Any] | None, override: dict[str, Any]) -> dict[str, Any]:
    """A block's body once an override file's block of its address is merged into it, as
    Terraform merges it: the override's arguments and nested blocks over the original's,
    at the original's place (its line markers, `__start_line__`)."""
    if original is None:
        return override
    place = {key: value for key, value in original.items() if key.startswith("__")}
    return {**original, **override, **place}


def named_blocks(files: Iterable[dict[str, Any]], section: str) -> dict[str, dict[str, Any]]:
    """A module's blocks of a section named by one label (`module`, `output`), by name,
    as Terraform reads them: each with the blocks of its name in override files merged
    into it (`overridden`: their arguments, a call's `source` too, over the original's);
    `files` are the module's files' parses in merge order (`in_merge_order`)."""
    merged: dict[str, dict[str, Any]] = {}
    for parsed in files:
        for group in _as_list(parsed.get(section)):
            for name, body in as_mapping(group).items():
                merged[str(name)] = overridden(merged.get(str(name)), as_mapping(body))
    return merged


def redefinition(files: Iterable[tuple[str, dict[str, Any]]]) -> str | None:
    """`file:line: why` for the first definition Terraform refuses as a second one of its
    address in a module (`files`: each file's relative path and parse, in merge order),
    None where there is none."""
    first: dict[str, str] = {}
    for relative, parsed in files:
        if is_override(PurePath(relative)):
            continue
        for address, line in _definitions(parsed):
            if address in first:
                return (
                    f"{relative}:{line}: {address} is defined again (first at "
                    f"{first[address]}), which Terraform refuses and the gate would read as one: "
                    "define it once (an override file changes a definition)"
                )
            first[address] = f"{relative}:{line}"
    return None


def _definitions(parsed: dict[str, Any]) -> Iterator[tuple[str, int | None]]:
    """Each address a file defines, with its block's line: a local once for each time it
    is set (python-hcl2 gives a block's attribute set twice as a list of both values)."""
    for scope in scopes(parsed):
        for section, prefix in (("resource", ""), ("data", "data.")):
            for group in _as_list(scope.get(section)):
                for kind, named in as_mapping(group).items():
                    for name, body in as_mapping(named).items():
                        yield f"{prefix}{kind}.{name}", as_mapping(body).get("__start_line__")
    for section, prefix in (("module", "module."), ("variable", "var."), ("output", "output.")):
        for group in _as_list(parsed.get(section)):
            for name, body in as_mapping(group).items():
                yield f"{prefix}{name}", as_mapping(body).get("__start_line__")
    for block in _as_list(parsed.get("locals")):
        line = as_mapping(block).get("__start_line__")
        for name, values in as_mapping(block).items():
            if not name.startswith("__"):
                yield from [(f"local.{name}", line)] * len(_as_list(values) or [values])


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
