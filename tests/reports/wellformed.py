"""What every report must be, whatever text the verdict holds: one checker per format,
shared by the unit tests and the hostile end-to-end cases."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser

import jsonschema

from gate.reports.json_report import report_schema
from gate.reports.read import verdict_of
from tests.conftest import ASSETS

# Raw terminal control: ESC, CSI (C1), BEL.
TERMINAL = ("\x1b", "\x9b", "\x07")
HTML_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "code", "div",
    "figure", "figcaption", "svg", "text", "rect", "ul", "li", "b", "label", "select",
    "option", "input", "span", "table", "thead", "tbody", "tr", "th", "td", "a", "br",
    "small", "script",
}  # fmt: skip
MARKDOWN_HEADINGS = {"## ", "### Blocking findings", "### Notes"}
# A URI reference (RFC 3986): unreserved, reserved and percent-encoded octets only.
URI = re.compile(r"^(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")


def check_text(text: str) -> None:
    """Any format: UTF-8, no terminal control, nothing but printable text and newlines."""
    text.encode("utf-8")  # a surrogate from a non-UTF-8 file name would raise
    for char in TERMINAL:
        assert char not in text, repr(char)
    odd = {c for c in text if not c.isprintable() and c != "\n"}
    assert not odd, odd


def check_values(value: object) -> None:
    """Every string in a parsed JSON document passes `check_text` (JSON's `\\u001b` and
    `\\udcff` escapes are valid JSON, but the text they decode to is not safe to show)."""
    if isinstance(value, str):
        check_text(value)
        assert "\n" not in value, value
    elif isinstance(value, list):
        for item in value:
            check_values(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_values(key)
            check_values(item)


def check_json(text: str) -> None:
    report = json.loads(text)
    check_values(report)
    jsonschema.Draft202012Validator(report_schema()).validate(report)
    again = json.loads(json.dumps(report))
    from gate.reports import RENDERERS, RenderOptions

    # Read back (as `gate merge` does) and rendered again: the same report.
    assert RENDERERS["json"](verdict_of(again), RenderOptions()) == text


def check_sarif(text: str) -> None:
    log = json.loads(text)
    check_values({k: v for k, v in log.items() if k != "runs"})
    for run in log["runs"]:
        check_values(run["results"])
    schema = json.loads((ASSETS / "schemas" / "sarif-2.1.0.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(log)
    for run in log["runs"]:
        for result in run["results"]:
            for location in result["locations"]:
                uri = location["physicalLocation"]["artifactLocation"]["uri"]
                assert URI.match(uri), uri
        for rule in run["tool"]["driver"]["rules"]:
            assert "helpUri" not in rule or URI.match(rule["helpUri"]), rule["helpUri"]


def gitlab_schema() -> jsonschema.Draft7Validator:
    """GitLab's SAST report schema, as GitLab vendors it (tests/assets/schemas/SOURCE.md)."""
    schema = json.loads((ASSETS / "schemas" / "sast-report-format-15.2.1.json").read_text())
    return jsonschema.Draft7Validator(schema)


def check_gitlab_sast(text: str) -> None:
    """GitLab's schema, and text safe to show; a description is Markdown, in paragraphs."""
    report = json.loads(text)
    gitlab_schema().validate(report)
    for vulnerability in report["vulnerabilities"]:
        check_text(vulnerability.pop("description"))
    check_values(report)


def check_junit(text: str) -> None:
    # XML 1.0 allows tab, newline and carriage return of the C0 controls, nothing else.
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", text)
    root = ET.fromstring(text.encode("utf-8"))
    assert root.tag == "testsuites"


def check_markdown(text: str) -> None:
    table_cells: int | None = None
    for line in text.splitlines():
        assert not line.lstrip().startswith("<!--"), line
        if line.startswith("#"):
            assert any(line.startswith(h) for h in MARKDOWN_HEADINGS), line
        assert "`" not in line, line
        assert not re.search(r"<(?!/?code>)", line), line
        assert "](javascript" not in line.lower(), line
        if line.startswith("|"):
            cells = len(re.findall(r"(?<!\\)\|", line))
            assert table_cells is None or cells == table_cells, line
            table_cells = cells
        else:
            table_cells = None


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.links: list[str] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.links += [v or "" for k, v in attrs if k in ("href", "src")]

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)


def check_html(text: str) -> None:
    parser = _Tags()
    parser.feed(text)
    parser.close()
    assert set(parser.tags) <= HTML_TAGS, set(parser.tags) - HTML_TAGS
    assert parser.tags.count("script") == 1
    assert not parser.comments
    assert all(link.startswith(("https://", "http://")) for link in parser.links), parser.links


def check_github(text: str) -> None:
    for line in text.splitlines():
        assert line.startswith(("::error ", "::warning ", "::notice ")), line
        command, _, message = line[2:].partition("::")
        assert "\r" not in message and "::" not in command, line


def check_console(text: str) -> None:
    lines = text.rstrip("\n").splitlines()
    assert lines[-1].startswith(("PASS", "FAIL", "ERROR")), lines[-1]


CHECKS: dict[str, Callable[[str], None]] = {
    "console": check_console,
    "json": check_json,
    "sarif": check_sarif,
    "junit": check_junit,
    "markdown": check_markdown,
    "github": check_github,
    "html": check_html,
    "gitlab-sast": check_gitlab_sast,
}


def check_report(fmt: str, text: str) -> None:
    """`text`, a report in format `fmt`, is well formed and safe to show."""
    check_text(text)
    CHECKS[fmt](text)
