"""Entry point of a scanner worker: `python -m gate.worker SCANNER`.

Reads one JSON request on stdin, runs the scanner over every bundle in it and
writes one JSON answer on stdout: `{"version": ..., "output": ...}` or
`{"error": ...}` with exit code 3. Whatever the scanner library prints goes to
stderr, so it cannot corrupt the answer.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import Any

EXIT_SCANNER_FAILED = 3


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    watcher = watch_lifeline()
    try:
        answer_fd = os.dup(1)
        os.dup2(2, 1)  # scanner chatter, even from C code or child processes, goes to stderr
        code, answer = _run(args[0] if args else "", sys.stdin.read())
        with os.fdopen(answer_fd, "w", encoding="utf-8") as out:
            json.dump(answer, out)
        return code
    finally:
        stop_watcher(watcher)


def watch_lifeline() -> int | None:
    """Fork a watcher that, when the gate closes the pipe it gave this worker (the gate
    died, even by SIGKILL, or gave up on the worker), removes the worker's home and kills
    its process group: the worker and anything it started. Returns the watcher's pid
    (None when not started by the gate). Call it before any thread starts."""
    try:
        fd = int(os.environ.pop("GATE_LIFELINE_FD", ""))
    except ValueError:
        return None
    worker = os.getpid()
    pid = os.fork()
    if pid != 0:
        os.close(fd)
        return pid
    try:
        _watch(fd, worker)
    finally:
        os._exit(0)


def stop_watcher(pid: int | None) -> None:
    """A worker that ends by itself ends its watcher too (and reaps it: no zombie)."""
    if pid is not None:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)


def _watch(fd: int, worker: int) -> None:
    null = os.open(os.devnull, os.O_RDWR)
    for stream in (0, 1, 2):  # the gate waits for the worker's output to end
        os.dup2(null, stream)
    try:
        while os.read(fd, 1):
            pass
    except OSError:
        pass
    home = os.environ.get("HOME", "")
    if home and Path(home).name.startswith("gate-"):
        shutil.rmtree(home, ignore_errors=True)
    if os.getpgrp() == worker:  # the worker's own group, as the gate starts it
        os.killpg(0, signal.SIGKILL)
    else:  # never the group of whoever started the worker
        os.kill(worker, signal.SIGKILL)


def _run(name: str, raw_request: str) -> tuple[int, dict[str, Any]]:
    from gate.errors import GateError
    from gate.scanners import SCANNERS

    scanner = SCANNERS.get(name)
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
