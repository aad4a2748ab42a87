"""The gate as a new user meets it: one `gate check` per repository, one row each.

    python benchmarks/realworld.py DIR [DIR ...] [--policy FILE] [--json OUT]

Each DIR is a repository checked out on disk (nothing is fetched). The gate runs
cold (`--no-cache`) with the given policy (default: the built-in one), and the row
says how many functions it found, its decision and exit code, how long it took,
the errors and warnings by code, and the blocking findings with the distinct
problems behind them: a problem is one (rule, file, line, resource), whichever
functions it touches.
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def gate_command() -> list[str]:
    script = shutil.which("gate", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-m", "gate"]


def run_one(repo: Path, policy: str | None) -> dict[str, Any]:
    """One cold run on `repo`: its report and the row it makes."""
    with tempfile.TemporaryDirectory(prefix="realworld-") as scratch:
        report = Path(scratch) / "report.json"
        command = [*gate_command(), "check", str(repo), "--no-cache", "--quiet"]
        command += ["--report", f"json={report}"]
        if policy:
            command += ["--policy", policy]
        started = time.monotonic()
        done = subprocess.run(
            command, cwd=scratch, capture_output=True, text=True, errors="replace", check=False
        )
        seconds = time.monotonic() - started
        document = json.loads(report.read_text("utf-8")) if report.exists() else None
    return row_of(repo.name, done.returncode, seconds, document, done.stderr)


def row_of(
    name: str, code: int, seconds: float, document: dict[str, Any] | None, stderr: str
) -> dict[str, Any]:
    """The figures of one run, from its JSON report (or its stderr when it wrote none)."""
    if document is None:
        first = next((line for line in stderr.splitlines() if line.strip()), "")
        return {"repo": name, "exit": code, "seconds": round(seconds, 1), "stderr": first}
    blocking = [f for f in document["findings"] if f["status"] == "blocking"]
    problems = {(f["rule_id"], f["path"], f["start_line"], f["resource"]) for f in blocking}
    errors = collections.Counter(
        e.get("scanner") or "gate" for e in document.get("errors", [])
    ) + collections.Counter(
        s["name"] for s in document["scanners"] if s["status"] in ("error", "timeout")
    )
    return {
        "repo": name,
        "functions": sum(len(b.get("functions", [])) for b in document["bundles"]),
        "decision": document["decision"],
        "exit": code,
        "seconds": round(seconds, 1),
        "errors": dict(errors),
        "warnings": dict(collections.Counter(w["code"] for w in document["warnings"])),
        "blocking": len(blocking),
        "problems": len(problems),
    }


def table(rows: list[dict[str, Any]]) -> str:
    """The rows as a Markdown table, as benchmarks/README.md records them."""
    columns = ["repository", "functions", "decision (exit)", "seconds", "errors", "warnings"]
    columns += ["blocking", "problems"]
    lines = ["| " + " | ".join(columns) + " |", "|---" * len(columns) + "|"]
    for row in rows:
        if "decision" not in row:
            lines.append(
                f"| {row['repo']} | ? | no report ({row['exit']}) | {row['seconds']} | "
                f"{row['stderr']} | | | |"
            )
            continue
        lines.append(
            f"| {row['repo']} | {row['functions']} | {row['decision']} ({row['exit']}) | "
            f"{row['seconds']} | {_counts(row['errors'])} | {_counts(row['warnings'])} | "
            f"{row['blocking']} | {row['problems']} |"
        )
    return "\n".join(lines)


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{code} {n}" for code, n in sorted(counts.items())) or "none"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("repos", nargs="+", type=Path)
    parser.add_argument("--policy", help="a policy file (default: the built-in policy)")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON here")
    args = parser.parse_args()
    rows = []
    for repo in args.repos:
        rows.append(run_one(repo.resolve(), args.policy))
        print(table(rows[-1:]).splitlines()[-1], file=sys.stderr, flush=True)
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
