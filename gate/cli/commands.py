"""The commands besides `check` and `merge`: `baseline create`, `ls`, `rules`, `explain`,
`db info`, `db update`, `init` and `policy validate/show/schema`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from gate.cli.check import check_writable, emit, explain_error
from gate.cli.common import EXIT_ERROR, shown
from gate.errors import UsageError
from gate.model import Bundle, Decision


def baseline_create_command(args: argparse.Namespace) -> int:
    from gate.policy.baseline import baseline_of
    from gate.policy.load import resolve_policy
    from gate.scan.options import CheckOptions
    from gate.scan.run import check

    check_writable(args.output)
    policy = resolve_policy(args.policy, args.env, Path.cwd())
    verdict = check(args.paths, policy, CheckOptions(advisory_db=args.advisory_db))
    if verdict.decision is Decision.ERROR:
        explain_error(verdict)
        raise UsageError("the scan was incomplete, so no baseline was written; fix the error")
    document = baseline_of(verdict)
    emit(json.dumps(document, indent=2) + "\n", args.output)
    print(f"{len(document['findings'])} findings recorded in {args.output}")
    return 0


def ls_command(args: argparse.Namespace) -> int:
    from gate.bundle.resolve import list_bundles
    from gate.policy.load import resolve_policy

    policy = resolve_policy(args.policy, args.env, Path.cwd())
    listing = list_bundles(args.paths, policy)
    from gate.reports.base import no_workflow_commands

    if args.format == "json":
        from gate.reports.json_report import bundle_dict

        listed = {"bundles": [bundle_dict(b) for b in listing.bundles]}
        print(no_workflow_commands(json.dumps(listed, indent=2), "json"))
    else:
        for bundle in listing.bundles:
            lines = (shown(line) for line in _bundle_listing(bundle).splitlines())
            print(no_workflow_commands("\n".join(lines)))
    for warning in listing.warnings:
        print(f"gate: warning: [{warning.code}] {shown(warning.message)}", file=sys.stderr)
    for problem in listing.problems:
        where = shown(f"{problem.bundle}/{problem.path}")
        print(f"gate: error: {where}: {shown(problem.message)}", file=sys.stderr)
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


def rules_command(args: argparse.Namespace) -> int:
    from gate.catalogue import rules
    from gate.policy.load import resolve_policy

    policy = resolve_policy(args.policy, args.env, Path.cwd())
    for rule in rules(policy, args.scanner):
        print(f"{rule.id:<14} {rule.scanner:<10} {rule.severity.label:<9} {rule.title}")
    return 0


def explain_command(args: argparse.Namespace) -> int:
    from gate.catalogue import explain
    from gate.policy.load import resolve_policy

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


def db_info_command(args: argparse.Namespace) -> int:
    import datetime

    from gate.advisories import sources
    from gate.advisories.osv import AdvisoryDatabase
    from gate.policy.load import resolve_policy

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


def db_update_command(args: argparse.Namespace) -> int:
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


def init_command(args: argparse.Namespace) -> int:
    from gate.cli.init import GITHUB_SNIPPET, JENKINS_SNIPPET, init

    for path in init(Path(args.directory), args.force):
        print(f"wrote {path}")
    print(f"\nGitHub Actions:\n{GITHUB_SNIPPET}\nJenkins:\n{JENKINS_SNIPPET}", end="")
    return 0


def policy_validate_command(args: argparse.Namespace) -> int:
    from gate.errors import PolicyError
    from gate.policy.load import load_policy, resolve_policy

    try:
        policy = (
            load_policy(Path(args.file), args.env)
            if args.file
            else resolve_policy(None, args.env, Path.cwd())
        )
    except PolicyError as e:
        for problem in e.problems:  # every one, so one run fixes them all
            print(f"gate: error: {shown(problem)}", file=sys.stderr)
        return EXIT_ERROR
    print(f"{policy.source.source}: valid")
    return 0


def policy_show_command(args: argparse.Namespace) -> int:
    from gate.policy.load import resolve_policy

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


def policy_schema_command(args: argparse.Namespace) -> int:
    from gate.policy.load import schema

    print(json.dumps(schema(), indent=2))
    return 0
