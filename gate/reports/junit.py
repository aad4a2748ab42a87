"""JUnit XML, for Jenkins' `junit` step and GitLab's `artifacts:reports:junit`.

A test suite per scanner and a test case per finding: a failure when it blocks,
skipped when it is waived, suppressed or allowed. A `coverage` suite has a case
per function, skipped when its code was not analysed (another runtime, not in the
bundle, left out by the policy), with what was analysed as its output. One more
suite holds a single case for the gate's decision, so a scanner error shows as a
failed test too.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import defaultdict

from gate.model import Finding, Status
from gate.reports.base import (
    RenderOptions,
    displayable,
    function_label,
    function_verdicts,
    verdict_line,
)
from gate.verdict import Verdict


def render_junit(verdict: Verdict, options: RenderOptions) -> str:
    verdict = displayable(verdict)  # XML 1.0 cannot hold most controls, even escaped
    root = ET.Element("testsuites", name="serverless-gate")
    by_scanner: dict[str, list[Finding]] = defaultdict(list)
    for finding in verdict.findings:
        by_scanner[finding.scanner].append(finding)
    for result in verdict.scanners:
        findings = by_scanner.get(result.scanner, [])
        suite = ET.SubElement(
            root,
            "testsuite",
            name=result.scanner,
            tests=str(len(findings)),
            failures=str(sum(f.status is Status.BLOCKING for f in findings)),
            errors="1" if result.failed else "0",
            skipped=str(sum(f.status is not Status.BLOCKING for f in findings)),
            time=f"{result.duration_s:.3f}",
        )
        if result.failed:
            case = ET.SubElement(suite, "testcase", classname=result.scanner, name="scan")
            ET.SubElement(case, "error", message=result.message or result.status.value)
        for finding in findings:
            _case(suite, finding)
    _coverage(root, verdict)
    _decision(root, verdict)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"


def _case(suite: ET.Element, finding: Finding) -> None:
    place = finding.location.path
    if finding.location.start_line:
        place += f":{finding.location.start_line}"
    prefix = "" if finding.bundle == "." else f"{finding.bundle}/"
    functions = f" ({', '.join(finding.functions)})" if finding.functions else ""
    case = ET.SubElement(
        suite,
        "testcase",
        classname=f"{finding.scanner}.{finding.rule_id}",
        name=f"{finding.rule_id} {prefix}{place}{functions}",
        file=f"{prefix}{finding.location.path}",
    )
    detail = f"{finding.severity.label}: {finding.message} ({prefix}{place})"
    if finding.status is Status.BLOCKING:
        failure = ET.SubElement(
            case, "failure", message=finding.message, type=finding.severity.label
        )
        failure.text = detail
    else:
        status = finding.status.value if finding.status else "unjudged"
        reason = finding.waiver.reason if finding.waiver else None
        if finding.suppression and finding.status is Status.SUPPRESSED:
            reason = finding.suppression.reason
        ET.SubElement(case, "skipped", message=f"{status}: {reason}" if reason else status)


def _coverage(root: ET.Element, verdict: Verdict) -> None:
    rows = function_verdicts(verdict)
    if not rows:
        return
    unread = [row for row in rows if row.coverage["code"] != "python"]
    suite = ET.SubElement(
        root,
        "testsuite",
        name="coverage",
        tests=str(len(rows)),
        failures="0",
        errors="0",
        skipped=str(len(unread)),
    )
    for row in rows:
        label = function_label(verdict, row.bundle, (row.function.name,))
        case = ET.SubElement(suite, "testcase", classname="coverage", name=label)
        if row in unread:
            ET.SubElement(case, "skipped", message=f"code {row.coverage['code']}")
        ET.SubElement(case, "system-out").text = row.coverage_text()


def _decision(root: ET.Element, verdict: Verdict) -> None:
    failed = verdict.decision.value != "pass"
    suite = ET.SubElement(
        root,
        "testsuite",
        name="serverless-gate",
        tests="1",
        failures="1" if verdict.decision.value == "fail" else "0",
        errors="1" if verdict.decision.value == "error" else "0",
        skipped="0",
    )
    case = ET.SubElement(suite, "testcase", classname="serverless-gate", name="decision")
    if failed:
        tag = "error" if verdict.decision.value == "error" else "failure"
        element = ET.SubElement(case, tag, message=verdict_line(verdict))
        element.text = verdict_line(verdict)
