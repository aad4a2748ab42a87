"""`--shard I/N`: one repository's functions split across N CI jobs.

Functions, in (bundle, name) order, are dealt round-robin to the shards, so the same
repository always splits the same way. A shard scans the files of its own functions
(code, layers, manifests) and every file no function owns (templates, shared code), but
not the files only other shards' functions own. Scanners whose findings on one file
depend on others (the dependency audit follows includes and locks wherever they are; the
serverless rules compare a shared role with every function using it) see the whole
bundle in every shard. Every finding is then reported by exactly one shard, chosen by the
file it is in, by the same rule that chose what each shard scans: the lowest-numbered
shard among the functions owning the file, or shard 1 for a file no function owns. Problems that
stop the gate are reported by every shard that meets them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from gate.errors import ReportError, UsageError
from gate.model import (
    Bundle,
    Decision,
    Finding,
    Function,
    ScanIssue,
    ScanStatus,
    Warning_,
)
from gate.policy.evaluate import counted, decided
from gate.verdict import Budget, Verdict

T = TypeVar("T")

if TYPE_CHECKING:
    from gate.bundle.resolve import Staged

_SPEC = re.compile(r"^([1-9][0-9]*)/([1-9][0-9]*)$")


@dataclass(frozen=True)
class Shard:
    index: int
    """1-based."""
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = _SPEC.match(text)
        if match is None or int(match[1]) > int(match[2]):
            raise UsageError(f"--shard {text}: give I/N with 1 <= I <= N, such as 2/4")
        return cls(int(match[1]), int(match[2]))

    def to_json(self) -> dict[str, int]:
        return {"index": self.index, "count": self.count}


def assignment(bundles: Sequence[Bundle], count: int) -> dict[tuple[str, str], int]:
    """The shard (1-based) of every function of `bundles`."""
    ordered = sorted((b.id, f.name) for b in bundles for f in b.functions)
    return {key: position % count + 1 for position, key in enumerate(ordered)}


def shard_view(staged: list[Staged], shard: Shard, workdir: Path) -> list[Staged]:
    """Each staged bundle as this shard's per-file scanners see it: a copy (hard links)
    without the files only other shards' functions own."""
    from gate.scan.cache import partial_root

    shards = assignment([s.bundle for s in staged], shard.count)
    views = []
    for index, bundle in enumerate(staged):
        places = _ownership(bundle.bundle, shards)
        target = workdir / f"shard-{index}"
        root = partial_root(bundle.root, _kept(bundle.root, places, shard), target / "root")
        code_root = root
        if bundle.code_root != bundle.root:
            files = _kept(bundle.code_root, places, shard)
            code_root = partial_root(bundle.code_root, files, target / "code")
        views.append(replace(bundle, root=root, code_root=code_root))
    return views


def _kept(root: Path, places: list[tuple[int, list[str]]], shard: Shard) -> list[str]:
    """The files under `root` that no function owns or one of `shard`'s functions does."""
    files = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            relative = path.relative_to(root).as_posix()
            owners = _owners(relative, places)
            if not owners or shard.index in owners:
                files.append(relative)
    return files


def _ownership(bundle: Bundle, shards: dict[tuple[str, str], int]) -> list[tuple[int, list[str]]]:
    """Each function's shard and the places (code, layers, manifests) it owns."""
    return [(shards[(bundle.id, f.name)], _places(f)) for f in bundle.functions]


def _owners(path: str, places: list[tuple[int, list[str]]]) -> set[int]:
    """The shards whose functions own the file `path`."""
    from gate.bundle.discovery import within

    return {index for index, owned in places if any(within(path, p) for p in owned)}


def _places(function: Function) -> list[str]:
    from gate.bundle.discovery import code_places

    handler = [function.handler_file] if function.handler_file else []
    return [*code_places(function), *function.manifests, *handler]


def keep_own(findings: Sequence[Finding], staged: Sequence[Staged], shard: Shard) -> list[Finding]:
    """The findings this shard reports. A finding belongs to the file it is in, and the
    file to the lowest-numbered shard among the functions that own it (every such shard
    scanned it), or to shard 1 if no function owns it (every shard scanned it)."""
    shards = assignment([s.bundle for s in staged], shard.count)
    places = {s.bundle.id: _ownership(s.bundle, shards) for s in staged}
    kept = []
    for finding in findings:
        owners = _owners(finding.location.path, places.get(finding.bundle, []))
        if min(owners, default=1) == shard.index:
            kept.append(finding)
    return kept


def merge_shards(paths: Sequence[Path]) -> Verdict:
    """One verdict from the JSON reports of every shard of one run: refused unless there
    is exactly one report per shard, all of the same commit, policy, gate and bundles."""
    from gate.reports.read import read_report

    if not paths:
        raise UsageError("gate merge: give the JSON report of every shard")
    read = [(path, *read_report(path)) for path in paths]
    for path, verdict, _ in read:
        if verdict.shard is None:
            raise ReportError(f"{path}: not a shard's report; run `gate check --shard I/N`")
    _same(read, "shard count", lambda v, d: str(v.shard and v.shard["count"]))
    _same(read, "commit", lambda v, d: v.git.commit if v.git else "no git repository")
    _same(read, "policy", lambda v, d: f"{v.policy.source} (sha256 {v.policy.sha256[:12]})")
    _same(read, "policy environment", lambda v, d: str(v.policy.env))
    _same(read, "gate version", lambda v, d: str(d["tool"]["version"]))
    _same(read, "bundles", lambda v, d: ", ".join(b.id for b in v.bundles))
    _same(read, "diff base", lambda v, d: _described(v.diff, "base", "merge_base"))
    _same(read, "baseline", lambda v, d: _described(v.baseline, "source"))
    _same(read, "advisory data", lambda v, d: _described(v.advisories, "source", "date"))
    count = read[0][1].shard["count"] if read[0][1].shard else 0
    indices = sorted(v.shard["index"] for _, v, _ in read if v.shard)
    missing = sorted(set(range(1, count + 1)) - set(indices))
    doubled = sorted({i for i in indices if indices.count(i) > 1})
    problems = [f"shard {i}/{count} missing" for i in missing]
    problems += [f"shard {i}/{count} given twice" for i in doubled]
    problems += [f"shard {i}/{count} out of range" for i in indices if i > count]
    if problems:
        raise ReportError(f"gate merge: {'; '.join(problems)}; give exactly one report per shard")
    return _joined([verdict for _, verdict, _ in read])


def _same(read: list[tuple[Path, Verdict, dict[str, Any]]], what: str, key: Any) -> None:
    first_path, first, first_data = read[0]
    for path, verdict, data in read[1:]:
        if key(verdict, data) != key(first, first_data):
            raise ReportError(
                f"gate merge: {path} and {first_path} differ in {what} "
                f"({key(verdict, data)} against {key(first, first_data)}); "
                "merge the shards of one run only"
            )


def _described(summary: dict[str, Any] | None, *keys: str) -> str:
    if not summary:
        return "none"
    return " ".join(str(summary.get(key)) for key in keys)


_WORST = (ScanStatus.ERROR, ScanStatus.TIMEOUT, ScanStatus.OK, ScanStatus.SKIPPED)


def _joined(verdicts: list[Verdict]) -> Verdict:
    first = verdicts[0]
    # Each finding is reported by one shard: two equal ones are two problems.
    findings = [f for v in verdicts for f in v.findings]
    scanners = []
    for name in [s.scanner for s in first.scanners]:
        runs = [s for v in verdicts for s in v.scanners if s.scanner == name]
        worst = min(runs, key=lambda s: _WORST.index(s.status))
        caches = [s.cache for s in runs if s.cache]
        scanners.append(
            replace(
                worst,
                duration_s=max(s.duration_s for s in runs),
                cache=(sum(c[0] for c in caches), sum(c[1] for c in caches)) if caches else None,
            )
        )
    # Budgets are counted again from the joined findings, as the policy counts them.
    counts = counted(findings)
    budgets = tuple(replace(b, count=counts[b.severity]) for b in first.budgets)
    errors = tuple(_unique(e for v in verdicts for e in v.errors))
    return replace(
        first,
        decision=_decision(verdicts, findings, errors, budgets),
        findings=tuple(findings),
        scanners=tuple(scanners),
        warnings=tuple(_warnings(verdicts)),
        errors=errors,
        budgets=budgets,
        diff=_summed(v.diff for v in verdicts),
        baseline=_summed(v.baseline for v in verdicts),
        shard=None,
    )


def _decision(
    verdicts: list[Verdict],
    findings: list[Finding],
    errors: Sequence[ScanIssue],
    budgets: Sequence[Budget],
) -> Decision:
    """The joined decision: the worst any shard reached, and never better than what the
    joined reports hold (a blocking finding, a budget over, a problem of the gate's own),
    so a report whose `decision` was edited or cut short does not pass what it lists."""
    decisions = {v.decision for v in verdicts}
    if Decision.ERROR in decisions or any(e.scanner is None for e in errors):
        return Decision.ERROR
    return Decision.FAIL if Decision.FAIL in decisions else decided(findings, budgets)


def _warnings(verdicts: list[Verdict]) -> list[Warning_]:
    """Every shard's warnings once; a waiver is unused only if it matched nothing in
    any shard (each shard judges its own share of the findings)."""
    joined = _unique(w for v in verdicts for w in v.warnings)
    return [
        w for w in joined if w.code != "waiver-unused" or all(w in v.warnings for v in verdicts)
    ]


def _unique(items: Iterable[T]) -> list[T]:
    return list(dict.fromkeys(items))


def _summed(parts: Iterable[dict[str, Any] | None]) -> dict[str, Any] | None:
    """The shards' `diff` or `baseline` summaries with their counts added up."""
    present = [p for p in parts if p is not None]
    if not present:
        return None
    joined = dict(present[0])
    for key in ("preexisting", "matched"):
        if key in joined:
            joined[key] = sum(int(p.get(key, 0)) for p in present)
    if isinstance(joined.get("fixed"), list):
        # A shard sees its own findings only: a recorded finding is fixed when no shard
        # still reports it.
        lists = [[json.dumps(item, sort_keys=True) for item in p.get("fixed", [])] for p in present]
        everywhere = set(lists[0]).intersection(*lists[1:])
        joined["fixed"] = [
            json.loads(item) for item in dict.fromkeys(lists[0]) if item in everywhere
        ]
    return joined
