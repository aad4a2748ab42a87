"""`gate check` from bundles to verdict: prepare, scan in workers, parse, evaluate."""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from gate.bundle.discovery import attribute, deployed_by
from gate.bundle.resolve import Staged, resolve_bundles, stage
from gate.bundle.staging.accounting import total
from gate.bundle.syntax import explained
from gate.catalogue import severity_catalogue
from gate.errors import GateError
from gate.git.changes import Changes, base_bundles, changes_since, fingerprint_now
from gate.git.provenance import provenance
from gate.model import (
    Bundle,
    Decision,
    Finding,
    ScanIssue,
    ScanResult,
    ScanStatus,
    Severity,
    Warning_,
)
from gate.places import cache_dir
from gate.policy.evaluate import evaluate
from gate.policy.model import Policy
from gate.scan.advisories import advisory_info, advisory_settings, advisory_warnings
from gate.scan.cache import FindingsCache, Plan, complete, plan_scan
from gate.scan.diff import DiffScope, Seen, judge_change, scope_of
from gate.scan.merge import fold
from gate.scan.options import CheckOptions
from gate.scan.shards import keep_own, shard_view
from gate.scan.workers import (
    WorkerJob,
    WorkerOutcome,
    run_workers,
    worker_argv,
)
from gate.scanners import NAMES, all_scanners
from gate.scanners.base import ParseContext, Scanner
from gate.verdict import FileAccount, Verdict

# How much lower the CPU priority of the scanners off the critical path is (see
# Scanner.critical_path).
BACKGROUND_NICE = 5


def check(paths: list[str], policy: Policy, options: CheckOptions) -> Verdict:
    """Scan every bundle in `paths` with every enabled scanner and judge the result."""
    bundles = resolve_bundles(paths)
    changes = changes_since(options.diff_base, bundles) if options.diff_base else None
    scanners = [s for s in all_scanners().values() if policy.scanner(s.name).enabled]
    advisories, refreshed = advisory_settings(options, policy, scanners)
    context = {"advisories": advisories}
    requests = {s.name: s.options(policy.scanner(s.name), context) for s in scanners}
    changed = [w for w in (options.policy_changed, options.baseline_changed) if w is not None]
    warnings: list[Warning_] = [*changed, *refreshed]
    warnings += _in_bundle("policy", policy.source.source, bundles)
    if options.baseline is not None:
        warnings += _in_bundle("baseline", f"file:{options.baseline.source}", bundles)
    store = FindingsCache.open(cache_dir()) if options.use_cache else None
    scanning = _Scanning(scanners, requests, store, policy, options)
    with tempfile.TemporaryDirectory(prefix="gate-") as work:
        staged, stage_warnings = stage(
            bundles,
            policy.exclude,
            Path(work),
            policy.archives,
            policy.iac_max_bytes,
            frozenset(s.name for s in scanners),
            policy.leave_out,
        )
        warnings += stage_warnings + _vendored_warnings(staged, requests)
        views = shard_view(staged, options.shard, Path(work)) if options.shard else staged
        scans = _scan_all(scanning, scanners, staged, views, Path(work))
    if store is not None and store.rejected:
        warnings.append(_rejected_entries(len(store.rejected)))
    results = fold([result for result, _ in scans.values()])
    results = [_attributed(result, staged) for result in results]
    if options.shard is not None:
        results = [
            replace(r, findings=tuple(keep_own(r.findings, staged, options.shard))) for r in results
        ]
    skipped = [
        ScanResult(name, ScanStatus.SKIPPED, message="disabled by policy")
        for name in NAMES
        if not policy.scanner(name).enabled
    ]
    advisories = advisory_info(scans["pip-audit"][1] if "pip-audit" in scans else None)
    warnings.extend(advisory_warnings(advisories, policy, options))
    problems = [issue for s in staged for issue in s.discovery.issues]
    found = [finding for result in results for finding in result.findings]
    scope = None
    if changes is not None:  # diff mode: what it needs of the merge base, in one place
        scope, unscanned = _against_merge_base(changes, bundles, found, scanning, staged)
        warnings.extend(unscanned)
    verdict = evaluate(
        results + skipped,
        [s.bundle for s in staged],
        policy,
        warnings,
        advisories,
        options.today,
        problems,
        options.baseline,
    )
    if scope is not None:
        verdict = judge_change(verdict, scope, policy)
    strict = bool(changed) and policy.policy_change == "fail"
    files = total(s.account for s in staged)
    coverage_fails = _coverage_fails(files, verdict.warnings, policy)
    if (strict or coverage_fails) and verdict.decision is Decision.PASS:
        verdict = replace(verdict, decision=Decision.FAIL)
    verdict = replace(verdict, files=files)
    shard = options.shard.to_json() if options.shard else None
    return replace(verdict, git=provenance(bundles[0].path), shard=shard)


def _in_bundle(what: str, source: str, bundles: list[Bundle]) -> list[Warning_]:
    """A policy or baseline (`what`) read from the work tree under review (`source`:
    `file:PATH`) can be weakened by the very change it judges: say so, and how to read it
    from a trusted branch instead."""
    if not source.startswith("file:"):
        return []
    path = Path(source.removeprefix("file:")).resolve()
    inside = [b for b in bundles if b.kind == "directory" and path.is_relative_to(b.path)]
    if not inside:
        return []
    return [
        Warning_(
            f"{what}-in-bundle",
            f"the {what} {source.removeprefix('file:')} is part of {inside[0].id}, the code "
            "under review, so a change can weaken its own gate; in CI pass --policy-ref "
            "with the target branch (the GitHub action and Jenkins step do on pull requests)",
        )
    ]


def _rejected_entries(count: int) -> Warning_:
    return Warning_(
        "cache-entries-rejected",
        f"{count} findings-cache entries did not verify (altered, unreadable, or written "
        "under another key) and their parts were scanned again",
    )


def _targets(staged: list[Staged]) -> list[dict[str, Any]]:
    """What a worker is told of each bundle: where its copies are, and its functions."""
    return [
        {
            "bundle": s.bundle.id,
            "root": str(s.root),
            "code_root": str(s.code_root),
            "functions": [asdict(f) for f in s.bundle.functions],
            "ignored": s.ignored,
        }
        for s in staged
    ]


def _cache_note(plan: Plan) -> str:
    if plan.counts is None:
        return ""
    reused, parts = plan.counts
    if reused == parts:
        return f"all {parts} parts from the cache"
    return f"{reused} of {parts} parts from the cache" if reused else ""


@dataclass(frozen=True)
class _Scanning:
    """What every scan of one check shares: the scanners, their requests, the cache."""

    scanners: list[Scanner]
    requests: dict[str, dict[str, Any]]
    store: FindingsCache | None
    policy: Policy
    options: CheckOptions


def _against_merge_base(
    changes: Changes,
    bundles: list[Bundle],
    found: list[Finding],
    run: _Scanning,
    staged: list[Staged],
) -> tuple[DiffScope, list[Warning_]]:
    """What diff mode judges the findings against: the change, the resource extents and
    manifests it touched, what the same scan finds at the merge base, and which functions
    deploy each finding now and then (the staged bundles': their functions discovered)."""
    before, unscanned = _scan_base(changes, bundles, run)
    scope = scope_of(changes, [s.bundle for s in staged], found, before)
    return replace(scope, after=_deployers(found, staged, lambda f: f.fingerprint).functions), (
        unscanned
    )


def _deployers(
    findings: Iterable[Finding], staged: list[Staged], fingerprint: Callable[[Finding], str]
) -> Seen:
    """Each finding's fingerprint with the functions that deploy its file or resource
    (gate.bundle.discovery `deployed_by`), and those a rule named; and with the worst
    severity it has."""
    by_bundle = {s.bundle.id: s for s in staged}
    deployed: dict[str, frozenset[str]] = {}
    worst: dict[str, Severity] = {}
    count: Counter[str] = Counter()
    for finding in findings:
        one = by_bundle.get(finding.bundle)
        names = set(finding.functions)
        if one is not None:
            names |= set(deployed_by(finding, one.bundle.functions, one.discovery.iac_files))
        key = fingerprint(finding)
        deployed[key] = deployed.get(key, frozenset()) | names
        worst[key] = max(worst.get(key, finding.severity), finding.severity)
        count[key] += 1
    return Seen(deployed, worst, count)


def _scan_base(
    changes: Changes, bundles: list[Bundle], run: _Scanning
) -> tuple[Seen | None, list[Warning_]]:
    """What the same scan finds at the merge base, by fingerprint (the cache makes
    the parts the change did not touch cost nothing), or None and a warning if the merge
    base could not be scanned: then no finding is preexisting."""
    quiet = replace(run, options=replace(run.options, progress=None, shard=None))
    policy = run.policy
    try:
        with tempfile.TemporaryDirectory(prefix="gate-base-") as work:
            earlier = base_bundles(changes, bundles, Path(work))
            staged, _ = stage(
                earlier,
                policy.exclude,
                Path(work) / "staged",
                policy.archives,
                policy.iac_max_bytes,
                leave_out=policy.leave_out,
            )
            scans = _scan_all(quiet, run.scanners, staged, staged, Path(work))
    except GateError as e:
        reason = str(e)
    else:
        failed = [
            result.scanner for result, _ in scans.values() if result.status is not ScanStatus.OK
        ]
        if not failed:
            now = {b.id: b for b in bundles}
            findings = [f for r in fold([r for r, _ in scans.values()]) for f in r.findings]
            return _deployers(
                findings, staged, lambda f: fingerprint_now(f, changes, now[f.bundle])
            ), []
        reason = f"{', '.join(failed)} failed on it"
    return None, [
        Warning_(
            "diff-base-unscanned",
            f"the merge base {changes.merge_base[:12]} of {changes.ref} could not be scanned "
            f"({reason}); every finding counts as new",
        )
    ]


def _scan_all(
    run: _Scanning, scanners: list[Scanner], staged: list[Staged], views: list[Staged], work: Path
) -> dict[str, tuple[ScanResult, WorkerOutcome]]:
    """Each scanner's result over every bundle, and its outcome with the cached parts
    joined in. If output with cached parts in it cannot be understood, those entries are
    dropped and the scanner runs again on everything: a bad entry costs a rescan, never
    a failed check."""
    store = run.store
    scans = _scan_round(run, scanners, staged, views, work)
    again = [
        s
        for s in scanners
        if scans[s.name][2].cached_keys
        and scans[s.name][0].status is ScanStatus.ERROR
        and not scans[s.name][0].issues
        and scans[s.name][1].status is ScanStatus.OK
    ]
    if again and store is not None:
        for scanner in again:
            store.forget(scans[scanner.name][2].cached_keys)
        retried = _scan_round(run, again, staged, views, work)
        scans.update(retried)
    for result, _, plan in scans.values():
        if store is not None and plan.pending and (result.status is ScanStatus.OK or result.issues):
            store.put_all(plan.pending)
    if store is not None:
        store.prune()
    return {name: (result, outcome) for name, (result, outcome, _) in scans.items()}


def _scan_round(
    run: _Scanning, scanners: list[Scanner], staged: list[Staged], views: list[Staged], work: Path
) -> dict[str, tuple[ScanResult, WorkerOutcome, Plan]]:
    """One pass of `scanners`: plan from the cache, run the workers still needed, parse."""
    requests, policy, options = run.requests, run.policy, run.options
    plans = {}
    for scanner in scanners:
        seen = staged if scanner.reads_whole_bundle else views
        plans[scanner.name] = plan_scan(
            scanner, _targets(seen), requests[scanner.name], run.store, work
        )
    idle = {
        scanner.name: payload
        for scanner in scanners
        if plans[scanner.name].targets
        and (payload := idle_payload(scanner, plans[scanner.name].targets, requests[scanner.name]))
    }
    jobs = [
        WorkerJob(
            scanner.name,
            worker_argv(scanner.name),
            {
                "targets": plans[scanner.name].targets,
                "options": requests[scanner.name],
                "nice": 0 if scanner.critical_path else BACKGROUND_NICE,
            },
            policy.scanner(scanner.name).timeout_s,
            network=scanner.needs_network(requests[scanner.name]),
        )
        for scanner in scanners
        if plans[scanner.name].targets and scanner.name not in idle
    ]
    notes = {name: _cache_note(plan) for name, plan in plans.items()}
    notes.update(dict.fromkeys(idle, "nothing to read"))
    for name, plan in plans.items():
        if (not plan.targets or name in idle) and options.progress is not None:
            options.progress.finished(name, notes[name], None)
    outcomes = run_workers(jobs, options.jobs, options.progress, notes)
    outcomes.update(
        (name, WorkerOutcome(name, ScanStatus.OK, 0.0, payload)) for name, payload in idle.items()
    )
    scans = {}
    for scanner in scanners:
        plan = plans[scanner.name]
        outcome = _completed(scanner, plan, outcomes.get(scanner.name))
        scans[scanner.name] = (_result(scanner, outcome, policy), outcome, plan)
    return scans


def idle_payload(
    scanner: Scanner, targets: list[dict[str, Any]], options: dict[str, Any]
) -> dict[str, Any] | None:
    """The worker's answer for a scanner with nothing to read in `targets`, given without
    a worker; None when it has something to read, or when what it needs to answer (its
    library, its data) is missing: its worker then says what, as a scan error."""
    try:
        output = scanner.idle_output(targets, options)
        return None if output is None else {"version": scanner.tool_version(), "output": output}
    except (ImportError, GateError):
        return None


def _completed(scanner: Scanner, plan: Plan, outcome: WorkerOutcome | None) -> WorkerOutcome:
    """The scanner's outcome over every bundle: its worker's output with the cached parts
    joined in. A worker that failed fails the scanner, whatever the cache holds."""
    if outcome is None:  # every part came from the cache
        payload = complete(plan, scanner, None)
        return WorkerOutcome(scanner.name, ScanStatus.OK, 0.0, payload, cache=plan.counts)
    if outcome.status is ScanStatus.OK and outcome.payload is not None:
        payload = complete(plan, scanner, outcome.payload)
        return replace(outcome, payload=payload, cache=plan.counts)
    return outcome


def _attributed(result: ScanResult, staged: list[Staged]) -> ScanResult:
    """The result with each finding naming the functions it belongs to."""
    by_bundle = {s.bundle.id: s for s in staged}

    def owned(finding: Finding) -> Finding:
        bundle = by_bundle.get(finding.bundle)
        if bundle is None or not bundle.bundle.functions:
            return finding
        return attribute(finding, bundle.bundle.functions, bundle.discovery.iac_files)

    def said(issue: ScanIssue) -> ScanIssue:
        bundle = by_bundle.get(issue.bundle or "")
        return explained(issue, bundle.bundle.functions) if bundle is not None else issue

    issues = tuple(said(i) for i in result.issues)
    message = _describe_issues(issues) if issues != result.issues else result.message
    findings = tuple(owned(f) for f in result.findings)
    return replace(result, findings=findings, issues=issues, message=message)


def _coverage_fails(files: FileAccount, warnings: tuple[Warning_, ...], policy: Policy) -> bool:
    """Whether policy `coverage:` makes what the gate could not analyse fail the run: files
    of code it does not analyse (or a function of such a runtime whose build output is
    missing), or IaC of another cloud."""
    said = {warning.code for warning in warnings}
    not_analysed = files.not_analysed > 0 or "not-analysed" in said
    out_of_scope = files.out_of_scope > 0 or "out-of-scope" in said
    return (not_analysed and policy.coverage.get("not_analysed") == "fail") or (
        out_of_scope and policy.coverage.get("out_of_scope") == "fail"
    )


def _vendored_warnings(staged: list[Staged], requests: dict[str, dict[str, Any]]) -> list[Warning_]:
    skipping = [name for name, options in requests.items() if options.get("scan_vendored") is False]
    return [
        Warning_(
            "vendored-code-skipped",
            f"{s.bundle.id}: {s.vendored} files of vendored third-party packages "
            f"({_packages(s)}) are audited for known vulnerabilities but not scanned by "
            f"{' or '.join(skipping)} "
            "(policy scanners.NAME.scan_vendored: true scans them)",
        )
        for s in staged
        if s.vendored and skipping
    ]


def _packages(staged: Staged) -> str:
    """The distributions a bundle's third-party files belong to, as `name version` items."""
    names = sorted({f"{d.name} {d.version}" for d in staged.account.distributions})
    return ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _result(scanner: Scanner, outcome: WorkerOutcome, policy: Policy) -> ScanResult:
    if outcome.status is not ScanStatus.OK or outcome.payload is None:
        return ScanResult(
            scanner.name, outcome.status, duration_s=outcome.duration_s, message=outcome.message
        )
    context = ParseContext(policy.scanner(scanner.name), severity_catalogue(scanner.catalogue))
    try:
        parsed = scanner.parse(outcome.payload["output"], context)
    except (AttributeError, KeyError, TypeError, ValueError) as e:
        return ScanResult(
            scanner.name,
            ScanStatus.ERROR,
            outcome.payload.get("version"),
            outcome.duration_s,
            f"its output could not be understood ({type(e).__name__}: {e})",
        )
    status, message = ScanStatus.OK, None
    if parsed.issues:
        status, message = ScanStatus.ERROR, _describe_issues(parsed.issues)
    return ScanResult(
        scanner.name,
        status,
        outcome.payload.get("version"),
        outcome.duration_s,
        message,
        parsed.findings,
        parsed.issues,
        outcome.cache,
    )


def _describe_issues(issues: tuple[ScanIssue, ...]) -> str:
    first = issues[0]
    where = f"{first.bundle}/{first.path}" if first.path else (first.bundle or "")
    more = f" (and {len(issues) - 1} more)" if len(issues) > 1 else ""
    return f"could not check {where}: {first.message}{more}"
