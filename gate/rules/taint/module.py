"""One Python module of a bundle as the taint analysis reads it: its imports, its
top-level functions, its constants and its dispatch tables. Read with `ast`, never run."""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from gate.rules.context import parse_python, subtree

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef

_MAX_DEPTH = 8
"""How many name bindings a qualified name follows (`s = requests.Session()`, then
`t = s`): enough for real code, and a bound on self-referencing assignments."""


@functools.lru_cache(maxsize=1024)
def _indexed(source: str) -> ModuleIndex | None:
    return ModuleIndex._build(source)


@dataclass
class ModuleIndex:
    """What a module binds at its top level."""

    tree: ast.Module
    imports: dict[str, str] = field(default_factory=dict)
    """Local name -> what it names: `sp` -> `subprocess`, `run` -> `subprocess.run`."""
    functions: dict[str, FunctionNode] = field(default_factory=dict)
    values: dict[str, ast.expr] = field(default_factory=dict)
    """Names assigned exactly once at module level, and the value assigned."""
    bound: set[str] = field(default_factory=set)
    """Every name assigned at module level: the module's own state."""
    mutated: set[str] = field(default_factory=set)
    """Module-level names something stores into, or declares `global`."""
    classes: set[str] = field(default_factory=set)
    """The module's own classes: an attribute stored on one (`Job.path = data`) is read
    wherever the class is."""

    @classmethod
    def parse(cls, source: str) -> ModuleIndex | None:
        """The module's index, or None if it is not valid Python (bandit reports that).
        Several rules index the same handlers: each source is read once per worker."""
        return _indexed(source)

    @classmethod
    def _build(cls, source: str) -> ModuleIndex | None:
        tree = parse_python(source)
        if tree is None:
            return None
        index = cls(tree)
        assignments: dict[str, list[ast.expr]] = {}
        for statement in tree.body:
            index._bind(statement, assignments)
        index.values = {name: exprs[0] for name, exprs in assignments.items() if len(exprs) == 1}
        index.bound = set(assignments)
        index.mutated = _mutated_names(tree)
        return index

    def _bind(self, statement: ast.stmt, assignments: dict[str, list[ast.expr]]) -> None:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef):
            self.functions[statement.name] = statement
        elif isinstance(statement, ast.ClassDef):
            self.classes.add(statement.name)
            # Methods, as `Class.method` (never a name a call can spell): a class-based
            # view (Flask's MethodView) reads the request as the module's functions do.
            for member in statement.body:
                if isinstance(member, ast.FunctionDef | ast.AsyncFunctionDef):
                    self.functions[f"{statement.name}.{member.name}"] = member
        elif isinstance(statement, ast.Import | ast.ImportFrom):
            self.imports.update(import_names(statement))
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    assignments.setdefault(target.id, []).append(statement.value)
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            if statement.value is not None:
                assignments.setdefault(statement.target.id, []).append(statement.value)
        elif isinstance(statement, ast.If | ast.Try):
            # `try: import x except ImportError: ...` and `if TYPE_CHECKING:` still bind.
            for child in ast.iter_child_nodes(statement):
                if isinstance(child, ast.stmt):
                    self._bind(child, assignments)

    def qualname(
        self, node: ast.expr, local: Mapping[str, ast.expr] | None = None, depth: int = 0
    ) -> str | None:
        """What `node` names, with imports and assignments followed: `sp.run` ->
        `subprocess.run`, `session.get` -> `requests.Session().get`; None when unknown.
        A name not bound anywhere is a builtin (`eval`)."""
        local = local or {}
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.Name):
            return self._name(node.id, local, depth)
        if isinstance(node, ast.Attribute):
            base = self.qualname(node.value, local, depth + 1)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            base = self.qualname(node.func, local, depth + 1)
            return f"{base}()" if base else None
        return None

    def _name(self, name: str, local: Mapping[str, ast.expr], depth: int) -> str | None:
        if name in local:
            return self.qualname(local[name], local, depth + 1)
        if name in self.imports:
            return self.imports[name]
        if name in self.functions:
            return None  # the module's own function: followed as a call, not a library
        if name in self.values:
            return self.qualname(self.values[name], {}, depth + 1)
        return name

    def constant(self, node: ast.expr) -> object | None:
        """The value of a literal, or of a module-level name bound once to a literal and
        never changed (an allow-list, a base URL); None when it is not constant."""
        if isinstance(node, ast.Name) and node.id in self.values and node.id not in self.mutated:
            node = self.values[node.id]
        if isinstance(node, ast.Call) and _is_set_call(node):
            node = node.args[0]
        try:
            value: object = ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return None
        return value

    def dispatch(self, node: ast.expr) -> list[str]:
        """Module functions a table lookup can return: `ROUTES[key]`, `ROUTES.get(key)`,
        where ROUTES is a module-level dict, list or tuple of the module's functions."""
        table: ast.expr | None = None
        if isinstance(node, ast.Subscript):
            table = node.value
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
        ):
            table = node.func.value
        if not isinstance(table, ast.Name) or table.id not in self.values:
            return []
        literal = self.values[table.id]
        if isinstance(literal, ast.Dict):
            members = [v for v in literal.values if v is not None]
        elif isinstance(literal, ast.List | ast.Tuple):
            members = list(literal.elts)
        else:
            return []
        return [m.id for m in members if isinstance(m, ast.Name) and m.id in self.functions]


def import_names(statement: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, str]]:
    """The local names an import binds and what they name."""
    if isinstance(statement, ast.Import):
        for alias in statement.names:
            if alias.asname:
                yield alias.asname, alias.name
            else:
                top = alias.name.split(".")[0]
                yield top, top
    elif statement.module and not statement.level:
        for alias in statement.names:
            yield alias.asname or alias.name, f"{statement.module}.{alias.name}"


def _is_set_call(node: ast.Call) -> bool:
    return (
        isinstance(node.func, ast.Name)
        and node.func.id in ("set", "frozenset", "tuple", "list")
        and len(node.args) == 1
        and not node.keywords
    )


def _mutated_names(tree: ast.Module) -> set[str]:
    """Names that are stored into (`X[k] = v`, `X.a = v`), changed by a method that
    mutates, or declared `global` somewhere in the module."""
    names: set[str] = set()
    for node in subtree(tree):
        if isinstance(node, ast.Global):
            names.update(node.names)
        elif isinstance(node, ast.Subscript | ast.Attribute) and isinstance(
            node.ctx, ast.Store | ast.Del
        ):
            root = root_name(node)
            if root:
                names.add(root)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MUTATORS
        ):
            root = root_name(node.func.value)
            if root:
                names.add(root)
    return names


MUTATORS = frozenset(
    {"append", "extend", "insert", "add", "update", "setdefault", "appendleft", "discard"}
    | {"remove", "pop", "popitem", "clear", "extendleft", "__setitem__"}
)
"""Methods that change the container they are called on."""


def root_name(node: ast.expr) -> str | None:
    """The name at the root of `a.b[c].d`, if it is a name."""
    while isinstance(node, ast.Attribute | ast.Subscript):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None
