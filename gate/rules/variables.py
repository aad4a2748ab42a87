"""Serverless Framework variables the rules resolve without leaving the bundle.

`${self:custom.x}` is the same document's own text, and `${file(./iam.yml)}` another
file of the bundle: a rule that took them for "resolved at deploy time" would let them
hide a wildcard or a plaintext secret. They are resolved here, and only they: a
`${file()}` only to a regular file inside the bundle, read through the gate's YAML
loader and its budgets; never `${env:}`, `${opt:}`, `${ssm:}` or anything outside.

A variable may name fallbacks, tried in order: `${self:custom.act, 's3:GetObject'}`,
`${env:ACTION, '*'}`, `${opt:stage, self:provider.stage, 'dev'}`. The value is the first
the bundle decides; a source only the deploy knows (`env:`, `opt:`, `ssm:`...) is
passed over, because the deploy takes the fallback wherever that source is unset. A
variable with nothing the bundle decides is left as written, and still judged as
written (an action the gate does not know, a value that is no literal).

A `${file()}` naming a file of the bundle that the gate cannot read (a `.js` module
the Framework would run, YAML or JSON that does not parse) is an error, never
"undecided": the value is the bundle's, and the gate cannot know it. A file of any
other kind is its text, as the Framework reads it.

Values are read the way the Framework reads them: through variables on the way
(`custom: ${file(./custom.yml)}` then `${self:custom.act}`), addresses with any
character but `}`, `,`, `:` and `$` (spaces after the colon skipped), and
double-quoted fallbacks as JSON strings (`"\u002a"` is `*`).

Resolution has budgets, and going over one is an error (a rule that raises makes the
scan an error), never a value left as written: a chain deeper than MAX_DEPTH (a cycle,
which the framework refuses too), more than MAX_STEPS values and MAX_CHARS characters
written out in all (a file that includes itself many times, or a string that doubles,
grows exponentially). One `Variables` serves every function of a serverless.yml
(`for_file`), so the budgets are the file's, and what one function resolved another
reuses.
"""

from __future__ import annotations

import re
from typing import Any

from gate.bundle.discovery.declared import deep_merge
from gate.bundle.discovery.references import unquoted
from gate.rules.context import BundleContext
from gate.rules.variable_files import VariableUnreadable, included_data
from gate.rules.variable_syntax import (
    SELF,
    included_file,
    keys_of,
    split_sources,
    variable_spans,
)

MAX_DEPTH = 16
"""Variables resolved through this many others: no real service writes such a chain."""
MAX_STEPS = 50_000
"""Values produced resolving one serverless.yml, across every variable in it."""
MAX_CANDIDATES = 256
"""Values one string may be, where its variables may each be several."""
MAX_CHARS = 16 * 1024 * 1024
"""Characters written out into strings resolving one serverless.yml."""

_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_UNRESOLVED = object()
"""What `Variables._variable` returns for a variable the bundle does not decide."""


class VariablesTooLarge(ValueError):
    """The variables of a serverless.yml go deeper or expand further than the budgets."""


class Candidates(list[Any]):
    """The values a variable may stand for, when the bundle cannot say which one
    (`${self:custom.${sls:stage}.act}`): in a list, each is an item; anywhere else,
    the variable is left as written."""


class Variables:
    """Resolves the variables of one serverless.yml (`data`, at `iac_file` in `context`)."""

    def __init__(self, context: BundleContext | None, iac_file: str, data: Any) -> None:
        self.context = context
        self.iac_file = iac_file
        self.data = data
        self._steps = 0
        self._chars = 0
        self._resolved: dict[str, Any] = {}
        self._at: dict[str, Any] = {}

    @classmethod
    def for_file(cls, context: BundleContext, iac_file: str, data: Any) -> Variables:
        """The one `Variables` of `iac_file` in this bundle."""
        key = f"variables:{iac_file}"
        found = context.memo.get(key)
        if not isinstance(found, Variables):
            found = context.memo[key] = cls(context, iac_file, data)
        return found

    def at(self, *keys: str | int) -> Any:
        """The value at `keys` in the document, resolved, each variable on the way
        resolved too (`provider: ${file(./provider.yml)}`); None where there is none."""
        key = "\0".join(map(str, keys))
        if key not in self._at:
            found = self._walk(self.data, [str(k) for k in keys], 0)
            found = None if found is None else self.resolve(found)
            # The memo shares what several places resolve to: the value a rule walks may
            # be far larger than the steps that made it.
            if _size_over(found, MAX_STEPS):
                raise VariablesTooLarge(
                    f"{self.iac_file}: {'.'.join(map(str, keys))} expands to more than "
                    f"{MAX_STEPS} values"
                )
            self._at[key] = found
        return self._at[key]

    def resolve(self, value: Any, depth: int = 0) -> Any:
        """`value` with every `${self:...}` and in-bundle `${file(...)}` it holds
        replaced by what it stands for, as far as the bundle says."""
        self._spend(depth)
        if isinstance(value, dict):
            return {key: self.resolve(inner, depth) for key, inner in value.items()}
        if isinstance(value, list):
            resolved = []
            for inner in value:
                found = self.resolve(inner, depth)
                # A variable that may be any of several values stands for all of them.
                resolved += found if isinstance(found, Candidates) else [found]
            return resolved
        if not isinstance(value, str) or "${" not in value:
            return value
        spans = variable_spans(value)
        if len(spans) == 1 and spans[0] == (0, len(value)):
            found = self._variable(value[2:-1], depth)
            return value if found is _UNRESOLVED else found
        return self._expanded(value, spans, depth)

    def _expanded(self, value: str, spans: list[tuple[int, int]], depth: int) -> Any:
        """A string with variables in it, written out: one string, or, where a variable
        may be any of several values, every string it may be (`Candidates`)."""
        written: list[str] = [""]
        end = 0
        for start, stop in spans:
            found = self._variable(value[start + 2 : stop - 1], depth)
            options = found if isinstance(found, Candidates) else [found]
            shown = [_written(o) for o in options]
            if None in shown:
                shown = [value[start:stop]]  # not a scalar: left as written
            written = [w + value[end:start] + s for w in written for s in shown if s is not None]
            end = stop
            if len(written) > MAX_CANDIDATES:
                raise VariablesTooLarge(
                    f"{self.iac_file}: {value[:80]!r} may be more than {MAX_CANDIDATES} values"
                )
            self._chars += sum(map(len, written))
            if self._chars > MAX_CHARS:
                raise VariablesTooLarge(
                    f"{self.iac_file}: variables write out more than {MAX_CHARS} characters"
                )
        written = [w + value[end:] for w in written]
        return written[0] if len(written) == 1 else Candidates(written)

    def text(self, value: str, depth: int = 0) -> str:
        """A string with each variable in it that stands for a scalar written out."""
        pieces, end = [], 0
        for start, stop in variable_spans(value):
            found = self._variable(value[start + 2 : stop - 1], depth)
            scalar = isinstance(found, (str, int, float)) and not isinstance(found, bool)
            pieces += [value[end:start], str(found) if scalar else value[start:stop]]
            end = stop
            self._chars += len(pieces[-1])
            if self._chars > MAX_CHARS:
                raise VariablesTooLarge(
                    f"{self.iac_file}: variables write out more than {MAX_CHARS} characters"
                )
        return "".join(pieces) + value[end:]

    def _address(self, source: str, depth: int) -> str:
        """`source` with each variable whose value the bundle decides written out, and
        each one the deploy decides (`_at_deploy`) left as written."""
        pieces, end = [], 0
        for start, stop in variable_spans(source):
            variable = source[start:stop]
            if not self._at_deploy(variable[2:-1], depth):
                variable = self.text(variable, depth)
            pieces += [source[end:start], variable]
            end = stop
        return "".join(pieces) + source[end:]

    def _at_deploy(self, inner: str, depth: int) -> bool:
        """Whether the deploy decides what `${inner}` stands for, fallback or not: its
        first source is one only the deploy knows (`opt:`, `sls:`, `env:`...), or a
        `self:`/`file()` reference to a value that holds such a variable, however many
        references away (`${self:provider.stage}` where `stage: ${opt:stage, 'dev'}`)."""
        self._spend(depth)
        first = split_sources(inner)[:1]
        if not first:
            return False
        source = first[0]
        if source[:1] in "'\"" or _NUMBER.match(source):
            return False
        if not source.startswith(("self:", "file(", "${")):
            return True
        if any(
            self._at_deploy(source[start + 2 : stop - 1], depth + 1)
            for start, stop in variable_spans(source)
        ):
            return True  # the address itself holds a segment the deploy decides
        value = self._written(self.text(source, depth + 1), depth + 1)
        return isinstance(value, str) and any(
            self._at_deploy(value[start + 2 : stop - 1], depth + 1)
            for start, stop in variable_spans(value)
        )

    def _written(self, source: str, depth: int) -> Any:
        """The value a `self:` or `file()` source reaches, as written: variables on the
        way that include a file or point elsewhere in this one are followed as written
        too, never resolved (a fallback on the way would hide a variable the deploy
        decides: `custom: ${file(./custom.yml)}` holding `st: ${opt:stage, 'dev'}`).
        None where it reaches nothing, or a variable of another source on the way."""
        self._spend(depth)
        own, included = SELF.match(source), included_file(source)
        if own:
            data, keys = self.data, keys_of(own[1])
        elif included:
            data, keys = self._file(included[0]), keys_of(included[1])
        else:
            return None
        return self._walk(data, keys, depth, written=True)

    def _spend(self, depth: int) -> None:
        self._steps += 1
        if depth > MAX_DEPTH:
            raise VariablesTooLarge(
                f"{self.iac_file}: variables refer to each other more than {MAX_DEPTH} deep"
                " (a cycle?)"
            )
        if self._steps > MAX_STEPS:
            raise VariablesTooLarge(
                f"{self.iac_file}: variables expand to more than {MAX_STEPS} values"
            )

    def _variable(self, inner: str, depth: int) -> Any:
        """What `${inner}` stands for: its first source the bundle decides, in order."""
        if inner in self._resolved:
            return self._resolved[inner]
        found = _UNRESOLVED
        for source in split_sources(inner):
            value = self._source(source, depth + 1)
            if value is not _UNRESOLVED and not _is_variable(value):
                found = value
                break
        self._resolved[inner] = found
        return found

    def _source(self, source: str, depth: int) -> Any:
        self._spend(depth)
        if len(source) >= 2 and source[0] == source[-1] and source[0] in "'\"":
            return unquoted(source)
        if _NUMBER.match(source):
            return float(source) if "." in source else int(source)
        if source.startswith("${") and variable_spans(source) == [(0, len(source))]:
            return self._variable(source[2:-1], depth)
        if "${" in source:
            # `custom.${opt:stage, 'dev'}.act` keeps its segment: the deploy may pick any
            # stage, so every value the address reaches is read (`_candidates`).
            source = self._address(source, depth)
        if source.startswith("self:") and "${" in source:
            return self._candidates(self.data, source.removeprefix("self:"), depth)
        own = SELF.match(source)
        if own:
            return self._found(self._walk(self.data, keys_of(own[1]), depth), depth)
        included = included_file(source)
        if included:
            data = self._file(included[0])
            if "${" in included[1]:
                return self._candidates(data, included[1], depth)
            return self._found(self._walk(data, keys_of(included[1]), depth), depth)
        if source.startswith("param:") and "${" not in source:
            return self._param(source.removeprefix("param:").strip(), depth)
        return _UNRESOLVED  # a source only the deploy knows

    def _param(self, name: str, depth: int) -> Any:
        """`${param:name}`: the service's `params.<stage>.name`, or `params.default.name`.
        The deploy picks the stage, so it stands for every stage's value (`Candidates`);
        a value only the Dashboard holds is the deploy's."""
        stages = self._walk(self.data, ["params"], depth)
        if not isinstance(stages, dict):
            return _UNRESOLVED
        found = [s.get(name) for s in stages.values() if isinstance(s, dict) and name in s]
        if not found:
            return _UNRESOLVED
        return self._candidates(dict(enumerate(found)), "${stage}", depth)

    def _walk(self, data: Any, keys: list[str], depth: int, written: bool = False) -> Any:
        """The value at `keys` in `data`, resolving each variable on the way (`written`:
        following it as written, `_written`); None. A list of mappings where a key is
        asked for is read as the Framework merges it (`functions: [{a: ...}, {b: ...}]`,
        `resources: [{Resources: ...}]`)."""
        for key in keys:
            if _is_variable(data) and written:
                data = self._written(split_sources(data[2:-1])[0], depth + 1)
            elif _is_variable(data):
                data = self.resolve(data, depth + 1)
            if isinstance(data, list) and not key.isdigit():
                data = _merged(data if written else self.resolve(data, depth + 1))
            if isinstance(data, dict) and key in data:
                data = data[key]
            elif isinstance(data, list) and key.isdigit() and int(key) < len(data):
                data = data[int(key)]
            else:
                return None
        return data

    def _candidates(self, data: Any, address: str, depth: int) -> Any:
        """A `self:` address that holds a variable only the deploy knows
        (`custom.${sls:stage}.act`): every value the bundle has that it can reach, each
        such segment matching any key. One value is that value; several scalars are
        all of them (`Candidates`, judged together); several structures cannot be told
        apart, an error."""
        found: list[Any] = [data]
        for key in keys_of(address):
            reached = []
            for value in found:
                if isinstance(value, str) and _is_variable(value):
                    value = self.resolve(value, depth + 1)
                if isinstance(value, dict):
                    reached += list(value.values()) if "${" in key else [value.get(key)]
            found = [value for value in reached if value is not None]
        values = [self.resolve(value, depth + 1) for value in found]
        values = [v for v in values if not _is_variable(v)]
        unique = list({repr(v): v for v in values}.values())
        if not unique:
            return _UNRESOLVED
        if len(unique) == 1:
            return unique[0]
        if all(isinstance(v, (str, int, float)) for v in unique):
            return Candidates(unique)
        raise VariableUnreadable(
            f"{self.iac_file}: ${{self:{address}}} depends on a value only the deploy "
            "knows and reaches several structures; write the value out"
        )

    def _found(self, value: Any, depth: int) -> Any:
        return _UNRESOLVED if value is None else self.resolve(value, depth)

    def _file(self, name: str) -> Any:
        return included_data(self.context, self.iac_file, name)


def _written(value: Any) -> str | None:
    """A scalar as the Framework writes it into a string (`true`, `3`); None for a
    structure."""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value) if isinstance(value, (str, int, float)) else None


def _merged(items: list[Any]) -> Any:
    """A list of mappings merged in order and in depth, as the Framework merges
    `functions` and `resources` lists (empty items skipped); the list itself if it
    holds anything else."""
    parts = [item for item in items if item not in (None, "", [], {})]
    if not parts or not all(isinstance(part, dict) for part in parts):
        return items
    return deep_merge(parts)


def _size_over(value: Any, limit: int) -> bool:
    """Whether `value` holds more than `limit` values, counted as a walk meets them
    (a shared list counts each time it appears), stopping as soon as it does."""
    count, pending = 0, [value]
    while pending:
        item = pending.pop()
        count += 1
        if count > limit:
            return True
        if isinstance(item, dict):
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _is_variable(value: Any) -> bool:
    """Whether `value` is a string that is one variable left as written."""
    return isinstance(value, str) and variable_spans(value) == [(0, len(value))]
