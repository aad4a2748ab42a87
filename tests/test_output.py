"""Where reports go: regular files replaced atomically, anything else written into.

Devices are private nodes (`device_node`) and /dev/stdout a private link to
/proc/self/fd/1: a gate that renamed over its output, run as root, must not take the
machine's /dev/null with it.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from gate.errors import ReportError
from gate.reports.output import check_writable, descriptor_of, write_report
from tests.conftest import RunGate, only_scanners
from tests.hostile.conftest import device_node


@pytest.fixture
def tiny(tmp_path: Path) -> list[str]:
    """`check` of a one-file bundle under a policy that runs bandit only."""
    bundle = tmp_path / "fn"
    bundle.mkdir()
    (bundle / "handler.py").write_text("def handler(event, context):\n    return 1\n")
    policy = tmp_path / "gate.yml"
    policy.write_text(only_scanners("bandit"))
    return ["check", str(bundle), "--policy", str(policy)]


def test_a_regular_file_is_replaced_and_keeps_its_permissions(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old")
    target.chmod(0o640)
    write_report(str(target), "new")
    assert target.read_text() == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_symlink_is_followed_and_stays_a_link(tmp_path: Path) -> None:
    dated = tmp_path / "reports" / "2026-12-06.json"
    dated.parent.mkdir()
    dated.write_text("old")
    latest = tmp_path / "latest.json"
    latest.symlink_to(dated)
    write_report(str(latest), "new")
    assert latest.is_symlink() and dated.read_text() == "new"
    assert sorted(p.name for p in dated.parent.iterdir()) == ["2026-12-06.json"]


def test_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    latest = tmp_path / "latest.json"
    latest.symlink_to(tmp_path / "dated.json")
    write_report(str(latest), "new")
    assert latest.is_symlink() and (tmp_path / "dated.json").read_text() == "new"


def test_dev_null_is_written_into_not_replaced(tmp_path: Path) -> None:
    null = device_node(tmp_path, "null")
    check_writable(null)
    write_report(null, "report")
    assert stat.S_ISCHR(os.stat(null).st_mode)


def test_a_full_device_is_one_clear_error(tmp_path: Path) -> None:
    full = device_node(tmp_path, "full")
    with pytest.raises(ReportError, match=r"/full: cannot write report: No space left on device"):
        write_report(full, "report")
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_a_fifo_is_written_into_for_its_reader(tmp_path: Path) -> None:
    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_report(str(fifo), "report ✅\n")
    reader.join(timeout=30)
    assert received == ["report ✅\n".encode()]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_directory_is_refused_and_nothing_is_left(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.mkdir()
    with pytest.raises(ReportError, match=r"report\.json: cannot write a report there"):
        check_writable(str(target))
    with pytest.raises(ReportError, match=r"report\.json: cannot write report: Is a directory"):
        write_report(str(target), "x")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_device_is_checked_itself_not_its_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    null = device_node(tmp_path, "null")
    real = os.access

    def access(path: object, mode: int) -> bool:  # /dev is not writable for most users
        folder = str(Path(null).parent)
        return False if str(path) == folder else real(path, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    check_writable(null)


@pytest.mark.parametrize(
    ("path", "fd"),
    [("/dev/stdout", 1), ("/dev/stderr", 2), ("/dev/fd/3", 3), ("/proc/self/fd/7", 7)],
)
def test_descriptor_paths(path: str, fd: int, tmp_path: Path) -> None:
    assert descriptor_of(path) == fd
    assert descriptor_of(f"{path}x") is None
    link = tmp_path / "link"
    link.symlink_to(path)
    assert descriptor_of(str(link)) == fd


def test_dev_stdout_is_the_stdout_the_gate_prints_to(
    run_gate: RunGate, tiny: list[str], tmp_path: Path
) -> None:
    stdout = tmp_path / "stdout"
    stdout.symlink_to("/proc/self/fd/1")  # what /dev/stdout is
    result = run_gate(*tiny, "--format", "json", "--output", str(stdout))
    assert '"schema": "gate-report/1"' in result.stdout, result
    assert stdout.is_symlink()


def _gate(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    done: subprocess.CompletedProcess[bytes] = subprocess.run(
        [sys.executable, "-m", "gate", *args],
        timeout=300,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )
    return done


def test_a_descriptor_keeps_what_the_shell_wrote_before(tmp_path: Path, tiny: list[str]) -> None:
    target = tmp_path / "out.txt"
    with target.open("ab") as out:
        out.write(b"before\n")
        out.flush()
        output = ["--format", "json", "--output", f"/dev/fd/{out.fileno()}"]
        done = _gate([*tiny, *output], pass_fds=[out.fileno()], capture_output=True)
    assert done.returncode in (0, 1), done.stderr
    text = target.read_text()
    assert text.startswith("before\n{") and '"schema": "gate-report/1"' in text


def test_stdout_on_a_full_device_is_exit_2_with_one_line(tiny: list[str], tmp_path: Path) -> None:
    with open(device_node(tmp_path, "full"), "wb") as full:
        done = _gate(tiny, stdout=full, stderr=subprocess.PIPE)
    lines = done.stderr.decode().splitlines()
    assert done.returncode == 2, done.stderr
    assert lines == ["gate: error: stdout: cannot write report: No space left on device"]


def test_a_surrogate_left_in_a_report_is_shown_not_a_crash(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    write_report(str(target), "a\udcffb")
    assert target.read_bytes() == b"a\\udcffb"


def test_a_report_with_the_longest_name_is_written(tmp_path: Path) -> None:
    target = tmp_path / ("r" * 250 + ".json")
    write_report(str(target), "{}")
    assert target.read_text() == "{}"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_soft_fail_exits_zero_on_a_failure_and_never_on_an_error(
    run_gate: RunGate, tmp_path: Path
) -> None:
    bundle = tmp_path / "fn"
    bundle.mkdir()
    (bundle / "handler.py").write_text(
        "import subprocess\n\ndef handler(event, context):\n"
        "    return subprocess.call(event['cmd'], shell=True)\n"
    )
    policy = tmp_path / "gate.yml"
    policy.write_text(only_scanners("bandit"))
    args = ["check", str(bundle), "--policy", str(policy)]
    assert run_gate(*args).code == 1
    soft = run_gate(*args, "--soft-fail", "--output", str(tmp_path / "r.txt"))
    assert soft.code == 0
    # The report goes to the file; the verdict still reaches the log, on stderr.
    assert soft.stderr.startswith("gate: FAIL: 1 blocking problem")
    assert soft.stderr.rstrip().endswith("[soft fail: exit 0]")
    assert (tmp_path / "r.txt").read_text().rstrip().endswith("[soft fail: exit 0]")
    broken = run_gate(*args[:-1], str(tmp_path / "missing.yml"), "--soft-fail")
    assert broken.code == 2


def test_with_output_the_verdict_line_still_goes_to_stderr(
    run_gate: RunGate, tiny: list[str], tmp_path: Path
) -> None:
    report = tmp_path / "report.json"
    result = run_gate(*tiny, "--format", "json", "--output", str(report))
    assert result.code == 0 and result.stdout == ""
    assert result.stderr.startswith("gate: PASS: ")
