"""The offline service through pip-audit's own machinery, and the private API it relies on."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import importlib.metadata
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest
from packaging.version import Version
from pip_audit._audit import AuditOptions, Auditor
from pip_audit._service.interface import ResolvedDependency, SkippedDependency

from gate.advisories.osv import AdvisoryDatabase
from gate.advisories.service import OfflineVulnerabilityService, published_at

PRIVATE_NAMES = {
    "pip_audit._service.interface": (
        "VulnerabilityService",
        "ResolvedDependency",
        "SkippedDependency",
        "VulnerabilityResult",
    ),
    "pip_audit._audit": ("Auditor", "AuditOptions"),
    "pip_audit._service.osv": ("OsvService",),
}


def test_pip_audit_private_api_contract() -> None:
    version = importlib.metadata.version("pip-audit")
    hint = (
        f"pip-audit {version} changed private API that the gate uses "
        "(gate/advisories/service.py and the pip-audit worker); adapt them or re-pin pip-audit"
    )
    missing: list[str] = []
    for module_name, names in PRIVATE_NAMES.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError as exc:
            missing.append(f"{module_name} ({exc})")
            continue
        missing.extend(f"{module_name}.{name}" for name in names if not hasattr(module, name))
    assert not missing, f"{hint}; missing: {', '.join(missing)}"

    parameters = inspect.signature(ResolvedDependency).parameters
    assert {"name", "version"} <= set(parameters), f"{hint}; ResolvedDependency changed"

    interface = importlib.import_module("pip_audit._service.interface")
    result_fields = {f.name for f in dataclasses.fields(interface.VulnerabilityResult)}
    expected_fields = {"id", "description", "fix_versions", "aliases", "published"}
    assert expected_fields <= result_fields, (
        f"{hint}; VulnerabilityResult fields are now {sorted(result_fields)}"
    )
    resolved_fields = {f.name for f in dataclasses.fields(interface.ResolvedDependency)}
    assert {"name", "version"} <= resolved_fields, f"{hint}; ResolvedDependency changed"
    assert inspect.isabstract(interface.VulnerabilityService), f"{hint}; service base changed"


def test_query_shapes_results_like_pip_audit(demo_db: AdvisoryDatabase) -> None:
    service = OfflineVulnerabilityService(demo_db)
    spec = ResolvedDependency(name="Demo_Pkg", version=Version("1.2"))
    returned, results = service.query(spec)
    assert returned is spec
    assert len(results) == 1
    result = results[0]
    assert result.id == "DEMO-2024-1"
    assert result.description == "Demo package lets anyone in"
    assert result.fix_versions == [Version("1.5"), Version("2.2")]
    assert result.aliases == {"CVE-2024-0001", "GHSA-aaaa-bbbb-cccc"}
    assert result.published == dt.datetime(2024, 4, 1, 12, 30)


def test_query_unaffected_and_skipped(demo_db: AdvisoryDatabase) -> None:
    service = OfflineVulnerabilityService(demo_db)
    safe = ResolvedDependency(name="demo-pkg", version=Version("1.5"))
    assert service.query(safe) == (safe, [])
    skipped = SkippedDependency(name="demo-pkg", skip_reason="could not resolve")
    assert service.query(skipped) == (skipped, [])


def test_unparseable_fix_versions_are_left_out(demo_db: AdvisoryDatabase) -> None:
    service = OfflineVulnerabilityService(demo_db)
    _, results = service.query(ResolvedDependency(name="odd-pkg", version=Version("1.0")))
    assert [(r.id, r.fix_versions) for r in results] == [("DEMO-2024-3", [])]


def test_advisory_for(demo_db: AdvisoryDatabase) -> None:
    service = OfflineVulnerabilityService(demo_db)
    advisory = service.advisory_for("CVE-2024-0001")
    assert advisory is not None and advisory.id == "DEMO-2024-1"
    assert advisory.severity[0][0] == "CVSS_V3"
    assert service.advisory_for("CVE-1999-0000") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018-10-09T17:29:00Z", dt.datetime(2018, 10, 9, 17, 29)),
        ("2021-06-16T00:03:24.800813Z", dt.datetime(2021, 6, 16, 0, 3, 24, 800813)),
        ("2024-01-01T01:00:00+02:00", dt.datetime(2023, 12, 31, 23, 0)),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_published_at(text: str | None, expected: dt.datetime | None) -> None:
    assert published_at(text) == expected


class _Pins:
    """A dependency source of exact versions, shaped as the pip-audit worker's."""

    def __init__(self, requirement: str) -> None:
        name, _, version = requirement.partition("==")
        self.dependency = ResolvedDependency(name=name, version=Version(version))

    def collect(self) -> Iterator[ResolvedDependency]:
        yield self.dependency


def _audit(tmp_path: Path, requirement: str) -> dict[str, set[str]]:
    source = _Pins(requirement)
    auditor = Auditor(OfflineVulnerabilityService(AdvisoryDatabase.builtin()), AuditOptions())
    return {dep.canonical_name: {v.id for v in vulns} for dep, vulns in auditor.audit(source)}


def test_auditor_reports_requests_2_19_0(tmp_path: Path) -> None:
    found = _audit(tmp_path, "requests==2.19.0")
    assert set(found) == {"requests"}
    assert "PYSEC-2018-28" in found["requests"]


def test_auditor_passes_requests_2_32_3(tmp_path: Path) -> None:
    found = _audit(tmp_path, "requests==2.32.3")
    assert "PYSEC-2018-28" not in found["requests"]
