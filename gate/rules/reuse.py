"""Container reuse (GATE-SLS-020..021): what one invocation leaves behind for the next.

Lambda keeps an execution environment warm and runs later invocations, possibly for
other callers, in the same process: module-level objects and /tmp survive.

- GATE-SLS-020: a handler (or a module function it passes event data to) stores event
  data in module-level state: a global, a module-level container (`CACHE[k] = v`,
  `SEEN.append(v)`, `.update()`) or an attribute of a module-level object. Keying a
  cache by event data is not reported, only storing it; `set.add` is read as the same
  deliberate keying (idempotency records).
- GATE-SLS-021: a function writes a file under /tmp (`open(.., "w")`, `write_text`,
  `shutil.copy`, S3 `download_file`, `urlretrieve`, `extractall`, `mkstemp`/`mkdtemp`)
  and no call in the same function removes that path or a directory above it.
  Writes at import time (a cold-start cache) and paths under a
  `tempfile.TemporaryDirectory()` are not reported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from gate.rules.context import BundleContext, subtree
from gate.rules.findings import RawFinding
from gate.rules.taint.entries import HandlerModule, is_test_file
from gate.rules.taint.flow import unique, watch
from gate.rules.taint.module import FunctionNode, ModuleIndex, root_name
from gate.rules.taint.scope import Scope
from gate.rules.taint.sinks import argument
from gate.rules.taint.values import Taints, origin

STATE = "GATE-SLS-020"
TMP = "GATE-SLS-021"
RULE_IDS = (STATE, TMP)

_STORING = frozenset({"append", "extend", "insert", "appendleft", "extendleft", "update"})
_STORING_VALUE = {"setdefault": 1, "__setitem__": 1}
"""Mutating methods that store their arguments (or the argument at that position)."""


def check(context: BundleContext) -> list[RawFinding]:
    findings = watch(context, StateObserver)
    for path in context.python_files():
        source = None if is_test_file(path) else context.source(path)
        index = ModuleIndex.parse(source) if source is not None else None
        findings += tmp_files(path, index) if index else []
    return unique(findings)


class StateObserver:
    """Reports event data stored into module-level state."""

    def __init__(self, module: HandlerModule) -> None:
        self.module = module
        self.findings: list[RawFinding] = []

    def store(self, target: ast.expr, value: Taints, scope: Scope) -> None:
        if isinstance(target, ast.Name):
            if scope.is_global(target.id):
                self._report(target.id, target, value, scope)
        elif isinstance(target, ast.Subscript | ast.Attribute):
            self._report(root_name(target), target, value, scope)

    def call(self, call: ast.Call, scope: Scope) -> None:
        func = call.func
        if not isinstance(func, ast.Attribute):
            return
        if func.attr in _STORING:
            stored = [*call.args, *(k.value for k in call.keywords)]
        elif func.attr in _STORING_VALUE:
            stored = [a for a in [argument(call, _STORING_VALUE[func.attr])] if a is not None]
        else:
            return
        for value in stored:
            self._report(root_name(func.value), call, scope.taint(value), scope)

    def _report(self, name: str | None, node: ast.expr, value: Taints, scope: Scope) -> None:
        index = self.module.index
        if name is None or scope.is_local(name):
            return
        if name not in index.bound and not scope.is_global(name):
            return  # not state the module itself creates (an import, a builtin)
        taint = origin(value)
        if taint is None:
            return
        self.findings.append(
            RawFinding(
                rule_id=STATE,
                message=(
                    f"{scope.function}() stores event data (`{taint.source}`) in the "
                    f"module-level `{name}`: a warm container keeps it for later "
                    "invocations, which may serve other callers. Keep per-request data "
                    "in local variables, or return it."
                ),
                path=self.module.path,
                line=node.lineno,
                end_line=node.end_lineno,
                resource=self.module.resource,
                anchor=f"{scope.function}: {' '.join(ast.unparse(node).split())}",
            )
        )


# --- files left in /tmp

_WRITES: dict[str, int | str] = {
    "shutil.copy": 1,
    "shutil.copy2": 1,
    "shutil.copyfile": 1,
    "shutil.copytree": 1,
    "shutil.move": 1,
    "urllib.request.urlretrieve": 1,
}
"""Calls that create a file at the argument at that position. Creating a directory is
not reported: the files written into it are."""
_WRITING_METHODS: dict[str, int | None] = {
    "write_text": None,
    "write_bytes": None,
    "touch": None,
    "download_file": 2,
    "extractall": 0,
}
"""Methods that create files: at the receiver (None) or at the argument."""
_REMOVES = frozenset({"os.remove", "os.unlink", "os.rmdir", "os.removedirs", "shutil.rmtree"})
_TEMPFILES = frozenset({"tempfile.mkstemp", "tempfile.mkdtemp", "tempfile.NamedTemporaryFile"})


def tmp_files(path: str, index: ModuleIndex) -> Iterator[RawFinding]:
    """Files each function writes under /tmp and does not remove."""
    for node in subtree(index.tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield from _function_tmp_files(path, index, node)


def _function_tmp_files(path: str, index: ModuleIndex, node: FunctionNode) -> Iterator[RawFinding]:
    paths = _PathTexts(index, _bindings(node))
    calls = [c for c in _own_nodes(node) if isinstance(c, ast.Call)]
    removed = [paths.text(target) for call in calls for target in paths.removed(call)]
    reported: set[str] = set()
    for call in calls:
        for target in paths.written(call):
            text = paths.text(target)
            if not _under_tmp(text) or text in reported:
                continue
            if any(r == text or text.startswith(r.rstrip("/") + "/") for r in removed):
                continue
            reported.add(text)
            what = ast.unparse(target) if isinstance(target, ast.Call) else text
            yield RawFinding(
                rule_id=TMP,
                message=(
                    f"{node.name}() leaves `{what}` in /tmp: nothing in it removes the file, "
                    "and the directory outlives the invocation, so files pile up until the "
                    "disk is full and the next invocation can read this one's data. Use "
                    "tempfile.TemporaryDirectory() or remove it in a finally block."
                ),
                path=path,
                line=call.lineno,
                end_line=call.end_lineno,
                anchor=f"{node.name}: {' '.join(ast.unparse(call).split())}",
            )


class _PathTexts:
    """Paths as text a reader recognises: constants kept, joins made `/`, other values
    as `{expression}`, names followed to what the function assigned them."""

    def __init__(self, index: ModuleIndex, defs: dict[str, ast.expr]) -> None:
        self.index = index
        self.defs = defs

    def text(self, node: ast.expr, depth: int = 0) -> str:
        if depth > 8:
            return "{...}"
        value = self.index.constant(node)
        if isinstance(value, str):
            return value
        if isinstance(node, ast.Name) and node.id in self.defs:
            return self.text(self.defs[node.id], depth + 1)
        if isinstance(node, ast.JoinedStr):
            return "".join(
                self.text(v.value if isinstance(v, ast.FormattedValue) else v, depth + 1)
                for v in node.values
            )
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Div):
            glue = "/" if isinstance(node.op, ast.Div) else ""
            return self.text(node.left, depth + 1) + glue + self.text(node.right, depth + 1)
        if isinstance(node, ast.Attribute) and node.attr == "name":
            return self.text(node.value, depth + 1)  # NamedTemporaryFile(...).name
        if isinstance(node, ast.Call):
            return self._call_text(node, depth)
        return "{" + ast.unparse(node) + "}"

    def _call_text(self, node: ast.Call, depth: int) -> str:
        name = self.index.qualname(node.func, self.defs)
        if name in ("os.path.join", "pathlib.Path", "posixpath.join") and node.args:
            return "/".join(self.text(a, depth + 1) for a in node.args)
        if name == "tempfile.gettempdir":
            return "/tmp"  # noqa: S108 (the path being recognised, not used)
        if name in _TEMPFILES and not _removes_itself(node, name):
            # One file per call: two alike calls are still two files.
            return f"/tmp/{{{ast.unparse(node)}@{node.lineno}:{node.col_offset}}}"  # noqa: S108
        return "{" + ast.unparse(node) + "}"

    def written(self, call: ast.Call) -> list[ast.expr]:
        name = self.index.qualname(call.func, self.defs)
        if name in ("open", "io.open") and _writes(call):
            return [a for a in [argument(call, 0) or argument(call, "file")] if a is not None]
        if name in _WRITES:
            return [a for a in [argument(call, _WRITES[name])] if a is not None]
        if name in _TEMPFILES and not _removes_itself(call, name):
            return [call]
        if isinstance(call.func, ast.Attribute) and call.func.attr in _WRITING_METHODS:
            position = _WRITING_METHODS[call.func.attr]
            found = call.func.value if position is None else argument(call, position)
            return [found] if found is not None else []
        return []

    def removed(self, call: ast.Call) -> list[ast.expr]:
        if self.index.qualname(call.func, self.defs) in _REMOVES:
            return [a for a in [argument(call, 0) or argument(call, "path")] if a is not None]
        if isinstance(call.func, ast.Attribute) and call.func.attr in ("unlink", "rmdir"):
            return [call.func.value]
        return []


def _writes(call: ast.Call) -> bool:
    mode = argument(call, 1) or argument(call, "mode")
    return isinstance(mode, ast.Constant) and any(c in str(mode.value) for c in "wax+")


def _removes_itself(call: ast.Call, name: str) -> bool:
    """A NamedTemporaryFile is removed when closed, unless `delete=False`."""
    if name != "tempfile.NamedTemporaryFile":
        return False
    delete = argument(call, "delete")
    return not (isinstance(delete, ast.Constant) and delete.value is False)


def _under_tmp(text: str) -> bool:
    return text == "/tmp" or text.startswith("/tmp/")  # noqa: S108


def _bindings(node: FunctionNode) -> dict[str, ast.expr]:
    """Each local's value (its last assignment; a `with ... as` counts)."""
    defs: dict[str, ast.expr] = {}
    for child in _own_nodes(node):
        if isinstance(child, ast.Assign):
            for target in child.targets:
                for name in subtree(target):
                    if isinstance(name, ast.Name):
                        defs[name.id] = child.value
        elif isinstance(child, ast.withitem) and isinstance(child.optional_vars, ast.Name):
            defs[child.optional_vars.id] = child.context_expr
    return defs


def _own_nodes(node: FunctionNode) -> Iterator[ast.AST]:
    """The nodes of a function's body, without those of functions nested in it."""
    stack: list[ast.AST] = list(reversed(node.body))
    while stack:
        child = stack.pop()
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        yield child
        stack.extend(reversed(list(ast.iter_child_nodes(child))))
