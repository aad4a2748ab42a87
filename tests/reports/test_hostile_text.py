"""Every report format, with text an attacker controls in every field of the verdict: file
names with line breaks, terminal escapes, bytes that are not UTF-8, Markdown and HTML.
The formats come from the registry, so a new one is covered without a new test."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gate.cli.check import emit
from gate.git.provenance import Provenance
from gate.model import (
    Bundle,
    Decision,
    Finding,
    Function,
    Location,
    Package,
    PolicySource,
    Reporter,
    ScanIssue,
    ScanResult,
    ScanStatus,
    Severity,
    Status,
    Suppression,
    Waiver,
    Warning_,
)
from gate.reports import RENDERERS, RenderOptions
from gate.reports.base import displayable, printable, web_link
from gate.reports.github import render_github
from gate.reports.markdown import render_markdown
from gate.reports.sarif import render_sarif, uri_path
from gate.verdict import Verdict
from tests.reports.wellformed import check_report

NASTY = (
    "evil\r\n# pass\r\n<!--.py",
    "\x1b]0;x\x07.py",
    "\udcff\udcfe.py",
    "a|b`c`[x](javascript:alert(1))<script>alert(1)</script>&amp;*_#!~$@:",
    "\x1b[2K\r::error::fake\n::notice::PASS",
    "\x9b31m\x00\x0b\x0c\ufffe\ufdd0\u202egnp.py\u2028\u2029\x85\U000e0001",
    "50% done, x:y a b%#?.py",
    "``` \n</code></td></tr></table><img src=x onerror=alert(1)>",
)


def function(name: str) -> Function:
    return Function(
        name, "sam", name, 1, f"AWS::Serverless::Function.{name}", "python3.12",
        name, name, name, name, (name,), (name,), (name,),
    )  # fmt: skip


def finding(text: str, status: Status) -> Finding:
    """A finding with `text` in every free text field (enums and patterns of the JSON
    report's schema, such as the scanner's name and the CWE, are kept)."""
    return Finding(
        scanner="bandit",
        rule_id=text or "-",
        title=text,
        message=text,
        severity=Severity.CRITICAL,
        bundle=text,
        location=Location(text, 3, 4, text),
        anchor=text,
        cwe="CWE-78",
        help_uri="javascript:alert(1)",
        package=Package(text, text, (text,), text),
        aliases=(text,),
        also_reported_by=(Reporter(text, text),),
        functions=(text,),
        suppression=Suppression("nosec", text),
        status=status,
        waiver=Waiver(text, text, text),
    )


def fixed(text: str) -> dict[str, str]:
    keys = ("fingerprint", "scanner", "rule_id", "bundle", "path", "title")
    return {key: text for key in keys}


def hostile_verdict(texts: tuple[str, ...] = NASTY, decision: Decision = Decision.FAIL) -> Verdict:
    """A verdict with `texts` in every text field it has."""
    findings = tuple(
        finding(t, status) for t in texts for status in (Status.BLOCKING, Status.WAIVED)
    )
    findings += (replace(findings[0], status=Status.SUPPRESSED),)
    return Verdict(
        decision=decision,
        findings=findings,
        scanners=(ScanResult("bandit", ScanStatus.ERROR, texts[-1], 1.0, texts[-1]),),
        bundles=tuple(Bundle(t, Path(t or "."), "directory", (function(t),)) for t in texts),
        policy=PolicySource(f"file:{texts[0]}", "0" * 64, texts[-1]),
        warnings=tuple(Warning_(t, t) for t in texts),
        errors=tuple(ScanIssue(None, t, t, t) for t in texts),
        advisories={"source": texts[0], "date": texts[-1]},
        git=Provenance("a" * 40, texts[-1], True, texts),
        baseline={"source": texts[0], "matched": 1, "fixed": [fixed(t) for t in texts]},
        diff={"base": texts[0], "merge_base": "b" * 40, "changed_files": 1, "preexisting": 0},
    )


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
@pytest.mark.parametrize("decision", [Decision.FAIL, Decision.ERROR])
def test_every_format_is_well_formed_whatever_the_verdict_holds(
    fmt: str, decision: Decision
) -> None:
    text = RENDERERS[fmt](hostile_verdict(decision=decision), RenderOptions())
    check_report(fmt, text)


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_a_bundle_file_name_is_shown_escaped_in_every_format(fmt: str) -> None:
    names = ("\x1b]0;x\x07.py", "\udcff\udcfe.py", "evil\r\n# pass.py")
    verdict = hostile_verdict(("x", *names))
    text = RENDERERS[fmt](verdict, RenderOptions())
    if fmt == "sarif":  # URIs carry the bytes, percent-encoded
        assert "%1B%5D0%3Bx%07.py" in text and "%FF%FE.py" in text
        assert "evil%0D%0A%23%20pass.py" in text
    elif fmt == "markdown":  # backslashes as entities
        assert "&#92;x1b&#93;0;x&#92;x07.py" in text and "&#92;xff&#92;xfe.py" in text
    elif fmt in ("json", "gitlab-sast"):
        assert r"\\x1b]0;x\\x07.py" in text and r"\\xff\\xfe.py" in text
    else:
        assert r"\x1b]0;x\x07.py" in text and r"\xff\xfe.py" in text
        assert r"evil\r\n# pass.py" in text


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_no_format_printed_to_a_ci_log_carries_a_workflow_command(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """GitHub's runner reads a line starting (after white space) with `::` as a command:
    only the `github` format's own lines may, whatever a file or function is named."""
    names = ("::stop-commands::gate.py", "::add-mask::api", "x\n  ::set-output name=d::pass")
    emit(RENDERERS[fmt](hostile_verdict(("x", *names)), RenderOptions()), None, fmt)
    printed = capsys.readouterr().out
    commands = [line for line in printed.splitlines() if line.strip().startswith("::")]
    if fmt == "github":
        assert commands and all(line.startswith(("::error ", "::notice ")) for line in commands)
    else:
        assert commands == [], commands


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_a_legacy_workflow_command_is_escaped_and_the_report_still_parses(
    fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The runner also reads `##[command]` anywhere in a line: every format printed to a
    CI log escapes it as its own syntax does, so JSON, SARIF and XML still parse."""
    names = ("##[add-mask]FAIL.py", "a ##[stop-commands]tok", "##vso[task.complete]x")
    text = RENDERERS[fmt](hostile_verdict(("x", *names)), RenderOptions())
    emit(text, None, fmt)
    printed = capsys.readouterr().out
    if fmt == "github":  # every line is the gate's own `::` command: the runner reads no other
        assert all(line.startswith("::") for line in printed.splitlines() if line)
        return
    assert "##[" not in printed and "##vso[" not in printed
    if fmt in ("json", "sarif", "gitlab-sast"):
        assert json.loads(printed) == json.loads(text)
    else:
        check_report(fmt, printed)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.text(st.characters(exclude_categories=()), max_size=12), min_size=1, max_size=3))
def test_any_text_renders_well_formed_in_every_format(texts: list[str]) -> None:
    verdict = hostile_verdict(tuple(texts))
    for fmt, render in RENDERERS.items():
        check_report(fmt, render(verdict, RenderOptions()))


def test_printable_escapes_what_a_reader_could_act_on() -> None:
    assert printable("ok é ü 中 ✅ a b") == "ok é ü 中 ✅ a b"
    assert printable("\x1b[31m\x07\x9b") == r"\x1b[31m\x07\x9b"
    assert printable("a\r\nb\tc") == r"a\r\nb\tc"
    assert printable("\udcff\udcfe") == r"\xff\xfe"  # bytes of a non-UTF-8 file name
    assert printable("\ud800\u202e\u2028\ufffe\U000e0001") == r"\ud800\u202e\u2028\ufffe\U000e0001"
    assert printable(printable("\x1b\udcff")) == printable("\x1b\udcff")


def test_shown_findings_keep_the_fingerprint_of_what_was_found() -> None:
    verdict = hostile_verdict()
    shown = displayable(verdict)
    assert [f.fingerprint for f in shown.findings] == [f.fingerprint for f in verdict.findings]
    assert shown.findings[0].location.path == r"evil\r\n# pass\r\n<!--.py"


def test_markdown_shows_a_pipe_backtick_and_heading_literally() -> None:
    verdict = hostile_verdict(("x", "a|b`c` # h <b>"))
    text = render_markdown(verdict, RenderOptions())
    assert "a&#124;b&#96;c&#96; &#35; h &#60;b&#62;" in text


def test_github_commands_escape_properties_and_data() -> None:
    verdict = hostile_verdict(("x", "50%,a:b\nc"))
    lines = render_github(verdict, RenderOptions()).splitlines()
    shown = "50%25%2Ca%3Ab\\nc"
    assert any(line.startswith(f"::error file={shown}/{shown},line=3,") for line in lines)
    assert any(line.endswith("::50%25,a:b\\nc") for line in lines)


def test_sarif_uris_are_percent_encoded() -> None:
    assert uri_path("a b/c%#?.py") == "a%20b/c%25%23%3F.py"
    assert uri_path("\udcff.py") == "%FF.py"
    assert uri_path("\ud800.py") == "%ED%A0%80.py"
    verdict = hostile_verdict(("x", "/abs dir"))
    assert '"uri": "file:///abs%20dir"' in render_sarif(verdict, RenderOptions())


def test_sarif_rule_help_shows_titles_literally_and_links_only_to_the_web() -> None:
    verdict = hostile_verdict(("x", "**bold** <img src=x> `code`"))
    log = json.loads(render_sarif(verdict, RenderOptions()))
    rules = [rule for run in log["runs"] for rule in run["tool"]["driver"]["rules"]]
    assert all("helpUri" not in rule for rule in rules)  # javascript: is no help
    markdown = next(r["help"]["markdown"] for r in rules if r["id"].startswith("**"))
    assert markdown.startswith("**&#42;&#42;bold&#42;&#42; &#60;img src=x&#62; &#96;code&#96;**")


@pytest.mark.parametrize(
    ("uri", "link"),
    [
        ("https://example.com/a(b)", "https://example.com/a%28b%29"),
        ("http://example.com/?q=1#x", "http://example.com/?q=1#x"),
        ("javascript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("https://example.com/a b", None),
        ("https://example.com/\x1b]8;;", None),
    ],
)
def test_reports_link_only_to_the_web(uri: str, link: str | None) -> None:
    assert web_link(uri) == link
