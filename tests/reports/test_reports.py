"""Rendering a verdict: the JSON contract and the console report."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gate.cli.check import console_width, wants_color
from gate.model import Bundle, Decision, ScanStatus, Status, Warning_
from gate.policy.evaluate import evaluate
from gate.policy.load import builtin_policy
from gate.reports import RENDERERS, RenderOptions
from gate.reports.json_report import report_schema
from gate.scan.run import _result
from gate.scan.workers import WorkerOutcome
from gate.scanners import all_scanners
from gate.verdict import Verdict
from tests.conftest import ASSETS
from tests.reports.wellformed import gitlab_schema

SCANNERS = all_scanners()


def saved_verdict() -> Verdict:
    """The verdict on the insecure example, from saved real output of all three scanners."""
    policy = builtin_policy("default")
    results = []
    for name, scanner in SCANNERS.items():
        answer = json.loads((ASSETS / "output" / f"{name}-orders-api-insecure.json").read_text())
        outcome = WorkerOutcome(name, ScanStatus.OK, 1.5, answer)
        results.append(_result(scanner, outcome, policy))
    bundle = Bundle("orders-api-insecure", Path("examples/orders-api-insecure"))
    warnings = [Warning_("advisories-stale", "old")]
    return evaluate(results, [bundle], policy, warnings, {"date": "2024-10-10"})


def rendered(fmt: str, **options: Any) -> str:
    return RENDERERS[fmt](saved_verdict(), RenderOptions(**options))


def test_json_report_follows_its_schema() -> None:
    report = json.loads(rendered("json"))
    jsonschema.Draft202012Validator(report_schema()).validate(report)
    assert report["schema"] == "gate-report/1"
    assert report["decision"] == "fail"
    assert report["summary"]["total"] == len(report["findings"])
    assert report["summary"]["blocking"] == sum(
        f["status"] == "blocking" for f in report["findings"]
    )
    assert sum(report["summary"]["by_severity"].values()) == report["summary"]["total"]


def test_every_raw_finding_is_in_the_report() -> None:
    report = json.loads(rendered("json"))
    raw = 0
    for name in SCANNERS:
        output = json.loads((ASSETS / "output" / f"{name}-orders-api-insecure.json").read_text())
        for result in output["output"]["results"]:
            raw += len(result.get("failed", [])) + len(result.get("skipped", []))
            raw += len(result.get("issues", [])) + len(result.get("unauditable", []))
            raw += sum(len(d["vulns"]) for d in result.get("dependencies", []))
            raw += len(result.get("findings", []))
    # Another scanner's report of a problem a serverless rule found is folded into it.
    folded = sum(len(f["also_reported_by"]) for f in report["findings"])
    assert len(report["findings"]) + folded == raw


def test_console_groups_by_severity_and_ends_with_the_verdict() -> None:
    text = rendered("console")
    lines = text.rstrip("\n").splitlines()
    assert lines[-1].startswith("FAIL: ")
    headings = [line for line in lines if line in ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO")]
    order = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"]
    assert headings == sorted(headings, key=order.index)
    assert "  orders-api-insecure/template.yaml" in lines
    assert "\x1b[" not in text
    assert "warning: [advisories-stale] old" in text


def test_console_colour_only_when_asked() -> None:
    assert "\x1b[" in rendered("console", color=True)
    quiet = rendered("console", quiet=True)
    assert "(below threshold)" not in quiet
    assert "(blocking)" in quiet


def test_findings_under_the_threshold_read_as_such_not_as_allowed() -> None:
    """`allowed` in the JSON report (its contract) is "below threshold" for people."""
    assert "(below threshold)" in rendered("console")
    assert "(allowed)" not in rendered("console")
    report = json.loads(rendered("json"))
    assert "allowed" in {f["status"] for f in report["findings"]}


def test_console_wraps_to_a_width_and_keeps_the_verdict_whole() -> None:
    unwrapped = rendered("console").splitlines()
    assert max(len(line) for line in unwrapped) > 200  # a finding a line, for CI logs
    wrapped = rendered("console", width=60).splitlines()
    assert max(len(line) for line in wrapped[:-1]) <= 60
    assert wrapped[-1] == unwrapped[-1] and len(wrapped[-1]) > 60


def test_soft_fail_says_fail_everywhere_and_exits_zero() -> None:
    verdict = replace(saved_verdict(), soft_fail=True)
    assert verdict.exit_code == 0
    assert verdict.decision.value == "fail"
    report = json.loads(RENDERERS["json"](verdict, RenderOptions()))
    assert (report["decision"], report["soft_fail"]) == ("fail", True)
    last = RENDERERS["console"](verdict, RenderOptions()).splitlines()[-1]
    assert last.startswith("FAIL: ") and last.endswith("[soft fail: exit 0]")
    assert replace(verdict, decision=Decision.ERROR).exit_code == 2
    assert json.loads(rendered("json"))["soft_fail"] is False


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("stream", "environ", "expected"),
    [
        (FakeTerminal(), {}, True),
        (FakeTerminal(), {"NO_COLOR": ""}, False),
        (FakeTerminal(), {"NO_COLOR": "1"}, False),
        (FakeTerminal(), {"TERM": "dumb"}, False),
        (io.StringIO(), {}, False),
        (io.StringIO(), {"FORCE_COLOR": "1"}, True),
        (io.StringIO(), {"FORCE_COLOR": "0"}, False),
        (io.StringIO(), {"FORCE_COLOR": "1", "NO_COLOR": ""}, False),
    ],
)
def test_colour_decision(stream: io.StringIO, environ: dict[str, str], expected: bool) -> None:
    assert wants_color(stream, environ) is expected


def test_console_width_is_the_terminals_or_none() -> None:
    assert console_width(io.StringIO(), {"COLUMNS": "100"}) == 100
    assert console_width(io.StringIO(), {}) is None
    assert console_width(io.StringIO(), {"COLUMNS": "wide"}) is None


def test_every_format_renders() -> None:
    verdict = saved_verdict()
    for name, render in RENDERERS.items():
        assert render(verdict, RenderOptions()), name


def test_sarif_is_valid_and_has_one_run_per_scanner() -> None:
    schema = json.loads((ASSETS / "schemas" / "sarif-2.1.0.json").read_text())
    sarif = json.loads(rendered("sarif"))
    jsonschema.Draft202012Validator(schema).validate(sarif)
    runs = sarif["runs"]
    assert [r["properties"]["scanner"] for r in runs] == list(SCANNERS)
    categories = [r["automationDetails"]["id"] for r in runs]
    assert len(set(categories)) == len(categories)
    total = sum(len(r["results"]) for r in runs)
    assert total == len(saved_verdict().findings)
    for run in runs:
        assert run["tool"]["driver"]["name"] == "serverless-gate"
        rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
        for result in run["results"]:
            assert rule_ids[result["ruleIndex"]] == result["ruleId"]
            assert result["partialFingerprints"]["gateFingerprint/v1"]
            uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            assert uri.startswith("orders-api-insecure/")


def test_junit_has_a_suite_per_scanner_and_a_decision_case() -> None:
    import xml.etree.ElementTree as ET

    root = ET.fromstring(rendered("junit"))
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert list(suites) == [*SCANNERS, "serverless-gate"]
    verdict = saved_verdict()
    for name in ("checkov", "bandit", "pip-audit"):
        cases = suites[name].findall("testcase")
        expected = [f for f in verdict.findings if f.scanner == name]
        assert len(cases) == len(expected) == int(suites[name].get("tests", "-1"))
        failures = sum(c.find("failure") is not None for c in cases)
        assert failures == sum(f.status is Status.BLOCKING for f in expected)
        assert failures == int(suites[name].get("failures", "-1"))
    decision = suites["serverless-gate"].find("testcase")
    assert decision is not None and decision.find("failure") is not None


def test_github_annotations_escape_and_cap() -> None:
    """Within GitHub's ten annotations of each kind a step: blocking findings first as
    errors, the verdict the last error, the rest counted; what does not block only as
    notices, where notices remain."""
    from gate.reports.github import PER_KIND, escape_data, escape_property

    assert escape_data("50%\r\nnext") == "50%25%0D%0Anext"
    assert escape_property("a:b,c") == "a%3Ab%2Cc"
    lines = rendered("github").splitlines()
    verdict = saved_verdict()
    assert len(verdict.blocking) > PER_KIND and len(verdict.findings) > len(verdict.blocking)
    errors = [line for line in lines if line.startswith("::error ")]
    notices = [line for line in lines if line.startswith("::notice ")]
    assert len(errors) == PER_KIND and len(notices) == PER_KIND
    assert not [line for line in lines if line.startswith("::warning ")]
    assert lines[: PER_KIND - 1] == errors[:-1]  # the most severe blocking findings first
    assert lines[0].startswith("::error file=orders-api-insecure/")
    assert "title=" in lines[0] and "line=" in lines[0]
    assert lines[-1].startswith("::error title=serverless-gate::FAIL")
    more = len(verdict.blocking) - (PER_KIND - 1)
    summary = f"::notice title=serverless-gate::{more} more blocking findings are not annotated"
    assert any(line.startswith(summary) for line in lines)
    below = [line for line in notices if "below threshold)" in line]
    below_left = len(verdict.findings) - len(verdict.blocking) - len(below)
    assert any(f"{below_left} findings below the threshold" in line for line in notices)


def test_github_annotations_of_a_pass_are_notices() -> None:
    verdict = replace(saved_verdict(), findings=(), decision=Decision.PASS)
    lines = RENDERERS["github"](verdict, RenderOptions()).splitlines()
    assert lines == [f"::notice title=serverless-gate::{lines[-1].split('::', 2)[2]}"]


def test_markdown_summary_lists_blocking_findings() -> None:
    text = rendered("markdown")
    assert text.startswith("## ❌ serverless-gate: fail\n")
    assert "| scanner | status | critical | high | medium | low | info | blocking |" in text
    blocking_rows = [line for line in text.splitlines() if line.startswith("| high |")]
    assert blocking_rows
    assert "advisories-stale" in text


def test_html_is_self_contained_and_lists_every_finding() -> None:
    import re

    text = rendered("html")
    assert text.startswith("<!DOCTYPE html>")
    assert not re.search(
        r"""(src|href)=["'](https?:)?//""",
        text.replace(
            'href="https://',
            'HELP="',  # links to rule documentation are fine; loads are not
        ),
    )
    assert "<script src" not in text and "<link" not in text
    rows = re.findall(r'<tr data-severity="(\w+)" data-scanner="([\w-]+)"', text)
    assert len(rows) == len(saved_verdict().findings)
    assert 'id="verdict"' in text and "FAIL:" in text
    assert "default-src 'none'" in text  # the page may fetch nothing


def test_sarif_stays_within_code_scanning_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    from gate.reports import sarif

    monkeypatch.setattr(sarif, "MAX_RESULTS_PER_RUN", 5)
    log = json.loads(rendered("sarif"))
    checkov = log["runs"][0]
    assert len(checkov["results"]) == 5
    assert {r["properties"]["severity"] for r in checkov["results"]} == {"critical"}  # 5 of them
    note = checkov["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"]
    assert "lowest-severity results left out" in note
    monkeypatch.setattr(sarif, "MAX_GZIP_BYTES", 1)
    squeezed = json.loads(rendered("sarif"))
    assert all(run["results"] == [] for run in squeezed["runs"])


def test_markdown_is_cut_with_a_note(monkeypatch: pytest.MonkeyPatch) -> None:
    from gate.reports import markdown

    monkeypatch.setattr(markdown, "MAX_BYTES", 2000)
    text = rendered("markdown")
    assert len(text.encode()) <= 2000
    assert text.endswith("_Cut at 1 MiB: the JSON, SARIF or HTML report has every finding._\n")


def test_a_diff_run_says_what_is_new_in_every_report() -> None:
    verdict = saved_verdict()
    first, *rest = verdict.findings
    compared = replace(
        verdict,
        findings=(first, *(replace(f, status=Status.PREEXISTING) for f in rest)),
        diff={"base": "origin/main", "merge_base": "a" * 40, "changed_files": 1, "preexisting": 9},
    )
    report = json.loads(RENDERERS["json"](compared, RenderOptions()))
    jsonschema.Draft202012Validator(report_schema()).validate(report)
    assert report["diff"]["base"] == "origin/main"
    sarif = json.loads(RENDERERS["sarif"](compared, RenderOptions()))
    schema = json.loads((ASSETS / "schemas" / "sarif-2.1.0.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(sarif)
    states = {
        r["partialFingerprints"]["gateFingerprint/v1"]: r["baselineState"]
        for run in sarif["runs"]
        for r in run["results"]
    }
    assert states.pop(first.fingerprint) == "new"
    assert set(states.values()) == {"unchanged"}
    console = RENDERERS["console"](compared, RenderOptions())
    assert "(merge base with origin/main); 9 findings the change did not touch" in console
    plain = json.loads(RENDERERS["sarif"](verdict, RenderOptions()))
    assert not any("baselineState" in r for run in plain["runs"] for r in run["results"])


def test_the_verdict_and_summary_count_problems_and_the_functions_they_touch() -> None:
    """One problem is one rule at one place on one resource; the verdict line says how
    many block and how many functions they affect, and so does the JSON summary."""
    from gate.reports.base import problems, summary, verdict_line

    verdict = saved_verdict()
    blocking = verdict.blocking
    assert blocking
    count, functions = problems(blocking)
    places = {(f.rule_id, f.location.path, f.location.start_line) for f in blocking}
    assert count >= len(places) > 0
    twice = replace(blocking[0], functions=("A", "B"))
    assert problems([twice, replace(twice, functions=("B", "C"))]) == (1, 3)
    data = summary(verdict)
    assert (data["blocking_problems"], data["blocking_functions"]) == (count, functions)
    line = verdict_line(verdict)
    assert line.startswith(f"FAIL: {count} blocking problem"), line
    assert (f" in {functions} function" in line) == (functions > 0), line


def test_gitlab_report_follows_gitlabs_schema_and_names_every_finding() -> None:
    from gate.reports.gitlab import SCHEMA_VERSION

    verdict = saved_verdict()
    report = json.loads(RENDERERS["gitlab-sast"](verdict, RenderOptions()))
    gitlab_schema().validate(report)
    assert report["version"] == SCHEMA_VERSION == "15.2.1"
    assert report["scan"]["status"] == "success"
    assert report["scan"]["messages"][0]["value"].startswith("FAIL:")
    vulnerabilities = report["vulnerabilities"]
    assert len(vulnerabilities) == len(verdict.findings)
    assert {v["identifiers"][0]["value"] for v in vulnerabilities} == {
        f.rule_id for f in verdict.findings
    }
    primary = {i["value"] for i in report["scan"]["primary_identifiers"]}
    assert primary == {f.rule_id for f in verdict.findings}
    assert all(v["location"]["file"].startswith("orders-api-insecure/") for v in vulnerabilities)
    blocking = [v for v in vulnerabilities if v["details"]["status"]["value"] == "blocking"]
    assert len(blocking) == len(verdict.blocking)
    # A dependency's advisory carries its ids; bandit's tests their CWE.
    audit = next(v for v in vulnerabilities if v["identifiers"][0]["type"] == "pip_audit")
    assert any(i["type"] in ("cve", "ghsa", "pysec") for i in audit["identifiers"][1:])
    assert any(i["type"] == "cwe" for v in vulnerabilities for i in v["identifiers"])


def test_gitlab_report_ids_stay_when_lines_move_and_accepted_findings_are_counted() -> None:
    verdict = saved_verdict()
    first, *rest = verdict.findings
    moved = replace(first, location=replace(first.location, start_line=900, end_line=901))
    waived = replace(rest[0], status=Status.WAIVED)
    report = json.loads(
        RENDERERS["gitlab-sast"](
            replace(verdict, findings=(moved, waived, *rest[1:])), RenderOptions()
        )
    )
    plain = json.loads(RENDERERS["gitlab-sast"](verdict, RenderOptions()))
    assert report["vulnerabilities"][0]["id"] == plain["vulnerabilities"][0]["id"]
    assert report["vulnerabilities"][0]["location"]["start_line"] == 900
    assert len(report["vulnerabilities"]) == len(verdict.findings) - 1
    assert any("1 waived or suppressed" in m["value"] for m in report["scan"]["messages"])
    ids = [v["id"] for v in plain["vulnerabilities"]]
    assert len(set(ids)) == len(ids)


def test_gitlab_report_of_an_error_is_a_failed_scan() -> None:
    from gate.model import ScanResult

    verdict = saved_verdict()
    broken = ScanResult("bandit", ScanStatus.ERROR, message="bandit crashed")
    failed = replace(verdict, decision=Decision.ERROR, scanners=(*verdict.scanners, broken))
    report = json.loads(RENDERERS["gitlab-sast"](failed, RenderOptions()))
    gitlab_schema().validate(report)
    assert report["scan"]["status"] == "failure"
    assert {"level": "fatal", "value": "bandit: bandit crashed"} in report["scan"]["messages"]


def test_a_shards_sarif_runs_are_categories_of_their_own() -> None:
    verdict = saved_verdict()
    first, second, whole = (
        {
            run["automationDetails"]["id"]
            for run in json.loads(
                RENDERERS["sarif"](replace(verdict, shard=shard), RenderOptions())
            )["runs"]
        }
        for shard in ({"index": 1, "count": 2}, {"index": 2, "count": 2}, None)
    )
    assert first.isdisjoint(second) and first.isdisjoint(whole)
    assert "serverless-gate/bandit/" in whole
    assert "serverless-gate-shard-2-of-2/bandit/" in second
