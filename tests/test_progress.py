"""Progress on stderr: a line per scanner in CI, a live display on a terminal, nothing
elsewhere or with --quiet."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from gate.scan.progress import LineProgress, LiveProgress, progress_for
from tests.conftest import EXAMPLES, RunGate, only_scanners


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "environ", "quiet", "kind"),
    [
        (Terminal(), {}, False, LiveProgress),
        (io.StringIO(), {"CI": "true"}, False, LineProgress),
        (io.StringIO(), {"JENKINS_URL": "https://ci.example"}, False, LineProgress),
        (io.StringIO(), {}, False, type(None)),
        (Terminal(), {"TERM": "dumb", "GITHUB_ACTIONS": "true"}, False, LineProgress),
        (Terminal(), {}, True, type(None)),
    ],
)
def test_the_display_suits_where_the_gate_runs(
    stream: io.StringIO, environ: dict[str, str], quiet: bool, kind: type
) -> None:
    display = progress_for(stream, environ, quiet)
    assert isinstance(display, kind)
    if display is not None:
        display.close()


@pytest.fixture
def bandit_only(tmp_path: Path) -> Path:
    policy = tmp_path / "gate.yml"
    policy.write_text(only_scanners("bandit", "pip-audit"), "utf-8")
    return policy


def test_in_ci_each_scanner_reports_when_it_finishes(
    run_gate: RunGate, bandit_only: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CI", "true")
    bundle = str(EXAMPLES / "orders-api-secure")
    cold = run_gate("check", bundle, "--policy", str(bandit_only), "--format", "json")
    lines = sorted(cold.stderr.splitlines())
    assert [re.sub(r"[0-9.]+ s$", "N s", line) for line in lines] == [
        "gate: bandit: ok in N s",
        "gate: pip-audit: ok in N s",
    ]
    warm = run_gate("check", bundle, "--policy", str(bandit_only), "--format", "json")
    assert sorted(warm.stderr.splitlines()) == [
        "gate: bandit: all 2 parts from the cache",
        "gate: pip-audit: all 1 parts from the cache",
    ]
    quiet = run_gate("check", bundle, "--policy", str(bandit_only), "--quiet")
    assert quiet.stderr == ""


def test_on_a_terminal_each_scanner_has_a_live_line() -> None:
    screen = Terminal()
    display = LiveProgress(screen, color=False)
    display.started("checkov")
    display.finished("checkov", "ok", 4.2)
    display.finished("bandit", "all 3 parts from the cache", 0.0)
    display.close()
    shown = screen.getvalue()
    assert "checkov: ok" in shown and "bandit: all 3 parts from the cache" in shown
