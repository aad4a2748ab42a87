"""A scanner with nothing to read answers without a worker, exactly as its worker would."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib.metadata import PackageNotFoundError
from pathlib import Path
from typing import Any

import pytest

from gate.advisories.sources import AdvisorySettings
from gate.bundle.manifests import MANIFEST_PATTERNS
from gate.scan.run import idle_payload
from gate.scanners.pip_audit import PipAuditScanner

OFFLINE = {"advisories": AdvisorySettings(source="offline").to_json()}


def target(root: Path, **extra: Any) -> dict[str, Any]:
    return {"bundle": root.name, "root": str(root), "code_root": str(root), **extra}


def bundle(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "b"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_an_audit_with_nothing_to_read_answers_as_its_worker_does(tmp_path: Path) -> None:
    root = bundle(tmp_path, {"src/app.py": "def handler(e, c):\n    return 1\n"})
    targets = [target(root)]
    idle = PipAuditScanner().idle_output(targets, OFFLINE)
    assert idle is not None
    assert idle == PipAuditScanner().scan({"targets": targets, "options": OFFLINE})


@pytest.mark.parametrize(
    "name",
    [
        *(p.replace("*", "-dev") for p in MANIFEST_PATTERNS),
        "vendor/six-1.16.0.dist-info/METADATA",
        "vendor/old.egg-info",
    ],
)
def test_any_manifest_or_package_metadata_needs_the_worker(tmp_path: Path, name: str) -> None:
    root = bundle(tmp_path, {"src/app.py": "", f"src/{name}": ""})
    assert PipAuditScanner().idle_output([target(root)], OFFLINE) is None


def test_a_manifest_a_build_setting_names_needs_the_worker(tmp_path: Path) -> None:
    root = bundle(tmp_path, {"src/app.py": "", "deps.txt": "six==1.16.0\n"})
    named = target(root, functions=[{"manifests": ["deps.txt"]}])
    assert PipAuditScanner().idle_output([named], OFFLINE) is None


@pytest.mark.parametrize(
    "settings",
    [
        AdvisorySettings(source="offline", db="/data/osv"),
        AdvisorySettings(source="offline", cache="/cache/advisories.json.gz"),
        AdvisorySettings(source="live"),
    ],
)
def test_data_other_than_the_built_in_snapshot_needs_the_worker(
    tmp_path: Path, settings: AdvisorySettings
) -> None:
    """Named or cached data is read (and checked) by the worker; a live service is asked."""
    root = bundle(tmp_path, {"src/app.py": ""})
    options = {"advisories": settings.to_json()}
    assert PipAuditScanner().idle_output([target(root)], options) is None


class Missing(PipAuditScanner):
    """pip-audit as a broken install leaves it: its version cannot be read."""

    def tool_version(self) -> str:
        raise PackageNotFoundError("pip-audit")


def test_a_scanner_whose_library_is_missing_is_left_to_its_worker(tmp_path: Path) -> None:
    """The worker says what is missing as a scan error; the main process never crashes."""
    root = bundle(tmp_path, {"src/app.py": ""})
    assert idle_payload(PipAuditScanner(), [target(root)], OFFLINE) is not None
    assert idle_payload(Missing(), [target(root)], OFFLINE) is None


_PIP_PROBE = """\
import importlib.metadata, json, subprocess
started = []
spawn = subprocess.Popen.__init__
def recorded(self, args, *rest, **named):
    started.append(args)
    spawn(self, args, *rest, **named)
subprocess.Popen.__init__ = recorded
from gate.scanners.pip_audit import _pip_version_from_metadata
_pip_version_from_metadata()
import pip_api, pip_audit._audit
print(json.dumps([started, str(pip_api.PIP_VERSION), importlib.metadata.version("pip")]))
"""


def test_pip_audit_is_imported_without_asking_pip_its_version_in_a_process() -> None:
    """pip-api asks `python -m pip --version` when imported (half a second of CPU a run);
    the audit gives it the installed pip's metadata instead, the same answer."""
    done = subprocess.run(
        [sys.executable, "-c", _PIP_PROBE], capture_output=True, text=True, check=True
    )
    started, told, installed = json.loads(done.stdout)
    assert (started, told) == ([], installed)
