"""The HTML report in a real headless browser: it renders, and its filters work."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gate.model import Status
from gate.reports import RENDERERS, RenderOptions
from tests.reports.test_reports import saved_verdict

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="no chromium on this machine (.ci/run installs it)"
    ),
]
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def browse(tmp_path: Path, url: str, *extra: str) -> str:
    proc = subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *extra, url],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return proc.stdout


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "report.html"
    path.write_text(RENDERERS["html"](saved_verdict(), RenderOptions()), encoding="utf-8")
    return path


def visible_rows(dom: str) -> list[str]:
    rows = re.findall(r"<tr ([^>]*data-severity[^>]*)>", dom)
    return [row for row in rows if " hidden" not in row]


def test_report_renders_a_page_that_is_not_blank(tmp_path: Path, report: Path) -> None:
    shot = tmp_path / "shot.png"
    browse(tmp_path, report.as_uri(), f"--screenshot={shot}", "--window-size=1280,1200")
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG")
    assert len(data) > 20_000  # a blank page compresses to a few kilobytes


def test_filters_work_in_the_browser(tmp_path: Path, report: Path) -> None:
    verdict = saved_verdict()
    everything = visible_rows(browse(tmp_path, report.as_uri(), "--dump-dom"))
    assert len(everything) == len(verdict.findings)
    dom = browse(tmp_path, report.as_uri() + "#severity=critical", "--dump-dom")
    critical = [f for f in verdict.findings if f.severity.label == "critical"]
    assert len(visible_rows(dom)) == len(critical) > 0
    assert f'<span id="shown">{len(critical)}</span>' in dom
    dom = browse(tmp_path, report.as_uri() + "#scanner=bandit&status=blocking", "--dump-dom")
    expected = [
        f for f in verdict.findings if f.scanner == "bandit" and f.status is Status.BLOCKING
    ]
    assert len(visible_rows(dom)) == len(expected) > 0
