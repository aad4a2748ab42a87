"""Hostile bundles against the reports: file and function names that would rewrite a
terminal or CI log, inject Markdown or HTML, break XML, or are not UTF-8; and report
targets that are not regular files. The blocking finding must still be reported, in
every format, escaped and well formed; a report that cannot be written is exit 2."""

from __future__ import annotations

import html
import json
import os
import stat
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pytest

from gate.reports import RENDERERS
from gate.reports.base import printable
from gate.reports.sarif import uri_path
from tests.hostile.conftest import (
    CHEAP_POLICY,
    HostileRun,
    Sandbox,
    assert_blocks,
    assert_refused,
    device_node,
)
from tests.pipelines.test_validators import MULTITOOL
from tests.reports.wellformed import check_report

FORMATS = sorted(RENDERERS)
HANDLER = (
    "import subprocess\n\n\n"
    "def handler(event, context):\n"
    '    return subprocess.call(event["cmd"], shell=True)\n'
)
NAMES = {
    "line-breaks-heading-comment": "evil\r\n# pass\r\n<!--.py",
    "terminal-title": "\x1b]0;x\x07.py",
    "not-utf-8": "\udcff\udcfe.py",
}
FUNCTION = "<img src=x onerror=alert(1)>\x1b[2K|`x`"
SERVERLESS = (
    "service: orders\n"
    "provider: {name: aws, runtime: python3.12}\n"
    "functions:\n"
    f"  {json.dumps(FUNCTION)}:\n"
    "    handler: app.handler\n"
)


def plant(box: Sandbox, name: str) -> None:
    """A handler with a blocking problem under `name`, and code that must never run."""
    box.write(name, HANDLER)
    for trap in ("setup.py", "conftest.py", "sitecustomize.py"):
        box.write(trap, box.payload)


def decoded(fmt: str, text: str) -> str:
    """The text a reader of the report sees: entities, escapes and encodings undone."""
    if fmt in ("json", "sarif", "gitlab-sast"):
        strings: list[str] = []
        _strings(json.loads(text), strings)
        return "\n".join(strings)
    if fmt == "junit":
        root = ET.fromstring(text.encode("utf-8"))
        return "\n".join(v for e in root.iter() for v in (*e.attrib.values(), e.text or ""))
    if fmt in ("html", "markdown"):
        return html.unescape(text)
    if fmt == "github":
        return unquote(text)
    return text


def _strings(value: object, out: list[str]) -> None:
    if isinstance(value, str):
        out.append(value)
    elif isinstance(value, list):
        for item in value:
            _strings(item, out)
    elif isinstance(value, dict):
        for item in value.values():
            _strings(item, out)


def assert_shows(fmt: str, text: str, name: str) -> None:
    """The report is well formed and names `name`, escaped (a URI percent-encodes it)."""
    check_report(fmt, text)
    if fmt == "sarif":
        assert uri_path(name) in text, text
    else:
        assert printable(name) in decoded(fmt, text), text


@dataclass(frozen=True)
class Reported:
    name: str
    run: HostileRun
    files: dict[str, str]


@pytest.fixture(scope="module", params=sorted(NAMES))
def reported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Reported:
    """One run per hostile name writes every format: console on stdout, the rest files."""
    box = Sandbox(tmp_path_factory.mktemp("reports"))
    name = NAMES[request.param]
    plant(box, name)
    out = box.base / "out"
    out.mkdir()
    reports = [arg for fmt in FORMATS for arg in ("--report", f"{fmt}={out / f'report.{fmt}'}")]
    run = box.run(*reports)
    # A report the run did not write is read as empty: the test then says why.
    written = {fmt: out / f"report.{fmt}" for fmt in FORMATS}
    files = {fmt: p.read_text("utf-8") if p.exists() else "" for fmt, p in written.items()}
    return Reported(name, run, files)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_hostile_file_name_is_reported_escaped(reported: Reported, fmt: str) -> None:
    assert_blocks(reported.run)
    assert not reported.run.lines, reported.run.stderr
    assert_shows(fmt, reported.files[fmt], reported.name)
    assert_shows("console", reported.run.stdout, reported.name)


@pytest.mark.skipif(not MULTITOOL.exists(), reason=f"no SARIF Multitool at {MULTITOOL}")
def test_sarif_with_a_hostile_file_name_passes_githubs_ingestion_rules(
    reported: Reported, tmp_path: Path
) -> None:
    assert_blocks(reported.run)
    sarif = tmp_path / "gate.sarif"
    sarif.write_text(reported.files["sarif"], encoding="utf-8")
    result = subprocess.run(
        [str(MULTITOOL), "validate", "--rule-kind", "Gh;Sarif", "--output",
         str(tmp_path / "validation.sarif"), str(sarif)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    lines = result.stdout.splitlines()
    problems = [line for line in lines if ": error " in line or ": warning " in line]
    assert result.returncode == 0 and not problems, result.stdout


@pytest.fixture(scope="module")
def function_reported(tmp_path_factory: pytest.TempPathFactory) -> Reported:
    """One run writes every format of a bundle whose function has a hostile name: json
    with --output (so the log gets the verdict line alone), the rest with --report."""
    box = Sandbox(tmp_path_factory.mktemp("function"))
    box.write("serverless.yml", SERVERLESS)
    plant(box, "app.py")
    written = {fmt: box.base / f"report.{fmt}" for fmt in FORMATS}
    others = [
        arg for fmt in FORMATS if fmt != "json" for arg in ("--report", f"{fmt}={written[fmt]}")
    ]
    run = box.run("--format", "json", "--output", str(written["json"]), *others)
    files = {fmt: p.read_text("utf-8") if p.exists() else "" for fmt, p in written.items()}
    return Reported(FUNCTION, run, files)


def test_a_report_to_a_file_leaves_the_log_the_verdict_line(function_reported: Reported) -> None:
    run = function_reported.run
    assert_blocks(run)
    assert not run.stdout and len(run.lines) == 1, (run.stdout, run.stderr)
    assert run.lines[0].startswith("gate: FAIL: ") and FUNCTION not in run.stderr


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_hostile_function_name_is_reported_escaped(function_reported: Reported, fmt: str) -> None:
    text = function_reported.files[fmt]
    check_report(fmt, text)
    if fmt != "github":  # annotations name files, not functions
        assert printable(FUNCTION) in decoded(fmt, text), text


@pytest.fixture
def hostile(sandbox: Sandbox) -> Iterator[Sandbox]:
    plant(sandbox, NAMES["terminal-title"])
    yield sandbox


def test_a_report_into_dev_null_leaves_the_device(hostile: Sandbox) -> None:
    null = device_node(hostile.base, "null")
    assert_blocks(hostile.run("--format", "json", "--output", null))
    assert stat.S_ISCHR(os.stat(null).st_mode)


@pytest.mark.parametrize("option", ["--output", "--report"])
def test_a_full_device_is_exit_2_with_one_line(hostile: Sandbox, option: str) -> None:
    full = device_node(hostile.base, "full")
    target = full if option == "--output" else f"sarif={full}"
    run = hostile.run("--format", "json", option, target)
    assert_refused(run, f"{full}: cannot write report: No space left on device")
    assert stat.S_ISCHR(os.stat(full).st_mode)


def test_dev_stdout_gets_the_report(hostile: Sandbox) -> None:
    stdout = "/dev/stdout"
    if os.geteuid() == 0:  # a private link: a rename over it must not break the machine
        stdout = str(hostile.base / "stdout")
        Path(stdout).symlink_to("/proc/self/fd/1")
    run = hostile.run("--format", "sarif", "--output", stdout)
    assert_blocks(run)
    assert_shows("sarif", run.stdout, NAMES["terminal-title"])
    assert Path(stdout).is_symlink()


def test_a_link_to_a_dated_report_updates_the_dated_file(hostile: Sandbox) -> None:
    dated = hostile.base / "gate-2026-12-06.json"
    dated.write_text("{}")
    latest = hostile.base / "latest.json"
    latest.symlink_to(dated.name)
    assert_blocks(hostile.run("--report", f"json={latest}"))
    assert latest.is_symlink()
    assert_shows("json", dated.read_text("utf-8"), NAMES["terminal-title"])


def test_a_fifo_gets_the_report_through_its_reader(hostile: Sandbox) -> None:
    fifo = hostile.base / "report.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    assert_blocks(hostile.run("--format", "junit", "--output", str(fifo)))
    reader.join(timeout=60)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert_shows("junit", received[0].decode("utf-8"), NAMES["terminal-title"])


def assert_one_clean_line(run: HostileRun, *named: str) -> None:
    """Exit 2 and exactly one stderr line, naming `named`, with nothing raw in it."""
    assert_refused(run, *named)
    assert len(run.lines) == 1, run.stderr
    assert "\x1b" not in run.stderr and "\x07" not in run.stderr, run.stderr


def test_a_file_that_cannot_be_scanned_is_named_on_one_clean_line(sandbox: Sandbox) -> None:
    plant(sandbox, "app.py")
    sandbox.write("\x1b]0;x\x07\nbad.py", "def broken(:\n")
    run = sandbox.run(policy=CHEAP_POLICY + "  serverless: {enabled: false}\n")
    assert_one_clean_line(run, r"\x1b]0;x\x07\nbad.py", "syntax error")


def test_an_unwritable_report_path_is_named_on_one_clean_line(hostile: Sandbox) -> None:
    target = hostile.base / "\x1b[2J\nmissing" / "report.json"
    run = hostile.run("--report", f"json={target}")
    assert_one_clean_line(run, r"\x1b[2J\nmissing/report.json", "cannot write a report there")
