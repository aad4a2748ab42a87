"""Following names through a Chalice project's Python, read as syntax trees and never
imported: what each module imports and assigns at its top level, where an object the
project makes is made, and the names and attribute chains that reach it."""

from __future__ import annotations

import ast
from dataclasses import dataclass


@dataclass(frozen=True)
class ProjectModule:
    """One Python module of a Chalice project, as read."""

    tree: ast.Module
    file: str
    """Relative to the bundle root."""
    package: str
    """The package its relative imports start from."""
    imports: dict[str, str]
    """Local name -> what it names (`imports_of`)."""


def project_module(tree: ast.Module, file: str, package: str) -> ProjectModule:
    """A module of the project, `file` relative to the bundle root, in `package`."""
    return ProjectModule(tree, file, package, imports_of(tree, package))


def owners_in(
    module: ast.Module, dotted: str, made: set[str], imports: dict[str, dict[str, str]]
) -> dict[str, str]:
    """The expressions in `module` (module `dotted`, as `ast.unparse` writes them) that
    name the apps and blueprints the project makes (`made`: `module.variable`): names it
    makes, imports or names again (`jobs = bp`), and attributes of the project's modules
    (`m.bp`), each to where it is made. `imports`: every project module's imports."""
    imported = imports[dotted]
    local = {**imported, **{n: f"{dotted}.{n}" for n in assigned_in(module)}}
    owners = {
        name: target
        for name, target in {n: where_made(t, imports, made) for n, t in local.items()}.items()
        if target in made
    }
    for node in ast.walk(module):
        if isinstance(node, ast.Attribute) and (qualified := qualified_name(node, local)):
            target = where_made(qualified, imports, made)
            if target in made:
                owners[ast.unparse(node)] = target
    for node in module_level(module):
        if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Name):
            source = owners.get(node.value.id)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if source is not None:
                owners.update({t.id: source for t in targets if isinstance(t, ast.Name)})
    return owners


def where_made(qualified: str, imports: dict[str, dict[str, str]], made: set[str]) -> str:
    """Where the object `qualified` (`module.variable`) is made, following the modules of
    the project that import it from another (`from chalicelib.bp import bp`)."""
    seen = set()
    while qualified not in made and qualified not in seen:
        seen.add(qualified)
        module, _, name = qualified.rpartition(".")
        source = imports.get(module, {}).get(name)
        if source is None:
            break
        qualified = source
    return qualified


def assigned_in(module: ast.Module) -> set[str]:
    """The names the module's own statements assign."""
    return {
        target.id
        for node in module_level(module)
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }


def created_in(module: ast.Module, classes: frozenset[str], package: str = "") -> dict[str, str]:
    """Module-level names assigned an instance of one of `classes` (by qualified name)."""
    imported = imports_of(module, package)
    found = {}
    for node in module_level(module):
        if not isinstance(node, ast.Assign | ast.AnnAssign) or not isinstance(node.value, ast.Call):
            continue
        called = qualified_name(node.value.func, imported)
        if called not in classes:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        found.update({t.id: called for t in targets if isinstance(t, ast.Name)})
    return found


def imports_of(module: ast.Module, package: str = "") -> dict[str, str]:
    """Local name -> what it names, for the module's module-level imports; `package` is
    the package a relative import starts from (`chalicelib` for chalicelib/jobs.py)."""
    names: dict[str, str] = {}
    for node in module_level(module):
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                names[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom):
            source = import_source(node, package)
            for alias in node.names:
                if source is not None:
                    names[alias.asname or alias.name] = f"{source}.{alias.name}"
    return names


def import_source(node: ast.ImportFrom, package: str) -> str | None:
    """The module a `from ... import` reads from: `from .bp import` in package
    `chalicelib` is `chalicelib.bp`; None where it climbs out of the project."""
    if node.level == 0:
        return node.module
    parts = package.split(".") if package else []
    if node.level - 1 >= len(parts):
        return None
    base = parts[: len(parts) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def qualified_name(node: ast.expr, imported: dict[str, str]) -> str | None:
    if isinstance(node, ast.Name):
        return imported.get(node.id)
    if isinstance(node, ast.Attribute):
        base = qualified_name(node.value, imported)
        return f"{base}.{node.attr}" if base else None
    return None


def module_level(module: ast.Module) -> list[ast.stmt]:
    """The statements Python runs when it imports `module`: its own and those inside its
    blocks (`if`, `try`, `with`, loops, `match`), not those of its functions' bodies."""
    found: list[ast.stmt] = []
    todo: list[ast.AST] = list(module.body)
    while todo:
        node = todo.pop(0)
        if isinstance(node, ast.stmt):
            found.append(node)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        todo[:0] = [
            child
            for child in ast.iter_child_nodes(node)
            if isinstance(child, ast.stmt | ast.excepthandler | ast.match_case)
        ]
    return found


def argument_of(call: ast.Call, keyword: str, position: int) -> ast.expr | None:
    """A call's argument, given by keyword or at `position`."""
    given = next((k.value for k in call.keywords if k.arg == keyword), None)
    if given is None and len(call.args) > position:
        given = call.args[position]
    return given
