from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from gate.cli import main
from gate.safeyaml import load_yaml

ROOT = Path(__file__).resolve().parent.parent
ASSETS = Path(__file__).resolve().parent / "assets"
BUNDLES = ASSETS / "bundles"
EXAMPLES = ROOT / "examples"


def pytest_configure(config: pytest.Config) -> None:
    """pytest-xdist's workers get COLUMNS=80, which the console report honours: the tests
    read the report as a CI log gets it, unwrapped (tests/reports sets a width itself).
    The advisories are never refreshed from the network, as in CI without it: the tests
    of the refresh (tests/advisories/test_refresh.py) serve it locally."""
    os.environ.pop("COLUMNS", None)
    os.environ["GATE_OFFLINE"] = "1"


def load_script(name: str) -> ModuleType:
    """scripts/<name>.py as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SECRET_NAME = re.compile(r"KEY|SECRET|PASSWORD|TOKEN", re.IGNORECASE)


_WORKER_PROBE = (
    "import json, sys\n"
    "from gate.scan.worker import _run\n"
    "code, answer = _run(sys.argv[1], sys.stdin.read())\n"
    "print(json.dumps({'code': code, 'answer': answer, 'modules': sorted(sys.modules)}))\n"
)


def run_worker(scanner: str, request: dict[str, Any], cwd: Path) -> tuple[dict[str, Any], set[str]]:
    """A scanner's worker run on `request` in a fresh interpreter: its answer (asserted
    successful), and the top-level modules it imported."""
    done = subprocess.run(
        [sys.executable, "-c", _WORKER_PROBE, scanner],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        check=True,
        cwd=cwd,
    )
    result = json.loads(done.stdout)
    assert result["code"] == 0, result["answer"]
    return result["answer"], {m.split(".")[0] for m in result["modules"]}


def only_scanners(*names: str) -> str:
    """A policy that runs just the scanners `names`, every other one disabled; it ends in
    its `scanners:` block, so a caller can append settings for the ones it runs."""
    from gate.scanners import NAMES as SCANNERS

    disabled = [f"  {name}: {{enabled: false}}\n" for name in SCANNERS if name not in names]
    return "version: 1\nscanners:\n" + "".join(disabled)


@dataclass(frozen=True)
class GateRun:
    """What one `gate` invocation printed and returned."""

    code: int
    stdout: str
    stderr: str


RunGate = Callable[..., GateRun]


@pytest.fixture(scope="session")
def session_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("gate-cache")


@pytest.fixture(autouse=True)
def private_cache(
    session_cache: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Each test has a cache directory of its own: no test reads the user's cache (an
    imported advisory database would change what the tests see) or another test's
    findings. Only the workers' temp dir is shared, so checkov's grammar cache in it is
    built once per session."""
    shared = session_cache / "worker-tmp"
    shared.mkdir(mode=0o700, exist_ok=True)
    mine = tmp_path_factory.mktemp("cache")
    (mine / "worker-tmp").symlink_to(shared)
    monkeypatch.setenv("GATE_CACHE_DIR", str(mine))
    # The key that authenticates cache entries: the test's own, never the user's.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(mine / "config"))
    monkeypatch.delenv("GATE_CACHE_KEY", raising=False)
    return mine


@pytest.fixture(autouse=True)
def laptop_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests run as on a laptop even when CI runs them: no CI progress lines on stderr
    unless a test asks for them."""
    from gate.scan.progress import CI_VARIABLES

    for name in CI_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def run_gate(capsys: pytest.CaptureFixture[str]) -> RunGate:
    """Run `gate ARGS...` in-process, as a user would from the shell."""

    def run(*args: str) -> GateRun:
        code = main(list(args))
        captured = capsys.readouterr()
        return GateRun(code, captured.out, captured.err)

    return run


@pytest.fixture
def bundle_copy(tmp_path: Path) -> Callable[[str], Path]:
    """A private copy of a fixture bundle, so a test can never change the original."""

    def copy(name: str) -> Path:
        source = BUNDLES / name if (BUNDLES / name).exists() else EXAMPLES / name
        target = tmp_path / name
        shutil.copytree(source, target, symlinks=True)
        return target

    return copy


@pytest.fixture
def policy_file(tmp_path: Path) -> Callable[[str], Path]:
    """Write a policy file and return its path."""

    def write(text: str, name: str = "gate.yml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


def environment_literals(template: Path) -> list[str]:
    """The planted secrets: literal values of secret-named variables in a template's Environment."""
    data = load_yaml(template.read_bytes(), allow_tags=True).data
    values = []
    for resource in data["Resources"].values():
        variables = ((resource.get("Properties") or {}).get("Environment") or {}).get("Variables")
        for name, value in (variables or {}).items():
            if SECRET_NAME.search(name) and isinstance(value, str) and len(value) >= 8:
                values.append(value)
    return values
