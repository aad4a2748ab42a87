"""Container reuse: module-level state written from event data (GATE-SLS-020) and files
left in /tmp (GATE-SLS-021), on the fixtures in tests/assets/handlers/reuse (marked
like the taint fixtures) and on small inline bundles."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from gate.rules import reuse
from tests.conftest import EXAMPLES
from tests.serverless.taint_support import HANDLERS, alone, context_of, expected, write_bundle

REUSE = HANDLERS / "reuse"
FIXTURES = sorted(REUSE.glob("*.py"))


def found(tmp_path: Path, source: str, name: str = "app.py") -> list[tuple[str, int | None]]:
    context = write_bundle(tmp_path / "b", {name: textwrap.dedent(source)})
    return sorted((f.rule_id, f.line) for f in reuse.check(context))


def test_every_rule_has_positive_and_negative_fixtures() -> None:
    vulnerable = [p for p in FIXTURES if p.name.startswith("vulnerable_")]
    safe = [p for p in FIXTURES if p.name.startswith("safe_")]
    assert {rule for p in vulnerable for rule, _ in expected(p)} == set(reuse.RULE_IDS)
    assert all(expected(p) for p in vulnerable)
    assert safe and not any(expected(p) for p in safe)


@pytest.mark.parametrize("handler", FIXTURES, ids=lambda p: p.stem)
def test_fixture(handler: Path, tmp_path: Path) -> None:
    findings = reuse.check(alone(handler, tmp_path / "b"))
    assert {(f.rule_id, f.line or 0) for f in findings} == expected(handler)


def test_state_finding_says_what_leaks_where(tmp_path: Path) -> None:
    [finding] = reuse.check(alone(REUSE / "vulnerable_state_global.py", tmp_path / "b"))
    assert "`CURRENT_USER`" in finding.message
    assert "`event['requestContext']['authorizer']['claims']['sub']`" in finding.message
    assert finding.anchor.startswith("handler: CURRENT_USER")


def test_a_local_of_the_same_name_is_not_module_state(tmp_path: Path) -> None:
    source = """\
        CACHE = {}

        def handler(event, context):
            CACHE = {}
            CACHE["last"] = event["body"]
            return CACHE
        """
    assert found(tmp_path, source) == []


def test_state_written_outside_the_handlers_reach_is_not_reported(tmp_path: Path) -> None:
    source = """\
        SEEN = []

        def record(item):
            SEEN.append(item)

        def handler(event, context):
            record("constant")
        """
    assert found(tmp_path, source) == []


def test_a_named_temporary_file_kept_on_close_is_reported(tmp_path: Path) -> None:
    source = """\
        import tempfile

        def handler(event, context):
            kept = tempfile.NamedTemporaryFile(delete=False)
            kept.write(b"x")
            with tempfile.NamedTemporaryFile(delete=False) as removed:
                removed.write(b"y")
            os.remove(removed.name)
        """
    assert found(tmp_path, source) == [("GATE-SLS-021", 4)]


def test_reading_from_tmp_is_not_writing(tmp_path: Path) -> None:
    source = """\
        def handler(event, context):
            with open("/tmp/model.bin", "rb") as handle:
                return handle.read(10)
        """
    assert found(tmp_path, source) == []


def test_tmp_files_in_tests_are_not_reported(tmp_path: Path) -> None:
    source = "def test_it():\n    open('/tmp/x', 'w').write('1')\n"
    assert found(tmp_path, source, "tests/test_app.py") == []
    assert found(tmp_path / "2", source, "app.py") == [("GATE-SLS-021", 2)]


def test_examples() -> None:
    insecure = reuse.check(context_of(EXAMPLES / "orders-api-insecure"))
    assert [(f.rule_id, f.line) for f in insecure] == [("GATE-SLS-021", 85)]
    assert reuse.check(context_of(EXAMPLES / "orders-api-secure")) == []
