"""The real checkov, bandit and pip-audit on fixture bundles, end to end through `gate check`."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from gate.reports.json_report import report_schema
from tests.conftest import RunGate, environment_literals, only_scanners

pytestmark = pytest.mark.slow

MARKERS = Path("/tmp/serverless-gate-marker")  # where the hostile bundle's code would write


def check_json(run_gate: RunGate, bundle: Path, *extra: str) -> tuple[int, dict[str, Any], str]:
    report = bundle.parent / f"{bundle.name}-report.json"
    result = run_gate("check", str(bundle), "--report", f"json={report}", *extra)
    data = json.loads(report.read_text())
    jsonschema.Draft202012Validator(report_schema()).validate(data)
    return result.code, data, result.stdout + result.stderr


def rules(report: dict[str, Any], scanner: str) -> set[str]:
    """What `scanner` reported: as findings of its own, or folded into another's."""
    own = {f["rule_id"] for f in report["findings"] if f["scanner"] == scanner}
    folded = {
        r["rule_id"]
        for f in report["findings"]
        for r in f["also_reported_by"]
        if r["scanner"] == scanner
    }
    return own | folded


def resources_of(report: dict[str, Any], scanner: str) -> set[str | None]:
    """The resources of `scanner`'s reports, own or folded into a finding on that resource."""
    return {
        f["resource"]
        for f in report["findings"]
        if f["scanner"] == scanner or any(r["scanner"] == scanner for r in f["also_reported_by"])
    }


def check_each(
    run_gate: RunGate, bundles: Mapping[str, Path]
) -> tuple[int, dict[str, dict[str, Any]], str]:
    """`gate check` of several bundles in one run, as a repository of several is, with its
    JSON report checked: the exit code, each bundle's own part of the report by name (its
    findings and errors, and the run's scanners), and the output."""
    first = next(iter(bundles.values()))
    report_path = first.parent / "report.json"
    result = run_gate("check", *map(str, bundles.values()), "--report", f"json={report_path}")
    report = json.loads(report_path.read_text())
    jsonschema.Draft202012Validator(report_schema()).validate(report)
    own = {
        name: {
            "scanners": report["scanners"],
            "findings": [f for f in report["findings"] if f["bundle"] == str(path)],
            "errors": [e for e in report["errors"] if (e["path"] or "").startswith(f"{path}/")],
        }
        for name, path in bundles.items()
    }
    return result.code, own, result.stdout + result.stderr


def check_copies(
    run_gate: RunGate, tmp_path: Path, fixtures: Path, *names: str
) -> tuple[int, dict[str, dict[str, Any]], str]:
    """`check_each` on a copy of each fixture bundle `names` of the folder `fixtures`."""
    bundles = {name: tmp_path / name for name in names}
    for name, copy in bundles.items():
        shutil.copytree(fixtures / name, copy)
    return check_each(run_gate, bundles)


def test_each_kind_of_bundle_end_to_end(
    run_gate: RunGate, bundle_copy: Callable[[str], Path]
) -> None:
    """A bundle of each IaC kind (SAM, Serverless Framework, Terraform) and a clean
    function, checked in one run: every scanner ran, and each bundle is judged on its
    own findings."""
    names = ("sam-function", "serverless-function", "terraform-function", "clean-function")
    code, own, output = check_each(run_gate, {name: bundle_copy(name) for name in names})
    assert code == 1 and not any(o["errors"] for o in own.values()), output
    assert {s["status"] for s in own["sam-function"]["scanners"]} == {"ok"}, output
    _sam_bundle(own["sam-function"])
    _serverless_framework_bundle(own["serverless-function"])
    _terraform_bundle(own["terraform-function"])
    assert not blocks(own["clean-function"]), own["clean-function"]


def blocks(report: dict[str, Any]) -> bool:
    return any(f["status"] == "blocking" for f in report["findings"])


def _sam_bundle(report: dict[str, Any]) -> None:
    assert any(r.startswith("CKV_AWS_") for r in rules(report, "checkov"))
    assert rules(report, "bandit")
    assert rules(report, "pip-audit")
    resources = {f["resource"] for f in report["findings"] if f["scanner"] == "checkov"}
    assert any(r and r.startswith("AWS::Serverless::Function.") for r in resources)


def _serverless_framework_bundle(report: dict[str, Any]) -> None:
    paths = {f["path"] for f in report["findings"] if f["scanner"] == "checkov"}
    assert "serverless.yml" in paths
    assert "CKV_AWS_49" in rules(report, "checkov")  # provider.iamRoleStatements with "*"
    assert "GATE-IAC-001" in rules(report, "serverless")
    assert blocks(report)


def _terraform_bundle(report: dict[str, Any]) -> None:
    resources = resources_of(report, "checkov")
    assert any(r and r.startswith("aws_lambda_function.") for r in resources)
    assert any(r and r.startswith("aws_iam_") for r in resources)
    assert rules(report, "bandit")
    assert blocks(report)


def _skip_list(config: Path) -> list[str]:
    data = yaml.safe_load(config.read_text())
    skips = data.get("skip-check") or data.get("skip_check") or []
    return skips.split(",") if isinstance(skips, str) else list(skips)


def test_hostile_bundle_cannot_switch_off_scanners_or_run_code(
    run_gate: RunGate, bundle_copy: Callable[[str], Path]
) -> None:
    bundle = bundle_copy("hostile")
    if MARKERS.exists():
        for marker in MARKERS.iterdir():
            marker.unlink()
    skipped_by_bundle = _skip_list(bundle / ".checkov.yaml")
    bandit_skips = re.findall(r"B\d{3}", (bundle / ".bandit").read_text())
    code, report, output = check_json(run_gate, bundle)

    assert not MARKERS.exists() or not list(MARKERS.iterdir()), "bundle code was executed"
    # `-e .` and `./localpkg` hold a setup.py the deploy's pip would run: refused (exit 2),
    # and every scanner still reports all it found.
    assert code == 2, output
    refused = sorted(e["message"].split(":")[0] for e in report["errors"])
    assert refused == ["line 1", "line 2"], report["errors"]
    reported = rules(report, "checkov")
    assert skipped_by_bundle and bandit_skips
    fired = [c for c in skipped_by_bundle if c in reported]
    assert fired, f"none of the checks the bundle skips were reported: {skipped_by_bundle}"
    assert set(bandit_skips) & rules(report, "bandit"), "the bundle's .bandit skips were obeyed"
    # A check's status is that of the finding reporting it, its own or the one it is folded into.
    statuses = {f["rule_id"]: f["status"] for f in report["findings"]}
    statuses |= {
        r["rule_id"]: f["status"] for f in report["findings"] for r in f["also_reported_by"]
    }
    assert "suppressed" not in {statuses[c] for c in fired}
    assert "PYSEC-2018-28" in rules(report, "pip-audit")
    ignored = [w["message"] for w in report["warnings"] if w["code"] == "scanner-config-ignored"]
    assert any(".checkov.yaml" in m for m in ignored)
    assert any(".bandit" in m for m in ignored)


def test_serverless_env_variables_are_never_resolved(
    run_gate: RunGate, bundle_copy: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "ci-secret-7f3a9c1e5b2d4086"
    monkeypatch.setenv("SOME_SECRET", secret)
    bundle = bundle_copy("serverless-env-secret")
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""
    report = bundle.parent / "report.json"
    result = run_gate("check", str(bundle), "--format", "console", "--report", f"json={report}")
    assert result.code in (0, 1), result.stderr
    for output in (result.stdout + result.stderr, report.read_text()):
        assert secret not in output
        if len(hostname) > 6:
            assert hostname not in output


def test_plaintext_secret_appears_in_no_output(
    run_gate: RunGate, bundle_copy: Callable[[str], Path]
) -> None:
    bundle = bundle_copy("plaintext-secret")
    secrets = environment_literals(bundle / "template.yaml")
    assert secrets
    report = bundle.parent / "report.json"
    result = run_gate("check", str(bundle), "--verbose", "--report", f"json={report}")
    assert result.code == 1
    outputs = [result.stdout + result.stderr, report.read_text()]
    assert "CKV_AWS_45" in outputs[1]
    for secret in secrets:
        for output in outputs:
            assert secret not in output
            assert secret[:12] not in output


@pytest.mark.parametrize(
    ("bundle", "path"),
    [("broken-serverless", "serverless.yml:24:"), ("broken-cfn", "template.yaml:42:")],
)
def test_unparseable_iac_is_refused_before_any_scanner(
    run_gate: RunGate, bundle_copy: Callable[[str], Path], bundle: str, path: str
) -> None:
    # The gate's own IaC rules could not read it: a refusal naming file and line.
    result = run_gate("check", str(bundle_copy(bundle)))
    assert result.code == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and path in lines[0] and "YAML syntax error" in lines[0], lines


@pytest.mark.parametrize(
    ("bundle", "scanner", "path"),
    [("python-syntax-error", "bandit", "handler.py")],
)
def test_unparseable_file_is_an_error_not_a_pass(
    run_gate: RunGate, bundle_copy: Callable[[str], Path], bundle: str, scanner: str, path: str
) -> None:
    code, report, output = check_json(run_gate, bundle_copy(bundle))
    assert code == 2, output
    assert report["decision"] == "error"
    status = {s["name"]: s["status"] for s in report["scanners"]}
    assert status[scanner] == "error"
    assert any(e["scanner"] == scanner and e["path"].endswith(path) for e in report["errors"])
    # One line per scanner that could not check it (the serverless rules too, for Python).
    lines = [line for line in output.strip().splitlines() if line.startswith("gate: error: ")]
    assert any(
        line.startswith(f"gate: error: {scanner}: could not check") and path in line
        for line in lines
    ), output


@pytest.mark.parametrize("mode", ["allow", "require-reason", "deny"])
def test_inline_suppressions_on_real_output(
    run_gate: RunGate,
    bundle_copy: Callable[[str], Path],
    policy_file: Callable[[str], Path],
    mode: str,
) -> None:
    bundle = bundle_copy("inline-suppressions")
    policy = policy_file(only_scanners("checkov", "bandit") + f"inline_suppressions: {mode}\n")
    _, report, output = check_json(run_gate, bundle, "--policy", str(policy))
    status = {(f["rule_id"], f["start_line"]): f["status"] for f in report["findings"]}
    kinds = {(f["rule_id"], f["start_line"]): f["suppression"] for f in report["findings"]}
    reasoned = [("B602", 11), ("CKV_AWS_116", 6), ("CKV_AWS_117", 6), ("B404", 4)]
    bare = [("B602", 12), ("CKV_AWS_115", 6), ("B108", 6)]
    assert kinds[("CKV_AWS_116", 6)] == {
        "kind": "checkov:skip",
        "reason": "failed exports are retried by the scheduler, not a DLQ",
    }
    assert kinds[("CKV_AWS_117", 6)]["kind"] == "Metadata.checkov.skip"
    assert kinds[("B602", 13)] is None  # `# nosec B101` does not cover B602
    assert status[("B602", 13)] != "suppressed"
    expected_reasoned = "suppressed" if mode != "deny" else None
    expected_bare = "suppressed" if mode == "allow" else None
    for key in reasoned:
        assert (status[key] == "suppressed") is (expected_reasoned == "suppressed"), (key, output)
    for key in bare:
        assert (status[key] == "suppressed") is (expected_bare == "suppressed"), (key, output)


@pytest.mark.parametrize("scan_vendored", [False, True])
def test_vendored_packages_are_audited_but_not_scanned_by_default(
    run_gate: RunGate, tmp_path: Path, policy_file: Callable[[str], Path], scan_vendored: bool
) -> None:
    bundle = tmp_path / "fn"
    bundle.mkdir()
    (bundle / "app.py").write_text("def handler(event, context):\n    return {'ok': True}\n")
    package = bundle / "requests"
    package.mkdir()
    (package / "__init__.py").write_text(
        "import subprocess\n\ndef run(cmd):\n    return subprocess.call(cmd, shell=True)\n"
    )
    info = bundle / "requests-2.19.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: requests\nVersion: 2.19.0\n")
    digest = hashlib.sha256((package / "__init__.py").read_bytes()).digest()
    proof = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    (info / "RECORD").write_text(
        f"requests/__init__.py,sha256={proof},\nrequests-2.19.0.dist-info/METADATA,,\n"
    )
    flag = "true" if scan_vendored else "false"
    policy = policy_file(
        f"version: 1\nscanners:\n  bandit: {{scan_vendored: {flag}}}\n"
        f"  checkov: {{scan_vendored: {flag}}}\n"
    )
    code, report, output = check_json(run_gate, bundle, "--policy", str(policy))
    assert code == 1, output
    assert "PYSEC-2018-28" in rules(report, "pip-audit")
    vendored_paths = {f["path"] for f in report["findings"] if f["scanner"] == "bandit"}
    assert ("requests/__init__.py" in vendored_paths) is scan_vendored
    codes = [w["code"] for w in report["warnings"]]
    assert ("vendored-code-skipped" in codes) is not scan_vendored
