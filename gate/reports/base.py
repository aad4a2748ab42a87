"""What every report format shares."""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from pathlib import PurePath
from typing import Any, TypeVar
from urllib.parse import quote

from gate.model import Decision, Finding, Function, ScanIssue, Severity, Status, python_function
from gate.verdict import Budget, Verdict

T = TypeVar("T")
_ATOMIC = frozenset({int, float, bool})
_FIELDS: dict[type, tuple[str, ...]] = {}
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Every character Markdown (GitHub's included) could read as syntax, as an entity: a
# heading, list, table cell, link, image, HTML, comment, code span, emphasis, strike,
# math, emoji, mention or issue reference.
_MARKDOWN = str.maketrans({c: f"&#{ord(c)};" for c in "\\`*_[]<>#!|~&$@:"})


@dataclass(frozen=True)
class RenderOptions:
    """How a report is to be rendered."""

    color: bool = False
    """Console only: ANSI colour (on a terminal, unless NO_COLOR is set)."""
    quiet: bool = False
    """Console only: blocking findings and the verdict line, nothing else."""
    width: int | None = None
    """Console only: the columns to wrap to (the terminal's); None: one line a finding,
    however long (a CI log, a file), so lines stay whole for grep."""


STATUS_LABEL = {status: status.value for status in Status} | {
    # The JSON report's `allowed`: reported, under the policy's threshold. Not a waiver.
    Status.ALLOWED: "below threshold",
}
"""A finding's status as people read it (the JSON report keeps the contract's words)."""


def printable(text: str) -> str:
    """`text` with every character that is not printable (`str.isprintable`) shown as an
    escape: controls (terminal escapes, line breaks), format characters (bidirectional
    overrides, zero-width), separators other than the space, unassigned and private
    characters: `\\x1b`, `\\n`, `\\u202e`. A byte of a file name that is not UTF-8 (a
    surrogate escape) shows as `\\xff`. Printable text comes back unchanged."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def no_workflow_commands(text: str, fmt: str = "console") -> str:
    """`text` with no line a CI runner reads as a command. GitHub Actions takes any line of
    a step's output that starts, after white space, with `::` for one (`::add-mask::`,
    `::stop-commands::`, `::set-output`), and its older form `##[command]` anywhere in a
    line, as Azure Pipelines takes `##vso[`: a file or function name must not be one, so
    a backslash goes before such a line's `::`, and the `[` of every `##[` is escaped as
    text of report format `fmt` escapes it (a backslash in text; `\u005b` in JSON;
    `&#91;` in XML and HTML), so the report still reads as what it says."""
    bracket = _BRACKET.get(fmt, "\\[")
    return _LEGACY_COMMAND.sub(lambda m: m[1] + bracket, _COMMAND_LINE.sub(r"\1\\::", text))


# How each report format that is not plain text escapes a `[`.
_BRACKET = {
    "json": "\\u005b",
    "sarif": "\\u005b",
    "gitlab-sast": "\\u005b",
    "junit": "&#91;",
    "html": "&#91;",
}


_COMMAND_LINE = re.compile(r"((?:^|[\r\n])[^\S\r\n]*)::")
_LEGACY_COMMAND = re.compile(r"(##(?:vso)?)\[", re.IGNORECASE)


def _escape(char: str) -> str:
    code = ord(char)
    if char in _SHORT:
        return _SHORT[char]
    if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's escape of the byte code - 0xDC00
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def markdown_text(text: str) -> str:
    """`text` as Markdown that shows it literally, on one line (`printable` first)."""
    return printable(text).translate(_MARKDOWN)


def displayable(verdict: Verdict) -> Verdict:
    """The verdict with `printable` applied to every text in it, for a report to show.
    Each finding keeps the fingerprint of what was found, not of how it is shown."""
    findings = tuple(_displayable_finding(f) for f in verdict.findings)
    return replace(_displayable(replace(verdict, findings=())), findings=findings)


def _displayable_finding(finding: Finding) -> Finding:
    shown = _displayable(finding)
    if shown is finding:  # nothing to escape: the same object, the same fingerprint
        return finding
    return replace(shown, reported_fingerprint=finding.fingerprint)


def web_link(uri: str | None) -> str | None:
    """`uri` if a report may link to it (http or https, nothing a reader could act on),
    else None: a `javascript:` link in a finding must not become a clickable script."""
    if not uri or not uri.lower().startswith(("https://", "http://")):
        return None
    if not uri.isprintable() or " " in uri:
        return None
    # Anything a URI may not hold as it is (quotes, brackets, non-ASCII) percent-encoded.
    return quote(uri, safe=":/?#[]@!$&'*+,;=%-._~")


def _displayable(value: T) -> T:
    kind = type(value)
    if kind is str:
        return printable(value)  # type: ignore[arg-type,return-value]
    if value is None or kind in _ATOMIC or isinstance(value, enum.Enum):
        return value
    result: object = value
    if isinstance(value, PurePath):
        text = str(value)
        shown = printable(text)
        result = value if shown is text else type(value)(shown)
    elif isinstance(value, (tuple, list)) and value:
        items = [_displayable(v) for v in value]
        if any(a is not b for a, b in zip(items, value, strict=True)):
            result = type(value)(items)
    elif isinstance(value, dict):
        result = {_displayable(k): _displayable(v) for k, v in value.items()}
    elif is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS.get(kind) or _FIELDS.setdefault(
            kind, tuple(f.name for f in fields(value) if f.init)
        )
        changes = {}
        for name in names:
            old = getattr(value, name)
            new = _displayable(old)
            if new is not old:
                changes[name] = new
        if changes:
            result = replace(value, **changes)
    return result  # type: ignore[return-value]


def problems(findings: Sequence[Finding]) -> tuple[int, int]:
    """How many distinct problems `findings` are (a problem is one rule at one place on
    one resource, whichever functions it touches) and how many functions they affect."""
    places = {
        (f.rule_id, f.bundle, f.location.path, f.location.start_line, f.location.resource)
        for f in findings
    }
    functions = {(f.bundle, name) for f in findings for name in f.functions}
    return len(places), len(functions)


def summary(verdict: Verdict) -> dict[str, object]:
    """Counts for the report's summary block: every severity and status, zeros included."""
    by_severity = Counter(f.severity.label for f in verdict.findings)
    by_status = Counter(f.status.value for f in verdict.findings if f.status is not None)
    blocking_problems, blocking_functions = problems(verdict.blocking)
    return {
        "total": len(verdict.findings),
        "blocking": by_status[Status.BLOCKING.value],
        "blocking_problems": blocking_problems,
        "blocking_functions": blocking_functions,
        "by_severity": {s.label: by_severity[s.label] for s in sorted(Severity, reverse=True)},
        "by_status": {s.value: by_status[s.value] for s in Status},
        "budgets": {
            b.severity.label: {"limit": b.limit, "count": b.count, "exceeded": b.exceeded}
            for b in verdict.budgets
        },
    }


def budget_text(budget: Budget) -> str:
    return f"{budget.count} {budget.severity.label} findings, budget {budget.limit}"


def verdict_line(verdict: Verdict) -> str:
    """One line that says what the gate decided and why (and that a failure exits 0
    under `--soft-fail`)."""
    line = _decision_line(verdict)
    if verdict.soft_fail and verdict.decision is Decision.FAIL:
        return f"{line} [soft fail: exit 0]"
    return line


def _decision_line(verdict: Verdict) -> str:
    blocking = verdict.blocking
    if verdict.decision.value == "error":
        failed = [s.scanner for s in verdict.scanners if s.failed]
        if failed:
            return f"ERROR: the gate could not decide: {', '.join(failed)} failed"
        unchecked = [e for e in verdict.errors if e.scanner is None]
        if unchecked:
            more = f" (and {len(unchecked) - 1} more)" if len(unchecked) > 1 else ""
            return f"ERROR: the gate could not check everything: {unchecked[0].message}{more}"
        return "ERROR: the gate could not decide"
    over = [budget_text(b) for b in verdict.budgets if b.exceeded]
    if over and not blocking:
        return f"FAIL: over budget ({'; '.join(over)})"
    if blocking:
        levels = Counter(f.severity.label for f in blocking)
        detail = ", ".join(
            f"{levels[s.label]} {s.label}"
            for s in sorted(Severity, reverse=True)
            if levels[s.label]
        )
        budgets = f"; over budget ({'; '.join(over)})" if over else ""
        total = len(verdict.findings)
        count, functions = problems(blocking)
        where = f" in {_plural(functions, 'function')}" if functions else ""
        return (
            f"FAIL: {_plural(count, 'blocking problem')}{where} ({detail}) "
            f"of {_plural(total, 'finding')}{budgets}"
        )
    codes = {w.code for w in verdict.warnings}
    changed = [what for what in ("policy", "baseline") if f"{what}-changed" in codes]
    if verdict.decision.value == "fail" and changed:
        return (
            f"FAIL: the {' and the '.join(changed)} differ{'s' if len(changed) == 1 else ''} "
            "from the trusted one at --policy-ref (policy_change: fail)"
        )
    reported = f"{len(verdict.findings)} reported"
    earlier = sum(f.status in (Status.BASELINED, Status.PREEXISTING) for f in verdict.findings)
    if earlier:
        return (
            f"PASS: no new blocking findings ({reported}; {earlier} predate the change or baseline)"
        )
    return f"PASS: no blocking findings ({reported}, none at the threshold)"


def by_function(verdict: Verdict, findings: Sequence[Finding]) -> list[tuple[str, list[Finding]]]:
    """`findings` grouped by the functions they belong to, in the order the IaC declares the
    functions; findings of no function come last, under an empty label. Order within a
    group is kept."""
    order = {
        (b.id, f.name): index
        for index, (b, f) in enumerate((b, f) for b in verdict.bundles for f in b.functions)
    }
    groups: dict[tuple[str, tuple[str, ...]], list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.bundle, finding.functions), []).append(finding)

    def rank(key: tuple[str, tuple[str, ...]]) -> tuple[int, int]:
        bundle, functions = key
        if not functions:
            return (len(order), 0)
        return (order.get((bundle, functions[0]), len(order)), len(functions))

    return [
        (function_label(verdict, bundle, functions), groups[(bundle, functions)])
        for bundle, functions in sorted(groups, key=rank)
    ]


def function_label(verdict: Verdict, bundle: str, functions: tuple[str, ...]) -> str:
    """Function names, with their bundle's id when the run has more than one bundle."""
    names = ", ".join(functions)
    if len(verdict.bundles) < 2 or not names:
        return names
    return f"{bundle}: {names}"


@dataclass(frozen=True)
class FunctionRow:
    """One discovered function as the reports list it."""

    bundle: str
    function: Function
    findings: int
    blocking: int

    @property
    def coverage(self) -> dict[str, Any]:
        return coverage(self.function)

    def coverage_text(self) -> str:
        """`IaC template.yaml · code python · dependencies requirements.txt`."""
        shown = self.coverage
        dependencies = ", ".join(shown["dependencies"]) or "none found"
        return f"IaC {shown['iac']} · code {shown['code']} · dependencies {dependencies}"


def function_verdicts(verdict: Verdict) -> list[FunctionRow]:
    """One row per discovered function, with its findings and blocking findings."""
    rows = []
    for bundle in verdict.bundles:
        for function in bundle.functions:
            mine = [
                f
                for f in verdict.findings
                if f.bundle == bundle.id and function.name in f.functions
            ]
            blocking = sum(f.status is Status.BLOCKING for f in mine)
            rows.append(FunctionRow(bundle.id, function, len(mine), blocking))
    return rows


def coverage(function: Function) -> dict[str, Any]:
    """What of one function the gate analysed: its IaC, its code, its dependencies."""
    if function.code is None and function.left_out is not None:
        code = f"left out by the policy: {function.left_out}"
    elif function.code is None:
        code = "not in the bundle"
    elif python_function(function):
        code = "python"
    else:
        code = f"not analysed: {function.runtime}"
    return {"iac": function.iac_file, "code": code, "dependencies": list(function.manifests)}


def issue_source(issue: ScanIssue) -> str:
    """Who could not check something: a scanner, or the gate itself."""
    return issue.scanner or "gate"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"
