"""Checks that make event data safe on the branch where they hold: allow-list
membership, equality with a constant, a full regular-expression match, a digits-only
or type check, and a resolved path that stays under its base directory."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator, Mapping

from gate.rules.taint.exprs import Env
from gate.rules.taint.module import ModuleIndex
from gate.rules.taint.values import CLEAN, KINDS, Taints, cleared

Fact = tuple[ast.expr, frozenset[str]]
"""An expression and the sink kinds it is safe for where the test holds."""

_CHARACTER_CLASSES = frozenset(
    {"isdigit", "isdecimal", "isnumeric", "isalnum", "isalpha", "isidentifier"}
)
"""str methods whose truth leaves no character a shell, a path or SQL treats specially."""
_SAFE_TYPES = frozenset({"int", "float", "bool", "uuid.UUID", "decimal.Decimal"})
_RESOLVERS = frozenset({"os.path.realpath", "os.path.abspath", "os.path.normpath"})
_PATH = frozenset({"path"})
_MATCHERS = {"fullmatch": False, "match": True, "search": True}
"""re functions that guard, and whether the pattern must anchor its end itself."""


class Guards:
    """The guards of one function (its bindings and module)."""

    def __init__(
        self,
        index: ModuleIndex,
        defs: Mapping[str, ast.expr],
        taint: Callable[[ast.expr, Env], Taints],
    ) -> None:
        self.index = index
        self.defs = defs
        self.taint = taint

    def refine(self, test: ast.expr, truth: bool, env: Env) -> Env:
        """`env` on the branch where `test` is `truth`."""
        out = dict(env)
        for target, kinds in self.facts(test, truth, env):
            text = target.id if isinstance(target, ast.Name) else ast.unparse(target)
            current = out.get(text, self.taint(target, env))
            out[text] = CLEAN if kinds >= KINDS else cleared(current, kinds)
        return out

    def facts(self, test: ast.expr, truth: bool, env: Env) -> Iterator[Fact]:
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            yield from self.facts(test.operand, not truth, env)
        elif isinstance(test, ast.BoolOp):
            if truth == isinstance(test.op, ast.And):
                # `a and b` true: both hold; `a or b` false: neither holds.
                for value in test.values:
                    yield from self.facts(value, truth, env)
            else:
                # `a or b` true: one of them holds, so what each of them implies.
                yield from self._common([list(self.facts(v, truth, env)) for v in test.values])
        elif isinstance(test, ast.Compare) and len(test.ops) == 1:
            yield from self._compare(test.left, test.ops[0], test.comparators[0], truth, env)
        elif isinstance(test, ast.Call) and truth:
            yield from self._call(test, env)

    def _common(self, alternatives: list[list[Fact]]) -> Iterator[Fact]:
        """The facts every alternative implies (the same expression, the kinds all give)."""
        kinds: dict[str, frozenset[str]] = {}
        targets: dict[str, ast.expr] = {}
        for n, facts in enumerate(alternatives):
            these: dict[str, frozenset[str]] = {}
            for target, cleared_kinds in facts:
                text = ast.unparse(target)
                targets.setdefault(text, target)
                these[text] = these.get(text, frozenset()) | cleared_kinds
            kinds = these if n == 0 else {t: k & these[t] for t, k in kinds.items() if t in these}
        for text, cleared_kinds in kinds.items():
            if cleared_kinds:
                yield targets[text], cleared_kinds

    def _compare(
        self, left: ast.expr, op: ast.cmpop, right: ast.expr, truth: bool, env: Env
    ) -> Iterator[Fact]:
        if isinstance(op, ast.In | ast.NotIn) and truth == isinstance(op, ast.In):
            if self._allow_list(right):
                yield left, KINDS
        elif isinstance(op, ast.Eq | ast.NotEq) and truth == isinstance(op, ast.Eq):
            if self._literal(right):
                yield left, KINDS
            elif self._literal(left):
                yield right, KINDS

    def _call(self, test: ast.Call, env: Env) -> Iterator[Fact]:
        name = self.index.qualname(test.func, self.defs)
        if name == "isinstance" and len(test.args) == 2 and self._safe_type(test.args[1]):
            yield test.args[0], KINDS
            return
        if name in ("re.fullmatch", "re.match", "re.search") and len(test.args) >= 2:
            if self._anchored(test.args[0], name[3:]):
                yield test.args[1], KINDS
            return
        if not isinstance(test.func, ast.Attribute):
            return
        receiver, method = test.func.value, test.func.attr
        if method in _CHARACTER_CLASSES and not test.args:
            yield receiver, KINDS
        elif method in _MATCHERS and test.args and self._anchored(receiver, method):
            yield test.args[0], KINDS  # a compiled pattern: PATTERN.fullmatch(x)
        elif (
            method in ("startswith", "is_relative_to")
            and test.args
            and self._resolved(receiver)
            and not self.taint(test.args[0], env)
        ):
            yield receiver, _PATH

    def _allow_list(self, node: ast.expr) -> bool:
        """A constant set, list, tuple or dict (or its keys), literal or named."""
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "keys"
        ):
            node = node.func.value
        value = self.index.constant(
            self.defs.get(node.id, node) if isinstance(node, ast.Name) else node
        )
        return isinstance(value, set | frozenset | list | tuple | dict)

    def _literal(self, node: ast.expr) -> bool:
        value = self.index.constant(node)
        return isinstance(value, str | int | float | bool)

    def _safe_type(self, node: ast.expr) -> bool:
        types = node.elts if isinstance(node, ast.Tuple) else [node]
        return all(self.index.qualname(t, self.defs) in _SAFE_TYPES for t in types)

    def _anchored(self, pattern: ast.expr, method: str) -> bool:
        """A constant pattern that has to match the whole value (`fullmatch`, or
        `match`/`search` with its own `^...$`). What the pattern allows is trusted."""
        if isinstance(pattern, ast.Name):
            pattern = self.defs.get(pattern.id) or self.index.values.get(pattern.id, pattern)
        if isinstance(pattern, ast.Call) and self.index.qualname(pattern.func) == "re.compile":
            pattern = pattern.args[0] if pattern.args else pattern
        text = self.index.constant(pattern)
        if not isinstance(text, str) or method not in _MATCHERS:
            return False
        start = method != "search" or text.startswith(("^", "\\A"))
        end = not _MATCHERS[method] or text.endswith(("$", "\\Z"))
        return start and end

    def _resolved(self, node: ast.expr) -> bool:
        """A name bound to `os.path.realpath(...)` (or abspath, normpath, `.resolve()`)."""
        bound = self.defs.get(node.id) if isinstance(node, ast.Name) else node
        if not isinstance(bound, ast.Call):
            return False
        if isinstance(bound.func, ast.Attribute) and bound.func.attr == "resolve":
            return True
        return self.index.qualname(bound.func, self.defs) in _RESOLVERS
