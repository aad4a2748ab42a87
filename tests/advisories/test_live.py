"""`advisories.source: live | auto` in the pip-audit scan, against a fake OSV API on
127.0.0.1 and a port nobody listens on (osv.dev is not reachable from the test machines)."""

from __future__ import annotations

import datetime as dt
import inspect
from pathlib import Path
from typing import Any

import pytest
from pip_audit._service.osv import OsvService

from gate.advisories.live import LiveUnavailable
from gate.advisories.service import LIVE_ADVICE
from gate.advisories.sources import AdvisorySettings
from gate.scanners.pip_audit import PipAuditScanner
from tests.advisories.fakes import closed_port_url, fake_osv, serving

REQUIREMENTS = "requests==2.19.0\nurllib3==2.0.5\n"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GATE_CACHE_DIR", str(tmp_path / "gate-cache"))


def _scan(tmp_path: Path, requirements: str = REQUIREMENTS, **settings: Any) -> dict[str, Any]:
    bundle = tmp_path / "bundle"
    bundle.mkdir(exist_ok=True)
    (bundle / "requirements.txt").write_text(requirements)
    request = {
        "targets": [{"bundle": "bundle", "root": str(bundle), "code_root": str(bundle)}],
        "options": {"advisories": AdvisorySettings(**settings).to_json()},
    }
    output: dict[str, Any] = PipAuditScanner().scan(request)
    return output


def _found(output: dict[str, Any]) -> dict[str, list[str]]:
    return {
        dep["name"]: [vuln["id"] for vuln in dep["vulns"]]
        for dep in output["results"][0]["dependencies"]
    }


EXPECTED = {
    "requests": ["PYSEC-2018-28", "PYSEC-2023-74"],
    "urllib3": ["PYSEC-2023-192", "PYSEC-2023-212"],
}


def test_pip_audit_osv_service_still_takes_a_url_and_a_timeout() -> None:
    # Private API of pip-audit (pinned to 2.10.x): fail loudly if it moves.
    parameters = inspect.signature(OsvService).parameters
    assert {"cache_dir", "timeout", "osv_url"} <= set(parameters)


def test_live_answers_with_the_records_details(tmp_path: Path) -> None:
    handler = fake_osv()
    with serving(handler) as base:
        output = _scan(tmp_path, source="live", osv_url=f"{base}/v1/query")
    assert _found(output) == EXPECTED
    assert output["database"] == {
        "mode": "live",
        "requested": "live",
        "source": f"live:{base}/v1/query",
        "date": dt.datetime.now(dt.timezone.utc).date().isoformat(),
        "records": None,
    }
    urllib3 = output["results"][0]["dependencies"][1]
    # CVSS vectors, references and the smallest clearing upgrade come from the answer.
    assert urllib3["vulns"][0]["severity"][0][0] == "CVSS_V3"
    assert urllib3["vulns"][0]["references"]
    assert urllib3["upgrade_to"] == "2.0.7"
    assert sorted(q["package"]["name"] for q in handler.queries) == ["requests", "urllib3"]


def test_live_fails_closed_when_unreachable(tmp_path: Path) -> None:
    url = closed_port_url()
    with pytest.raises(LiveUnavailable) as caught:
        _scan(tmp_path, source="live", osv_url=url)
    assert str(caught.value) == (
        f"live advisory lookup at {url} failed: Connection refused{LIVE_ADVICE}"
    )


def test_live_fails_closed_on_an_http_error(tmp_path: Path) -> None:
    with serving(fake_osv(status=500)) as base, pytest.raises(LiveUnavailable, match="HTTP 500"):
        _scan(tmp_path, source="live", osv_url=f"{base}/v1/query")


def test_auto_uses_live_when_it_answers(tmp_path: Path) -> None:
    with serving(fake_osv()) as base:
        output = _scan(tmp_path, source="auto", osv_url=f"{base}/v1/query")
    assert _found(output) == EXPECTED
    assert (output["database"]["mode"], output["database"]["requested"]) == ("live", "auto")


def test_auto_falls_back_to_offline_when_unreachable(tmp_path: Path) -> None:
    url = closed_port_url()
    output = _scan(tmp_path, source="auto", osv_url=url)
    assert _found(output) == EXPECTED  # the built-in snapshot knows these too
    database = output["database"]
    assert database["mode"] == "offline"
    assert database["source"].startswith("builtin:pypa-advisory-db@")
    assert database["live_error"] == f"live advisory lookup at {url} failed: Connection refused"


def test_auto_gives_up_on_a_slow_service(tmp_path: Path) -> None:
    handler = fake_osv(delay_s=1.0)
    with serving(handler) as base:
        output = _scan(tmp_path, source="auto", osv_url=f"{base}/v1/query", probe_timeout_s=0.2)
    assert output["database"]["mode"] == "offline"
    assert output["database"]["live_error"].endswith("failed: no answer within 0.2s")
    assert len(handler.queries) == 1  # offline for the rest of the run
    assert _found(output) == EXPECTED


def test_auto_with_nothing_to_look_up_makes_no_query(tmp_path: Path) -> None:
    handler = fake_osv()
    with serving(handler) as base:
        output = _scan(tmp_path, "", source="auto", osv_url=f"{base}/v1/query")
    assert handler.queries == []
    assert output["database"]["mode"] == "offline"
    assert "live_error" not in output["database"]


def test_auto_never_mixes_live_and_offline(tmp_path: Path) -> None:
    # Live answered the first query: a later failure is an error, not a silent switch.
    with serving(fake_osv(fail_after=1)) as base, pytest.raises(LiveUnavailable, match="503"):
        _scan(tmp_path, source="auto", osv_url=f"{base}/v1/query")
