"""GATE-IAC-018: the Lambda runtime made to run bundle code the gate cannot analyse
before the handler.

Two environment variables make the runtime itself run a file at every start, with the
function's role and before any of its Python is imported: `AWS_LAMBDA_EXEC_WRAPPER`
(a program the runtime starts instead of itself, usually a shell script that ends in
`exec "$@"`) and `LD_PRELOAD` (native libraries loaded into the interpreter). When such
a file is in the function's code or a layer in the bundle and is Python (a `.py` file
or a `#!` Python script), the gate scans it like any other. When it is not (a shell
script, a native library), nothing the gate runs can say what it does: that is this
finding, so such code never passes unseen. A polyglot wrapper that the gate did not
recognise as Python is caught here too.

Paths are read as the runtime reads them: `/var/task/...` is the function's code,
`/opt/...` its layers; a relative wrapper is relative to `/var/task`. A value the
deploy decides (`${...}`, an intrinsic) or a file that is not in the bundle (a layer
deployed from elsewhere) is not judged.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

from gate.discovery.declared import contents_of
from gate.discovery.settle import python_function
from gate.serverless.context import BundleContext
from gate.serverless.findings import RawFinding
from gate.serverless.iac.view import FunctionView, Variable
from gate.staging.rules import is_binary, is_python_script

STARTUP_VARIABLES = ("AWS_LAMBDA_EXEC_WRAPPER", "LD_PRELOAD")
RULE = "GATE-IAC-018"


def startup_findings(context: BundleContext, views: list[FunctionView]) -> list[RawFinding]:
    """One finding per file a Python function's environment makes the runtime run that
    the gate does not analyse."""
    findings = []
    for view in views:
        if not python_function(view.function):
            continue  # the gate analyses none of such a function's code anyway
        for variable in view.variables:
            if variable.name in STARTUP_VARIABLES and variable.literal is not None:
                findings += _judge(context, view, variable)
    return findings


def _judge(context: BundleContext, view: FunctionView, variable: Variable) -> list[RawFinding]:
    findings = []
    # LD_PRELOAD is a list (spaces or colons); a wrapper is one path.
    written = variable.literal or ""
    paths = written.replace(":", " ").split() if variable.name == "LD_PRELOAD" else [written]
    for path in paths:
        if "${" in path or "{{" in path:
            continue  # decided at deploy
        for relative in _in_bundle(view, path.strip()):
            file = context.root / relative
            if not file.is_file() or file.suffix == ".py" or is_python_script(file):
                continue
            findings.append(_finding(view, variable, path, relative, _kind(file)))
    return findings


def _in_bundle(view: FunctionView, path: str) -> list[str]:
    """Where the file at `path` on the Lambda host is in the bundle, if it is there:
    `/var/task/x` in the function's code, `/opt/x` in each of its layers."""
    function = view.function
    absolute = posixpath.normpath(posixpath.join("/var/task", path))
    places: list[tuple[str, str | None]] = [("/var/task/", function.code)]
    places += [("/opt/", layer) for layer in function.layers]
    found = []
    for prefix, place in places:
        if place is None or not absolute.startswith(prefix):
            continue
        inside = absolute.removeprefix(prefix)
        found.append(posixpath.join(contents_of(place), inside))
    return found


def _kind(file: Path) -> str:
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
    return "a file the gate does not analyse"


def _finding(
    view: FunctionView, variable: Variable, path: str, relative: str, kind: str
) -> RawFinding:
    message = (
        f"{view.function.name}: {variable.name}={path} makes the Lambda runtime run "
        f"{relative}, {kind}, at every start, before the handler and with the function's "
        "role; the gate analyses only Python, so nothing it ran says what this code does. "
        "Review it and waive this finding with the reason, or write the wrapper in Python."
    )
    anchor = f"{view.resource}#startup:{variable.name}:{relative}"
    return RawFinding(
        RULE, message, view.path, variable.line, None, view.resource, anchor, None, ()
    )
