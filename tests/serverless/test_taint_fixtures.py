"""The taint rules over the fixture set in tests/assets/handlers/taint: vulnerable_*.py
handlers mark each line a rule must report with `# expect: GATE-SLS-00N`; safe_*.py
handlers are look-alikes with a sanitiser, a guard, a constant or a safe API, and must
produce nothing. Recall and precision are both exact: every marker found, nothing else.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import pytest

from gate.rules import taint
from gate.rules.taint.sinks import KIND
from tests.serverless.taint_support import HANDLERS, alone, expected

TAINT = HANDLERS / "taint"
VULNERABLE = sorted(TAINT.glob("vulnerable_*.py"))
SAFE = sorted(TAINT.glob("safe_*.py"))


def found(handler: Path, tmp_path: Path) -> set[tuple[str, int]]:
    return {(f.rule_id, f.line or 0) for f in taint.check(alone(handler, tmp_path / "b"))}


def test_the_fixture_set_is_large_enough_and_covers_every_sink() -> None:
    assert len(VULNERABLE) >= 10
    assert len(SAFE) >= 10
    assert all(expected(p) for p in VULNERABLE), "a vulnerable fixture without a marker"
    assert not any(expected(p) for p in SAFE), "a safe fixture with a marker"
    marked = {rule for p in VULNERABLE for rule, _ in expected(p)}
    assert marked == set(taint.RULE_IDS)


@pytest.mark.parametrize("handler", VULNERABLE, ids=lambda p: p.stem)
def test_vulnerable_handler(handler: Path, tmp_path: Path) -> None:
    assert found(handler, tmp_path) == expected(handler)


@pytest.mark.parametrize("handler", SAFE, ids=lambda p: p.stem)
def test_safe_handler(handler: Path, tmp_path: Path) -> None:
    assert found(handler, tmp_path) == set()


# Each safe fixture with the one thing that makes it safe taken out must be reported:
# proof that the sanitiser is what keeps it quiet, not a gap in the propagation.
UNSANITISED = [
    ("safe_command_quoted", "{shlex.quote(name)}", "{name}", "GATE-SLS-001"),
    ("safe_command_int_converted", "int(event", "str(event", "GATE-SLS-001"),
    ("safe_command_allow_listed", "not in ACTIONS", "in ACTIONS", "GATE-SLS-001"),
    ("safe_command_allow_listed", "if requested in FORMATS", "if requested", "GATE-SLS-001"),
    ("safe_command_argument_list", '["convert", f"/tmp/in/{name}"', '[f"convert {name}"', None),
    ("safe_command_constant_table", '"uptime")', 'event["check"])', "GATE-SLS-001"),
    ("safe_command_validator_helper", "    _check_user(name)\n", "", "GATE-SLS-001"),
    ("safe_command_validator_helper", "not digits.isdigit()", "not digits", "GATE-SLS-001"),
    ("safe_code_literal_eval", "ast.literal_eval(", "eval(", "GATE-SLS-002"),
    ("safe_sql_parameterised", "customer = ?", "customer = '{customer}'", "GATE-SLS-003"),
    ("safe_deserialise_safe_loaders", "yaml.safe_load(", "yaml.unsafe_load(", "GATE-SLS-004"),
    ("safe_deserialise_safe_loaders", "yaml.SafeLoader", "yaml.UnsafeLoader", "GATE-SLS-004"),
    ("safe_template_variables", '"Order {{ id }}"', 'event["body"]', "GATE-SLS-005"),
    ("safe_path_basename", "os.path.basename(", "str(", "GATE-SLS-006"),
    ("safe_path_realpath_guard", "full.startswith(BASE)", "requested", "GATE-SLS-006"),
    ("safe_path_uuid", "uuid.UUID(", "str(", "GATE-SLS-006"),
    ("safe_url_fixed_host", "https://users.example.com/users/", "https://", "GATE-SLS-007"),
    ("safe_url_fixed_host", "SEARCH + user_id", "user_id", "GATE-SLS-007"),
    ("safe_xxe_entities_off", "resolve_entities=False", "resolve_entities=True", "GATE-SLS-008"),
]


@pytest.mark.parametrize(("stem", "old", "new", "rule"), UNSANITISED)
def test_without_its_sanitiser_a_safe_handler_is_reported(
    stem: str, old: str, new: str, rule: str | None, tmp_path: Path
) -> None:
    source = (TAINT / f"{stem}.py").read_text(encoding="utf-8")
    assert source.count(old) == 1, f"{stem}: {old!r} should occur once"
    changed = tmp_path / f"{stem}.py"
    changed.write_text(source.replace(old, new), encoding="utf-8")
    rules = {rule_id for rule_id, _ in found(changed, tmp_path)}
    # An argument list without a shell stays safe even with the data in the program name:
    # argument injection is out of scope.
    assert rules == ({rule} if rule else set())


def bandit_issues(path: Path) -> set[tuple[str, int]]:
    """(test id, first line) of each issue the installed bandit reports on `path`."""
    with warnings.catch_warnings():
        # bandit passes stevedore a deprecated no-op argument; not this test's concern.
        warnings.filterwarnings("ignore", "The verify_requirements argument", DeprecationWarning)
        from bandit.core import config, manager

    mgr = manager.BanditManager(config.BanditConfig(), "file", quiet=True, ignore_nosec=True)
    mgr.discover_files([str(path)])
    mgr.run_tests()
    issues: list[Any] = mgr.get_issue_list()
    return {(str(i.test_id), int(i.linerange[0])) for i in issues}


@pytest.mark.parametrize("handler", VULNERABLE, ids=lambda p: p.stem)
def test_bandits_report_of_the_same_sink_is_merged(handler: Path, tmp_path: Path) -> None:
    """Every bandit issue that is one of our sinks (same test family, same call) is named
    by the taint finding's merges, with the line bandit reports it at."""
    context = alone(handler, tmp_path / "b")
    findings = taint.check(context)
    merged = {(rule, m.line) for f in findings for m in f.merges for rule in m.rule_ids}
    ours = {rule for kind in KIND.values() for rule in kind.bandit}
    sink_lines = {line for f in findings for m in f.merges if (line := m.line)}
    for test_id, line in bandit_issues(context.root / handler.name):
        if test_id in ours and line in sink_lines:
            assert (test_id, line) in merged
    for f in findings:
        for m in f.merges:
            assert (m.scanner, m.path) == ("bandit", handler.name)
