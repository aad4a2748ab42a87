"""`gate db update` and `gate db info` as a user runs them, and `gate check` under
`advisories.source` live and auto with the real pip-audit worker (slow)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gate.advisories import sources
from gate.reports.json_report import report_schema
from tests.advisories.fakes import (
    closed_port_url,
    fake_osv,
    file_server,
    fixture_records,
    make_zip,
    serving,
)
from tests.conftest import RunGate, only_scanners

NEWER = "2025-01-15T08:00:00Z"
BUILTIN = "builtin:pypa-advisory-db@3ccb6125, 2024-10-10, 2651 records"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache snapshot's path, under a GATE_CACHE_DIR in tmp_path (never the real home)."""
    monkeypatch.setenv("GATE_CACHE_DIR", str(tmp_path / "gate-cache"))
    return sources.cache_snapshot_path()


def _info(run_gate: RunGate, *args: str) -> dict[str, str]:
    result = run_gate("db", "info", *args)
    assert result.code == 0, result.stderr
    return {
        key: value.strip()
        for key, value in (line.split(":", 1) for line in result.stdout.splitlines())
    }


def test_update_without_a_source_downloads_osvs_export_unless_offline(
    run_gate: RunGate, cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_gate("db", "update")  # the tests run with GATE_OFFLINE=1
    assert result.code == 2
    assert result.stderr == (
        "gate: error: GATE_OFFLINE forbids downloading "
        "https://osv-vulnerabilities.storage.googleapis.com/PyPI/all.zip: pass --from a zip "
        "or a directory of OSV records\n"
    )
    assert not cache.exists()
    monkeypatch.delenv("GATE_OFFLINE")
    (tmp_path / "PyPI").mkdir()
    make_zip(tmp_path / "PyPI" / "all.zip", fixture_records("2099-01-01T00:00:00Z"))
    with file_server(tmp_path) as base:
        monkeypatch.setenv("GATE_ADVISORY_URL", f"{base}/PyPI/all.zip")
        result = run_gate("db", "update")
    assert result.code == 0, result.stderr
    assert cache.exists()


def test_update_from_an_older_zip_keeps_the_builtin(
    run_gate: RunGate, cache: Path, tmp_path: Path
) -> None:
    archive = make_zip(tmp_path / "all.zip", fixture_records())
    result = run_gate("db", "update", "--from", str(archive))
    assert result.code == 0, result.stderr
    assert result.stdout == (
        f"imported 4 PyPI advisories dated 2023-10-25 from {archive} into {cache} "
        "(1 skipped: withdrawn or not PyPI); not newer than the built-in snapshot "
        "(2024-10-10), which stays in use\n"
    )
    info = _info(run_gate)
    assert info["source"].startswith("builtin:pypa-advisory-db@")
    assert info["builtin"] == f"{BUILTIN} (used)"
    assert info["cache"] == (f"cache:{archive}, 2023-10-25, 4 records, at {cache} (not used)")
    assert sorted(p.name for p in cache.parent.iterdir()) == [cache.name]


def test_update_from_a_newer_directory_is_used(
    run_gate: RunGate, cache: Path, tmp_path: Path
) -> None:
    vulns = tmp_path / "vulns"
    vulns.mkdir()
    for name, record in fixture_records(NEWER).items():
        (vulns / name).write_text(json.dumps(record))
    result = run_gate("db", "update", "--from", str(vulns))
    assert result.code == 0, result.stderr
    assert result.stdout.endswith("newer than the built-in snapshot (2024-10-10), so it is used\n")
    info = _info(run_gate)
    assert (info["source"], info["date"], info["records"]) == (
        f"cache:{vulns}",
        "2025-01-15",
        "4",
    )
    assert info["builtin"] == f"{BUILTIN} (not used)"
    assert info["cache"].endswith(f"at {cache} (used)")


@pytest.mark.usefixtures("online")
def test_update_from_a_url(run_gate: RunGate, cache: Path, tmp_path: Path) -> None:
    make_zip(tmp_path / "all.zip", fixture_records(NEWER))
    with file_server(tmp_path) as base:
        result = run_gate("db", "update", "--from", f"{base}/all.zip")
    assert result.code == 0, result.stderr
    assert result.stdout.startswith(f"imported 4 PyPI advisories dated 2025-01-15 from {base}/")
    assert _info(run_gate)["source"] == f"cache:{base}/all.zip"


@pytest.mark.usefixtures("online")
def test_update_unreachable_url_is_one_line(run_gate: RunGate, cache: Path) -> None:
    url = closed_port_url("/PyPI/all.zip")
    result = run_gate("db", "update", "--from", url)
    assert result.code == 2
    assert result.stderr == f"gate: error: {url}: download failed: Connection refused\n"


def test_update_with_an_invalid_record_changes_nothing(
    run_gate: RunGate, cache: Path, tmp_path: Path
) -> None:
    good = make_zip(tmp_path / "good.zip", fixture_records(NEWER))
    assert run_gate("db", "update", "--from", str(good)).code == 0
    before = cache.read_bytes()
    records = fixture_records("2025-03-01T00:00:00Z")
    del records["PYSEC-2018-28.json"]["id"]
    bad = make_zip(tmp_path / "bad.zip", records)
    result = run_gate("db", "update", "--from", str(bad))
    assert result.code == 2
    assert result.stderr == (
        f"gate: error: {bad}!PYSEC-2018-28.json: invalid OSV record: no `id`\n"
    )
    assert cache.read_bytes() == before
    assert sorted(p.name for p in cache.parent.iterdir()) == [cache.name]


def test_info_with_a_corrupt_cache_warns_and_uses_the_builtin(
    run_gate: RunGate, cache: Path
) -> None:
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"\x1f\x8b truncated")
    cache.chmod(0o600)
    result = run_gate("db", "info")
    assert result.code == 0, result.stderr
    assert "source:  builtin:pypa-advisory-db@3ccb6125\n" in result.stdout
    assert f"cache:   unusable: {cache}: not a readable advisory snapshot" in result.stdout
    assert result.stderr.startswith(f"gate: warning: {cache}: not a readable advisory snapshot")
    assert result.stderr.endswith("; the built-in snapshot is used\n")
    assert len(result.stderr.splitlines()) == 1


def test_info_names_the_mode(
    run_gate: RunGate, cache: Path, policy_file: Callable[[str], Path]
) -> None:
    assert _info(run_gate)["mode"] == "offline"
    auto = policy_file("version: 1\nadvisories: {source: auto}\n")
    assert _info(run_gate, "--policy", str(auto))["mode"] == (
        "auto: live at https://api.osv.dev/v1/query if it answers within 3s, "
        "else the offline data below"
    )
    assert _info(run_gate)["cache"] == (
        f"none at {cache} (`gate db update --from URL_OR_FILE` imports one)"
    )


# `gate check` end to end: the pip-audit worker runs for real (about a second each).

PIP_AUDIT_ONLY = (
    only_scanners("pip-audit").replace("{", "{{").replace("}", "}}")
    + "advisories: {{source: {source}}}\n"
)


@dataclass(frozen=True)
class Checked:
    code: int
    stderr: str
    report: dict[str, Any]

    @property
    def warnings(self) -> dict[str, str]:
        return {w["code"]: w["message"] for w in self.report["warnings"]}


CheckRun = Callable[..., Checked]


@pytest.fixture
def online(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests run with GATE_OFFLINE=1 (tests/conftest.py); these talk to a local server."""
    monkeypatch.delenv("GATE_OFFLINE")


@pytest.fixture
def check(
    run_gate: RunGate,
    cache: Path,
    policy_file: Callable[[str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> CheckRun:
    """`gate check` of a function pinning requests 2.19.0, pip-audit only, under
    `advisories.source` = `source`, with the live service at `osv_url` (the internal
    setting the worker gets); the JSON report is checked against its schema."""
    bundle = tmp_path / "function"
    bundle.mkdir()
    (bundle / "app.py").write_text("def handler(event, context):\n    return {}\n")
    (bundle / "requirements.txt").write_text("requests==2.19.0\n")
    report = tmp_path / "report.json"

    def run(source: str, osv_url: str = "http://osv.invalid/v1/query") -> Checked:
        monkeypatch.setattr(sources, "OSV_QUERY_URL", osv_url)
        if source in ("live", "auto"):
            monkeypatch.delenv("GATE_OFFLINE")  # the tests run offline; these ask a local OSV
        policy = policy_file(PIP_AUDIT_ONLY.format(source=source))
        args = ("--policy", str(policy), "--format", "json", "--output", str(report))
        result = run_gate("check", str(bundle), *args)
        loaded = json.loads(report.read_text())
        jsonschema.Draft202012Validator(report_schema()).validate(loaded)
        return Checked(result.code, result.stderr, loaded)

    return run


@pytest.mark.slow
def test_check_live_unreachable_fails_closed(check: CheckRun) -> None:
    url = closed_port_url()
    checked = check("live", url)
    assert checked.code == 2
    assert len(checked.stderr.splitlines()) == 1
    assert checked.stderr.startswith("gate: error: pip-audit: ")
    assert f"live advisory lookup at {url} failed: Connection refused" in checked.stderr
    assert checked.report["decision"] == "error"


@pytest.mark.slow
def test_check_auto_falls_back_and_says_so(check: CheckRun) -> None:
    url = closed_port_url()
    checked = check("auto", url)
    assert checked.code == 1, checked.stderr  # requests 2.19.0 has a high-severity advisory
    advisories = checked.report["advisories"]
    assert (advisories["mode"], advisories["requested"]) == ("offline", "auto")
    assert advisories["source"].startswith("builtin:")
    assert checked.warnings["advisories-offline"].startswith(
        f"advisories.source auto: live advisory lookup at {url} failed: Connection refused; "
    )


@pytest.mark.slow
def test_check_live_against_a_fake_osv(check: CheckRun) -> None:
    with serving(fake_osv()) as base:
        checked = check("live", f"{base}/v1/query")
    assert checked.code == 1, checked.stderr
    advisories = checked.report["advisories"]
    assert (advisories["mode"], advisories["source"]) == ("live", f"live:{base}/v1/query")
    found = {f["rule_id"] for f in checked.report["findings"]}
    assert found == {"PYSEC-2018-28", "PYSEC-2023-74"}
    assert not {"advisories-stale", "advisories-offline"} & set(checked.warnings)


@pytest.mark.slow
def test_check_uses_a_newer_cache(
    check: CheckRun, run_gate: RunGate, cache: Path, tmp_path: Path
) -> None:
    archive = make_zip(tmp_path / "all.zip", fixture_records(NEWER))
    assert run_gate("db", "update", "--from", str(archive)).code == 0
    checked = check("offline")
    assert checked.code == 1, checked.stderr
    advisories = checked.report["advisories"]
    assert (advisories["source"], advisories["date"]) == (f"cache:{archive}", "2025-01-15")
    cache.write_bytes(b"garbage")
    checked = check("offline")
    assert checked.report["advisories"]["source"].startswith("builtin:")
    assert "advisories-cache-unusable" in checked.warnings
