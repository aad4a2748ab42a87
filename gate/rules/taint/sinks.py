"""The sinks: calls where event data must not arrive unchecked, one rule per kind.

A sink is found by what the call names once imports and assignments are followed
(`sp.run`, `from os import system`, `s = requests.Session(); s.get`), by a method
name on any receiver (`cursor.execute`), or by a path method on a receiver that is
itself event data (`Path(name).read_text()`)."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from gate.rules.context import subtree
from gate.rules.taint.module import ModuleIndex


@dataclass(frozen=True)
class Kind:
    """One sink class and the rule that reports it."""

    rule_id: str
    what: str
    """What the data does there, for the message."""
    fix: str
    bandit: tuple[str, ...] = ()
    """bandit tests that report the same call (folded into the finding)."""


KIND = {
    "command": Kind(
        "GATE-SLS-001",
        "runs as a shell command",
        "pass an argument list without shell=True, or shlex.quote() the value",
        # B603 is bandit's report of ["sh", "-c", cmd] (a process started without
        # shell=True). B607 (a program found through PATH) is another problem: not folded.
        ("B602", "B603", "B604", "B605"),
    ),
    "code": Kind(
        "GATE-SLS-002",
        "runs as Python code",
        "never evaluate event data; parse it with json or ast.literal_eval",
        ("B307", "B102"),
    ),
    "sql": Kind(
        "GATE-SLS-003",
        "is formatted into a SQL statement",
        "pass it as a query parameter (execute(sql, params)), never format it in",
        ("B608",),
    ),
    "deserialise": Kind(
        "GATE-SLS-004",
        "is deserialised into Python objects",
        "accept JSON (json.loads) or yaml.safe_load; never unpickle request data",
        ("B301", "B302", "B506"),
    ),
    "template": Kind(
        "GATE-SLS-005",
        "is compiled as template source",
        "load templates from the bundle and pass event data only as render() variables",
        # bandit's B701 (autoescape off) and B702 (Mako) are about escaping the output,
        # another problem on another call: not folded.
    ),
    "path": Kind(
        "GATE-SLS-006",
        "names a file on disk",
        "keep only os.path.basename() of it, or check the realpath stays under the base",
    ),
    "url": Kind(
        "GATE-SLS-007",
        "chooses the host of an outbound request",
        "fix the scheme and host in code and pass event data only as path or params=",
        ("B310",),
    ),
    "xxe": Kind(
        "GATE-SLS-008",
        "is parsed as XML by a parser that resolves external entities",
        "parse it with defusedxml, or leave the parser's entity resolution off "
        "(lxml: resolve_entities=False; xml.sax: feature_external_ges False)",
        # bandit's calls to lxml and xml.sax parsers on any data.
        ("B320", "B317"),
    ),
}


def _always(call: ast.Call) -> bool:
    return True


def _never(call: ast.Call) -> bool:
    return False


@dataclass(frozen=True)
class Sink:
    """A call that is a sink, and which of its arguments must not be event data."""

    kind: str
    args: tuple[int | str, ...]
    """Positions and keyword names of the checked arguments."""
    when: Callable[[ast.Call], bool] = _always
    """The call is a sink only in this form (`shell=True`, an unsafe YAML loader)."""
    built_only: bool = False
    """Only data formatted into the argument counts (a query string, not a parameter)."""
    parser: tuple[int | str, ...] | None = None
    """For an XML parse: where the call takes its parser; a sink only when that parser
    (or, for xml.sax, the module's) resolves external entities."""


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def argument(call: ast.Call, spec: int | str) -> ast.expr | None:
    """The argument at a position or keyword, if the call passes it."""
    if isinstance(spec, str):
        return keyword(call, spec)
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    return positional[spec] if spec < len(positional) else None


def _shell(call: ast.Call) -> bool:
    """`shell=` is set and not a literal false value."""
    value = keyword(call, "shell")
    return value is not None and not (isinstance(value, ast.Constant) and not value.value)


_SAFE_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"}
_SAFE_LOADERS |= {"FullLoader", "CFullLoader"}  # no arbitrary objects since PyYAML 5.4


def _unsafe_loader(call: ast.Call) -> bool:
    loader = keyword(call, "Loader") or argument(call, 1)
    if loader is None:
        return True
    name = loader.attr if isinstance(loader, ast.Attribute) else getattr(loader, "id", "")
    return name not in _SAFE_LOADERS


def _table() -> dict[str, Sink]:
    table: dict[str, Sink] = {}

    def add(names: str, sink: Sink) -> None:
        for name in names.split():
            table[name] = sink

    popen = Sink("command", (0, "args"), _shell)
    add("subprocess.run subprocess.call subprocess.check_call subprocess.check_output", popen)
    add("subprocess.Popen", popen)
    add("subprocess.getoutput subprocess.getstatusoutput", Sink("command", (0, "cmd")))
    add("os.system", Sink("command", (0, "command")))
    add("os.popen commands.getoutput", Sink("command", (0, "cmd")))
    add("asyncio.create_subprocess_shell", Sink("command", (0, "cmd")))
    # Processes started from an argument list: a sink where the list hands a shell (or an
    # interpreter's `-c`) its command (`_shell_argv`), as subprocess without shell=True.
    argv = Sink("command", (), _never)
    add("os.execv os.execve os.execvp os.execvpe os.execl os.execle os.execlp os.execlpe", argv)
    add("os.spawnv os.spawnve os.spawnvp os.spawnvpe os.spawnl os.spawnle os.spawnlp", argv)
    add("os.spawnlpe os.posix_spawn os.posix_spawnp pty.spawn", argv)
    add("asyncio.create_subprocess_exec", argv)
    add("eval exec compile builtins.eval builtins.exec", Sink("code", (0, "source")))
    add("runpy.run_path runpy.run_module", Sink("code", (0, "path_name", "mod_name")))
    add("pandas.read_sql pandas.read_sql_query", Sink("sql", (0, "sql"), built_only=True))
    add(
        "sqlalchemy.text sqlalchemy.sql.text sqlalchemy.sql.expression.text",
        Sink("sql", (0, "text"), built_only=True),
    )
    unpickle = Sink("deserialise", (0, "data", "file"))
    add("pickle.loads pickle.load pickle.Unpickler _pickle.loads cPickle.loads", unpickle)
    add("dill.loads dill.load marshal.loads marshal.load jsonpickle.decode", unpickle)
    add("jsonpickle.unpickler.decode pandas.read_pickle", unpickle)
    add("yaml.load yaml.load_all", Sink("deserialise", (0, "stream"), _unsafe_loader))
    add("yaml.unsafe_load yaml.unsafe_load_all", Sink("deserialise", (0, "stream")))
    add("jinja2.Template mako.template.Template", Sink("template", (0, "source", "text")))
    add("django.template.Template", Sink("template", (0, "template_string")))
    add("flask.render_template_string", Sink("template", (0, "source")))
    opener = Sink("path", (0, "file", "filename", "path", "name"))
    add("open io.open codecs.open os.open io.FileIO gzip.open bz2.open lzma.open", opener)
    add("gzip.GzipFile bz2.BZ2File lzma.LZMAFile zipfile.ZipFile tarfile.TarFile", opener)
    add("shelve.open dbm.open", opener)
    add("flask.send_file", Sink("path", (0, "path_or_file", "filename_or_fp")))
    one_path = Sink("path", (0, "path", "name"))
    add("os.remove os.unlink os.rmdir os.removedirs os.listdir os.scandir", one_path)
    add("os.makedirs os.mkdir os.chmod os.truncate shutil.rmtree tarfile.open", one_path)
    two_paths = Sink("path", (0, 1, "src", "dst"))
    add("os.rename os.replace os.renames os.symlink os.link shutil.copy shutil.copy2", two_paths)
    add("shutil.copyfile shutil.copytree shutil.move", two_paths)
    url = Sink("url", (0, "url"))
    for client in ("requests", "requests.Session()", "httpx", "httpx.Client()"):
        add(" ".join(f"{client}.{m}" for m in ("get", "post", "put", "patch")), url)
        add(" ".join(f"{client}.{m}" for m in ("delete", "head", "options", "stream")), url)
        add(f"{client}.request", Sink("url", (1, "url")))
    add("httpx.AsyncClient().get httpx.AsyncClient().post", url)
    add("aiohttp.ClientSession().get aiohttp.ClientSession().post", url)
    add("urllib.request.urlopen urllib.request.Request urllib.request.urlretrieve", url)
    fetch = Sink("url", (0, "fullurl"))
    add("urllib.request.build_opener().open urllib.request.OpenerDirector().open", fetch)
    pool = Sink("url", (1, "url"))
    add("urllib3.request urllib3.PoolManager().request urllib3.PoolManager().urlopen", pool)
    host = Sink("url", (0, "host"))
    add("http.client.HTTPConnection http.client.HTTPSConnection", host)
    add("socket.create_connection", Sink("url", (0, "address")))
    # XML parsers: a sink only with entity resolution turned on (`resolves_entities`).
    lxml = Sink("xxe", (0, "text", "source", "file"), parser=(1, "parser"))
    for module in ("lxml.etree", "lxml.objectify"):
        add(" ".join(f"{module}.{f}" for f in ("fromstring", "XML", "parse", "XMLID")), lxml)
    add("lxml.etree.iterparse", Sink("xxe", (0, "source"), parser=("parser",)))
    sax = Sink("xxe", (0, "string", "source"), parser=())
    add("xml.sax.parseString xml.sax.parse xml.sax.make_parser().parse", sax)
    add("xml.sax.make_parser().feed", sax)
    dom = Sink("xxe", (0, "string", "file"), parser=(1, "parser"))
    add("xml.dom.pulldom.parseString xml.dom.pulldom.parse", dom)
    add("xml.dom.minidom.parseString xml.dom.minidom.parse", dom)
    return table


SINKS = _table()

METHOD_SINKS = {
    "execute": Sink("sql", (0, "sql", "query", "operation", "statement"), built_only=True),
    "executemany": Sink("sql", (0, "sql", "query", "operation"), built_only=True),
    "executescript": Sink("sql", (0, "sql_script"), built_only=True),
    # SQLAlchemy 2's raw SQL on a connection.
    "exec_driver_sql": Sink("sql", (0, "statement"), built_only=True),
    # boto3: DynamoDB PartiQL, RDS Data API, Redshift Data API.
    "execute_statement": Sink("sql", ("Statement", "sql", "Sql"), built_only=True),
    "batch_execute_statement": Sink("sql", ("Sql", "Statement"), built_only=True),
    # Athena.
    "start_query_execution": Sink("sql", ("QueryString",), built_only=True),
    "from_string": Sink("template", (0, "source")),
    # boto3 S3 transfers read or write a local file.
    "download_file": Sink("path", (2, "Filename")),
    "upload_file": Sink("path", (0, "Filename")),
}
"""Sinks found by method name alone, whatever the receiver is."""

SQL_METHODS = {
    # records, dataset, pg8000, databases, PyDAL, web.py: `db.query(sql)`.
    "query": Sink("sql", (0, "sql", "query"), built_only=True),
    # Django's `Model.objects.raw(sql)`, SQLAlchemy's `session.query(...).from_statement`.
    "raw": Sink("sql", (0, "raw_query"), built_only=True),
    "from_statement": Sink("sql", (0, "statement"), built_only=True),
    # asyncpg connections.
    "fetch": Sink("sql", (0, "query"), built_only=True),
    "fetchrow": Sink("sql", (0, "query"), built_only=True),
    "fetchval": Sink("sql", (0, "query"), built_only=True),
}
"""Method names that run SQL only on a database library's objects: a sink where the
bundle's code imports one (`SQL_LIBRARIES`; the connection may be made in another
module), so that DynamoDB's `table.query(...)` in a bundle without one is not SQL."""

SQL_LIBRARIES = frozenset(
    {"sqlite3", "pymysql", "MySQLdb", "mysql", "psycopg2", "psycopg", "pg8000", "asyncpg"}
    | {"sqlalchemy", "records", "dataset", "databases", "pydal", "web", "django", "peewee"}
    | {"redshift_connector", "snowflake", "oracledb", "cx_Oracle", "pyodbc", "aiomysql"}
    | {"aiopg", "pymssql", "duckdb", "trino", "pyathena", "pony"}
)
"""Top-level modules whose import is evidence that `.query()` and its kin run SQL."""

PATH_METHODS = frozenset(
    {"read_text", "read_bytes", "write_text", "write_bytes", "open", "unlink", "rmdir"}
    | {"touch", "mkdir", "rename", "symlink_to", "iterdir", "glob", "rglob"}
)
"""pathlib methods: a sink when the path they are called on is event data (`replace`
is left out: on a string it is `str.replace`)."""

SHELLS = frozenset({"sh", "bash", "zsh", "dash", "ash", "ksh", "mksh", "busybox"})
"""Shells by the name of their program (`/bin/sh` is `sh`)."""


def lookup(call: ast.Call, name: str | None, imports: Iterable[str] = ()) -> Sink | None:
    """The sink `call` is, given what its callee names and what the module imports
    (the qualified names its imports bind)."""
    if name in SINKS:
        return SINKS[name]
    if not isinstance(call.func, ast.Attribute):
        return None
    if call.func.attr in METHOD_SINKS:
        return METHOD_SINKS[call.func.attr]
    if call.func.attr in SQL_METHODS and any(i.split(".")[0] in SQL_LIBRARIES for i in imports):
        return SQL_METHODS[call.func.attr]
    return None


_PARTIAL = frozenset({"functools.partial", "partial"})
_MAPPING = frozenset({"map", "builtins.map"})


def handed_on(call: ast.Call, name: str | None) -> ast.Call | None:
    """The call of a function `call` hands on, as Python makes it: `functools.partial(f,
    *a)` (f with `a`), `map(f, items)` (f with each item) and `getattr(obj, "f")(*a)`
    (`obj.f` with `a`); None for any other call. A sink handed on is a sink called."""
    func: ast.expr | None = None
    args: list[ast.expr] = []
    keywords: list[ast.keyword] = []
    if name in _PARTIAL and call.args:
        func, args, keywords = call.args[0], call.args[1:], call.keywords
    elif name in _MAPPING and len(call.args) >= 2:
        func, args = call.args[0], call.args[1:]
    elif (
        isinstance(call.func, ast.Call)
        and isinstance(call.func.func, ast.Name)
        and call.func.func.id == "getattr"
        and len(call.func.args) >= 2
        and isinstance(call.func.args[1], ast.Constant)
        and isinstance(call.func.args[1].value, str)
    ):
        attribute = ast.Attribute(call.func.args[0], call.func.args[1].value, ast.Load())
        func, args, keywords = ast.copy_location(attribute, call.func), call.args, call.keywords
    if func is None:
        return None
    return ast.copy_location(ast.Call(func, list(args), list(keywords)), call)


def resolves_entities(
    call: ast.Call,
    sink: Sink,
    index: ModuleIndex,
    local: Mapping[str, ast.expr],
    legacy_lxml: bool = False,
) -> bool:
    """Whether the XML parse `call` resolves external entities: lxml's with a parser made
    with `resolve_entities=True` (passed inline or through a name), xml.sax's and
    xml.dom's where the module turns `feature_external_ges` on. Python's own parsers
    leave them off, and lxml 5 resolves only internal ones by default; `legacy_lxml`
    (the bundle ships an older lxml) makes lxml's defaults resolving."""
    if sink.parser is None:
        return True
    given = [a for a in (argument(call, spec) for spec in sink.parser) if a is not None]
    for written in given:
        parser: ast.expr | None = written
        for _ in range(_MAX_HOPS):  # a name bound to the parser, in the function or module
            if isinstance(parser, ast.Name):
                parser = local.get(parser.id) or index.values.get(parser.id)
        if isinstance(parser, ast.Call) and _resolving_parser(parser, index, local, legacy_lxml):
            return True
    if not given and sink.parser and (legacy_lxml or _sets_default_parser(index)):
        return True  # lxml's default parser: an old one, or replaced by the module's
    # xml.sax's own functions and parsers: whatever the module set on its parsers.
    return sink.parser == () and _external_ges_on(index)


_MAX_HOPS = 4


def _resolving_parser(
    call: ast.Call, index: ModuleIndex, local: Mapping[str, ast.expr], legacy_lxml: bool
) -> bool:
    """Whether a parser made by `call` may resolve external entities: an lxml XMLParser
    whose `resolve_entities` is not written as False or 'internal' (a truthy value,
    options passed as `**kwargs`, left to an old lxml's default), or a parser the
    module's own code makes."""
    if isinstance(call.func, ast.Name) and call.func.id in index.functions:
        return True  # made by the module's own code: what it sets is not read
    name = index.qualname(call.func, local) or ""
    if name.rsplit(".", 1)[-1] != "XMLParser" or not name.startswith("lxml."):
        return name.endswith("make_parser") and _external_ges_on(index)
    if any(k.arg is None for k in call.keywords):
        return True  # `**options`
    value = keyword(call, "resolve_entities")
    if value is None:
        return legacy_lxml  # lxml 5's default: internal entities only
    return not (isinstance(value, ast.Constant) and value.value in (False, "internal"))


def _sets_default_parser(index: ModuleIndex) -> bool:
    """Whether the module replaces lxml's default parser (`etree.set_default_parser`)."""
    return any(
        isinstance(node, ast.Call)
        and (index.qualname(node.func) or "").endswith("etree.set_default_parser")
        and bool(node.args or node.keywords)
        for node in subtree(index.tree)
    )


def _external_ges_on(index: ModuleIndex) -> bool:
    """Whether the module turns on external general entities for a SAX parser:
    `parser.setFeature(feature_external_ges, True)`."""
    for node in subtree(index.tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "setFeature"
            and len(node.args) == 2
            and "external" in ast.unparse(node.args[0]).lower()
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value
        ):
            return True
    return False


Resolve = Callable[[ast.expr], ast.expr]
"""What a name stands for where a call is made (a local bound once, a module constant);
the expression itself when nothing is known."""


def _as_written(node: ast.expr) -> ast.expr:
    return node


def checked_arguments(call: ast.Call, sink: Sink, resolve: Resolve = _as_written) -> list[ast.expr]:
    """The argument expressions of a matched sink that must not carry event data."""
    if not sink.when(call):
        return _shell_argv(call, resolve) if sink.kind == "command" else []
    found = [a for a in (argument(call, spec) for spec in sink.args) if a is not None]
    if sink.kind == "command" and found and isinstance(found[0], ast.List | ast.Tuple):
        # With shell=True only the first item is the command line; the rest are
        # arguments to the shell itself.
        return found[0].elts[:1]
    return found


def _shell_argv(call: ast.Call, resolve: Resolve) -> list[ast.expr]:
    """What a process started from an argument list hands a shell or an interpreter to
    run: `["sh", "-c", cmd]` without shell=True, `os.execvp("sh", ["sh", "-ec", cmd])`,
    `os.execlp("sh", "sh", "-c", cmd)`, `["timeout", "5", "bash", "--norc", "-c", cmd]`,
    `["python3", "-Ic", code]`. Each list argument (or a name bound to one, or lists
    joined by `+`) is read as an argument vector, and so are the call's own positional
    arguments."""
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    checked = _after_flag(positional, resolve) or []
    for given in [*positional, keyword(call, "args")]:
        if given is None:
            continue
        words = _vector(given, resolve)
        if words is None:
            # A vector the gate cannot read (grown by `append`, `+=`, built by a call):
            # its own data decides, as a command line's would.
            checked.append(given)
        elif (
            not words
            or any(isinstance(w, ast.Starred) for w in words)
            or not _program(words[0], resolve)
        ):
            checked += [*words, given]  # a program the gate cannot name may be a shell
        elif (found := _after_flag(words, resolve)) is not None:
            checked += [*found, given]  # what the list gains later is the command's too
    return checked


def _program(node: ast.expr, resolve: Resolve) -> str:
    """The program an argument vector's first word names, as far as it is fixed
    (`sys.executable` is Python; an f-string its constant start); empty when the data
    may choose it."""
    if ast.unparse(node) == "sys.executable":
        return "python"
    node = resolve(node)
    if isinstance(node, ast.JoinedStr) and node.values:  # `f"convert {name}"`: fixed start
        return _text(node.values[0])
    return _text(node)


def _vector(node: ast.expr, resolve: Resolve, depth: int = 0) -> list[ast.expr] | None:
    node = resolve(node)
    if isinstance(node, ast.List | ast.Tuple):
        return list(node.elts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and depth < 8:
        left, right = (
            _vector(node.left, resolve, depth + 1),
            _vector(node.right, resolve, depth + 1),
        )
        return left + right if left is not None and right is not None else None
    return None


def _after_flag(words: list[ast.expr], resolve: Resolve) -> list[ast.expr] | None:
    """The words a shell (or an interpreter) of this argument vector runs as code (None
    when it names none with its command flag): all that follow the flag, the command
    and the positional parameters it can read (`sh -c 'eval "$1"' sh cmd`). The program
    is found anywhere in the vector (after `env`, `timeout 5`, `busybox`...), and its
    flag anywhere after it (after `--norc`, `-o errexit`)."""
    values = [_text(resolve(word)) for word in words]
    for index, value in enumerate(values):
        program = value.rsplit("/", 1)[-1]
        runs = _COMMAND_FLAGS.get(program) or next(
            (flag for pattern, flag in _INTERPRETERS if pattern.fullmatch(program)), None
        )
        if runs is None:
            continue
        for later in range(index + 1, len(values)):
            if runs(values[later]):
                return words[later + 1 :]
    return None


def _text(node: ast.expr) -> str:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""


def _short_flag_with(letter: str) -> Callable[[str], bool]:
    """A short option word holding `letter` among its combined flags (`-ec`, `-Ic`)."""
    return lambda word: word.startswith("-") and not word.startswith("--") and letter in word[1:]


_COMMAND_FLAGS = dict.fromkeys(SHELLS, _short_flag_with("c"))
_INTERPRETERS = (
    (re.compile(r"(python|pypy)[0-9.]*"), _short_flag_with("c")),
    (re.compile(r"perl[0-9.]*|ruby[0-9.]*"), _short_flag_with("e")),
    (re.compile(r"node(js)?|deno|bun"), lambda word: word in ("-e", "--eval", "-p", "--print")),
)
