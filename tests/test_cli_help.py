"""`gate --help` and each command's: every option described, and `gate check --help`
with the exit codes, the environment variables the gate reads and examples."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from gate.cli.parser import build_parser

ROOT = Path(__file__).resolve().parents[1]


def parsers(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    found = [parser]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found += parsers(child)
    return found


def test_every_option_of_every_command_is_described() -> None:
    missing = [
        f"{p.prog} {'/'.join(a.option_strings) or a.dest}"
        for p in parsers(build_parser())
        for a in p._actions
        if not isinstance(a, argparse._SubParsersAction) and not a.help
    ]
    assert missing == []


def test_check_help_has_exit_codes_environment_and_examples() -> None:
    check = next(p for p in parsers(build_parser()) if p.prog.endswith(" check"))
    text = check.format_help()
    for heading in ("exit codes:", "environment:", "examples:"):
        assert heading in text
    assert all(f"  {code}  " in text for code in ("0 ", "1 ", "2 ", "130"))
    assert len(re.findall(r"^  gate check ", text, re.MULTILINE)) >= 3
    read = {
        name
        for path in (ROOT / "gate").rglob("*.py")
        for name in re.findall(r"\b(GATE_[A-Z_]+)\b", path.read_text("utf-8"))
    }
    # Internal: a worker's parent, its lifeline, the rules table constant.
    read -= {"GATE_WORKER_OF", "GATE_LIFELINE_FD", "GATE_RULES", "GATE_RULE_ID"}
    assert sorted(n for n in read if n not in text) == []
