"""What the taint analysis knows about one value: where its event data came from and
which kinds of sink it has been made safe for."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

KINDS = frozenset({"command", "code", "sql", "deserialise", "template", "path", "url", "xxe"})
"""The sink classes; a sanitiser clears a value for some of them (`shlex.quote`: command)."""

SOURCE_WIDTH = 60
"""Longest source text a message quotes; an event path longer than this is cut."""


@dataclass(frozen=True)
class Taint:
    """One origin of a value's event data."""

    source: str
    """How the code reached the data (`event['body']`); quoted in findings."""
    param: str | None = None
    """Set while summarising a function: the data is whatever the caller passes as this
    parameter. None: real event data."""
    whole: bool = False
    """The whole event (or parameter), so the first subscript names the source better."""
    cleared: frozenset[str] = frozenset()
    """Sink kinds the value has been made safe for on the way."""
    built_at: int | None = None
    """The line where the value was formatted or concatenated into a string: a query
    passed to `execute` is injectable only when it was built from the data."""
    ambient: bool = False
    """Event data every function of the module can reach alike (a framework's request
    object, `app.current_event`): what a function returns of it is event data for its
    callers too, whoever calls it."""
    store: str | None = None
    """Set for data read back from a table or bucket (gate.rules.taint.stores): the
    store it came from. It is event data only if a function of the bundle writes event
    data there (GATE-SLS-009); the first-order rules never report it."""


Taints = frozenset[Taint]
CLEAN: Taints = frozenset()


def event(name: str) -> Taints:
    """The handler's event parameter."""
    return frozenset({Taint(name, whole=True)})


def parameter(name: str) -> Taints:
    """A function's parameter while its summary is computed."""
    return frozenset({Taint(name, param=name, whole=True)})


def stored(store: str, text: str) -> Taints:
    """What a read from `store` returns (`text` is the call, quoted in findings)."""
    if len(text) > SOURCE_WIDTH:
        text = text[: SOURCE_WIDTH - 3] + "..."
    return frozenset({Taint(text, whole=True, store=store)})


def join(*groups: Iterable[Taint]) -> Taints:
    present = [g for g in groups if g]
    if len(present) == 1 and isinstance(present[0], frozenset):
        return present[0]  # already normal: every Taints is built by these functions
    return _normal(t for group in present for t in group)


def _normal(taints: Iterable[Taint]) -> Taints:
    """At most one taint per parameter, wholeness, cleared kinds and built-or-not: only
    these decide what a rule reports. Which of several sources or lines a message quotes
    does not, and keeping every one grows with the number of paths through a module."""
    kept: dict[tuple[str | None, bool, frozenset[str], bool, bool, str | None], Taint] = {}
    for t in taints:
        key = (t.param, t.whole, t.cleared, t.built_at is not None, t.ambient, t.store)
        other = kept.get(key)
        if other is None or (t.source, t.built_at or 0) < (other.source, other.built_at or 0):
            kept[key] = t
    return frozenset(kept.values())


def real(taints: Taints) -> Taints:
    """Only real event data (summary placeholders left out)."""
    return frozenset(t for t in taints if t.param is None)


def cleared(taints: Taints, kinds: frozenset[str]) -> Taints:
    """The same data, now safe for `kinds`; safe for every kind means clean."""
    if kinds >= KINDS:
        return CLEAN
    return _normal(replace(t, cleared=t.cleared | kinds) for t in taints)


def built(taints: Taints, line: int) -> Taints:
    """The data formatted into a string at `line` (the first such line is kept)."""
    return _normal(t if t.built_at else replace(t, built_at=line) for t in taints)


def refined(taints: Taints, text: str, base: str) -> Taints:
    """`taints` reached through `text` (a subscript, attribute or `.get` of `base`): the
    whole event, or the part of it `base` names, becomes the part the code took."""
    if len(text) > SOURCE_WIDTH:
        text = text[: SOURCE_WIDTH - 3] + "..."
    return _normal(
        replace(t, source=text, whole=False) if t.whole or t.source == base else t for t in taints
    )


def reaching(
    taints: Taints, kind: str, *, built_only: bool = False, stored: bool = False
) -> Taint | None:
    """Real event data in `taints` that is not safe for `kind`, if any; with `stored`,
    data read back from a store instead."""
    return origin(
        frozenset(t for t in taints if kind not in t.cleared and (t.built_at or not built_only)),
        stored=stored,
    )


def origin(taints: Taints, *, stored: bool = False) -> Taint | None:
    """One origin of the real event data in `taints` (with `stored`, of the data read
    from a store), if any: the same one every time, so messages are stable."""
    data = [t for t in taints if t.param is None and (t.store is not None) == stored]
    return min(data, key=lambda t: (t.source, t.built_at or 0)) if data else None


def substituted(returned: Taints, arguments: Mapping[str, Taints]) -> Taints:
    """A callee's returned taint, its parameter placeholders replaced by what the caller
    passed (keeping what the callee cleared or built on the way)."""
    out: set[Taint] = set()
    for placeholder in returned:
        if placeholder.param is None:
            if placeholder.ambient or placeholder.store:
                out.add(placeholder)  # the request every function reads alike, a store's data
            continue  # the callee's own inputs: reported inside it, not returned here
        for argument in arguments.get(placeholder.param, CLEAN):
            source = argument.source if placeholder.whole else placeholder.source
            out.add(
                replace(
                    argument,
                    source=source if argument.whole else argument.source,
                    whole=argument.whole and placeholder.whole,
                    cleared=argument.cleared | placeholder.cleared,
                    built_at=placeholder.built_at or argument.built_at,
                )
            )
    return _normal(out)


def validated(exits: Iterable[Taints], name: str) -> frozenset[str]:
    """The kinds parameter `name` is safe for at every normal exit of a function (all
    kinds when none of its own data is left), so a call that returns validated it."""
    kinds = set(KINDS)
    for taints in exits:
        for t in taints:
            if t.param == name:
                kinds &= t.cleared
    return frozenset(kinds)
