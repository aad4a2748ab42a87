"""The gate's own process never imports a scanner library: they load in the workers
only, so `gate --help`, `gate policy validate` and `gate ls` start fast and a scanner's
import-time side effects stay out of the process that decides. (How fast is measured
in benchmarks/, not here.)"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import EXAMPLES, ROOT

SCANNER_LIBRARIES = {
    "bandit",
    "boto3",
    "botocore",
    "checkov",
    "detect_secrets",
    "pip_audit",
    "policy_sentry",
}
PROBE = """\
import contextlib, io, json, sys
from gate.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        code = main(sys.argv[1:])
    except SystemExit as e:
        code = e.code
modules = sorted({name.split(".")[0] for name in sys.modules})
print(json.dumps({"code": code, "modules": modules}))
"""


def imported_by(*args: str, exit_codes: tuple[int, ...] = (0,)) -> set[str]:
    """The top-level modules loaded by `gate ARGS` run in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
        cwd=ROOT,
    )
    answer = json.loads(done.stdout)
    assert answer["code"] in exit_codes, answer
    return set(answer["modules"])


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("policy", "validate", "gate/policies/default.yml"),
        ("ls", str(ROOT / "tests" / "assets" / "repos" / "shop")),
        ("rules",),
    ],
    ids=["help", "policy-validate", "ls", "rules"],
)
def test_commands_that_scan_nothing_import_no_scanner(args: tuple[str, ...]) -> None:
    assert imported_by(*args) & SCANNER_LIBRARIES == set()


@pytest.mark.slow
def test_check_leaves_every_scanner_to_its_worker() -> None:
    """Nor does it load what the run does not use: a JSON report needs no terminal
    library (rich), and an offline run no HTTP client (every test run is offline)."""
    insecure = str(EXAMPLES / "orders-api-insecure")
    args = ("check", insecure, "--no-cache", "--format", "json")
    loaded = imported_by(*args, exit_codes=(1,))  # it did scan
    assert loaded & SCANNER_LIBRARIES == set()
    assert loaded & {"rich", "http"} == set()
