"""YAML loading for untrusted and user-written files.

Every YAML file the gate reads goes through here: a safe loader (no Python tags),
a byte budget, a budget on the size of the document once aliases are expanded
(so an alias bomb is refused before anything walks it) and on its depth. The
composed node tree is kept so callers can point at the line of a key.

`check_structure` applies the same alias and depth budgets to any YAML or JSON
file a scanner would parse, without judging its syntax: a file that would hang
or crash a scanner's own parser is refused before any scanner starts.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import yaml

MAX_BYTES = 1 << 20
"""The byte budget of user-written YAML (a policy, a baseline)."""
IAC_MAX_BYTES = 16 << 20
"""The default byte budget of an IaC file (policy `iac.max_file_mb`): packaged
CloudFormation and compiled serverless output run to several MB."""
MAX_EXPANDED_NODES = 100_000
EXPANSION_FACTOR = 4
"""Aliases may grow a document to MAX_EXPANDED_NODES nodes, or to this many times the
nodes it is written with, whichever is more: anchors that share a block are fine, an
alias bomb grows exponentially."""
MAX_DEPTH = 128
"""Nesting deeper than this is no template a person writes, and would exhaust the
recursion of a scanner's parser."""

PathKey = tuple[str | int, ...]


Position = tuple[int, int]
"""(line, column), both 1-based."""


class YamlLoadError(Exception):
    """The document is not YAML the gate accepts; `position` is where, when known."""

    def __init__(self, message: str, position: Position | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    @property
    def line(self) -> int | None:
        return self.position[0] if self.position else None


@dataclass(frozen=True)
class YamlDocument:
    """A loaded document with the position of every key and list item, by key path."""

    data: Any
    positions: dict[PathKey, Position]
    tags: dict[PathKey, str] = field(default_factory=dict)
    """The application tag each tagged value is written with, without its `!` (`Ref`,
    `GetAtt`, `Sub`): the loader reads `!Ref X` as "X". YAML's own tags (`!!str`) are
    not application tags: their values are what they say."""
    aliases: frozenset[PathKey] = frozenset()
    """The key paths whose value is an alias (`*name`, `<<: *name`): a node written at
    its anchor, whose lines (and positions) are those of another place in the file."""

    def position_of(self, path: PathKey) -> Position | None:
        """Where `path` is, or its nearest ancestor that is in the document."""
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return self.positions.get(())

    def line_of(self, path: PathKey) -> int | None:
        position = self.position_of(path)
        return position[0] if position else None

    def long_form(
        self, path: PathKey, value: Any = None, only: Collection[str] | None = None
    ) -> Any:
        """`value` (by default the value at `path`), which sits at `path`, with each
        tagged value in it written in CloudFormation's long form (`!Ref X` as
        `{"Ref": "X"}`, `!Join [...]` as `{"Fn::Join": [...]}`), as intrinsics read it;
        `only` these tags, when given (the others stay as the loader reads them)."""
        if value is None:
            value = self.value_at(path)
        if isinstance(value, dict):
            value = {k: self.long_form((*path, k), inner, only) for k, inner in value.items()}
        elif isinstance(value, list):
            value = [self.long_form((*path, i), inner, only) for i, inner in enumerate(value)]
        tag = self.tags.get(path) if path else None
        if tag is None or (only is not None and tag not in only):
            return value
        return {tag if tag in ("Ref", "Condition") else f"Fn::{tag}": value}

    def value_at(self, path: PathKey, missing: Any = None) -> Any:
        """The value at `path` (mapping keys and list indexes), or `missing`."""
        value = self.data
        for key in path:
            if isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value):
                value = value[key]
                continue
            if not isinstance(value, dict) or key not in value:
                return missing
            value = value[key]
        return value


# libyaml's parser, where PyYAML was built with it, is several times faster than the
# pure-Python one (a 4,700-line template: 0.25 s against 1.9 s) and gives the same nodes.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _PlainTagLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """Safe loader that reads CloudFormation-style tags (`!Ref`, `!Sub`) as plain values."""


def _construct_plain(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_PlainTagLoader.add_multi_constructor("!", _construct_plain)


def load_yaml(
    text: str | bytes, *, allow_tags: bool = False, max_bytes: int | None = MAX_BYTES
) -> YamlDocument:
    """Load one YAML document within the budgets; raises YamlLoadError.

    `allow_tags` reads application tags such as CloudFormation's `!Ref` as plain
    values (for IaC files); Python tags are refused either way. `max_bytes` None is
    for a file whose size was judged already (an IaC file discovery admitted).
    """
    size = len(text.encode("utf-8") if isinstance(text, str) else text)
    if max_bytes is not None and size > max_bytes:
        raise YamlLoadError(f"file is {size} bytes; the limit is {max_bytes}")
    loader_cls = _PlainTagLoader if allow_tags else _SafeLoader
    try:
        # The reader refuses control characters as soon as the loader is built.
        loader = loader_cls(text)
    except yaml.YAMLError as e:
        raise YamlLoadError(f"not a YAML text file: {str(e).splitlines()[0]}") from e
    try:
        node = loader.get_single_node()
        if node is None:
            return YamlDocument(None, {})
        _check_expanded_size(node)
        _refuse_duplicate_keys(node)  # before constructing: that inlines merge keys
        data = loader.construct_document(node)
    except yaml.reader.ReaderError as e:  # libyaml's parser finds these only now
        raise YamlLoadError(f"not a YAML text file: {str(e).splitlines()[0]}") from e
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        raise YamlLoadError(_describe(e), _position(mark) if mark else None) from e
    except yaml.YAMLError as e:
        raise YamlLoadError(str(e).splitlines()[0]) from e
    except (ValueError, TypeError, OverflowError, RecursionError) as e:
        # PyYAML's constructors raise these for values such as a date of 2027-13-01.
        raise YamlLoadError(f"invalid value: {e}") from e
    finally:
        loader.dispose()
    return YamlDocument(data, *_key_positions(node))


def _position(mark: yaml.Mark) -> Position:
    return (mark.line + 1, mark.column + 1)


def _describe(error: yaml.MarkedYAMLError) -> str:
    problem = error.problem or error.context or "invalid YAML"
    if "could not determine a constructor" in problem:
        tag = problem.split("tag", 1)[-1].strip(" '")
        return f"tag {tag} is not allowed"
    if "another document" in problem:
        return "YAML syntax error: only one document is allowed, found another"
    return f"YAML syntax error: {problem}"


def _check_expanded_size(root: yaml.Node) -> None:
    """Refuse documents nested past MAX_DEPTH, or that grow past the budget once aliases
    are expanded. One walk: when a node is done, every node written under it has been
    seen, so its expanded size is judged against the nodes seen so far."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise YamlLoadError("recursive alias", _position(node.start_mark))
        if depth > MAX_DEPTH:
            raise YamlLoadError(
                f"nested deeper than {MAX_DEPTH} levels", _position(node.start_mark)
            )
        active.add(key)
        total = 1
        if isinstance(node, yaml.MappingNode):
            total += sum(size(k, depth + 1) + size(v, depth + 1) for k, v in node.value)
        elif isinstance(node, yaml.SequenceNode):
            total += sum(size(item, depth + 1) for item in node.value)
        active.discard(key)
        budget = max(MAX_EXPANDED_NODES, EXPANSION_FACTOR * (len(sizes) + 1))
        if total > budget:
            raise YamlLoadError(
                f"document expands to over {budget} nodes (alias bomb?)",
                _position(node.start_mark),
            )
        sizes[key] = total
        return total

    size(root, 1)


def check_structure(data: bytes) -> list[yaml.Node]:
    """The root node of each document in `data`; raises YamlLoadError if the YAML or JSON
    is hostile to a parser: an alias bomb, a recursive alias, or nesting past MAX_DEPTH.
    Syntax errors are not judged here (a data file need not be YAML at all; then no
    nodes); a scanner reports what it cannot parse. Bytes that are not UTF-8 are read as
    a scanner guessing their encoding would: the structure is ASCII either way."""
    text: str | bytes
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
        text = data if utf16 else data.decode("utf-8", errors="replace")
    try:
        loader = _SafeLoader(text)
    except yaml.YAMLError:
        return []
    roots: list[yaml.Node] = []
    try:
        while loader.check_node():  # every document: some parsers read them all
            node = loader.get_node()
            if node is not None:
                _check_expanded_size(node)
                roots.append(node)
    except yaml.MarkedYAMLError as e:
        if "maximum nesting depth" in str(e.problem):
            mark = e.problem_mark
            raise YamlLoadError(
                f"nested deeper than {MAX_DEPTH} levels", _position(mark) if mark else None
            ) from e
        return []
    except (yaml.YAMLError, ValueError):
        return []
    except RecursionError as e:
        raise YamlLoadError(f"nested deeper than {MAX_DEPTH} levels") from e
    finally:
        loader.dispose()
    return roots


def _refuse_duplicate_keys(root: yaml.Node) -> None:
    """Refuse a key written twice in one mapping. Readers disagree on which one counts
    (PyYAML the last; js-yaml, which the Serverless Framework uses, and the parsers of
    checkov and cfn-lint refuse the file), so the gate would judge a value that may not
    be the one deployed. A merge key (`<<`) may repeat: merged keys never override."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.SequenceNode):
            stack += node.value
        if not isinstance(node, yaml.MappingNode):
            continue
        keys: dict[tuple[str, str], int] = {}
        for key, value in node.value:
            stack += [key, value]
            if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
                continue
            written = (key.tag, str(key.value))
            if written in keys:
                raise YamlLoadError(
                    f"duplicate key {key.value!r} (first at line {keys[written]}): readers "
                    "disagree on which one counts; keep one",
                    _position(key.start_mark),
                )
            keys[written] = key.start_mark.line + 1


def _key_positions(
    root: yaml.Node,
) -> tuple[dict[PathKey, Position], dict[PathKey, str], frozenset[PathKey]]:
    """The position of every key and list item, the application tag of every tagged
    value, and the paths of the aliases, by key path."""
    lines: dict[PathKey, Position] = {(): _position(root.start_mark)}
    tags: dict[PathKey, str] = {}
    aliases: set[PathKey] = set()
    seen: set[int] = set()

    def walk(node: yaml.Node, path: PathKey) -> None:
        if node.tag.startswith("!") and not node.tag.startswith("!!"):
            tags[path] = node.tag[1:]
        if id(node) in seen:  # an alias: its lines are recorded where it was defined
            aliases.add(path)
            return
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                child = (*path, str(key_node.value))
                lines[child] = _position(key_node.start_mark)
                walk(value_node, child)
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                position = (*path, index)
                lines[position] = _position(item.start_mark)
                walk(item, position)

    walk(root, ())
    return lines, tags, frozenset(aliases)
