"""Runs each scanner in its own process with a deadline.

This is the only module that starts subprocesses. A worker is started in a new
session so that, when its deadline passes, the whole process group (the worker
and anything it started) is killed, not just the worker.

A worker also dies with the gate, however the gate ends (even by SIGKILL): see
`gate.scan.lifeline`.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gate
from gate.model import ScanStatus
from gate.places import cache_dir, private_dir
from gate.scan.lifeline import LIFELINE_VARIABLE, WORKER_OF_VARIABLE, death_pact

if TYPE_CHECKING:
    from gate.scan.progress import Progress

# What a worker inherits from the gate's environment. Everything else, CI secrets
# included, stays out of reach of the scanners and of anything they resolve.
_PASSED_VARIABLES = (
    "PATH",
    "LANG",
    "LC_ALL",
    "LC_CTYPE",
    "TZ",
    "SYSTEMROOT",
)
# How a worker that needs the network (live advisory lookups, `advisories.source: live |
# auto`) reaches it from behind a corporate proxy; requests reads both spellings. Only
# such a worker gets them: a proxy URL can carry credentials.
_NETWORK_VARIABLES = (
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "NO_PROXY",
    "no_proxy",
    "REQUESTS_CA_BUNDLE",
    "SSL_CERT_FILE",
)

# Settings every scanner process runs with.
_WORKER_SETTINGS = {
    "CHECKOV_SERVERLESS_DISABLE_VARS": "true",
    # checkov forks a process per framework; on a small runner that only competes with the
    # other scanners, which already run in parallel with it.
    "CHECKOV_PARALLELIZATION_TYPE": "none",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONSAFEPATH": "1",
    "PYTHONUNBUFFERED": "1",
    "LOG_LEVEL": "ERROR",
    "PIP_NO_INPUT": "1",
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
}

STDERR_TAIL = 4000

# Workers still running, so an interrupted gate can kill them all.
_live: set[subprocess.Popen[bytes]] = set()
_live_lock = threading.Lock()


@dataclass(frozen=True)
class WorkerJob:
    """One scanner's run: the command, the JSON request fed to it, its deadline."""

    scanner: str
    argv: tuple[str, ...]
    request: Mapping[str, Any]
    timeout_s: float
    network: bool = False
    """The worker may reach the network, so it gets the proxy settings."""


@dataclass(frozen=True)
class WorkerOutcome:
    """How a worker ended; `payload` is its JSON answer when status is OK."""

    scanner: str
    status: ScanStatus
    duration_s: float
    payload: dict[str, Any] | None = None
    message: str | None = None
    cache: tuple[int, int] | None = None
    """(parts taken from the findings cache, parts in all), when the cache was used."""


def worker_argv(scanner: str) -> tuple[str, ...]:
    """The command that runs `scanner` in a fresh interpreter of the gate's own Python."""
    return (sys.executable, "-m", "gate.scan.worker", scanner)


def run_workers(
    jobs: Sequence[WorkerJob],
    limit: int | None = None,
    progress: Progress | None = None,
    notes: Mapping[str, str] | None = None,
) -> dict[str, WorkerOutcome]:
    """Run the jobs, at most `limit` at once (default: all); returns each scanner's outcome.
    `progress` hears of each start and end; `notes` add to a scanner's outcome there.

    If the gate itself is interrupted, every worker's process group is killed
    before the interruption goes on: no scanner outlives the gate.
    """
    if not jobs:
        return {}

    def run(job: WorkerJob) -> WorkerOutcome:
        if progress is None:
            return run_worker(job)
        progress.started(job.scanner)
        outcome = run_worker(job)
        note = (notes or {}).get(job.scanner)
        text = f"{outcome.status.value}, {note}" if note else outcome.status.value
        progress.finished(job.scanner, text, outcome.duration_s)
        return outcome

    pool = ThreadPoolExecutor(max_workers=max(1, min(len(jobs), limit or len(jobs))))
    try:
        outcomes = list(pool.map(run, jobs))
    except BaseException:
        _kill_all()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()
    return {o.scanner: o for o in outcomes}


@dataclass
class _Started:
    """A worker process, and what must live as long as it does."""

    proc: subprocess.Popen[bytes]
    home: tempfile.TemporaryDirectory[str]
    lifeline_end: int
    """The gate's end of the worker's lifeline, closed once the worker has ended."""
    argv: tuple[str, ...]

    def end(self) -> None:
        with _live_lock:
            _live.discard(self.proc)
        self.home.cleanup()
        os.close(self.lifeline_end)


# Workers started before their job was known (`prestart`), by scanner.
_prestarted: dict[str, _Started] = {}


def prestart(scanners: Sequence[str]) -> None:
    """Start the workers of `scanners` now (without network access), so that each imports
    its scanner library while the gate prepares the bundles; `run_worker` hands each its
    job. One never given a job is killed by `discard_prestarted`."""
    for scanner in scanners:
        started = _spawn(worker_argv(scanner), scanner, network=False)
        if isinstance(started, _Started):
            _prestarted[scanner] = started


def discard_prestarted() -> None:
    """Kill every prestarted worker no job was given to."""
    while _prestarted:
        _, started = _prestarted.popitem()
        _kill_group(started.proc)
        started.end()


def run_worker(job: WorkerJob) -> WorkerOutcome:
    started_at = time.monotonic()
    started = _prestarted.pop(job.scanner, None)
    if started is not None and (started.argv != job.argv or job.network):
        _kill_group(started.proc)
        started.end()
        started = None
    if started is None:
        spawned = _spawn(job.argv, job.scanner, job.network)
        if isinstance(spawned, str):
            return _failed(job, started_at, spawned)
        started = spawned
    try:
        return _finish(job, started, started_at)
    finally:
        started.end()


def _spawn(argv: tuple[str, ...], scanner: str, network: bool) -> _Started | str:
    """A worker process for `scanner`, in a home of its own, or why it could not start."""
    home = tempfile.TemporaryDirectory(prefix=f"gate-{scanner}-")
    env = worker_environment(home.name, network=network)
    # The worker's watcher sees end of file when this process dies (however), or gives up
    # on the worker: the gate's end is closed only after the worker has ended.
    lifeline, lifeline_end = os.pipe()
    env[LIFELINE_VARIABLE] = str(lifeline)
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=home.name,
            env=env,
            start_new_session=True,
            pass_fds=(lifeline,),
            preexec_fn=death_pact(os.getpid()),
        )
    except OSError as e:
        home.cleanup()
        os.close(lifeline_end)
        return f"could not start its worker ({argv[0]}): {e.strerror}"
    finally:
        os.close(lifeline)
    with _live_lock:
        _live.add(proc)
    return _Started(proc, home, lifeline_end, argv)


def _finish(job: WorkerJob, started: _Started, started_at: float) -> WorkerOutcome:
    """Feed the worker its job and wait for its answer, within the job's deadline."""
    proc = started.proc
    try:
        stdout, stderr = proc.communicate(json.dumps(job.request).encode(), job.timeout_s)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        return WorkerOutcome(
            job.scanner,
            ScanStatus.TIMEOUT,
            time.monotonic() - started_at,
            message=f"timed out after {job.timeout_s:g}s and was killed "
            f"(raise scanners.{job.scanner}.timeout_s if the bundle is that large)",
        )
    except BaseException:
        _kill_group(proc)
        raise
    return _outcome(job, started_at, proc.returncode, stdout, stderr)


def worker_environment(home: str, network: bool = False) -> dict[str, str]:
    passed = _PASSED_VARIABLES + (_NETWORK_VARIABLES if network else ())
    env = {k: v for k, v in os.environ.items() if k in passed}
    env.update(_WORKER_SETTINGS)
    # The worker imports the same gate package as this process, installed or not.
    env["PYTHONPATH"] = str(Path(gate.__file__).resolve().parent.parent)
    env["HOME"] = home
    env["TMPDIR"] = _scratch_dir() or home
    env[WORKER_OF_VARIABLE] = str(os.getpid())
    return env


def _scratch_dir() -> str | None:
    """A private, lasting temp dir for the workers, or None if it cannot be made.

    It lasts so that parser caches the scanners keep in their temp dir survive
    from run to run (checkov's HCL grammar cache alone saves about a second); it
    is private (0700) because those caches are pickles, which must not be
    writable by anyone else.
    """
    path = private_dir(cache_dir() / "worker-tmp")
    return str(path) if path else None


def _kill_all() -> None:
    with _live_lock:
        running = list(_live)
    for proc in running:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.communicate()


def _outcome(
    job: WorkerJob, started: float, code: int, stdout: bytes, stderr: bytes
) -> WorkerOutcome:
    if code != 0:
        if code < 0:
            return _failed(job, started, f"worker was killed by signal {-code}")
        answer = _parse_answer(stdout)
        if answer is not None and isinstance(answer.get("error"), str):
            return _failed(job, started, answer["error"])
        return _failed(job, started, f"worker exited with code {code}: {_last_line(stderr)}")
    answer = _parse_answer(stdout)
    if answer is None or "output" not in answer:
        preview = stdout[:60].decode("utf-8", "replace").strip() or "nothing"
        return _failed(job, started, f"worker output is not the expected JSON (got {preview!r})")
    return WorkerOutcome(job.scanner, ScanStatus.OK, time.monotonic() - started, answer)


def _parse_answer(stdout: bytes) -> dict[str, Any] | None:
    try:
        answer = json.loads(stdout)
    except (ValueError, UnicodeDecodeError):
        return None
    return answer if isinstance(answer, dict) else None


def _failed(job: WorkerJob, started: float, message: str) -> WorkerOutcome:
    return WorkerOutcome(job.scanner, ScanStatus.ERROR, time.monotonic() - started, message=message)


def _last_line(stderr: bytes) -> str:
    lines = stderr[-STDERR_TAIL:].decode("utf-8", "replace").strip().splitlines()
    return lines[-1].strip() if lines else "no error output"
