"""Fault injection: a scanner worker that crashes, hangs, prints garbage or is missing.

Each must end in decision `error`, exit 2, and one stderr line naming the scanner.
Fakes stand in for the worker command only; everything else is the real gate.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import gate.scan.run
from gate.model import ScanStatus
from gate.scan.workers import WorkerJob, WorkerOutcome, worker_environment
from tests.conftest import GateRun, RunGate, only_scanners

ONLY_BANDIT = only_scanners("bandit") + "  bandit: {timeout_s: 2}\n"


def fake_worker(code: str) -> Callable[[str], tuple[str, ...]]:
    def argv(scanner: str) -> tuple[str, ...]:
        return (sys.executable, "-c", code)

    return argv


@pytest.fixture
def tiny_bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "fn"
    bundle.mkdir()
    (bundle / "handler.py").write_text("def handler(event, context):\n    return 1\n")
    return bundle


GateWithWorker = Callable[..., GateRun]


@pytest.fixture
def gate_with_worker(
    run_gate: RunGate,
    policy_file: Callable[[str], Path],
    tiny_bundle: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> GateWithWorker:
    """Run `gate check` with bandit's worker replaced by `python -c CODE`, the others off."""

    def run(code: str, timeout_s: int = 2) -> GateRun:
        monkeypatch.setattr(gate.scan.run, "worker_argv", fake_worker(code))
        policy = policy_file(ONLY_BANDIT.replace("timeout_s: 2", f"timeout_s: {timeout_s}"))
        return run_gate("check", str(tiny_bundle), "--policy", str(policy))

    return run


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (
            "import sys; sys.stderr.write('Traceback...\\nRuntimeError: boom\\n'); sys.exit(1)",
            "worker exited with code 1: RuntimeError: boom",
        ),
        ("import os, signal; os.kill(os.getpid(), signal.SIGKILL)", "killed by signal 9"),
        ("print('<html>not json</html>')", "worker output is not the expected JSON"),
        ('print(\'{"version": "1"}\')', "worker output is not the expected JSON"),
        (
            "import json; print(json.dumps({'version': '1', 'output': {'results': 7}}))",
            "its output could not be understood",
        ),
    ],
    ids=["crash", "signal", "garbage", "no-output-key", "wrong-shape"],
)
def test_broken_worker_is_an_error_naming_the_scanner(
    gate_with_worker: GateWithWorker, code: str, reason: str
) -> None:
    result = gate_with_worker(code)
    assert result.code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("gate: error: bandit: ")
    assert reason in lines[0]
    assert "Traceback" not in result.stderr


def test_hanging_worker_is_killed_at_its_deadline(
    gate_with_worker: GateWithWorker, tmp_path: Path
) -> None:
    # The fake starts a grandchild that would outlive it unless the whole group is killed.
    marker = tmp_path / "grandchild-survived"
    grandchild = f"import time; time.sleep(4); open({str(marker)!r}, 'w').close()"
    code = (
        "import subprocess, sys, time; "
        f"subprocess.Popen([sys.executable, '-c', {grandchild!r}]); time.sleep(60)"
    )
    result = gate_with_worker(code)
    assert result.code == 2
    assert result.stderr.strip() == (
        "gate: error: bandit: timed out after 2s and was killed "
        "(raise scanners.bandit.timeout_s if the bundle is that large)"
    )
    time.sleep(4)
    assert not marker.exists(), "a process of the worker's group outlived the deadline"


def test_missing_worker_executable(
    run_gate: RunGate,
    policy_file: Callable[[str], Path],
    tiny_bundle: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(gate.scan.run, "worker_argv", lambda s: ("/nonexistent/python3", "-m", "x"))
    result = run_gate("check", str(tiny_bundle), "--policy", str(policy_file(ONLY_BANDIT)))
    assert result.code == 2
    assert result.stderr.strip().startswith("gate: error: bandit: could not start its worker")


def test_missing_scanner_library_is_named(gate_with_worker: GateWithWorker, tmp_path: Path) -> None:
    # The real worker, in an interpreter where the bandit package cannot be imported.
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(
        "import sys\nclass Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'bandit' or name.startswith('bandit.'):\n"
        "            raise ModuleNotFoundError(\"No module named 'bandit'\", name='bandit')\n"
        "sys.meta_path.insert(0, Block())\n"
    )
    code = (
        f"import sys; sys.path.insert(0, {str(blocker)!r}); import sitecustomize; "
        "from gate.scan.worker import main; sys.exit(main(['bandit']))"
    )
    result = gate_with_worker(code)
    assert result.code == 2
    line = result.stderr.strip()
    assert line.startswith("gate: error: bandit: bandit is not installed in the gate's Python")


def test_interrupted_gate_kills_its_workers(
    gate_with_worker: GateWithWorker, tmp_path: Path
) -> None:
    marker = tmp_path / "worker-survived"
    survivor = f"import time; time.sleep(3); open({str(marker)!r}, 'w').close()"
    timer = threading.Timer(1.0, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    try:
        result = gate_with_worker(survivor, timeout_s=60)
    finally:
        timer.cancel()
    assert result.code == 130
    assert result.stderr.strip() == "gate: interrupted"
    time.sleep(3)
    assert not marker.exists(), "a worker outlived the interrupted gate"


def test_unwritable_report_is_refused_before_scanning(
    run_gate: RunGate, tiny_bundle: Path, tmp_path: Path
) -> None:
    target = tmp_path / "missing-dir" / "report.json"
    result = run_gate("check", str(tiny_bundle), "--report", f"json={target}")
    assert result.code == 2
    assert result.stderr.strip() == (
        f"gate: error: {target}: cannot write a report there "
        f"(no writable directory {target.parent})"
    )


def test_failed_report_write_is_an_error_and_leaves_no_temp_file(tmp_path: Path) -> None:
    from gate.cli.check import write_atomically
    from gate.errors import ReportError

    target = tmp_path / "report.json"
    target.mkdir()  # a directory where the file should go: the rename fails
    with pytest.raises(ReportError, match="cannot write report"):
        write_atomically(target, "{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.json"]


def test_proxy_settings_reach_only_a_worker_that_needs_the_network(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://user:secret@proxy.example:3128")
    monkeypatch.setenv("CI_DEPLOY_TOKEN", "not for scanners")
    offline = worker_environment("/tmp/home")
    online = worker_environment("/tmp/home", network=True)
    assert "HTTPS_PROXY" not in offline
    assert online["HTTPS_PROXY"] == "http://user:secret@proxy.example:3128"
    assert "CI_DEPLOY_TOKEN" not in offline and "CI_DEPLOY_TOKEN" not in online


def test_scanners_off_the_critical_path_yield_the_cpu(
    run_gate: RunGate, tiny_bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, int] = {}

    def capture(jobs: list[WorkerJob], limit: int | None, *_: object) -> dict[str, WorkerOutcome]:
        seen.update({job.scanner: job.request["nice"] for job in jobs})
        return {job.scanner: WorkerOutcome(job.scanner, ScanStatus.TIMEOUT, 0.0) for job in jobs}

    monkeypatch.setattr(gate.scan.run, "run_workers", capture)
    run_gate("check", str(tiny_bundle))
    assert seen["checkov"] == 0
    assert all(nice > 0 for name, nice in seen.items() if name != "checkov")


def test_a_worker_lowers_its_own_priority_when_asked() -> None:
    code = (
        "import os; from gate.scan import worker; "
        "before = os.nice(0); worker._yield_cpu(3); print(os.nice(0) - before)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "3"


def _processes_marked(mark: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and mark.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_a_worker_that_ends_by_itself_ends_its_watcher(tmp_path: Path) -> None:
    mark = f"GATE_TEST_MARK={os.getpid()}-{time.monotonic_ns()}"
    lifeline, keep = os.pipe()
    env = {**worker_environment(str(tmp_path)), "GATE_LIFELINE_FD": str(lifeline)}
    env[mark.split("=")[0]] = mark.split("=")[1]
    try:
        done = subprocess.run(
            [sys.executable, "-m", "gate.scan.worker", "no-such-scanner"],
            input=b"{}",
            capture_output=True,
            env=env,
            pass_fds=(lifeline,),
            start_new_session=True,
            check=False,
            timeout=60,
        )
        assert done.returncode == 3, done.stderr
        assert b"no scanner named" in done.stdout
        # The gate still holds the pipe open, yet no watcher is left waiting on it.
        assert _processes_marked(mark) == []
    finally:
        os.close(lifeline)
        os.close(keep)


def test_a_prestarted_worker_takes_its_job(tmp_path: Path) -> None:
    """The critical-path worker starts before its request is known; the job is fed to
    that very process, and none is left behind."""
    from gate.scan import workers

    (tmp_path / "app.py").write_text("def handler(event, context):\n    return 1\n")
    workers.prestart(["serverless"])
    started = workers._prestarted["serverless"]
    request = {"targets": [{"bundle": "b", "root": str(tmp_path), "code_root": str(tmp_path)}]}
    job = WorkerJob("serverless", workers.worker_argv("serverless"), request, 60)
    outcome = workers.run_worker(job)
    assert outcome.status is ScanStatus.OK, outcome.message
    assert started.proc.returncode == 0
    assert workers._prestarted == {}
    assert not Path(started.home.name).exists()


def test_a_prestarted_worker_no_job_reaches_is_killed() -> None:
    from gate.scan import workers

    workers.prestart(["checkov"])
    started = workers._prestarted["checkov"]
    workers.discard_prestarted()
    assert started.proc.poll() is not None
    assert workers._prestarted == {}
    assert not Path(started.home.name).exists()
