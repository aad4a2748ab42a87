"""The `gate` command line: every command, its options and its help."""

from __future__ import annotations

import argparse
import os
import sys

import gate
from gate.cli.check import FORMATS, check_command, merge_command
from gate.cli.commands import (
    baseline_create_command,
    db_info_command,
    db_update_command,
    explain_command,
    init_command,
    ls_command,
    policy_schema_command,
    policy_show_command,
    policy_validate_command,
    rules_command,
)
from gate.cli.common import EXIT_ERROR


def build_parser() -> argparse.ArgumentParser:
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
    check.set_defaults(handler=check_command)

    merge = commands.add_parser("merge", help="one report and decision from every shard's")
    merge.add_argument(
        "reports", nargs="+", metavar="REPORT.json", help="gate check --shard I/N output"
    )
    _output_options(merge)
    _verbose(merge)
    merge.set_defaults(handler=merge_command)

    baseline = commands.add_parser("baseline", help="record today's findings so they do not block")
    baseline.set_defaults(handler=lambda _args: _usage(baseline))
    baseline_commands = baseline.add_subparsers(metavar="ACTION")
    create = baseline_commands.add_parser("create", help="scan and record every finding")
    _paths_argument(create)
    create.add_argument("--output", required=True, metavar="FILE", help="the baseline to write")
    _policy_options(create)
    _advisory_db_option(create)
    _verbose(create)
    create.set_defaults(handler=baseline_create_command)

    ls = commands.add_parser("ls", help="the bundles and the functions their IaC declares")
    _paths_argument(ls)
    _policy_options(ls)
    ls.add_argument(
        "--format", choices=("console", "json"), default="console", help="console or json"
    )
    _verbose(ls)
    ls.set_defaults(handler=ls_command)

    rules = commands.add_parser("rules", help="every rule with its effective severity")
    rules.add_argument(
        "--scanner",
        choices=("checkov", "bandit", "pip-audit", "serverless"),
        help="only this scanner's rules",
    )
    _policy_options(rules)
    _verbose(rules)
    rules.set_defaults(handler=rules_command)

    explain = commands.add_parser("explain", help="what a rule means, why it matters, how to fix")
    explain.add_argument(
        "rule_id", metavar="RULE_ID", help="CKV_AWS_45, B602, PYSEC-2018-28, GATE-SLS-001, ..."
    )
    _policy_options(explain)
    _advisory_db_option(explain)
    _verbose(explain)
    explain.set_defaults(handler=explain_command)

    db = commands.add_parser("db", help="the advisory database for the dependency audit")
    db.set_defaults(handler=lambda _args: _usage(db))
    db_commands = db.add_subparsers(metavar="ACTION")
    info = db_commands.add_parser("info", help="source, date, record count and age")
    _advisory_db_option(info)
    _policy_options(info)
    _verbose(info)
    info.set_defaults(handler=db_info_command)
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
    update.set_defaults(handler=db_update_command)

    init = commands.add_parser("init", help="write a commented gate.yml and print CI snippets")
    init.add_argument(
        "directory", nargs="?", default=".", metavar="DIR", help="where to write gate.yml"
    )
    init.add_argument("--force", action="store_true", help="replace an existing gate.yml")
    _verbose(init)
    init.set_defaults(handler=init_command)

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
    validate.set_defaults(handler=policy_validate_command)
    show = policy_commands.add_parser("show", help="print the effective policy")
    _policy_options(show)
    show.add_argument(
        "--format", choices=("json", "yaml"), default="json", help="json (default) or yaml"
    )
    _verbose(show)
    show.set_defaults(handler=policy_show_command)
    schema = policy_commands.add_parser("schema", help="print the policy's JSON Schema")
    _verbose(schema)
    schema.set_defaults(handler=policy_schema_command)
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
