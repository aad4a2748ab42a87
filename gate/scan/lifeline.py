"""How a scanner worker dies with the gate, however the gate ends (even by SIGKILL).

Two ways, both set up by `gate.scan.workers` when it starts a worker:
- on Linux, the kernel kills the worker when the gate goes (PR_SET_PDEATHSIG, set
  in the child before exec: `death_pact`);
- everywhere, the worker holds the read end of a pipe whose only writer is the gate.
  `gate.scan.worker` forks a watcher first thing (`watch_lifeline`); at end of file (the
  gate died, or gave up on the worker) the watcher removes the worker's home and
  kills the worker's process group, which the kernel's signal would not reach: what
  the worker started. A worker that ends by itself stops its watcher.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import sys
from collections.abc import Callable
from pathlib import Path

# The fd of the pipe a worker watches, and the gate's pid: they mark a process as a
# worker of that gate.
LIFELINE_VARIABLE = "GATE_LIFELINE_FD"
WORKER_OF_VARIABLE = "GATE_WORKER_OF"
_PR_SET_PDEATHSIG = 1


def death_pact(parent: int) -> Callable[[], None] | None:
    """What the child runs before exec on Linux: die by SIGKILL when the gate (the
    thread that starts it, which waits for it) ends, and at once if it is gone already."""
    prctl = _prctl()
    if prctl is None:
        return None

    def pact() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return pact


@functools.cache
def _prctl() -> Callable[..., int] | None:
    """libc's prctl, on Linux; None elsewhere."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function: Callable[..., int] = libc.prctl
    except (OSError, AttributeError):
        return None
    return function


def watch_lifeline() -> int | None:
    """Fork a watcher that, when the gate closes the pipe it gave this worker (the gate
    died, even by SIGKILL, or gave up on the worker), removes the worker's home and kills
    its process group: the worker and anything it started. Returns the watcher's pid
    (None when not started by the gate). Call it before any thread starts."""
    try:
        fd = int(os.environ.pop(LIFELINE_VARIABLE, ""))
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
