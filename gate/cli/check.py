"""`gate check` and `gate merge`: scan (or join the shards' reports), then write every
report and give the exit code."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from gate.cli.common import shown
from gate.errors import UsageError
from gate.model import Decision
from gate.verdict import Verdict

if TYPE_CHECKING:
    from gate.model import Warning_
    from gate.policy.model import Policy

FORMATS = ("console", "json", "sarif", "junit", "markdown", "github", "html", "gitlab-sast")


def check_command(args: argparse.Namespace) -> int:
    from gate.policy.load import resolve_policy
    from gate.policy.trusted import policy_at_ref
    from gate.scan.workers import discard_prestarted, prestart
    from gate.scanners import all_scanners

    _check_outputs(args)
    changed = None
    if args.policy_ref:
        trusted = policy_at_ref(args.policy_ref, args.policy, args.env, Path.cwd())
        policy, changed = trusted.policy, trusted.changed
    else:
        policy = resolve_policy(args.policy, args.env, Path.cwd())
    # The scanner on the critical path imports its library while the gate loads the rest
    # of itself and stages the bundles; a worker no job reaches is killed.
    critical = all_scanners().values()
    prestart([s.name for s in critical if s.critical_path and policy.scanner(s.name).enabled])
    try:
        return _checked(args, policy, changed)
    finally:
        discard_prestarted()


def _checked(args: argparse.Namespace, policy: Policy, changed: Warning_ | None) -> int:
    from gate.policy.baseline import read_baseline
    from gate.policy.trusted import baseline_at_ref
    from gate.scan.options import CheckOptions
    from gate.scan.progress import progress_for
    from gate.scan.run import check
    from gate.scan.shards import Shard

    baseline, baseline_changed = None, None
    if args.baseline and args.policy_ref:  # read from the trusted ref, as the policy is
        baseline, baseline_changed = baseline_at_ref(args.policy_ref, args.baseline, Path.cwd())
    elif args.baseline:
        baseline = read_baseline(Path(args.baseline))
    shard = Shard.parse(args.shard) if args.shard else None
    options = CheckOptions(
        advisory_db=args.advisory_db,
        jobs=args.jobs,
        baseline=baseline,
        policy_changed=changed,
        baseline_changed=baseline_changed,
        diff_base=args.diff_base,
        use_cache=not args.no_cache,
        progress=progress_for(sys.stderr, os.environ, args.quiet),
        shard=shard,
        offline=args.offline,
    )
    try:
        verdict = check(args.paths, policy, options)
    finally:
        if options.progress is not None:
            options.progress.close()
    return _render(verdict, args)


def merge_command(args: argparse.Namespace) -> int:
    from gate.scan.shards import merge_shards

    _check_outputs(args)
    return _render(merge_shards([Path(p) for p in args.reports]), args)


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse before any work if a report could not be written."""
    for path in [args.output, *(target for _, target in map(_report_target, args.report))]:
        check_writable(path)


def _render(verdict: Verdict, args: argparse.Namespace) -> int:
    """Write the verdict in --format (and every --report), explain an error, and give the
    exit code."""
    from gate.reports import RENDERERS, RenderOptions
    from gate.reports.base import verdict_line

    verdict = dataclasses.replace(verdict, soft_fail=args.soft_fail)
    extra = [_report_target(spec) for spec in args.report]
    primary = RENDERERS[args.format]
    to_terminal = args.format == "console" and args.output is None
    color = to_terminal and wants_color(sys.stdout, os.environ)
    width = console_width(sys.stdout, os.environ)
    text = primary(verdict, RenderOptions(color=color, quiet=args.quiet, width=width))
    emit(text, args.output, args.format)
    for fmt, path in extra:
        emit(RENDERERS[fmt](verdict, RenderOptions()), path, fmt)
    if args.output is not None and verdict.decision is not Decision.ERROR:
        # The report went to a file: the log still says the verdict (an error says its
        # reasons below, one line each).
        print(f"gate: {shown(verdict_line(verdict))}", file=sys.stderr)
    explain_error(verdict)
    return verdict.exit_code


def wants_color(stream: TextIO, environ: Mapping[str, str]) -> bool:
    """Colour on a terminal, or wherever FORCE_COLOR is set (CI logs that render ANSI);
    never when NO_COLOR is set, to anything, or for TERM=dumb."""
    if "NO_COLOR" in environ or environ.get("TERM") == "dumb":
        return False
    if environ.get("FORCE_COLOR", "") not in ("", "0"):
        return True
    return stream.isatty()


def console_width(stream: TextIO, environ: Mapping[str, str]) -> int | None:
    """COLUMNS where it is set, else the terminal's width; None (no wrapping: a finding a
    line, as CI logs and grep want) when the report goes elsewhere."""
    if environ.get("COLUMNS", "").isdigit() and int(environ["COLUMNS"]) > 0:
        return int(environ["COLUMNS"])
    try:
        if stream.isatty():
            return os.get_terminal_size(stream.fileno()).columns
    except (OSError, ValueError):
        pass
    return None


def explain_error(verdict: Verdict) -> None:
    """A decision of `error` gets one stderr line per reason, whatever the report format."""
    if verdict.decision is not Decision.ERROR:
        return
    for result in verdict.scanners:
        if result.failed:
            print(f"gate: error: {result.scanner}: {shown(str(result.message))}", file=sys.stderr)
    for issue in verdict.errors:
        if issue.scanner is None:  # what the gate itself could not check
            where = "/".join(part for part in (issue.bundle, issue.path) if part)
            line = f"{where + ': ' if where else ''}{issue.message}"
            print(f"gate: error: {shown(line)}", file=sys.stderr)


def _report_target(spec: str) -> tuple[str, str]:
    fmt, sep, path = spec.partition("=")
    if not sep or not path:
        raise UsageError(f"--report {spec}: expected FMT=FILE, e.g. --report json=gate.json")
    if fmt not in FORMATS:
        raise UsageError(f"--report {spec}: unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    return fmt, path


def check_writable(path: str | None) -> None:
    """Refuse a report path that cannot be written before spending minutes on the scan."""
    from gate.reports.output import check_writable as check

    check(path)


def emit(text: str, path: str | None, fmt: str = "json") -> None:
    """Write a report of format `fmt`."""
    from gate.reports.output import write_report

    write_report(path, text, fmt)


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temp file and a rename; never a half-written report."""
    from gate.reports.output import write_atomically as write

    write(path, text)
