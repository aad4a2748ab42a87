"""One problem, one finding: another scanner's report of what a serverless rule found is
folded into the serverless finding's `also_reported_by` (DESIGN: nothing is dropped).

The folded report still counts: the finding keeps the higher of the two severities, and
an inline suppression written for the other scanner (`# nosec`, `checkov:skip`) carries
over, since it was written about this same problem."""

from __future__ import annotations

from dataclasses import replace

from gate.model import Finding, Reporter, ScanResult


def fold(results: list[ScanResult]) -> list[ScanResult]:
    """`results` with every finding that another finding absorbs folded into it."""
    absorbing = [f for r in results for f in r.findings if f.absorbs]
    if not absorbing:
        return results
    folded: set[int] = set()
    absorbed: dict[int, list[Finding]] = {}
    for result in results:
        for finding in result.findings:
            owner = next((a for a in absorbing if _absorbs(a, finding)), None)
            if owner is not None:
                folded.add(id(finding))
                absorbed.setdefault(id(owner), []).append(finding)
    return [
        replace(
            result,
            findings=tuple(
                _merged(f, absorbed.get(id(f), [])) for f in result.findings if id(f) not in folded
            ),
        )
        for result in results
    ]


def _absorbs(owner: Finding, other: Finding) -> bool:
    """Whether `owner` stands for `other`: another scanner's finding, in the same bundle
    (paths are relative to it, and many bundles share file names and lines)."""
    return (
        other is not owner
        and other.bundle == owner.bundle
        and other.scanner != owner.scanner
        and any(a.matches(other) for a in owner.absorbs)
    )


def _merged(finding: Finding, others: list[Finding]) -> Finding:
    if not others:
        return finding
    known = list(finding.also_reported_by)
    known += [r for r in (Reporter(o.scanner, o.rule_id) for o in others) if r not in known]
    # Another scanner's suppression speaks for this finding only as far as it was seen
    # to: one written for a lesser finding (`# nosec B603`, low) does not silence what
    # this finding knows more of (event data reaching that call, critical).
    suppression = finding.suppression or next(
        (o.suppression for o in others if o.suppression and o.severity >= finding.severity),
        None,
    )
    return replace(
        finding,
        also_reported_by=tuple(known),
        severity=max([finding.severity, *(o.severity for o in others)]),
        suppression=suppression,
    )
