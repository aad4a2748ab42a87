"""Entry point of a scanner worker: `python -m gate.scan.worker SCANNER`.

Reads one JSON request on stdin, runs the scanner over every bundle in it and
writes one JSON answer on stdout: `{"version": ..., "output": ...}` or
`{"error": ...}` with exit code 3. Whatever the scanner library prints goes to
stderr, so it cannot corrupt the answer.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from typing import Any

from gate.scan.lifeline import stop_watcher, watch_lifeline

EXIT_SCANNER_FAILED = 3


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    watcher = watch_lifeline()
    try:
        answer_fd = os.dup(1)
        os.dup2(2, 1)  # scanner chatter, even from C code or child processes, goes to stderr
        name = args[0] if args else ""
        _warm_up(name)
        code, answer = _run(name, sys.stdin.read())
        with os.fdopen(answer_fd, "w", encoding="utf-8") as out:
            json.dump(answer, out)
        return code
    finally:
        stop_watcher(watcher)


def _warm_up(name: str) -> None:
    """Import a critical-path scanner's library while the gate prepares the bundles (its
    worker may be started before its request is written); any failure is `scan`'s to
    meet and report."""
    from gate.scanners import load

    scanner = load(name)
    if scanner is not None and scanner.critical_path:
        with contextlib.suppress(Exception):
            scanner.warm_up()


def _run(name: str, raw_request: str) -> tuple[int, dict[str, Any]]:
    from gate.errors import GateError
    from gate.scanners import load

    scanner = load(name)
    if scanner is None:
        return EXIT_SCANNER_FAILED, {"error": f"no scanner named {name!r}"}
    request = json.loads(raw_request)
    _yield_cpu(int(request.get("nice", 0)))
    try:
        version = scanner.tool_version()
        output = scanner.scan(request)
    except ModuleNotFoundError as e:
        return EXIT_SCANNER_FAILED, {
            "error": f"{e.name or 'its library'} is not installed in the gate's Python "
            f"({sys.executable}); reinstall serverless-gate"
        }
    except GateError as e:  # the gate's own code in the worker said what went wrong
        return EXIT_SCANNER_FAILED, {"error": str(e)}
    return 0, {"version": version, "output": output}


def _yield_cpu(increment: int) -> None:
    """Lower this worker's CPU priority so the scanner on the run's critical path gets a
    core to itself when cores are scarce; with cores to spare it changes nothing."""
    if increment > 0 and hasattr(os, "nice"):
        os.nice(increment)


if __name__ == "__main__":
    raise SystemExit(main())
