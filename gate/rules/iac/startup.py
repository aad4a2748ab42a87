"""GATE-IAC-018: the Lambda runtime made to run bundle code the gate cannot analyse
before the handler.

Two environment variables make the runtime itself run a file at every start, with the
function's role and before any of its Python is imported: `AWS_LAMBDA_EXEC_WRAPPER`
(a program the runtime starts instead of itself, usually a shell script that ends in
`exec "$@"`) and `LD_PRELOAD` (native libraries loaded into the interpreter);
`PYTHONHOME` replaces the interpreter's standard library, and is this finding wherever
it points. The
system runs a script with the interpreter its `#!` line names, and one without such a
line with the shell, whatever its name or content; so a wrapper is Python, and
scanned like any other Python file, only when its `#!` line names python. Anything
else the variable makes the runtime run is this finding: a shell script (one that
also parses as Python too), a native library, or a file the gate cannot see where the
variable points (left out by a built-in rule, excluded, missing).

A layer's `extensions/` folder is the third way: the runtime starts every executable in
/opt/extensions when the function starts, before the handler and with its role; each
file there that is not Python is this finding.

Paths are read as the system reads them: `/var/task/...` (or a relative path, from
there) is the function's code, `/opt/...` its layers; repeated slashes and `..` are
normalised. A file under `/opt` that no layer in the bundle holds is a layer deployed
from elsewhere, not judged; any other place is one the gate cannot vouch for.

When the gate cannot read the variable's value (an intrinsic or variable decided at
deploy) or the environment it is set in (`variables = local.env`, `Variables: !If`),
it cannot tell what runs; that is this finding too when the function's code or layers
hold programs the gate does not analyse (a `#!` script of another interpreter, a
native executable, any file with an execute bit; staging finds them in the bundle as it
is, hidden ones too: gate.bundle.staging.programs): a function whose code is all Python has
nothing unseen to run.
"""

from __future__ import annotations

import os
import posixpath
import re
from pathlib import Path

from gate.bundle.discovery.declared import contents_of
from gate.bundle.rules import is_binary, runs_python
from gate.model import python_function
from gate.rules.context import BundleContext
from gate.rules.findings import RawFinding
from gate.rules.iac.view import FunctionView, Variable

STARTUP_VARIABLES = ("AWS_LAMBDA_EXEC_WRAPPER", "LD_PRELOAD")
_HOME = (
    "the interpreter's own standard library (`encodings`, `site`), which it loads from "
    "there before anything else"
)
RULE = "GATE-IAC-018"
_DEPLOY_TIME = re.compile(r"\$\{|\{\{")
_SHOWN = 3
"""How many unanalysed programs a message names."""


def startup_findings(context: BundleContext, views: list[FunctionView]) -> list[RawFinding]:
    """One finding per file a Python function's environment makes the runtime run that
    the gate does not analyse, and per startup setting it cannot read where the
    function holds such files."""
    findings = []
    for view in views:
        if not python_function(view.function):
            continue  # the gate analyses none of such a function's code anyway
        unread: list[tuple[str, int | None]] = [
            (f"its environment at {where}", None) for where in view.unread_environment
        ]
        for variable in view.variables:
            if variable.name == "PYTHONHOME":
                findings.append(_finding(view, variable, variable.literal or "?", None, _HOME))
                continue
            if variable.name not in STARTUP_VARIABLES:
                continue
            if variable.literal is None or _DEPLOY_TIME.search(variable.literal):
                unread.append((f"{variable.name}", variable.line))
            else:
                findings += _judge(context, view, variable, variable.literal)
        if unread:
            findings += _unread(view, unread)
        findings += _extensions(context, view)
    return findings


def _extensions(context: BundleContext, view: FunctionView) -> list[RawFinding]:
    """A finding per file of a layer's `extensions/` folder that is not Python: the
    runtime starts every executable in /opt/extensions as an extension when the function
    starts, before the handler and with its role (a Python one is scanned)."""
    findings = []
    for layer in view.function.layers:
        folder = context.root / contents_of(layer) / "extensions"
        files = sorted(folder.iterdir()) if folder.is_dir() and not folder.is_symlink() else []
        for file in files:
            if file.is_dir() and not file.is_symlink():
                continue
            if file.is_file() and not file.is_symlink() and runs_python(file):
                continue  # Python, scanned with the rest of the code
            relative = file.relative_to(context.root).as_posix()
            message = (
                f"{view.function.name}: its layer holds {relative}, {_kind(file)}, which the "
                "Lambda runtime starts as an extension at every start, before the handler "
                "and with the function's role; the gate analyses only Python, so nothing it "
                "ran says what this code does. Review it and waive this finding with the "
                "reason, or write the extension in Python (a #! python script)."
            )
            anchor = f"{view.resource}#extension:{relative}"
            findings.append(
                RawFinding(
                    RULE,
                    message,
                    view.path,
                    view.function.line,
                    None,
                    view.resource,
                    anchor,
                    None,
                    (),
                )
            )
    return findings


def _judge(
    context: BundleContext, view: FunctionView, variable: Variable, written: str
) -> list[RawFinding]:
    findings = []
    # LD_PRELOAD is a list (spaces or colons); a wrapper is one path.
    paths = written.replace(":", " ").split() if variable.name == "LD_PRELOAD" else [written]
    for path in paths:
        placed = _placed(context, view, path.strip())
        if placed is None:
            continue  # a layer deployed from elsewhere
        if not placed:
            why = "a file the gate cannot place in the function's code or layers"
            findings.append(_finding(view, variable, path, None, why))
            continue
        for relative in placed:
            file = context.root / relative
            if file.is_file() and not file.is_symlink() and runs_python(file):
                continue  # Python, scanned with the rest of the code
            findings.append(_finding(view, variable, path, relative, _kind(file)))
    return findings


def _placed(context: BundleContext, view: FunctionView, path: str) -> list[str] | None:
    """Where the file at `path` on the Lambda host would be in the bundle: in the
    function's code for `/var/task/x`, in each layer of the bundle that has it for
    `/opt/x`. None for a path under /opt no layer here has (a layer from elsewhere) and
    for a function whose code is not in the bundle; [] for a place the gate cannot vouch
    for."""
    function = view.function
    # The kernel reads `//x` as `/x`; POSIX lets normpath keep a leading `//`.
    absolute = posixpath.normpath(posixpath.join("/var/task", path))
    absolute = re.sub(r"^/+", "/", absolute)
    if absolute.startswith("/var/task/"):
        if function.code is None:
            return None
        return [posixpath.join(contents_of(function.code), absolute.removeprefix("/var/task/"))]
    if absolute.startswith("/opt/"):
        inside = absolute.removeprefix("/opt/")
        held = [posixpath.join(contents_of(layer), inside) for layer in function.layers]
        found = [h for h in held if os.path.lexists(context.root / h) or h in function.programs]
        return found or None
    return []


def _kind(file: Path) -> str:
    if not file.is_file() or file.is_symlink():
        return (
            "a file the gate does not see there (left out by a built-in rule or the "
            "policy's exclude, or not in the bundle)"
        )
    if is_binary(file):
        return "a native program or library"
    try:
        with file.open("rb") as handle:
            first = handle.readline(200)
    except OSError:
        first = b""
    if first.startswith(b"#!"):
        interpreter = first[2:].decode("utf-8", "replace").strip()
        return f"a script for {interpreter!r}" if interpreter else "a script"
    return "a file without a #! line, which the system does not run as Python"


def _finding(
    view: FunctionView, variable: Variable, path: str, relative: str | None, kind: str
) -> RawFinding:
    runs = f"{relative}, {kind}," if relative else f"{path}, {kind},"
    message = (
        f"{view.function.name}: {variable.name}={path} makes the Lambda runtime run "
        f"{runs} at every start, before the handler and with the function's role; the "
        "gate analyses only Python, so nothing it ran says what this code does. Review "
        "it and waive this finding with the reason, or write the wrapper in Python "
        "(a #! python script)."
    )
    anchor = f"{view.resource}#startup:{variable.name}:{relative or path}"
    return RawFinding(
        RULE, message, view.path, variable.line, None, view.resource, anchor, None, ()
    )


def _unread(view: FunctionView, unread: list[tuple[str, int | None]]) -> list[RawFinding]:
    """A finding when the gate cannot read what may set a startup variable and the
    function holds programs it does not analyse."""
    programs = view.function.programs  # found by staging, hidden ones too
    if not programs:
        return []
    what, line = unread[0]
    shown = ", ".join(programs[:_SHOWN]) + (
        f" and {len(programs) - _SHOWN} more" if len(programs) > _SHOWN else ""
    )
    message = (
        f"{view.function.name}: the gate cannot read {what} (it is decided at deploy), "
        f"so it cannot tell whether AWS_LAMBDA_EXEC_WRAPPER or LD_PRELOAD makes the "
        f"runtime run one of the programs in the function's code it does not analyse "
        f"({shown}) before the handler. Write the environment out in the IaC, or remove "
        "the programs from the package, or review them and waive this finding."
    )
    anchor = f"{view.resource}#startup-unread"
    return [
        RawFinding(
            RULE,
            message,
            view.path,
            line or view.function.line,
            None,
            view.resource,
            anchor,
            None,
            (),
        )
    ]
