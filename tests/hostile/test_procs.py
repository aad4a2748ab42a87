"""Hostile cases for archives, scanner processes and temp dirs.

Zips whose entries claim one path twice (Lambda and `unzip` keep the first, a naive
extractor the last), a parser cache planted in a shared temp dir, and a gate killed
or interrupted while its workers run: the workers must die with it and leave no temp
folder behind.
"""

from __future__ import annotations

import importlib
import io
import os
import pickle
import signal
import stat
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from tests.conftest import BUNDLES, RunGate
from tests.hostile.conftest import HANG_TIMEOUT_S, HostileRun, Sandbox, assert_refused

# A handler with a blocking finding (event data into a shell), and a harmless one.
BAD_HANDLER = "import os\n\ndef handler(event, context):\n    os.system(event['cmd'])\n"
GOOD_HANDLER = "def handler(event, context):\n    return {'ok': True}\n"
ONLY_BANDIT = (
    "version: 1\nscanners:\n  checkov: {enabled: false}\n  pip-audit: {enabled: false}\n"
    "  serverless: {enabled: false}\n  bandit: {timeout_s: TIMEOUT}\n"
)
POLL_S = 0.05
TERRAFORM_BUNDLE = BUNDLES / "terraform-function"


def zip_bytes(entries: Sequence[tuple[str, bytes | str]]) -> bytes:
    """A zip with exactly these entries, in this order, duplicates included."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of duplicate names
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in entries:
                zf.writestr(zipfile.ZipInfo(name), data)
    return buffer.getvalue()


# --- zips with two entries on one path


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("app.py", "app.py"),
        ("app.py", "./app.py"),
        ("app.py", ".//app.py"),
        ("src/app.py", "src/./app.py"),
        ("src/app.py", "src\\app.py"),
    ],
    ids=["exact", "dot-prefix", "double-slash", "dot-component", "backslash"],
)
def test_a_zip_with_a_second_entry_on_the_handlers_path_is_refused(
    sandbox: Sandbox, first: str, second: str
) -> None:
    # What Lambda runs is the first entry; the gate used to scan the last one.
    archive = sandbox.write("fn.zip", zip_bytes([(first, BAD_HANDLER), (second, GOOD_HANDLER)]))
    run = sandbox.run(target=archive)
    assert_refused(run, str(archive), repr(second), "appears twice")
    assert len(run.lines) == 1, run.stderr


def test_duplicates_in_a_nested_zip_are_refused(sandbox: Sandbox) -> None:
    layer = zip_bytes([("python/lib.py", BAD_HANDLER), ("python/lib.py", GOOD_HANDLER)])
    archive = sandbox.write(
        "fn.zip", zip_bytes([("app.py", GOOD_HANDLER), ("layers/deps.zip", layer)])
    )
    run = sandbox.run(target=archive)
    assert_refused(run, f"{archive}!layers/deps.zip", "'python/lib.py' appears twice")


def test_duplicates_in_a_zip_a_template_deploys_are_refused(sandbox: Sandbox) -> None:
    sandbox.write(
        "template.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
        "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n"
        "      CodeUri: build/fn.zip\n      Handler: app.handler\n      Runtime: python3.12\n",
    )
    sandbox.write("build/fn.zip", zip_bytes([("app.py", BAD_HANDLER), ("app.py", GOOD_HANDLER)]))
    run = sandbox.run()
    assert_refused(run, "build/fn.zip", "'app.py' appears twice")


@pytest.mark.parametrize(
    ("entries", "named"),
    [
        ([("app", "x"), ("app/handler.py", BAD_HANDLER)], "'app/handler.py' needs 'app' as a"),
        ([("app/handler.py", BAD_HANDLER), ("app", "x")], "'app' is a file, but other entries"),
        ([("app/", ""), ("app", "x")], "'app' is a file, but other entries"),
    ],
    ids=["file-then-child", "child-then-file", "folder-then-file"],
)
def test_a_file_and_a_folder_of_one_name_are_refused(
    sandbox: Sandbox, entries: list[tuple[str, str]], named: str
) -> None:
    archive = sandbox.write("fn.zip", zip_bytes(entries))
    run = sandbox.run(target=archive)
    assert_refused(run, str(archive), named)
    assert "internal error" not in run.stderr


def test_a_symlink_entry_in_a_nested_zip_is_refused(sandbox: Sandbox) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        link = zipfile.ZipInfo("python/secrets")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/passwd")
    archive = sandbox.write(
        "fn.zip", zip_bytes([("app.py", GOOD_HANDLER), ("deps.zip", buffer.getvalue())])
    )
    assert_refused(sandbox.run(target=archive), f"{archive}!deps.zip", "is a symbolic link")


def _encrypted(data: bytes) -> bytes:
    raw = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        raw[raw.find(signature) + offset] |= 1  # the "encrypted" flag
    return bytes(raw)


def _bad_central_directory(data: bytes) -> bytes:
    raw = bytearray(data)
    at = raw.find(b"PK\x01\x02")
    raw[at : at + 4] = b"XXXX"
    return bytes(raw)


@pytest.mark.parametrize(
    ("entries", "damage", "named"),
    [
        ([("app.py", BAD_HANDLER)], _encrypted, "encrypted"),
        ([("app.py", BAD_HANDLER)], _bad_central_directory, "not a readable zip archive"),
        ([("app.py", BAD_HANDLER), ("", "")], None, "entry '' has no file name"),
        ([("app.py", BAD_HANDLER), ("n" * 300, "")], None, "File name too long"),
        (
            [("lib.zip", zip_bytes([("a.py", BAD_HANDLER)])), ("lib.zip.contents/a.py", "")],
            None,
            "entry 'lib.zip.contents' clashes with the folder",
        ),
    ],
    ids=["encrypted", "central-directory", "empty-name", "long-name", "contents-folder"],
)
def test_a_damaged_or_odd_zip_is_refused_in_one_line(
    sandbox: Sandbox,
    entries: list[tuple[str, bytes | str]],
    damage: Callable[[bytes], bytes] | None,
    named: str,
) -> None:
    data = zip_bytes(entries)
    archive = sandbox.write("fn.zip", damage(data) if damage else data)
    run = sandbox.run(target=archive)
    assert_refused(run, str(archive), named)
    assert len(run.lines) == 1 and "internal error" not in run.stderr, run.stderr


# --- a parser cache planted in the shared temp dir


def lark_cache_name() -> str:
    """The file name lark gives python-hcl2's grammar cache in `tempfile.gettempdir()`."""
    with tempfile.TemporaryDirectory() as scratch:
        subprocess.run(
            [sys.executable, "-c", "import hcl2.parser"],
            env={**os.environ, "TMPDIR": scratch},
            check=True,
            capture_output=True,
        )
        names = [p.name for p in Path(scratch).iterdir() if p.name.startswith(".lark_")]
    assert len(names) == 1, names
    return names[0]


def share_the_scratch_dir(sandbox: Sandbox) -> None:
    """Make the lasting scratch dir writable by anyone, so the gate must not use it."""
    scratch = sandbox.cache / "worker-tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    scratch.chmod(0o777)


class _Payload:
    def __init__(self, code: str) -> None:
        self.code = code

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (exec, (self.code,))


@pytest.mark.parametrize("cache", ["private", "shared"])
def test_a_pickle_planted_in_the_shared_temp_dir_is_never_loaded(
    sandbox: Sandbox, cache: str
) -> None:
    shared = sandbox.base / "shared-tmp"
    shared.mkdir()
    if cache == "shared":  # a scratch dir others can write to is not used: a fresh one is
        share_the_scratch_dir(sandbox)
    name = lark_cache_name()
    digest = name.split("_")[3]  # .lark_cache_USER_SHA256_MAJOR_MINOR.tmp
    planted = shared / name
    planted.write_bytes(digest.encode() + b"\n" + pickle.dumps(_Payload(sandbox.payload)))
    for path in TERRAFORM_BUNDLE.rglob("*"):
        if path.is_file():
            sandbox.write(path.relative_to(TERRAFORM_BUNDLE).as_posix(), path.read_bytes())
    run = sandbox.run(env={"TMPDIR": str(shared)})
    assert run.code in (0, 1), run.stderr  # the harness saw no marker: the pickle never ran
    assert sorted(p.name for p in shared.iterdir()) == [name], "the run wrote to the shared TMPDIR"


@pytest.mark.parametrize(
    ("command", "module", "function"),
    [
        (["check"], "gate.scan.run", "check"),
        (["ls"], "gate.bundle.resolve", "list_bundles"),
        (["baseline", "create", "--output", "baseline.json"], "gate.scan.run", "check"),
    ],
    ids=["check", "ls", "baseline-create"],
)
def test_the_gates_own_temp_dir_is_private(
    run_gate: RunGate,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    module: str,
    function: str,
) -> None:
    seen: dict[str, str] = {}

    def capture(*args: object, **kwargs: object) -> object:
        seen["gettempdir"] = tempfile.gettempdir()
        seen["TMPDIR"] = os.environ["TMPDIR"]
        raise KeyboardInterrupt  # stop here: only the setting matters

    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    monkeypatch.setenv("TMPDIR", str(shared))
    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.setattr(importlib.import_module(module), function, capture)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fn").mkdir()
    assert run_gate(*command, str(tmp_path / "fn")).code == 130
    private = Path(seen["gettempdir"])
    assert seen["TMPDIR"] == str(private)
    assert not private.is_relative_to(shared)
    info = private.stat()
    assert info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) == 0o700
    # Restored afterwards: the caller's process keeps its own temp dir.
    assert tempfile.gettempdir() == str(shared) and os.environ["TMPDIR"] == str(shared)


# --- a gate killed or interrupted while its workers run

# Stands in for bandit's worker: starts a grandchild, then hangs. TOKEN marks both.
HANGING_WORKER = """\
# TOKEN
import os, signal, subprocess, sys, time
if LIFELINE:
    try:
        from gate.scan.lifeline import watch_lifeline
    except ImportError:  # a gate without it: the test must still see what survives
        watch_lifeline = lambda: None
    watch_lifeline()
signal.signal(signal.SIGTERM, signal.SIG_IGN)
if GRANDCHILD:
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)  # TOKEN"])
open(READY, "w").close()
time.sleep(600)
"""

# Runs `gate` with the worker command replaced (and, if asked, no PR_SET_PDEATHSIG).
LAUNCHER = """\
import sys
import gate.scan.lifeline, gate.scan.run
fake = sys.argv.pop(1)
if sys.argv.pop(1) == "no-pdeathsig":
    gate.scan.lifeline._prctl = lambda: None
gate.scan.run.worker_argv = lambda scanner: (sys.executable, "-c", fake)
from gate.cli import main
sys.exit(main(sys.argv[1:]))
"""


def worker_pids(gate_pid: int, token: str) -> set[int]:
    """Live processes (not zombies) that are workers of `gate_pid` (their environment
    says so) or fakes of this test (their command line carries `token`)."""
    mark = f"GATE_WORKER_OF={gate_pid}".encode()
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                continue
            environ = (entry / "environ").read_bytes().split(b"\0")
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if mark in environ or token.encode() in cmdline:
            found.add(int(entry.name))
    return found - {gate_pid}  # the gate's own command line carries the fake's code


def wait_for(condition: Callable[[], bool], what: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(POLL_S)


class Launched:
    """A `gate check` started in the background with a hanging fake worker."""

    def __init__(self, sandbox: Sandbox, fake: str, mode: str, timeout_s: int = 600) -> None:
        self.sandbox = sandbox
        self.before = sandbox.digest()
        self.token = f"gate-hostile-fake-{uuid.uuid4().hex}"
        self.ready = sandbox.base / "worker-ready"
        fake = fake.replace("TOKEN", self.token).replace("READY", repr(str(self.ready)))
        policy = sandbox.policy(ONLY_BANDIT.replace("TIMEOUT", str(timeout_s)))
        command = (sys.executable, "-c", LAUNCHER, fake, mode)
        self.proc = subprocess.Popen(
            [*command, "check", str(sandbox.bundle), "--policy", str(policy)],
            cwd=sandbox.cwd,
            env=sandbox.environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_until_running(self) -> None:
        """Until the fake worker (and its grandchild) run."""
        wait_for(self.ready.exists, "the fake worker to start")

    def workers(self) -> set[int]:
        return worker_pids(self.proc.pid, self.token)

    def finish(self) -> HostileRun:
        stdout, stderr = self.proc.communicate(timeout=HANG_TIMEOUT_S)
        return HostileRun(self.proc.returncode, stdout, stderr)


@pytest.fixture
def launch(sandbox: Sandbox) -> Iterator[Callable[..., Launched]]:
    started: list[Launched] = []

    def start(lifeline: bool, grandchild: bool, mode: str = "", timeout_s: int = 600) -> Launched:
        sandbox.write("handler.py", GOOD_HANDLER)
        fake = HANGING_WORKER.replace("LIFELINE", str(lifeline)).replace(
            "GRANDCHILD", str(grandchild)
        )
        launched = Launched(sandbox, fake, mode or "pdeathsig", timeout_s)
        started.append(launched)
        return launched

    yield start
    for launched in started:  # whatever a failed test left running
        if launched.proc.poll() is None:
            launched.proc.kill()
            launched.proc.communicate()
        for pid in launched.workers():
            os.kill(pid, signal.SIGKILL)


def leftover_folders(sandbox: Sandbox) -> list[str]:
    scratch = sandbox.cache / "worker-tmp"
    return sorted(p.name for p in scratch.iterdir() if p.is_dir()) if scratch.exists() else []


@pytest.mark.parametrize(
    ("lifeline", "grandchild", "mode"),
    [(False, False, "pdeathsig"), (True, True, "pdeathsig"), (True, True, "no-pdeathsig")],
    ids=["kernel-kills-the-worker", "lifeline-kills-the-group", "lifeline-alone"],
)
def test_workers_die_with_a_gate_killed_by_sigkill(
    launch: Callable[..., Launched],
    sandbox: Sandbox,
    lifeline: bool,
    grandchild: bool,
    mode: str,
) -> None:
    launched = launch(lifeline, grandchild, mode)
    launched.wait_until_running()
    assert len(launched.workers()) >= 1 + grandchild
    launched.proc.kill()
    launched.proc.communicate()
    wait_for(lambda: not launched.workers(), "the workers to die with the gate")
    if lifeline:  # the worker's watcher removed its home
        wait_for(
            lambda: not [n for n in leftover_folders(sandbox) if n.startswith("gate-bandit-")],
            "the worker's home to be removed",
        )
    assert not any(sandbox.tmp.iterdir()), "the gate wrote into the shared TMPDIR"


def test_the_next_run_removes_what_a_killed_gate_left(
    launch: Callable[..., Launched], sandbox: Sandbox
) -> None:
    launched = launch(False, False)
    launched.wait_until_running()
    launched.proc.kill()
    launched.proc.communicate()
    wait_for(lambda: not launched.workers(), "the worker to die with the gate")
    assert leftover_folders(sandbox), "expected the killed gate's temp folders"
    run = sandbox.run(policy=ONLY_BANDIT.replace("TIMEOUT", "60"))
    assert run.code == 0, run.stderr
    assert leftover_folders(sandbox) == []


def test_the_next_run_removes_the_temp_dir_a_killed_gate_made_in_tmpdir(
    launch: Callable[..., Launched], sandbox: Sandbox
) -> None:
    # A scratch dir others can write to: each run makes a fresh private dir in TMPDIR.
    share_the_scratch_dir(sandbox)
    launched = launch(False, False)
    launched.wait_until_running()
    launched.proc.kill()
    launched.proc.communicate()
    wait_for(lambda: not launched.workers(), "the worker to die with the gate")
    assert [p.name[:16] for p in sandbox.tmp.iterdir()] == ["serverless-gate-"]
    run = sandbox.run(policy=ONLY_BANDIT.replace("TIMEOUT", "60"))  # checks TMPDIR is empty
    assert run.code == 0, run.stderr


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_an_interrupted_gate_kills_its_workers_and_cleans_up(
    launch: Callable[..., Launched], sandbox: Sandbox, signum: int
) -> None:
    # The fake ignores SIGTERM: the gate must not rely on it.
    launched = launch(True, True)
    launched.wait_until_running()
    launched.proc.send_signal(signum)
    run = launched.finish()
    sandbox.assert_clean(run, launched.before)
    assert run.code == 130, run.stderr
    assert run.stderr.strip() == "gate: interrupted"
    wait_for(lambda: not launched.workers(), "the workers to die")
    assert leftover_folders(sandbox) == []


def test_a_worker_that_ignores_sigterm_is_killed_at_its_deadline(
    launch: Callable[..., Launched], sandbox: Sandbox
) -> None:
    launched = launch(True, True, timeout_s=3)
    run = launched.finish()
    sandbox.assert_clean(run, launched.before)
    assert_refused(run, "bandit: timed out after 3s and was killed")
    wait_for(lambda: not launched.workers(), "the workers to die")
    assert leftover_folders(sandbox) == []
