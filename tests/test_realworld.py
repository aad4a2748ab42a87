"""Shapes of real repositories that once stopped the gate from deciding, on trimmed
copies of them (tests/assets/realworld, licences in its README)."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ASSETS, RunGate, only_scanners

SERVICES = ASSETS / "realworld" / "services"
FLASK = "aws-python-flask-api"
KUBELESS = "kubeless-python-simple-scheduled-function"
NO_CHECKOV = only_scanners("bandit", "pip-audit", "serverless")


@pytest.fixture
def services(tmp_path: Path) -> Path:
    target = tmp_path / "services"
    shutil.copytree(SERVICES, target)
    return target


def check(run_gate: RunGate, policy: Path, target: Path) -> tuple[int, dict[str, Any], str]:
    result = run_gate("check", str(target), "--format", "json", "--policy", str(policy))
    return result.code, json.loads(result.stdout), result.stderr


def test_another_providers_service_beside_aws_ones_is_out_of_scope_with_its_code(
    run_gate: RunGate, policy_file: Callable[[str], Path], services: Path
) -> None:
    """The kubeless service's Python 2 code is not deployed to Lambda: it is counted out
    of scope and warned, never given to bandit (which cannot parse it)."""
    code, report, stderr = check(run_gate, policy_file(NO_CHECKOV), services)
    assert code in (0, 1), stderr
    assert not report["errors"], report["errors"]
    assert report["files"]["out_of_scope"] == 2  # its serverless.yml and handler.py
    warned = [w["message"] for w in report["warnings"] if w["code"] == "out-of-scope"]
    assert any(f"{KUBELESS}/handler.py" in m for m in warned), warned


def test_another_providers_service_alone_is_scanned(
    run_gate: RunGate, policy_file: Callable[[str], Path], services: Path
) -> None:
    """With no AWS function declared, any code of the bundle may be deployed: the
    kubeless code is scanned, and Python 2 that no scanner parses is an error."""
    code, report, _ = check(run_gate, policy_file(NO_CHECKOV), services / KUBELESS)
    assert code == 2
    assert any(e["path"].endswith("handler.py") for e in report["errors"]), report["errors"]


def test_a_serverless_wsgi_handler_is_the_app_it_serves(
    run_gate: RunGate, policy_file: Callable[[str], Path], services: Path
) -> None:
    """serverless-wsgi writes `wsgi_handler.py` at package time: the function's code is
    the Flask app that `custom.wsgi.app` names, and that is what is scanned."""
    code, report, stderr = check(run_gate, policy_file(NO_CHECKOV), services / FLASK)
    assert code in (0, 1), stderr
    assert not report["errors"], report["errors"]
    (bundle,) = report["bundles"]
    (function,) = bundle["functions"]
    assert (function["handler"], function["handler_file"]) == ("app.app", "app.py"), function


def test_the_wsgi_handler_without_the_plugin_is_still_missing(
    run_gate: RunGate, policy_file: Callable[[str], Path], services: Path
) -> None:
    sls = services / FLASK / "serverless.yml"
    sls.write_text(sls.read_text().replace("  - serverless-wsgi\n", ""))
    code, report, _ = check(run_gate, policy_file(NO_CHECKOV), services / FLASK)
    assert code == 2
    assert any("wsgi_handler" in e["message"] for e in report["errors"]), report["errors"]


def test_every_function_says_what_of_it_was_analysed(
    run_gate: RunGate, policy_file: Callable[[str], Path], services: Path
) -> None:
    """Per function: its IaC, its code (Python, or which runtime was not analysed) and
    the manifests audited; the console sums up the functions whose code was not."""
    node = services / "aws-node-service"
    node.mkdir()
    (node / "serverless.yml").write_text(
        "service: n\nprovider: {name: aws, runtime: nodejs18.x}\n"
        "functions:\n  hello:\n    handler: handler.hello\n"
    )
    (node / "handler.js").write_text("module.exports.hello = async () => ({});\n")
    _, report, _ = check(run_gate, policy_file(NO_CHECKOV), services)
    coverage = {f["name"]: f["coverage"] for b in report["bundles"] for f in b["functions"]}
    assert coverage["api"] == {
        "iac": f"{FLASK}/serverless.yml",
        "code": "python",
        "dependencies": [f"{FLASK}/requirements.txt"],
    }
    assert coverage["hello"]["code"] == "not analysed: nodejs18.x"
    out = services.parent
    console = run_gate(
        "check",
        str(services),
        "--policy",
        str(policy_file(NO_CHECKOV)),
        *[f"--report={kind}={out / kind}" for kind in ("sarif", "junit", "markdown", "html")],
    )
    assert "functions whose code was not analysed: nodejs18.x 1" in console.stdout
    # Every other format says it too.
    sarif = json.loads((out / "sarif").read_text())
    for run in sarif["runs"]:
        shown = {f["name"]: f for f in run["properties"]["functions"]}
        assert shown["hello"]["code"] == "not analysed: nodejs18.x"
        assert shown["api"]["dependencies"] == [f"{FLASK}/requirements.txt"]
    junit = ET.fromstring((out / "junit").read_text())
    (suite,) = junit.findall("testsuite[@name='coverage']")
    skipped = {c.get("name"): c.find("skipped") for c in suite.findall("testcase")}
    assert skipped["hello"] is not None and skipped["api"] is None
    assert skipped["hello"].get("message") == "code not analysed: nodejs18.x"
    markdown = (out / "markdown").read_text()
    assert "| <code>hello</code> | <code>aws-node-service/serverless.yml</code> | not " in markdown
    assert "not analysed: nodejs18.x" in (out / "html").read_text()
