"""Every dependency source is audited and no bundle code runs: lock files and vendored
metadata through the pip-audit worker, then through the real `gate check`."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gate.advisories.osv import AdvisoryDatabase
from gate.advisories.service import OfflineVulnerabilityService
from gate.scanners.base import Target
from gate.scanners.pip_audit import _audit_all, _Read
from tests.conftest import ASSETS, RunGate, run_worker
from tests.test_archives import HANDLER, ONLY_PIP_AUDIT, make_zip
from tests.test_integration import check_json

LOCKS = ASSETS / "locks"
# The gate's workers start with a scrubbed environment, so planted code run there would not
# see GATE_TEST_MARKER_DIR; it then writes here instead.
FALLBACK_MARKERS = Path("/tmp/serverless-gate-marker-build-backend")


class CountingService(OfflineVulnerabilityService):
    """The built-in offline service, counting what it is asked."""

    def __init__(self) -> None:
        super().__init__(AdvisoryDatabase.builtin())
        self.asked: Counter[tuple[str, str]] = Counter()

    def query(self, spec: Any) -> Any:
        self.asked[(spec.canonical_name, str(spec.version))] += 1
        return super().query(spec)


def vendor(site: Path, name: str, version: str) -> None:
    info = site / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")


def findings(report: dict[str, Any], rule: str) -> set[tuple[str, int | None]]:
    return {(f["path"], f["start_line"]) for f in report["findings"] if f["rule_id"] == rule}


def test_each_dependency_is_reported_where_pinned_and_asked_once_per_run(
    tmp_path: Path,
) -> None:
    orders = shutil.copytree(LOCKS / "poetry", tmp_path / "orders")
    invoices = shutil.copytree(LOCKS / "uv", tmp_path / "invoices")
    (invoices / "requirements.txt").write_text("requests==2.19.0\n")
    vendor(invoices / "vendor", "requests", "2.19.0")
    # Pinned by no manifest, so each copy is reported: the zip and the layer are rebuilt apart.
    vendor(orders, "PyYAML", "5.3")
    vendor(orders / "python", "PyYAML", "5.3")
    service = CountingService()

    targets = [Target("orders", str(orders)), Target("invoices", str(invoices))]
    results = _audit_all([(t, _Read(Path(t.root))) for t in targets], service)

    assert service.asked == {
        (name, version): 1
        for name, version in [
            ("certifi", "2018.4.16"),
            ("chardet", "3.0.4"),
            ("idna", "2.7"),
            ("pyyaml", "5.3"),
            ("requests", "2.19.0"),
            ("urllib3", "1.23"),
        ]
    }
    requests = {
        result["bundle"]: [d for d in result["dependencies"] if d["name"] == "requests"]
        for result in results
    }
    (in_orders,) = requests["orders"]
    assert (in_orders["path"], in_orders["line"]) == ("poetry.lock", 68)
    # Reported at each place that pins it, so each is judged (baseline, waiver, diff) alone.
    assert sorted((d["path"], d["line"]) for d in requests["invoices"]) == [
        ("requirements.txt", 1),
        ("uv.lock", 54),
        ("vendor/requests-2.19.0.dist-info/METADATA", None),
    ]
    assert all("PYSEC-2018-28" in {v["id"] for v in d["vulns"]} for d in requests["invoices"])
    pyyaml = [d["path"] for d in results[0]["dependencies"] if d["name"] == "pyyaml"]
    assert sorted(pyyaml) == [
        "PyYAML-5.3.dist-info/METADATA",
        "python/PyYAML-5.3.dist-info/METADATA",
    ]


def test_a_version_many_functions_pin_is_reported_at_each_manifest(tmp_path: Path) -> None:
    """Each function's manifest gets its own finding (its file, line and so functions), a
    manifest that pins it twice one; the version is asked about once."""
    for name in ("api", "legacy", "orders", "reports"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "requirements.txt").write_text("six==1.16.0\nrequests==2.19.0\n")
    (tmp_path / "orders" / "requirements-dev.txt").write_text("-r requirements.txt\n")
    (tmp_path / "reports" / "constraints.txt").write_text("Requests==2.19.0\n")
    (tmp_path / "reports" / "requirements.txt").write_text(
        "requests==2.19.0\n-c constraints.txt\nrequests==2.19.0 ; python_version > '3'\n"
    )
    service = CountingService()

    (result,) = _audit_all([(Target("shop", str(tmp_path)), _Read(tmp_path))], service)

    assert service.asked[("requests", "2.19.0")] == 1
    places = [(d["path"], d["line"]) for d in result["dependencies"] if d["name"] == "requests"]
    assert sorted(places) == [
        ("api/requirements.txt", 2),
        ("legacy/requirements.txt", 2),
        ("orders/requirements.txt", 2),
        ("reports/constraints.txt", 1),
        ("reports/requirements.txt", 1),
    ]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("project", "lock", "line"),
    [
        ("poetry", "poetry.lock", 68),
        ("uv", "uv.lock", 54),
        ("pipenv", "Pipfile.lock", 44),
        ("pdm", "pdm.lock", 54),
    ],
)
def test_vulnerable_pin_in_a_lock_file_fails(
    run_gate: RunGate,
    tmp_path: Path,
    policy_file: Callable[[str], Path],
    project: str,
    lock: str,
    line: int,
) -> None:
    bundle = shutil.copytree(LOCKS / project, tmp_path / project)
    code, report, output = check_json(
        run_gate, bundle, "--policy", str(policy_file(ONLY_PIP_AUDIT))
    )
    assert code == 1, output
    assert findings(report, "PYSEC-2018-28") == {(lock, line)}
    # What the lock cannot pin (a folder: GATE-DEP-001) or takes from elsewhere than PyPI
    # (a git repository: GATE-DEP-002) is reported at the lock; the range (any version) of
    # each package uv's sources take from elsewhere at the pyproject (GATE-DEP-001), since
    # pip reads neither the sources nor the lock and installs it from the index.
    unaudited = findings(report, "GATE-DEP-001") | findings(report, "GATE-DEP-002")
    ranged = {("pyproject.toml", 8), ("pyproject.toml", 9)} if project == "uv" else set()
    assert {path for path, _ in unaudited - ranged} == {lock}
    assert ranged <= unaudited


@pytest.mark.slow
def test_vendored_egg_info_in_a_layer_zip_is_audited(
    run_gate: RunGate, tmp_path: Path, policy_file: Callable[[str], Path]
) -> None:
    info = "python/lib/python3.12/site-packages/requests-2.19.0-py3.12.egg-info/"
    archive = make_zip(
        tmp_path / "layer.zip",
        {
            "app.py": HANDLER,
            "python/lib/python3.12/site-packages/requests/__init__.py": "__version__ = '2.19.0'\n",
            f"{info}PKG-INFO": "Metadata-Version: 1.2\nName: requests\nVersion: 2.19.0\n",
            f"{info}top_level.txt": "requests\n",
        },
    )
    code, report, output = check_json(
        run_gate, archive, "--policy", str(policy_file(ONLY_PIP_AUDIT))
    )
    assert code == 1, output
    assert findings(report, "PYSEC-2018-28") == {(f"{info}PKG-INFO", None)}


@pytest.mark.slow
def test_setup_py_and_in_tree_build_backend_never_run(
    run_gate: RunGate,
    bundle_copy: Callable[[str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    markers = tmp_path / "markers"
    monkeypatch.setenv("GATE_TEST_MARKER_DIR", str(markers))
    shutil.rmtree(FALLBACK_MARKERS, ignore_errors=True)
    bundle = bundle_copy("build-backend-marker")

    code, report, output = check_json(run_gate, bundle)

    assert not markers.exists(), "bundle code ran in the gate's process"
    assert not FALLBACK_MARKERS.exists(), "bundle code ran in a scanner worker"
    # The folder `.` holds a setup.py and an in-tree backend: what pip would build from it
    # is not scanned, so installing it, editable or not, is refused (the audit's error).
    assert code == 2, output
    assert {s["name"]: s["status"] for s in report["scanners"]}["pip-audit"] == "error"
    assert sorted(e["message"].split(":")[0] for e in report["errors"]) == ["line 1", "line 2"]
    unaudited = {
        (f["path"], f["start_line"], f["message"].split(":")[0])
        for f in report["findings"]
        if f["rule_id"] == "GATE-DEP-001"
    }
    # setup.py's `setup(...)` is read from its syntax tree, never run; the code around it
    # makes its dependencies dynamic.
    assert unaudited == {
        ("pyproject.toml", 11, "dynamic dependencies"),
        ("setup.py", 2, "build code around its setup() call (a call of d.mkdir)"),
        ("setup.py", 10, "not pinned to one version"),
    }


def test_a_bundle_with_nothing_to_audit_never_starts_pip_audit(tmp_path: Path) -> None:
    """pip-audit runs `pip --version` in a process of its own as it is imported: a bundle
    with no pinned dependency has nothing to ask it, and the worker reports the database
    all the same."""
    from gate.advisories.sources import AdvisorySettings

    (tmp_path / "app.py").write_text("def handler(event, context):\n    return 1\n")
    request = {
        "targets": [{"bundle": "b", "root": str(tmp_path), "code_root": str(tmp_path)}],
        "options": {"advisories": AdvisorySettings().to_json()},
    }
    answer, imported = run_worker("pip-audit", request, tmp_path)
    output = answer["output"]
    assert output["database"]["source"].startswith("builtin:")
    assert output["results"][0]["dependencies"] == []
    assert imported.isdisjoint({"pip_audit", "pip_api"})


def test_a_range_every_version_of_which_is_affected_is_reported(tmp_path: Path) -> None:
    """Whatever a range installs is affected when one advisory covers it whole
    (PYSEC-2018-28: requests before 2.20.0): reported at its line, as a pin would be.
    A range reaching a fixed version is only not pinned (GATE-DEP-001)."""
    (tmp_path / "requirements.txt").write_text(
        "requests~=2.19.0\nurllib3>=1.23,<2.3\nsix>=1.10,<1.17\n"
    )
    (result,) = _audit_all([(Target("b", str(tmp_path)), _Read(tmp_path))], CountingService())
    (requests,) = result["dependencies"]
    assert (requests["name"], requests["version"], requests["line"]) == (
        "requests",
        "~=2.19.0",
        1,
    )
    assert requests["range"] is True
    assert "PYSEC-2018-28" in {v["id"] for v in requests["vulns"]}
    assert len(result["unauditable"]) == 3
