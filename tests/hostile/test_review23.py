"""A twenty-third hostile review of `gate check`: the event-taint rules (GATE-SLS-001..009)
against Python constructs a handler can route event data through, the entry points they
take from the IaC's handler, and a few probes of discovery's handler resolution.

Each attack is a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks. Each attack exited 0 with the
hostile harness's policy (checkov off), and by hand with the default policy (checkov on)
exited 0 all the same: checkov reads no Python, and bandit reports the sink (`eval`,
B307; string-built SQL, B608) at medium, below the default threshold, so only the gate's
own critical GATE-SLS-002/003 would block. What lets each through:

1. A handler the IaC names through a module-level alias: `handler = _impl` (or `handler =
   wrap(_impl)`, a decorator applied by hand), `Handler: app.handler`, `_impl(event,
   context)` passing `event['x']` to `eval`. Lambda calls whatever object the module's
   `handler` attribute is. gate.rules.taint.entries `handler_modules` takes the entry
   point from `module.functions.get(name)`, the module's top-level `def`s only: no
   function is named `handler`, so the claimed module has no entry (and, being claimed,
   is never searched for `handler_shaped` functions either, so even `_impl(event,
   context)` is no entry). Nothing in the module is walked; `def handler` blocks.
2. Functions of the module that the index does not know: a `lambda` (`run = lambda s:
   eval(s)` at module level or in the handler; `(lambda e: 'SELECT ... ' + e['id'])(event)`
   into `cursor.execute`), and a function defined inside the handler (`def run(): return
   eval(event['x'])`, a closure over `event`, or `def run(s)` called with `event['x']`).
   gate.rules.taint.exprs `Expressions.taint` returns CLEAN for any `ast.Lambda`, and
   gate.rules.taint.module `ModuleIndex._bind` indexes top-level and class-member `def`s
   only: a nested `def` is never walked (its sinks are not even observed) and a call to
   it or to a lambda returns clean. The README promises taint "through ... calls in the
   module"; the same body as a top-level `def` blocks.
3. A generator of the module: `def gen(e): yield e['x']` (or `yield from e['xs']`, or a
   yielded string-built SQL query), and `for y in gen(event): eval(y)`. The summary of a
   module function is what it `return`s (gate.rules.taint.walk `FunctionWalk._return`,
   gate.rules.taint.flow `Analysis._summarise`); a `yield` is no return, so the call's
   result is clean. `return (p for p in e['xs'])` (a generator expression) blocks.
4. The sink passed as a value rather than called by name: `functools.partial(eval,
   event['x'])()`, `map(eval, event['xs'])`, `getattr(builtins, 'eval')(event['x'])`.
   gate.rules.taint.sinks `lookup` knows a sink only as the callee of a call
   (`scope.qualname(call.func)`); `functools.partial`/`map` are library calls whose result
   is clean, and `getattr(...)` is no qualified name. `builtins.eval(...)` and `e = eval;
   e(...)` block.

Suggested fixes, by class: an entry point is whatever the handler's name is bound to at
module level, followed through assignments and calls of the module (`handler = _impl`,
`handler = wrap(_impl)`: the function the value names, and any function passed to the
call), and a claimed module whose handler the gate cannot resolve to a function is either
searched like an unclaimed one (`handler_shaped`, every function taking an event) or a
scan error naming it, never silently no entry; every function body of the module is a
function of the module: lambdas and nested `def`s indexed and walked with the enclosing
scope's taint (closures see the outer locals), calls to them entered like top-level
functions; a function's summary includes what it `yield`s (and `yield from`s) as what
its call returns; and a sink handed on as a value (an argument of `functools.partial`,
`map`, `filter`, `functools.reduce`, `operator.methodcaller`, any call, or reached by
`getattr` of a module with a constant name) is a sink called with the data passed with
it, or at least reported as a sink the gate cannot follow (GATE-SLS finding at reduced
confidence) where event data is anywhere in that call.

Also tried, and the gate held (each blocks, GATE-SLS-002): the walrus operator
(`if (y := event['x']): eval(y)`), `match event: case {'x': y}` and `case str() as y`,
a list comprehension over `event['xs']`, `e = eval` then `e(...)`, `builtins.eval`, a
decorated module function, an `async def` run by `asyncio.run`, `*args`/`**kwargs`,
`for k, v in event.items()`, starred unpacking, attribute state on a local object,
ternaries, slices, `''.join`, string methods, `base64` decoding, `next(iter(...))`,
`sorted`, `dict(event)`, `+=`, `list.append`, `dict.update`, `exec(compile(...))`,
`pickle.loads` (GATE-SLS-004), a generator expression returned by a module function, a
handler re-exported from another module (`from impl import work as handler`), a Chalice
blueprint in `chalicelib/` registered by `app.py`. A Serverless handler written with a
variable (`${sls:stage}/app.handler`, `${self:custom.h}`) is refused: its module is not
in the bundle as written. Seen and left as documented (the taint docstring lists them as
not followed): methods of classes (a `@staticmethod` called as `C.run`, a callable
instance as the handler), module-level state (`G['x'] = event['x']`), and library calls
whose result is clean (`contextlib.nullcontext(event['x'])` bound by `with`,
`operator.itemgetter`, `getattr(context, 'x', event['x'])`, an exception's `args`,
`functools.reduce` with a lambda).

Fixed, each by its class: 1, a handler name bound at module level to another function
(`handler = _impl`, `handler = wrap(_impl)`) is an entry through each function it names
(gate.rules.taint.entries `_bound_to`). 2, a lambda is read where it is called, its
parameters what the call passes (gate.rules.taint.exprs `Expressions._inline`), and a
function defined inside another is walked at each call with the arguments bound and at
its definition with the enclosing names as its closure (gate.rules.taint.walk
`_walk_nested`), a few levels deep. 3, what a generator yields is what its callers get,
as what it returns is (`Frame.yielded`). 4, a sink handed on is a sink called:
`functools.partial(f, ...)`, `map(f, items)` and `getattr(obj, "f")(...)` are read as the
call of `f` they make (gate.rules.taint.sinks `handed_on`). The taint evaluation set
stays at precision and recall 1.00 in every family.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from tests.hostile.conftest import Layout, Sandbox, each_blocked_or_refused, each_blocks

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
"""


def handler_bundle(sandbox: Sandbox, source: str) -> None:
    """A SAM function whose code is `src/app.py` = SOURCE, handler `app.handler`."""
    sandbox.write("template.yaml", TEMPLATE)
    sandbox.write("src/app.py", source)


PLAIN = "def handler(event, context):\n    return eval(event['x'])\n"

# --- 1. a handler named through a module-level alias ---------------------------------------


def handler_defined_by_its_name(sandbox: Sandbox) -> None:
    """The baseline: `def handler(event, context): return eval(event['x'])` blocks."""
    handler_bundle(sandbox, PLAIN)


ALIASED = {
    "alias": "def _impl(evt, ctx):\n    return eval(evt['x'])\n\n\nhandler = _impl\n",
    "alias-event-shaped": (
        "def _impl(event, context):\n    return eval(event['x'])\n\n\nhandler = _impl\n"
    ),
    "wrapped": (
        "def wrap(fn):\n    def inner(event, context):\n        return fn(event, context)\n\n"
        "    return inner\n\n\n"
        "def _impl(event, context):\n    return eval(event['x'])\n\n\nhandler = wrap(_impl)\n"
    ),
}


def handler_bound_to_another_function(trick: str) -> Layout:
    """`handler = _impl` (or `handler = wrap(_impl)`): Lambda calls `_impl`, which passes
    `event['x']` to `eval`. No top-level `def handler`, so no entry point: exit 0."""
    return partial(handler_bundle, source=ALIASED[trick])


# --- 2. lambdas and nested functions ---------------------------------------------------------


def module_function(sandbox: Sandbox) -> None:
    """The baseline: the same body as a top-level `def run(s)` blocks."""
    source = (
        "def run(s):\n    return eval(s)\n\n\n"
        "def handler(event, context):\n    return run(event['x'])\n"
    )
    handler_bundle(sandbox, source)


def string_built_sql(sandbox: Sandbox) -> None:
    """The baseline for SQL: a query built from `event['id']` into `cursor.execute` blocks
    (GATE-SLS-003)."""
    source = (
        "import sqlite3\n\n\ndef handler(event, context):\n"
        "    cur = sqlite3.connect(':memory:').cursor()\n"
        "    q = 'SELECT * FROM t WHERE id = ' + event['id']\n    cur.execute(q)\n"
    )
    handler_bundle(sandbox, source)


INNER = {
    "module-lambda": (
        "run = lambda s: eval(s)  # noqa: E731\n\n\n"
        "def handler(event, context):\n    return run(event['x'])\n",
        "GATE-SLS-002",
    ),
    "local-lambda": (
        "def handler(event, context):\n    run = lambda s: eval(s)  # noqa: E731\n"
        "    return run(event['x'])\n",
        "GATE-SLS-002",
    ),
    "nested-def": (
        "def handler(event, context):\n    def run(s):\n        return eval(s)\n\n"
        "    return run(event['x'])\n",
        "GATE-SLS-002",
    ),
    "closure": (
        "def handler(event, context):\n    def run():\n        return eval(event['x'])\n\n"
        "    return run()\n",
        "GATE-SLS-002",
    ),
    "lambda-sql": (
        "import sqlite3\n\n\ndef handler(event, context):\n"
        "    cur = sqlite3.connect(':memory:').cursor()\n"
        "    q = (lambda e: 'SELECT * FROM t WHERE id = ' + e['id'])(event)\n"
        "    cur.execute(q)\n",
        "GATE-SLS-003",
    ),
}


def lambda_or_nested_function(trick: str) -> Layout:
    """Event data into `eval` (or string-built SQL into `execute`) inside a lambda or a
    function defined in the handler: the call returns clean, the nested body is never
    walked, and the run passes (exit 0)."""
    return partial(handler_bundle, source=INNER[trick][0])


# --- 3. generators ---------------------------------------------------------------------------


def generator_expression_returned(sandbox: Sandbox) -> None:
    """The baseline: `return (p for p in e['xs'])` from a module function blocks."""
    source = (
        "def parts(e):\n    return (p for p in e['xs'])\n\n\n"
        "def handler(event, context):\n    for y in parts(event):\n        eval(y)\n"
    )
    handler_bundle(sandbox, source)


GENERATORS = {
    "yield": (
        "def gen(e):\n    yield e['x']\n\n\n"
        "def handler(event, context):\n    for y in gen(event):\n        eval(y)\n",
        "GATE-SLS-002",
    ),
    "yield-from": (
        "def gen(e):\n    yield from e['xs']\n\n\n"
        "def handler(event, context):\n    for y in gen(event):\n        eval(y)\n",
        "GATE-SLS-002",
    ),
    "yield-sql": (
        "import sqlite3\n\n\ndef rows(e):\n    yield 'SELECT * FROM t WHERE id = ' + e['id']\n\n\n"
        "def handler(event, context):\n    cur = sqlite3.connect(':memory:').cursor()\n"
        "    for q in rows(event):\n        cur.execute(q)\n",
        "GATE-SLS-003",
    ),
}


def what_a_generator_yields(trick: str) -> Layout:
    """`def gen(e): yield e['x']`, `for y in gen(event): eval(y)`: exit 0."""
    return partial(handler_bundle, source=GENERATORS[trick][0])


# --- 4. the sink passed as a value -----------------------------------------------------------


def sink_called_through_an_alias(sandbox: Sandbox) -> None:
    """The baseline: `e = eval` then `e(event['x'])` blocks, and so does `builtins.eval`."""
    handler_bundle(sandbox, "e = eval\n\n\n" + PLAIN.replace("eval(", "e("))


def builtins_eval(sandbox: Sandbox) -> None:
    """The baseline: `builtins.eval(event['x'])` blocks."""
    handler_bundle(sandbox, "import builtins\n\n\n" + PLAIN.replace("eval(", "builtins.eval("))


AS_VALUE = {
    "partial": (
        "import functools\n\n\ndef handler(event, context):\n"
        "    return functools.partial(eval, event['x'])()\n"
    ),
    "map": "def handler(event, context):\n    return list(map(eval, event['xs']))\n",
    "getattr": (
        "import builtins\n\n\ndef handler(event, context):\n"
        "    return getattr(builtins, 'eval')(event['x'])\n"
    ),
}


def sink_handed_on_as_a_value(trick: str) -> Layout:
    """`functools.partial(eval, event['x'])()`, `map(eval, event['xs'])`,
    `getattr(builtins, 'eval')(event['x'])`: Python calls `eval` with the event data; the
    gate sees no call of a sink, and the run passes (exit 0)."""
    return partial(handler_bundle, source=AS_VALUE[trick])


# --- held: handlers the Serverless Framework names with a variable ---------------------------

SLS = "service: orders\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n  fn:\n"


def test_a_serverless_handler_named_by_a_variable_is_not_passed(tmp_path: Path) -> None:
    """Held: `handler: ${sls:stage}/app.handler` (the Framework's default stage is `dev`)
    with the tainted handler in `dev/app.py` and a harmless `app.py` beside it: refused."""

    def layout(handler: str) -> Layout:
        def written(sandbox: Sandbox) -> None:
            sandbox.write("serverless.yml", SLS + f"    handler: {handler}\n")
            sandbox.write("dev/app.py", "def handler(evt, ctx):\n    return eval(evt['x'])\n")
            sandbox.write("app.py", "def handler(evt, ctx):\n    return 1\n")

        return written

    layouts = {
        "0-sls-stage-app-handler": layout("${sls:stage}/app.handler"),
        "1-self-custom-h": layout("${self:custom.h}\ncustom:\n  h: dev/app.handler"),
    }
    each_blocked_or_refused(tmp_path, layouts)


# --- the bundles that block, in one run --------------------------------------------------

# name: (the bundle, the rule its blocking finding names)
BLOCKING: dict[str, tuple[Layout, str]] = {
    "1-handler-defined-by-its-name": (handler_defined_by_its_name, "GATE-SLS-002"),
    **{
        f"1-handler-{trick}": (handler_bound_to_another_function(trick), "GATE-SLS-002")
        for trick in sorted(ALIASED)
    },
    "2-module-function": (module_function, "GATE-SLS-002"),
    "2-string-built-sql": (string_built_sql, "GATE-SLS-003"),
    **{
        f"2-{trick}": (lambda_or_nested_function(trick), rule)
        for trick, (_, rule) in sorted(INNER.items())
    },
    "3-generator-expression-returned": (generator_expression_returned, "GATE-SLS-002"),
    **{
        f"3-{trick}": (what_a_generator_yields(trick), rule)
        for trick, (_, rule) in sorted(GENERATORS.items())
    },
    "4-sink-called-through-an-alias": (sink_called_through_an_alias, "GATE-SLS-002"),
    "4-builtins-eval": (builtins_eval, "GATE-SLS-002"),
    **{
        f"4-sink-by-{trick}": (sink_handed_on_as_a_value(trick), "GATE-SLS-002")
        for trick in sorted(AS_VALUE)
    },
}


def test_the_bundles_that_must_block_do(tmp_path: Path) -> None:
    """Every baseline and trick of 1 to 4, in one run of every bundle: each blocks, its
    finding naming its rule (GATE-SLS-002 for eval, GATE-SLS-003 for SQL)."""
    each_blocks(tmp_path, BLOCKING)
