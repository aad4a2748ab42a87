"""How event data moves through one expression: what propagates it, what sanitises it,
and which strings are built from it."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Protocol

from gate.rules.context import subtree
from gate.rules.taint.module import ModuleIndex
from gate.rules.taint.stores import store_call
from gate.rules.taint.strings import format_parts, string_parts
from gate.rules.taint.values import (
    CLEAN,
    Taints,
    built,
    cleared,
    join,
    refined,
    stored,
)

Env = dict[str, Taints]
"""Taint of each local name, and of guarded expressions by their source text."""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


SANITISERS = {
    "shlex.quote": frozenset({"command"}),
    "pipes.quote": frozenset({"command"}),
    "os.path.basename": frozenset({"path"}),
    "posixpath.basename": frozenset({"path"}),
    "werkzeug.utils.secure_filename": frozenset({"path"}),
}
"""Calls whose result is safe for some sink kinds. Every call not listed here or in
PROPAGATORS returns clean data: `int()`, `uuid.UUID()`, `Decimal()`, a database read."""

PROPAGATORS = _words(
    "str repr ascii bytes bytearray format list tuple dict set frozenset sorted reversed "
    "iter next min max enumerate zip map filter "
    "json.loads json.load json.dumps base64.b64decode base64.b64encode "
    "base64.urlsafe_b64decode base64.urlsafe_b64encode base64.standard_b64decode "
    "base64.decodebytes binascii.unhexlify binascii.a2b_base64 codecs.decode "
    "urllib.parse.unquote urllib.parse.unquote_plus urllib.parse.unquote_to_bytes "
    "urllib.parse.urljoin urllib.parse.urlunparse urllib.parse.urlunsplit "
    "urllib.parse.quote urllib.parse.quote_plus urllib.parse.parse_qs "
    "urllib.parse.parse_qsl urllib.parse.urlparse urllib.parse.urlsplit html.unescape "
    "os.path.join os.path.normpath os.path.abspath os.path.realpath os.path.expanduser "
    "os.path.dirname posixpath.join pathlib.Path pathlib.PurePath pathlib.PosixPath "
    "pathlib.PurePosixPath io.BytesIO io.StringIO gzip.decompress zlib.decompress "
    "bz2.decompress lzma.decompress textwrap.dedent copy.copy copy.deepcopy "
    "sqlalchemy.text sqlalchemy.sql.text bytes.fromhex bytearray.fromhex "
    "cgi.parse_multipart cgi.parse_header cgi.FieldStorage email.message_from_bytes "
    "email.message_from_string requests_toolbelt.multipart.decoder.MultipartDecoder "
    "requests_toolbelt.MultipartDecoder"
)
"""Calls whose result carries their arguments' event data."""

PREDICATES = _words(
    "startswith endswith isdigit isdecimal isnumeric isalpha isalnum isidentifier "
    "isspace islower isupper istitle count find rfind index rindex"
)
"""Methods of event data that answer a question (a bool or a number), not data."""

FORMATTERS = frozenset({"format", "format_map", "join", "replace"})
"""Methods of a (trusted) string that build a new string from their arguments."""


MAX_NESTING = 8
"""How deep lambdas (and functions defined inside functions) are read inside each other.
Deeper code is not guessed clean: the rule stops with `TooDeep`, a scan error."""


MAX_INLINED = 2000
"""How many nested bodies (lambdas, functions defined inside functions) one walk reads
in all: code that calls nested bodies from nested bodies many times over multiplies
them, and is stopped with `TooDeep` rather than read for ever."""


class TooDeep(RuntimeError):
    """Code nested deeper (or calling nested code more often) than the taint rules read
    (MAX_NESTING, MAX_INLINED)."""


class Frame(Protocol):
    """The function being walked, as expressions need it."""

    index: ModuleIndex
    defs: dict[str, ast.expr]

    def observe(self, call: ast.Call, env: Env) -> None: ...

    def enter(self, call: ast.Call, args: list[Taints], kwargs: Env, env: Env) -> Taints | None:
        """The result of a call to the module's own functions, or None for other calls."""
        ...

    def refine(self, test: ast.expr, truth: bool, env: Env) -> Env: ...

    def yielded(self, value: Taints) -> None:
        """What a generator yields: its callers get it as they get what it returns."""
        ...

    def spend(self, line: int) -> None:
        """Count one nested body read (MAX_INLINED); TooDeep past the budget."""
        ...


class Expressions:
    """Evaluates the taint of expressions in one function."""

    def __init__(self, frame: Frame, *, observing: bool) -> None:
        self.frame = frame
        self.observing = observing
        self._active: list[int] = []
        """The lambdas being read inside each other (one calling itself is read once)."""

    def taint(self, node: ast.expr | None, env: Env) -> Taints:
        if node is None or isinstance(node, ast.Constant | ast.Lambda):  # a lambda: when called
            return CLEAN
        if isinstance(node, ast.Name):
            return env.get(node.id, CLEAN)
        if isinstance(node, ast.Subscript | ast.Attribute):
            return self._part(node, env)
        if isinstance(node, ast.Call):
            return self._call(node, env)
        if isinstance(node, ast.JoinedStr | ast.BinOp):
            return self._string(node, env)
        if isinstance(node, ast.IfExp):
            self.taint(node.test, env)
            body = self.taint(node.body, self.frame.refine(node.test, True, env))
            return join(body, self.taint(node.orelse, self.frame.refine(node.test, False, env)))
        if isinstance(node, ast.Yield | ast.YieldFrom):
            self.frame.yielded(self.taint(node.value, env))
            return CLEAN  # what the caller sends in, not what is yielded
        if isinstance(node, ast.NamedExpr):
            env[node.target.id] = self.taint(node.value, env)
            return env[node.target.id]
        if isinstance(node, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            return self._comprehension(node, env)
        children = join(*(self.taint(c, env) for c in _child_exprs(node)))
        if isinstance(node, ast.Compare) or (
            isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)
        ):
            return CLEAN  # a bool
        return children

    def _lambda(self, func: ast.expr) -> ast.Lambda | None:
        """The lambda a call calls: written in place, or bound to a name (a local, or the
        module's when no local hides it)."""
        if isinstance(func, ast.Lambda):
            return func
        if isinstance(func, ast.Name):
            bound = self.frame.defs.get(func.id, self.frame.index.values.get(func.id))
            return bound if isinstance(bound, ast.Lambda) else None
        return None

    def _inline(self, function: ast.Lambda, args: list[Taints], kwargs: Env, env: Env) -> Taints:
        """A lambda's result, its body read where it is called: its parameters are what
        the call passes, the rest of its names what they are here."""
        inner = dict(env)
        names = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        for name, value in zip(names, args, strict=False):
            inner[name] = value
        for name, value in kwargs.items():
            if name != "**":
                inner[name] = value
        if len(self._active) >= MAX_NESTING:
            raise TooDeep(f"lambdas nested more than {MAX_NESTING} deep (line {function.lineno})")
        self.frame.spend(function.lineno)
        self._active.append(id(function))
        try:
            return self.taint(function.body, inner)
        finally:
            self._active.pop()

    def _part(self, node: ast.Subscript | ast.Attribute, env: Env) -> Taints:
        """`event["body"]`, `body.items`: a part of event data is event data."""
        text = ast.unparse(node)
        whole = self.taint(node.value, env)
        if isinstance(node, ast.Subscript):
            self.taint(node.slice, env)
        if text in env:  # guarded by an allow-list or a check
            return env[text]
        return _signed_by_aws(refined(whole, text, ast.unparse(node.value)), text)

    def _call(self, node: ast.Call, env: Env) -> Taints:
        receiver = (
            self.taint(node.func.value, env)
            if isinstance(node.func, ast.Attribute)
            else self.taint(node.func, env)
        )
        args = [self.taint(a, env) for a in node.args]
        kwargs = {k.arg or "**": self.taint(k.value, env) for k in node.keywords}
        if self.observing:
            self.frame.observe(node, env)
        function = self._lambda(node.func)
        if function is not None and id(function) not in self._active:  # not a recursion
            return self._inline(function, args, kwargs, env)
        own = self.frame.enter(node, args, kwargs, env)
        if own is not None:
            return own
        everything = join(*args, *kwargs.values())
        name = self.frame.index.qualname(node.func, self.frame.defs)
        if name in SANITISERS:
            return cleared(everything, SANITISERS[name])
        if name in PROPAGATORS:
            return everything
        kept = store_call(node, self.frame.index, self.frame.defs)
        if kept is not None and kept.direction == "read":
            return stored(kept.store, ast.unparse(node))
        if isinstance(node.func, ast.Attribute):
            return self._method(node, node.func, receiver, args, env)
        return CLEAN

    def _method(
        self, node: ast.Call, func: ast.Attribute, receiver: Taints, args: list[Taints], env: Env
    ) -> Taints:
        method = func.attr
        if method in PREDICATES:
            return CLEAN
        if method in FORMATTERS and any(args):
            if method == "format":
                return self._built(node, list(format_parts(node, func.value)), env)
            return built(join(receiver, *args), node.lineno)
        if method in ("get", "pop", "getlist", "setdefault"):
            # A lookup in trusted data by an event key is trusted; its default is not.
            text = ast.unparse(node)
            default = join(*args[1:])
            if text in env:
                return env[text]
            found = _signed_by_aws(refined(receiver, text, ast.unparse(func.value)), text)
            return join(found, default) if receiver else default
        return receiver

    def _string(self, node: ast.JoinedStr | ast.BinOp, env: Env) -> Taints:
        if isinstance(node, ast.BinOp) and not isinstance(node.op, ast.Add | ast.Mod):
            return join(self.taint(node.left, env), self.taint(node.right, env))
        return self._built(node, list(string_parts(node)), env)

    def _built(self, node: ast.expr, parts: list[str | ast.expr], env: Env) -> Taints:
        """A string formatted from `parts`; its host is fixed (no SSRF) when the text
        before the first event data already holds `scheme://host/`."""
        taints = [CLEAN if isinstance(p, str) else self.taint(p, env) for p in parts]
        out = join(*taints)
        if not out:
            return CLEAN
        out = built(out, node.lineno)
        return cleared(out, frozenset({"url"})) if self._fixes_host(parts, taints) else out

    def _fixes_host(self, parts: list[str | ast.expr], taints: list[Taints]) -> bool:
        prefix = ""
        for part, taint in zip(parts, taints, strict=True):
            if taint:
                break
            value = part if isinstance(part, str) else self.frame.index.constant(part)
            prefix += value if isinstance(value, str) else "\0"
        _, separator, rest = prefix.partition("://")
        if separator:  # `scheme://host/...`: the host ends before the first / ? or #
            return any(c in rest for c in "/?#")
        # `{BASE}/...`: a trusted value first, taken to be a base URL, then a path.
        return prefix.startswith("\0") and any(c in prefix for c in "/?#")

    def _comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp, env: Env
    ) -> Taints:
        inner = dict(env)
        for generator in node.generators:
            bind_names(generator.target, self.taint(generator.iter, inner), inner)
            for condition in generator.ifs:
                self.taint(condition, inner)
                inner = self.frame.refine(condition, True, inner)
        if isinstance(node, ast.DictComp):
            return join(self.taint(node.key, inner), self.taint(node.value, inner))
        return self.taint(node.elt, inner)


# Event fields that hold a URL an AWS service made and signed for the function to call:
# a CloudFormation custom resource's `ResponseURL` (a pre-signed S3 URL the stack waits
# on) and S3 Object Lambda's `getObjectContext.inputS3Url`. Only whoever may invoke the
# function can put another URL there, so they do not choose a request's host (SSRF);
# for any other sink they are event data like the rest.
_SIGNED_BY_AWS = re.compile(
    r"""(\[\s*['"]|\.get\(\s*['"]|\.)(ResponseURL|inputS3Url)['"]?\s*[\])]?$"""
)


def _signed_by_aws(taints: Taints, text: str) -> Taints:
    return cleared(taints, frozenset({"url"})) if _SIGNED_BY_AWS.search(text) else taints


def bind_names(target: ast.expr, taints: Taints, env: Env) -> None:
    """Every name in an assignment target gets `taints` (tuples are not split: a
    tuple of event data is event data all through)."""
    for node in subtree(target):
        if isinstance(node, ast.Name):
            env[node.id] = taints


def _child_exprs(node: ast.AST) -> Iterator[ast.expr]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.expr):
            yield child
        elif isinstance(child, ast.keyword):
            yield child.value
