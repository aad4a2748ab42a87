"""Parse errors in code of a function whose Python is newer than the gate's own.

bandit and the serverless rules parse with the interpreter the gate runs on, so code
written for a newer runtime (PEP 701 f-strings on python3.12, say) may not parse here
although Lambda runs it. Such an error stays an error (the code was not checked), and
says so: the function's runtime, the gate's Python, and what to do.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from dataclasses import replace

from gate.bundle.discovery import code_places, within
from gate.model import Function, ScanIssue

INTERPRETER = sys.version_info[:2]
"""The Python the gate, and so its parsers, run on."""
_RUNTIME = re.compile(r"^python(\d+)\.(\d+)")
_PARSE_ERRORS = ("cannot parse it", "syntax error while parsing AST")


def explained(issue: ScanIssue, functions: Iterable[Function]) -> ScanIssue:
    """`issue`, if it is a Python file the gate could not parse that a function of a
    newer Python than the gate's runs, with why and what to do; else as it is."""
    path = issue.path
    if not path or not path.endswith(".py") or not any(e in issue.message for e in _PARSE_ERRORS):
        return issue
    newer = sorted(
        version
        for f in functions
        if (version := _version(f.runtime)) is not None
        and version > INTERPRETER
        and (path == f.handler_file or any(within(path, p) for p in code_places(f)))
    )
    if not newer:
        return issue
    runtime = "{}.{}".format(*newer[-1])
    gate = "{}.{}".format(*INTERPRETER)
    return replace(
        issue,
        message=f"{issue.message} (the function runs python{runtime}, and the gate runs on "
        f"Python {gate}, whose parser may not know this syntax: run the gate on Python "
        f"{runtime} or newer)",
    )


def _version(runtime: str | None) -> tuple[int, int] | None:
    match = _RUNTIME.match(runtime or "")
    return (int(match[1]), int(match[2])) if match else None
