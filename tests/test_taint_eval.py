"""The taint evaluation set is well formed, and its evaluator counts right. (Its
precision and recall are a benchmark, benchmarks/taint_eval.py, not a test.)"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT

SET = ROOT / "benchmarks" / "taint_eval"
CASES = SET / "cases"
IAC = ("template.yaml", "serverless.yml", ".chalice/config.json")


def _load(name: str, path: Path, monkeypatch: pytest.MonkeyPatch | None = None) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    if monkeypatch is not None:
        monkeypatch.setitem(sys.modules, name, module)
    else:
        sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def evaluator() -> ModuleType:
    return _load("taint_eval_benchmark", ROOT / "benchmarks" / "taint_eval.py")


def _labels() -> list[Path]:
    return sorted(CASES.glob("*/*/case.yml"))


def test_every_case_is_labelled_and_its_expected_lines_exist(evaluator: ModuleType) -> None:
    labels = _labels()
    assert len(labels) >= 144
    for label in labels:
        data = evaluator.read_label(label)
        case = label.parent
        assert case.parent.name == data["family"], label
        assert any((case / iac).is_file() for iac in IAC), f"{case}: no IaC"
        assert data["origin"] and data["note"], label
        for item in data["expect"]:
            path = case / item["file"]
            assert path.is_file(), f"{label}: {item['file']} missing"
            lines = path.read_text(encoding="utf-8").splitlines()
            assert 1 <= item["line"] <= len(lines), f"{label}: line {item['line']} out of range"
            assert lines[item["line"] - 1].strip(), f"{label}: line {item['line']} is blank"
        for python in case.rglob("*.py"):
            compile(python.read_text(encoding="utf-8"), str(python), "exec")


def test_every_family_has_positives_and_negatives(evaluator: ModuleType) -> None:
    positives: Counter[str] = Counter()
    negatives: Counter[str] = Counter()
    for label in _labels():
        data = evaluator.read_label(label)
        (positives if data["expect"] else negatives)[data["family"]] += 1
    for family in evaluator.FAMILIES:
        assert positives[family] >= 8, family
        assert negatives[family] >= 8, family


def test_a_positive_expects_its_own_familys_rule(evaluator: ModuleType) -> None:
    for label in _labels():
        data = evaluator.read_label(label)
        if data["expect"]:
            rules = {item["rule"] for item in data["expect"]}
            assert evaluator.FAMILIES[data["family"]] in rules, label


def test_the_committed_cases_are_what_the_generator_writes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.syspath_prepend(str(SET))
    generate = _load("generate", SET / "generate.py", monkeypatch)
    case_list = _load("case_list", SET / "case_list.py", monkeypatch)
    written = set()
    for case in case_list.CASE_LIST:
        files, _ = generate.render(case)
        for name, text in files.items():
            path = CASES / case.family / case.name / name
            assert path.read_text(encoding="utf-8") == text, path
        written.add(f"{case.family}/{case.name}")
    assert written == {label.parent.relative_to(CASES).as_posix() for label in _labels()}


def test_comparison_counts_true_false_positives_and_negatives(evaluator: ModuleType) -> None:
    sql = evaluator.Case(
        "sql/one",
        Path("."),
        "sql",
        "lambda",
        frozenset({("GATE-SLS-003", "app.py", 10), ("GATE-SLS-003", "app.py", 20)}),
    )
    clean = evaluator.Case("url/clean", Path("."), "url", "lambda", frozenset())
    first = evaluator.compare(
        sql,
        [
            ("GATE-SLS-003", "app.py", 10),  # TP
            ("GATE-SLS-003", "app.py", 10),  # the same finding again: still one
            ("GATE-SLS-003", "app.py", 11),  # FP (wrong line)
            ("GATE-SLS-001", "app.py", 20),  # FP of the command family; line 20 is an FN
        ],
    )
    assert first.tp == {("GATE-SLS-003", "app.py", 10)}
    assert first.fn == {("GATE-SLS-003", "app.py", 20)}
    assert first.fp == {("GATE-SLS-003", "app.py", 11), ("GATE-SLS-001", "app.py", 20)}
    second = evaluator.compare(clean, [("GATE-SLS-007", "handler.py", 5)])
    rows = evaluator.tally([first, second])
    assert (rows["sql"].cases, rows["sql"].tp, rows["sql"].fp, rows["sql"].fn) == (1, 1, 1, 1)
    assert (rows["command"].cases, rows["command"].fp) == (0, 1)
    assert (rows["url"].cases, rows["url"].tp, rows["url"].fp, rows["url"].fn) == (1, 0, 1, 0)
    table = evaluator.table(rows)
    assert "| sql | 1 | 1 | 1 | 1 | 0.50 | 0.50 |" in table
    assert "| url | 1 | 0 | 1 | 0 | 0.00 | - |" in table
    assert "| xxe | 0 | 0 | 0 | 0 | - | - |" in table


def test_a_case_whose_rules_fail_counts_as_all_false_negatives(
    evaluator: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(directory: Path) -> list[tuple[str, str, int]]:
        raise RuntimeError("the taint rules failed")

    monkeypatch.setattr(evaluator, "findings_of", fail)
    case = evaluator.Case(
        "code/x", Path("."), "code", "lambda", frozenset({("GATE-SLS-002", "app.py", 3)})
    )
    outcome = evaluator.evaluate(case)
    assert outcome.fn == {("GATE-SLS-002", "app.py", 3)}
    assert not outcome.tp and not outcome.fp
    assert "the taint rules failed" in outcome.error


def test_the_evaluator_runs_the_rules_on_one_case(evaluator: ModuleType) -> None:
    case = next(
        c for c in evaluator.load_cases(family="command") if c.name == "command/lambda-shlex-quote"
    )
    assert evaluator.evaluate(case).fp == set()
    positive = next(
        c
        for c in evaluator.load_cases(family="command")
        if c.name == "command/lambda-os-system-query"
    )
    assert evaluator.evaluate(positive).tp == positive.expect
