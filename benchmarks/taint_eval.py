"""Precision and recall of the taint rules (GATE-SLS-001..009) on the labelled cases
under benchmarks/taint_eval/cases, per rule family.

    python benchmarks/taint_eval.py [--family F] [--verbose]

Each case is copied to a temporary directory, its bundle read as the serverless
scanner's worker reads it (discovery, then `BundleContext`), and every serverless rule
run in-process (`gate.rules.analyse`). Findings of a GATE-SLS-00N rule are compared
with the case's `expect` by (rule, file, line): a match is a true positive, an expected
finding not reported a false negative, a reported one not expected a false positive,
counted against the family of the rule that fired. A case whose rules fail counts all
its expected findings as false negatives. It always exits 0: a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

CASES = Path(__file__).resolve().parent / "taint_eval" / "cases"

FAMILIES = {
    "command": "GATE-SLS-001",
    "code": "GATE-SLS-002",
    "sql": "GATE-SLS-003",
    "deserialise": "GATE-SLS-004",
    "template": "GATE-SLS-005",
    "path": "GATE-SLS-006",
    "url": "GATE-SLS-007",
    "xxe": "GATE-SLS-008",
    "second-order": "GATE-SLS-009",
}
FAMILY_OF = {rule: family for family, rule in FAMILIES.items()}
SOURCES = ("lambda", "chalice", "powertools", "flask-wsgi", "flask-awsgi", "fastapi-mangum")
KEYS = ("family", "source", "origin", "expect", "note")
TAINT_RULE = re.compile(r"GATE-SLS-00\d")

Key = tuple[str, str, int]
"""(rule id, file relative to the case, line)."""


@dataclass(frozen=True)
class Case:
    name: str
    """`<family>/<case-name>`."""
    directory: Path
    family: str
    source: str
    expect: frozenset[Key]


@dataclass
class Outcome:
    """One case compared with its labels."""

    case: Case
    tp: set[Key] = field(default_factory=set)
    fp: set[Key] = field(default_factory=set)
    fn: set[Key] = field(default_factory=set)
    error: str | None = None


@dataclass
class Row:
    cases: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0


def read_label(path: Path) -> dict[str, Any]:
    """A case.yml, checked for the keys and values the evaluator needs."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: not a mapping")
    missing = [k for k in KEYS if k not in data]
    if missing:
        raise ValueError(f"{path}: missing {', '.join(missing)}")
    if data["family"] not in FAMILIES:
        raise ValueError(f"{path}: unknown family {data['family']!r}")
    if data["source"] not in SOURCES:
        raise ValueError(f"{path}: unknown source {data['source']!r}")
    if not isinstance(data["expect"], list):
        raise ValueError(f"{path}: expect is not a list")
    for item in data["expect"]:
        if not (
            isinstance(item, dict)
            and isinstance(item.get("rule"), str)
            and TAINT_RULE.fullmatch(item["rule"])
            and isinstance(item.get("file"), str)
            and isinstance(item.get("line"), int)
        ):
            raise ValueError(f"{path}: bad expect entry {item!r}")
    return data


def load_cases(root: Path = CASES, family: str | None = None) -> list[Case]:
    cases = []
    for label in sorted(root.glob("*/*/case.yml")):
        data = read_label(label)
        if family is not None and data["family"] != family:
            continue
        expect = frozenset((e["rule"], e["file"], e["line"]) for e in data["expect"])
        name = label.parent.relative_to(root).as_posix()
        cases.append(Case(name, label.parent, data["family"], data["source"], expect))
    return cases


def findings_of(directory: Path) -> list[Key]:
    """The taint findings of the serverless rules on a copy of the bundle at `directory`.
    Raises if a rule fails."""
    from gate.bundle.discovery.bundle import discover
    from gate.rules import analyse
    from gate.rules.context import BundleContext

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "bundle"
        shutil.copytree(directory, root, ignore=shutil.ignore_patterns("case.yml"))
        functions = discover(root, "bundle").functions
        analysis = analyse(BundleContext("bundle", root, root, functions))
    failed = [i.describe() for i in analysis.issues if i.rule is not None]
    if failed:
        raise RuntimeError("; ".join(failed))
    return [
        (f.rule_id, f.path, f.line)
        for f in analysis.findings
        if TAINT_RULE.fullmatch(f.rule_id) and f.line is not None
    ]


def compare(case: Case, found: Iterable[Key]) -> Outcome:
    reported = set(found)
    return Outcome(
        case, tp=reported & case.expect, fp=reported - case.expect, fn=set(case.expect - reported)
    )


def evaluate(case: Case) -> Outcome:
    try:
        found = findings_of(case.directory)
    except Exception as e:  # a failing rule is a result of the benchmark, not its end
        return Outcome(case, fn=set(case.expect), error=f"{type(e).__name__}: {e}")
    return compare(case, found)


def tally(outcomes: Iterable[Outcome]) -> dict[str, Row]:
    """Per family: its cases, and the TP/FN of its rule's expected findings and the FP
    of its rule, whichever case they are in."""
    rows = {family: Row() for family in FAMILIES}
    for outcome in outcomes:
        rows[outcome.case.family].cases += 1
        for rule, _, _ in outcome.tp:
            rows[FAMILY_OF[rule]].tp += 1
        for rule, _, _ in outcome.fp:
            rows[FAMILY_OF[rule]].fp += 1
        for rule, _, _ in outcome.fn:
            rows[FAMILY_OF[rule]].fn += 1
    return rows


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "-"


def table(rows: dict[str, Row], families: Sequence[str] | None = None) -> str:
    lines = [
        "| family | cases | TP | FP | FN | precision | recall |",
        "|---|---|---|---|---|---|---|",
    ]
    total = Row()
    for family, row in rows.items():
        # With a family chosen, other families' rows only when their rules fired in it.
        if not families or family in families or row.tp + row.fp + row.fn:
            lines.append(
                f"| {family} | {row.cases} | {row.tp} | {row.fp} | {row.fn} "
                f"| {ratio(row.tp, row.tp + row.fp)} | {ratio(row.tp, row.tp + row.fn)} |"
            )
        total.cases += row.cases
        total.tp += row.tp
        total.fp += row.fp
        total.fn += row.fn
    lines.append(
        f"| all | {total.cases} | {total.tp} | {total.fp} | {total.fn} "
        f"| {ratio(total.tp, total.tp + total.fp)} | {ratio(total.tp, total.tp + total.fn)} |"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--family", choices=sorted(FAMILIES), help="only the cases of one family")
    parser.add_argument("--verbose", action="store_true", help="list each FP and FN")
    args = parser.parse_args(argv)
    outcomes = [evaluate(case) for case in load_cases(family=args.family)]
    for outcome in outcomes:
        if outcome.error:
            print(f"error in {outcome.case.name}: {outcome.error}", file=sys.stderr)
    rows = tally(outcomes)
    print(table(rows, [args.family] if args.family else None))
    if args.verbose:
        print()
        for outcome in outcomes:
            for kind, keys in (("FN", outcome.fn), ("FP", outcome.fp)):
                for rule, path, line in sorted(keys):
                    print(f"{kind} {FAMILY_OF[rule]} {rule} {outcome.case.name}: {path}:{line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
