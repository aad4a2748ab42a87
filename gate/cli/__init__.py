"""The `gate` command. `main(argv) -> int` is the only place errors become exit codes."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import os
import signal
import sys
import threading
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import gate
from gate.errors import GateError, UsageError
from gate.model import Bundle, Decision, Verdict

if TYPE_CHECKING:
    from gate.model import Warning_
    from gate.policy.model import Policy

EXIT_ERROR = 2
EXIT_INTERRUPTED = 130
FORMATS = ("console", "json", "sarif", "junit", "markdown", "github", "html", "gitlab-sast")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        # A cancelled CI job sends SIGTERM: clean up (kill the scanners) as for Ctrl-C.
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        with _temp_for(args.handler):
            code: int = args.handler(args)
        return code
    except GateError as e:
        _print_error(str(e), args.verbose)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("gate: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `gate explain X | head`: the reader left. Python would complain again when it
        # flushes stdout at exit, so stdout goes nowhere from here on.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print("gate: error: standard output was closed before the gate finished", file=sys.stderr)
        return EXIT_ERROR
    except Exception as e:  # the last line of defence: one line, exit 2, never 0
        _print_error(f"internal error: {type(e).__name__}: {e}", args.verbose)
        return EXIT_ERROR


def _temp_for(handler: object) -> contextlib.AbstractContextManager[object]:
    """A command that reads bundles runs with a private temp dir: libraries load caches
    (pickles) from it, so a shared /tmp must not be it."""
    if handler in (_check, _ls, _baseline_create):
        from gate.scan.scratch import private_tempdir

        return private_tempdir()
    return contextlib.nullcontext()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _print_error(message: str, verbose: bool) -> None:
    if verbose:
        traceback.print_exc()
    hint = " (--verbose shows the traceback)" if message.startswith("internal") else ""
    print(f"gate: error: {_shown(message)}{'' if verbose else hint}", file=sys.stderr)


def _shown(text: str) -> str:
    """Text on one stderr line, whatever a file name in it holds (no line breaks, no
    terminal escapes, no bytes that are not UTF-8)."""
    from gate.reports.base import printable

    return printable(text)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gate", description="Security gate for serverless function bundles."
    )
    parser.add_argument(
        "--version", action="version", version=f"serverless-gate {gate.__version__}"
    )
    parser.set_defaults(handler=lambda _args: _usage(parser), verbose=False)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    check = commands.add_parser(
        "check",
        help="scan bundles and pass or fail the build",
        description="Scan bundles (directories, repository roots, deployment zips) with "
        "checkov, bandit, pip-audit and the gate's serverless rules, judge every finding "
        "under one policy, and pass or fail the build.",
        epilog=CHECK_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _paths_argument(check)
    _policy_options(check)
    _output_options(check)
    _advisory_db_option(check)
    check.add_argument("--baseline", metavar="FILE", help="findings recorded in FILE do not block")
    check.add_argument(
        "--diff-base",
        metavar="REF",
        help="only findings the change since the merge base with REF touched block",
    )
    check.add_argument(
        "--policy-ref", metavar="REF", help="read the policy from git REF, not the work tree"
    )
    check.add_argument("--jobs", type=_positive, metavar="N", help="scanner workers run at once")
    check.add_argument(
        "--offline",
        action="store_true",
        help="no network: the advisories are not refreshed and never asked live (also "
        "GATE_OFFLINE=1)",
    )
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="scan everything afresh; neither read nor write the findings cache",
    )
    check.add_argument(
        "--shard",
        metavar="I/N",
        help="scan the I-th of N shares of the functions (gate merge joins them)",
    )
    _verbose(check)
    check.set_defaults(handler=_check)

    merge = commands.add_parser("merge", help="one report and decision from every shard's")
    merge.add_argument(
        "reports", nargs="+", metavar="REPORT.json", help="gate check --shard I/N output"
    )
    _output_options(merge)
    _verbose(merge)
    merge.set_defaults(handler=_merge)

    baseline = commands.add_parser("baseline", help="record today's findings so they do not block")
    baseline.set_defaults(handler=lambda _args: _usage(baseline))
    baseline_commands = baseline.add_subparsers(metavar="ACTION")
    create = baseline_commands.add_parser("create", help="scan and record every finding")
    _paths_argument(create)
    create.add_argument("--output", required=True, metavar="FILE", help="the baseline to write")
    _policy_options(create)
    _advisory_db_option(create)
    _verbose(create)
    create.set_defaults(handler=_baseline_create)

    ls = commands.add_parser("ls", help="the bundles and the functions their IaC declares")
    _paths_argument(ls)
    _policy_options(ls)
    ls.add_argument(
        "--format", choices=("console", "json"), default="console", help="console or json"
    )
    _verbose(ls)
    ls.set_defaults(handler=_ls)

    rules = commands.add_parser("rules", help="every rule with its effective severity")
    rules.add_argument(
        "--scanner",
        choices=("checkov", "bandit", "pip-audit", "serverless"),
        help="only this scanner's rules",
    )
    _policy_options(rules)
    _verbose(rules)
    rules.set_defaults(handler=_rules)

    explain = commands.add_parser("explain", help="what a rule means, why it matters, how to fix")
    explain.add_argument(
        "rule_id", metavar="RULE_ID", help="CKV_AWS_45, B602, PYSEC-2018-28, GATE-SLS-001, ..."
    )
    _policy_options(explain)
    _advisory_db_option(explain)
    _verbose(explain)
    explain.set_defaults(handler=_explain)

    db = commands.add_parser("db", help="the advisory database for the dependency audit")
    db.set_defaults(handler=lambda _args: _usage(db))
    db_commands = db.add_subparsers(metavar="ACTION")
    info = db_commands.add_parser("info", help="source, date, record count and age")
    _advisory_db_option(info)
    _policy_options(info)
    _verbose(info)
    info.set_defaults(handler=_db_info)
    update = db_commands.add_parser(
        "update", help="import OSV records (an osv.dev all.zip, a directory, a URL) into the cache"
    )
    update.add_argument(
        "--from",
        dest="origin",
        metavar="URL_OR_FILE",
        help="a zip of OSV records (osv.dev's PyPI all.zip), a directory of them, or an "
        "http(s) URL of such a zip (default: osv.dev's PyPI export, or GATE_ADVISORY_URL)",
    )
    _verbose(update)
    update.set_defaults(handler=_db_update)

    init = commands.add_parser("init", help="write a commented gate.yml and print CI snippets")
    init.add_argument(
        "directory", nargs="?", default=".", metavar="DIR", help="where to write gate.yml"
    )
    init.add_argument("--force", action="store_true", help="replace an existing gate.yml")
    _verbose(init)
    init.set_defaults(handler=_init)

    policy = commands.add_parser("policy", help="validate, show or describe the policy")
    policy.set_defaults(handler=lambda _args: _usage(policy))
    policy_commands = policy.add_subparsers(metavar="ACTION")
    validate = policy_commands.add_parser("validate", help="check a policy file")
    validate.add_argument(
        "file", nargs="?", metavar="FILE", help="the policy (default: ./gate.yml)"
    )
    validate.add_argument(
        "--env",
        default=_env_default(),
        metavar="NAME",
        help="validate with environments.NAME applied (also GATE_ENV)",
    )
    _verbose(validate)
    validate.set_defaults(handler=_policy_validate)
    show = policy_commands.add_parser("show", help="print the effective policy")
    _policy_options(show)
    show.add_argument(
        "--format", choices=("json", "yaml"), default="json", help="json (default) or yaml"
    )
    _verbose(show)
    show.set_defaults(handler=_policy_show)
    schema = policy_commands.add_parser("schema", help="print the policy's JSON Schema")
    _verbose(schema)
    schema.set_defaults(handler=_policy_schema)
    return parser


CHECK_EPILOG = """\
exit codes:
  0    pass: no blocking finding (or fail under --soft-fail)
  1    fail: at least one blocking finding
  2    error: the gate could not decide (bad usage, invalid policy, unreadable or unsafe
       bundle, a required scanner failed or timed out); one line on stderr says why
  130  interrupted

environment:
  GATE_ENV            the policy environment, as --env (empty: none)
  GATE_OFFLINE        1: no network, as --offline
  GATE_ADVISORY_URL   where the advisory refresh downloads osv.dev's PyPI export from
                      (a mirror); default osv.dev's
  GATE_CACHE_DIR      where the findings cache and advisory data live
                      (default: $XDG_CACHE_HOME/serverless-gate)
  GATE_CACHE_KEY      a secret that authenticates findings-cache entries (CI)
  GATE_CACHE_MAX_MB   the findings cache's size limit (default 512)
  NO_COLOR, FORCE_COLOR, TERM=dumb   colour off / on / off
  COLUMNS             the console report's width (default: the terminal's; no wrapping
                      when there is no terminal)

examples:
  gate check .                                  every function the repository declares
  gate check build/orders.zip --policy gate.yml --env prod
  gate check . --diff-base origin/main --policy-ref origin/main \\
      --report sarif=gate.sarif --report junit=gate-junit.xml
"""


def _paths_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="bundle directories or .zip files (default: .)"
    )


def _policy_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--policy",
        metavar="FILE",
        help="policy file (default: ./gate.yml, else the built-in default)",
    )
    parser.add_argument(
        "--env",
        default=_env_default(),
        metavar="NAME",
        help="apply the policy's environments.NAME overlay (also GATE_ENV)",
    )


def _env_default() -> str | None:
    """GATE_ENV; empty (as CI templates often leave it) means no environment."""
    return os.environ.get("GATE_ENV") or None


def _advisory_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--advisory-db", metavar="PATH", help="OSV records (directory or zip) for the audit"
    )


def _output_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="console",
        metavar="FMT",
        help=f"the report to print: {', '.join(FORMATS)} (default: console)",
    )
    parser.add_argument(
        "--output",
        metavar="FILE",
        help="write --format here (default stdout); the verdict line still goes to stderr",
    )
    parser.add_argument(
        "--report",
        action="append",
        default=[],
        metavar="FMT=FILE",
        help="an extra report; repeatable",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="only blocking findings and the verdict"
    )
    parser.add_argument(
        "--soft-fail",
        action="store_true",
        help="exit 0 when the verdict is fail (report-only roll-out); the verdict and every "
        "report still say fail, and an error still exits 2",
    )


def _verbose(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--verbose", action="store_true", help="tracebacks on errors")


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return EXIT_ERROR


def _check(args: argparse.Namespace) -> int:
    from gate.policy import resolve_policy
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
    from gate.scan.progress import progress_for
    from gate.scan.run import CheckOptions, check
    from gate.scan.shards import Shard

    baseline = read_baseline(Path(args.baseline)) if args.baseline else None
    shard = Shard.parse(args.shard) if args.shard else None
    options = CheckOptions(
        advisory_db=args.advisory_db,
        jobs=args.jobs,
        baseline=baseline,
        policy_changed=changed,
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


def _merge(args: argparse.Namespace) -> int:
    from gate.scan.shards import merge_shards

    _check_outputs(args)
    return _render(merge_shards([Path(p) for p in args.reports]), args)


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse before any work if a report could not be written."""
    for path in [args.output, *(target for _, target in map(_report_target, args.report))]:
        _check_writable(path)


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
    _emit(text, args.output)
    for fmt, path in extra:
        _emit(RENDERERS[fmt](verdict, RenderOptions()), path)
    if args.output is not None and verdict.decision is not Decision.ERROR:
        # The report went to a file: the log still says the verdict (an error says its
        # reasons below, one line each).
        print(f"gate: {_shown(verdict_line(verdict))}", file=sys.stderr)
    _explain_error(verdict)
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


def _explain_error(verdict: Verdict) -> None:
    """A decision of `error` gets one stderr line per reason, whatever the report format."""
    if verdict.decision is not Decision.ERROR:
        return
    for result in verdict.scanners:
        if result.failed:
            print(f"gate: error: {result.scanner}: {_shown(str(result.message))}", file=sys.stderr)
    for issue in verdict.errors:
        if issue.scanner is None:  # what the gate itself could not check
            where = "/".join(part for part in (issue.bundle, issue.path) if part)
            line = f"{where + ': ' if where else ''}{issue.message}"
            print(f"gate: error: {_shown(line)}", file=sys.stderr)


def _report_target(spec: str) -> tuple[str, str]:
    fmt, sep, path = spec.partition("=")
    if not sep or not path:
        raise UsageError(f"--report {spec}: expected FMT=FILE, e.g. --report json=gate.json")
    if fmt not in FORMATS:
        raise UsageError(f"--report {spec}: unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    return fmt, path


def _check_writable(path: str | None) -> None:
    """Refuse a report path that cannot be written before spending minutes on the scan."""
    from gate.reports.output import check_writable

    check_writable(path)


def _emit(text: str, path: str | None) -> None:
    from gate.reports.output import write_report

    write_report(path, text)


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to `path` through a temp file and a rename; never a half-written report."""
    from gate.reports.output import write_atomically as write

    write(path, text)


def _baseline_create(args: argparse.Namespace) -> int:
    from gate.policy import resolve_policy
    from gate.policy.baseline import baseline_of
    from gate.scan.run import CheckOptions, check

    _check_writable(args.output)
    policy = resolve_policy(args.policy, args.env, Path.cwd())
    verdict = check(args.paths, policy, CheckOptions(advisory_db=args.advisory_db))
    if verdict.decision is Decision.ERROR:
        _explain_error(verdict)
        raise UsageError("the scan was incomplete, so no baseline was written; fix the error")
    document = baseline_of(verdict)
    _emit(json.dumps(document, indent=2) + "\n", args.output)
    print(f"{len(document['findings'])} findings recorded in {args.output}")
    return 0


def _ls(args: argparse.Namespace) -> int:
    from gate.bundle.resolve import list_bundles
    from gate.policy import resolve_policy

    policy = resolve_policy(args.policy, args.env, Path.cwd())
    listing = list_bundles(args.paths, policy)
    if args.format == "json":
        from gate.reports.json_report import bundle_dict

        print(json.dumps({"bundles": [bundle_dict(b) for b in listing.bundles]}, indent=2))
    else:
        for bundle in listing.bundles:
            print("\n".join(_shown(line) for line in _bundle_listing(bundle).splitlines()))
    for warning in listing.warnings:
        print(f"gate: warning: [{warning.code}] {_shown(warning.message)}", file=sys.stderr)
    for problem in listing.problems:
        where = _shown(f"{problem.bundle}/{problem.path}")
        print(f"gate: error: {where}: {_shown(problem.message)}", file=sys.stderr)
    return EXIT_ERROR if listing.problems else 0


def _bundle_listing(bundle: Bundle) -> str:
    count = len(bundle.functions)
    if not count:
        return f"{bundle.id} ({bundle.kind}): no functions in its IaC; scanned as one bundle"
    lines = [f"{bundle.id} ({bundle.kind}): {count} function{'s' if count > 1 else ''}"]
    for f in bundle.functions:
        handler = f"{f.handler_file}:{f.handler_function}" if f.handler_file else f.handler
        lines.append(f"  {f.name}  {f.iac}  {f.runtime or 'runtime?'}  {handler or 'handler?'}")
        lines.append(f"      iac:       {f.iac_file}:{f.line or '?'}  {f.resource}")
        lines.append(f"      code:      {f.code or 'not in the bundle'}")
        if f.layers:
            lines.append(f"      layers:    {', '.join(f.layers)}")
        lines.append(f"      manifests: {', '.join(f.manifests) or 'none'}")
    return "\n".join(lines)


def _rules(args: argparse.Namespace) -> int:
    from gate.catalogue import rules
    from gate.policy import resolve_policy

    policy = resolve_policy(args.policy, args.env, Path.cwd())
    for rule in rules(policy, args.scanner):
        print(f"{rule.id:<14} {rule.scanner:<10} {rule.severity.label:<9} {rule.title}")
    return 0


def _explain(args: argparse.Namespace) -> int:
    from gate.catalogue import explain
    from gate.policy import resolve_policy

    policy = resolve_policy(args.policy, args.env, Path.cwd())
    found = explain(args.rule_id, policy, args.advisory_db)
    if found is None:
        raise UsageError(f"{args.rule_id}: unknown rule id; `gate rules` lists them all")
    rule = found.rule
    print(f"{rule.id} ({rule.scanner}, {rule.severity.label} under {policy.source.source})")
    print(rule.title)
    for line in found.details:
        print(f"  {line}")
    print(f"\nWhy it matters: {found.why}\n\nHow to fix: {found.fix}")
    return 0


def _db_info(args: argparse.Namespace) -> int:
    import datetime

    from gate.advisories import sources
    from gate.advisories.osv import AdvisoryDatabase
    from gate.policy import resolve_policy

    policy = resolve_policy(args.policy, args.env, Path.cwd())
    chosen = args.advisory_db or policy.advisory_db
    settings = sources.advisory_settings(
        policy.advisory_source, str(Path(chosen).resolve()) if chosen else None
    )
    choice = sources.offline_database(settings)
    database, builtin = choice.database, AdvisoryDatabase.builtin()
    age = database.age_days(datetime.date.today())
    print(f"mode:    {sources.describe_mode(settings)}")
    print(f"source:  {database.source}")
    print(f"date:    {database.date or 'unknown'}")
    print(f"records: {database.count}")
    if age is not None:
        state = "stale" if age > policy.advisory_max_age_days else "fresh"
        print(f"age:     {age} days ({state}: the policy allows {policy.advisory_max_age_days})")
    used = "used" if database is builtin else "not used"
    print(f"builtin: {sources.describe_database(builtin)} ({used})")
    cache_used = database.source.startswith("cache:")
    print(f"cache:   {sources.describe_cache(sources.cache_snapshot_path(), cache_used)}")
    if choice.cache_error:
        warning = f"{choice.cache_error}; the built-in snapshot is used"
        print(f"gate: warning: {warning}", file=sys.stderr)
    return 0


def _db_update(args: argparse.Namespace) -> int:
    from gate.advisories import sources
    from gate.advisories.osv import builtin_snapshot
    from gate.advisories.refresh import export_url, offline_forced
    from gate.advisories.update import update_cache

    # Without --from: osv.dev's PyPI export, the source `refresh` uses (or its mirror).
    origin = args.origin or export_url()
    if "://" in origin and offline_forced():
        raise UsageError(
            f"GATE_OFFLINE forbids downloading {origin}: pass --from a zip or a directory "
            "of OSV records"
        )
    done = update_cache(origin, sources.cache_snapshot_path())
    builtin = builtin_snapshot().date
    verdict = (
        f"newer than the built-in snapshot ({builtin}), so it is used"
        if sources.newer_than_builtin(done.date)
        else f"not newer than the built-in snapshot ({builtin}), which stays in use"
    )
    print(
        f"imported {done.records} PyPI advisories dated {done.date} from {done.origin} into "
        f"{done.path} ({done.skipped} skipped: withdrawn or not PyPI); {verdict}"
    )
    return 0


def _init(args: argparse.Namespace) -> int:
    from gate.cli.init import GITHUB_SNIPPET, JENKINS_SNIPPET, init

    for path in init(Path(args.directory), args.force):
        print(f"wrote {path}")
    print(f"\nGitHub Actions:\n{GITHUB_SNIPPET}\nJenkins:\n{JENKINS_SNIPPET}", end="")
    return 0


def _policy_validate(args: argparse.Namespace) -> int:
    from gate.errors import PolicyError
    from gate.policy import load_policy, resolve_policy

    try:
        policy = (
            load_policy(Path(args.file), args.env)
            if args.file
            else resolve_policy(None, args.env, Path.cwd())
        )
    except PolicyError as e:
        for problem in e.problems:  # every one, so one run fixes them all
            print(f"gate: error: {_shown(problem)}", file=sys.stderr)
        return EXIT_ERROR
    print(f"{policy.source.source}: valid")
    return 0


def _policy_show(args: argparse.Namespace) -> int:
    from gate.policy import resolve_policy

    policy = resolve_policy(args.policy, args.env, Path.cwd())
    # Pure JSON (or YAML) on stdout, for jq; where it came from goes to stderr.
    where = policy.source.source + (f", env {args.env}" if args.env else "")
    print(f"gate: effective policy from {where}", file=sys.stderr)
    if args.format == "yaml":
        import yaml

        print(yaml.safe_dump(policy.raw, sort_keys=False), end="")
    else:
        print(json.dumps(policy.raw, indent=2))
    return 0


def _policy_schema(args: argparse.Namespace) -> int:
    from gate.policy import schema

    print(json.dumps(schema(), indent=2))
    return 0
