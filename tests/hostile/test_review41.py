"""A forty-first hostile review of `gate check`: the requirements reader of review 40's
fix (requirements `_decoded`, `_logical_lines`, `_classify_line`, pipoptions
`read_line`, indexes, declared `_sources_of_project_dependencies`), the template
checks (gate.bundle.discovery.cloudformation `unexpanded`, `_read_include`), and the
areas no recent review attacked: diff mode (gate.scan.diff, gate.git.changes),
baselines (gate.policy.baseline), `--policy-ref` (gate.policy.trusted), waivers, and
the gate's own taint rules (gate.rules.taint) where bandit does not block the same call.

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off), and the baseline (the
same problem without the trick) exits 1: the taint rule's GATE-SLS-001/003/006/007,
GATE-IAC-001 for an admin role, GATE-DEP-002 for an extra index. What lets each through:

1. A sink the taint rule's table does not hold (gate.rules.taint.sinks `SINKS`,
   `METHOD_SINKS`), where bandit's report of the same call is low or medium (allowed):
   (a) `os.execvp("sh", ["sh", "-c", event["cmd"]])` (also `os.spawnlp`,
   `os.posix_spawnp`, `pty.spawn`: exit 0 seen; bandit's B606 is low) and
   `asyncio.create_subprocess_exec("sh", "-c", ...)`, where
   `subprocess.run(["sh", "-c", ...])` is GATE-SLS-001; (b) an argument list that runs
   a shell the rule does not recognise: `["sh", "-ec", cmd]` (`-c` must be its own
   word), `["/usr/bin/env", "sh", "-c", cmd]`, `["/bin/dash", "-c", cmd]` (`SHELLS`
   lists a few spellings), and `["python3", "-c", code]` (code run by another
   interpreter): B603, low; (c) SQLAlchemy 2's `Connection.exec_driver_sql(f"...")`,
   the documented way to run a raw string: B608, low, where `cursor.execute(f"...")`
   is GATE-SLS-003; (d) files opened by other openers: `gzip.open`, `io.FileIO`
   (also `bz2.open`, `lzma.open`, `zipfile.ZipFile`: not in `SINKS`; exit 0 seen for
   the first two and zipfile), where `open` is GATE-SLS-006; (e) URLs fetched by an
   opener or a prepared request: `urllib.request.build_opener().open(url)`,
   `requests.Session().send(requests.Request("GET", url).prepare())`, where
   `urllib.request.urlopen(url)` is GATE-SLS-007. Also `runpy.run_path(event[...])`
   (code from a path the event names): no finding at all.
2. Event data carried where the taint walk does not follow it (gate.rules.taint.flow):
   (a) an exception's arguments: `raise ValueError(event["path"])`, then
   `open(e.args[0])` in the `except` clause; (b) a class attribute:
   `C.path = event["path"]`, then `open(C.path)`. (A module global set by the handler
   and read by another function is GATE-SLS-020, medium, allowed: the sink itself is
   not reported.) Each is GATE-SLS-006 written directly.
3. An S3 `AWS::Include` under any key named `Body` or `DefinitionBody`.
   `_read_include` (gate.bundle.discovery.cloudformation) takes an include whose key
   path holds one of those names anywhere for an API's definition, "which declares no
   resource, role or function", and lets it be; review 39's fix refuses any other
   include the gate cannot inline. A resource whose logical id is `Body` (`Resources:
   Body: {Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://...}}}`, the
   function's `Role: !GetAtt Body.Arn`), or a function's event named `Body`, passes
   (exit 0, no finding); named `AdminRole` or `Public` it is refused. What S3 supplies
   is a role (here), an unauthenticated event, any resource, never read.
4. Diff mode, an index named in another file than the one the change adds a package to
   (gate.scan.diff `_touched_by_change`, `_whole_file`): GATE-DEP-002 has no package,
   so it is new only when its own file changed. main has `uv.toml` with
   `extra-index-url = ["https://pypi.example.net/simple"]` (accepted as it was); the
   change adds `acme-internal==1.0` to pyproject.toml's dependencies, which uv now
   resolves across the extra index (whoever publishes the name there decides what is
   installed): the index's finding is `preexisting`, exit 0. The same index in
   pyproject.toml's `[tool.uv]` blocks (the file changed). pdm.toml beside
   pyproject.toml is the same class (read, not run).
5. A baseline ignores which functions a finding belongs to (gate.policy.baseline
   `apply_baseline`): `gate baseline create` records an admin role (GATE-IAC-001) of an
   operator function; a change gives the public orders function that role
   (`Role: !GetAtt AdminRole.Arn`) and the finding, same fingerprint, is `baselined`:
   exit 0. The orders function with an admin role of its own blocks. Diff mode judges
   the same change new (its `Seen.functions` check); a baseline has no such check.

Suggested fixes, by class. 1, extend the sink table by what each API does, not by
name alone: every process start (`os.exec*`, `os.spawn*`, `os.posix_spawn*`,
`pty.spawn`, `asyncio.create_subprocess_exec`) is a command sink whose argument list
is judged as `subprocess`'s is; an argument list runs a shell when its program's
basename (after `env` and its options) is any shell or interpreter (`sh`, `bash`,
`dash`, `ksh`, `zsh`, `busybox sh`, `python*`, `perl`, `node`) and a later word
starts with `-` and holds `c` (`-ec`, `-lc`, `-xc`); every opener of a path (`gzip`,
`bz2`, `lzma`, `io.FileIO`, `zipfile.ZipFile`, `tarfile`, `shelve`) a path sink; any
method call named `exec_driver_sql` (and `mogrify`) a SQL sink; `OpenerDirector.open`,
`Session.send` and `Request(...)` URL sinks; `runpy.run_path`/`run_module` code sinks.
Or, failing that, whatever bandit reports on a call the taint walk proves fed by event
data is raised to the taint rule's severity. 2, taint what is stored on a name's
attributes (`C.x = tainted` makes `C.x` tainted in the scope that reads it) and what
an exception is built from (`except E as e` binds a tainted `e` when any `raise` in
the `try` body raises tainted data); a module global written by the handler with
event data is event data for every function that reads it. 3, accept an include as an
API's definition only at the exact place one is: `Resources.<id>.Properties
.DefinitionBody` of an `AWS::Serverless::Api`/`HttpApi`, or `.Body` of an
`AWS::ApiGateway::RestApi`/`AWS::ApiGatewayV2::Api` (the resource's `Type` checked);
anywhere else an include from S3 is refused. 4, a non-PyPI index's finding is new
whenever any dependency manifest it governs changed (the bundle's `changed_manifests`
is not empty): an index applies to every package the installer resolves, not only
to its own file's. 5, a baseline records the functions of each finding (as diff
mode's `Seen` does), and a finding that now belongs to a function it did not is new.

Also tried, and the gate held: the requirements reader against pip's own `req_file`
(read side by side): `join_lines` (a comment line ending a continuation, a `\\` on
the last line), `ignore_comments` after joining, `_decode_req_file` (BOMs, a PEP 263
line on line 1 or 2, UTF-32-BE's BOM refused as not UTF-8), `break_args_options` (the
first word starting with `-`), optparse with pip's option list (prefixes, attached
short values; pip honours no source option on a requirement line, the gate records
them anyway); diff mode with a role newly shared by a second function (new: the
`functions` check), taint through `match` patterns, lambdas, starred unpacking,
`dict.setdefault`, a list appended to, `for k, v in event.items()` (GATE-SLS-006 each);
bandit reports an exception-carried command (`os.system(str(e))`, B605 high).
Read, not run: `file_at_ref` (a link put on the policy's path is not followed; `git
show` of a blob applies no textconv); `_untied_layers` of Terraform and Serverless
(every declared layer's ignored folders are brought back since review 39's fix 5, so an
untied layer hides no code: none attacked further).

False refusals seen: none new on realistic files.

Not covered: the waiver fingerprint of a repository without its `@ref` (a design
choice: `git+https://github.com/org/lib.git@<sha>` reaches a commit of any fork on
GitHub through the parent's URL, so a waiver of the repository accepts code its owner
never pushed; noted, not built); `--shard i/n` and `gate merge`; submodules and
mode-only changes in diff mode (read: files in a submodule are untracked at the merge
base, so new); pdm.toml's form of 4 and the `Events: Body` form of 3 as cases (exit 0
seen for the latter).

Fixed, each by its class. 1, the taint rule's sinks: the `os.exec*`,
`os.spawn*`, `os.posix_spawn*`, `pty.spawn` and `asyncio.create_subprocess_exec` process
starts, read for the shell or interpreter their argument vector hands a command (any
list argument, or the call's own arguments from any position: `sh`, `bash`, `dash`...
by program name, through `env`, with `-c` among combined flags, and `python`, `perl`,
`ruby`, `node` with `-c`/`-e`); `exec_driver_sql`; `gzip`, `bz2`, `lzma`, `io.FileIO`,
`zipfile.ZipFile`, `tarfile.TarFile`, `shelve` and `dbm` openers; an opener's `open`;
`runpy.run_path`/`run_module` as code (gate.rules.taint.sinks). 2a, an exception carries
what it was made of to `except ... as e` (gate.rules.taint.walk `_try`); 2b, an
attribute stored on a class the function or the module defines taints the class, as
one stored on a local does (`bind`; a module's attribute still does not: every later
use of `os` would read as data). 3, only an API
resource's own definition property (`DefinitionBody`, `Body` of an API type) may be
included from anywhere (gate.bundle.discovery.cloudformation `_api_definition`). 4, in
diff mode a GATE-DEP-002 is new when any manifest of its bundle changed
(gate.scan.diff `_touched_by_change`). 5, a baseline records each finding's functions,
and a recorded finding that now reaches a function it did not is new
(gate.policy.baseline `apply_baseline`).
"""

from __future__ import annotations

from pathlib import Path

from tests.hostile.conftest import (
    Layout,
    Sandbox,
    blocked_or_refused,
    commit,
    committed_repository,
    each_blocked_or_refused,
    each_blocks,
)

HEAD = "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\nResources:\n"
FUNCTION = (
    "  OrdersFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n"
    "      Tracing: Active\n{extra}"
)
SAM = HEAD + FUNCTION.format(extra="")
HARMLESS = "def handler(event, context):\n    return {'ok': True}\n"
HANDLER = (
    "import os\nimport subprocess\n\n\ndef handler(event, context):\n{body}\n"
    "    return {{'ok': True}}\n"
)
ADMIN_POLICY = (
    "      Policies:\n        - PolicyName: all\n          PolicyDocument:\n"
    "            Version: '2012-10-17'\n            Statement:\n"
    "              - Effect: Allow\n                Action: '*'\n                Resource: '*'\n"
)
ROLE = (
    "  {name}:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n"
    "        Version: '2012-10-17'\n        Statement:\n          - Effect: Allow\n"
    "            Principal: {{Service: lambda.amazonaws.com}}\n"
    "            Action: sts:AssumeRole\n" + ADMIN_POLICY
)
INCLUDED = (
    "  {name}:\n    Fn::Transform:\n      Name: AWS::Include\n      Parameters:\n"
    "        Location: s3://corp-templates/role.yaml\n"
)
INDEX = "https://pypi.example.net/simple"


def handler(body: str) -> Layout:
    """A SAM function whose handler runs `body` (indented) on the event."""

    def layout(sandbox: Sandbox) -> None:
        sandbox.write("template.yaml", SAM)
        sandbox.write("src/app.py", HANDLER.format(body=body))

    return layout


def role_of(name: str, role: str) -> Layout:
    """The function given the role `name`, declared by `role`."""

    def layout(sandbox: Sandbox) -> None:
        extra = f"      Role: !GetAtt {name}.Arn\n"
        sandbox.write("template.yaml", HEAD + FUNCTION.format(extra=extra) + role)
        sandbox.write("src/app.py", HARMLESS)

    return layout


SHELL = "    subprocess.run(['sh', '-c', event['cmd']])"
SQL = "    import sqlite3\n    cursor = sqlite3.connect('x').cursor()\n    cursor.execute({query})"
QUERY = "f\"SELECT * FROM orders WHERE id = '{event['id']}'\""
OPEN = "    open(event['path']).read()"
FETCH = "    import urllib.request\n    urllib.request.urlopen(event['url']).read()"
ENGINE = (
    "    import sqlalchemy\n    engine = sqlalchemy.create_engine('sqlite://')\n"
    "    with engine.connect() as connection:\n        connection.exec_driver_sql({query})"
)
# name: (the bundle without the trick, its rule; the bundle with it; what lets it through)
TRICKS: dict[str, tuple[Layout, str, Layout, str]] = {
    "1a-execvp": (
        handler(SHELL), "GATE-SLS-001",
        handler("    os.execvp('sh', ['sh', '-c', event['cmd']])"),
        "os.exec*/os.spawn*/posix_spawn are not in SINKS; bandit's B606 is low"),
    "1a-create-subprocess-exec": (
        handler(SHELL), "GATE-SLS-001",
        handler("    import asyncio\n    asyncio.run(asyncio.create_subprocess_exec("
                "'sh', '-c', event['cmd']))"),
        "asyncio.create_subprocess_exec is not in SINKS"),
    "1b-sh-ec": (
        handler(SHELL), "GATE-SLS-001", handler("    subprocess.run(['sh', '-ec', event['cmd']])"),
        "a shell's -c is recognised only as its own word: B603, low"),
    "1b-env-sh": (
        handler(SHELL), "GATE-SLS-001",
        handler("    subprocess.run(['/usr/bin/env', 'sh', '-c', event['cmd']])"),
        "a shell started through env is not recognised: B603, low"),
    "1c-exec-driver-sql": (
        handler(SQL.format(query=QUERY)), "GATE-SLS-003", handler(ENGINE.format(query=QUERY)),
        "exec_driver_sql is not in METHOD_SINKS: B608, low"),
    "1d-gzip-open": (
        handler(OPEN), "GATE-SLS-006",
        handler("    import gzip\n    gzip.open(event['path']).read()"),
        "gzip.open is not in SINKS"),
    "1e-opener": (
        handler(FETCH), "GATE-SLS-007",
        handler("    import urllib.request\n    urllib.request.build_opener().open(event['url'])"),
        "OpenerDirector.open is not in SINKS"),
    "2a-exception-args": (
        handler(OPEN), "GATE-SLS-006",
        handler("    try:\n        raise ValueError(event['path'])\n    except ValueError as e:\n"
                "        open(e.args[0]).read()"),
        "the taint walk does not carry data through a raised exception"),
    "2b-class-attribute": (
        handler(OPEN), "GATE-SLS-006",
        handler("    class Job:\n        path = ''\n    Job.path = event['path']\n"
                "    open(Job.path).read()"),
        "the taint walk does not carry data through an attribute assignment"),
    "3-include-named-body": (
        role_of("AdminRole", ROLE.format(name="AdminRole")), "GATE-IAC-001",
        role_of("Body", INCLUDED.format(name="Body")),
        "_read_include takes any key path holding `Body` for an API's definition"),
}  # fmt: skip


def test_the_problem_each_trick_hides_blocks(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: the same problem, written plainly."""
    each_blocks(tmp_path, {name: (case[0], case[1]) for name, case in TRICKS.items()})


def test_the_trick_is_blocked_or_refused(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, {name: case[2] for name, case in TRICKS.items()})


# --- 4. diff mode: an index in another file than the package the change adds -------------------

PROJECT = (
    '[project]\nname = "orders"\nversion = "1.0.0"\nrequires-python = ">=3.12"\n'
    "dependencies = [{dependencies}]\n"
)
UV_SETTING = f'extra-index-url = ["{INDEX}"]\n'


def added_package(sandbox: Sandbox, uv_toml: bool) -> int:
    """Exit code of diff mode for the change that adds a package to pyproject.toml, main
    naming an extra index in uv.toml (`uv_toml`) or in pyproject.toml's `[tool.uv]`."""
    sandbox.write("template.yaml", SAM)
    sandbox.write("src/app.py", HARMLESS)
    settings = "" if uv_toml else f"\n[tool.uv]\n{UV_SETTING}"
    if uv_toml:
        sandbox.write("src/uv.toml", UV_SETTING)
    sandbox.write("src/pyproject.toml", PROJECT.format(dependencies='"six==1.16.0"') + settings)
    repo = committed_repository(sandbox, "main")
    repo.git.checkout("-b", "change")
    added = PROJECT.format(dependencies='"six==1.16.0", "acme-internal==1.0"')
    sandbox.write("src/pyproject.toml", added + settings)
    commit(repo, "add acme-internal")
    return sandbox.run("--diff-base", "main").code


def test_a_package_added_beside_an_index_of_its_file_blocks(sandbox: Sandbox) -> None:
    """The baseline: the index in pyproject.toml, whose change makes its finding new."""
    assert added_package(sandbox, uv_toml=False) == 1


def test_a_package_added_beside_an_index_of_uv_toml_is_new(sandbox: Sandbox) -> None:
    blocked_or_refused(added_package(sandbox, uv_toml=True))


# --- 5. a baseline: a recorded role given to another function ------------------------------------

OPERATOR = (
    "  AdminFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      CodeUri: admin/\n      Handler: app.handler\n      Runtime: python3.12\n"
    "      Tracing: Active\n      Role: !GetAtt AdminRole.Arn\n"
)


def against_baseline(sandbox: Sandbox, orders_role: str, extra: str = "") -> int:
    """Exit code of a check against the baseline of the operator function and its admin
    role, once the orders function is given `orders_role` (declared by `extra`)."""
    sandbox.write("admin/app.py", HARMLESS)
    sandbox.write("src/app.py", HARMLESS)
    admin = ROLE.format(name="AdminRole")
    sandbox.write("template.yaml", HEAD + OPERATOR + FUNCTION.format(extra="") + admin)
    recorded = sandbox.base / "baseline.json"
    created = sandbox.gate(
        "baseline", "create", str(sandbox.bundle), "--output", str(recorded),
        "--policy", str(sandbox.policy()),
    )  # fmt: skip
    assert created.code == 0, created.stderr
    role = f"      Role: !GetAtt {orders_role}.Arn\n"
    sandbox.write("template.yaml", HEAD + OPERATOR + FUNCTION.format(extra=role) + admin + extra)
    return sandbox.run("--baseline", str(recorded)).code


def test_an_admin_role_of_its_own_blocks(sandbox: Sandbox) -> None:
    """The baseline: the orders function with a new admin role is a new finding."""
    assert against_baseline(sandbox, "OrdersRole", ROLE.format(name="OrdersRole")) == 1


def test_the_recorded_admin_role_given_to_another_function_is_new(sandbox: Sandbox) -> None:
    blocked_or_refused(against_baseline(sandbox, "AdminRole"))
