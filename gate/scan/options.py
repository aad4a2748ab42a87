"""What the command line adds to the policy for one `gate check`."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from gate.model import Warning_
from gate.policy.baseline import Baseline
from gate.scan.progress import Progress
from gate.scan.shards import Shard


@dataclass(frozen=True)
class CheckOptions:
    """What the command line adds to the policy for one run."""

    advisory_db: str | None = None
    jobs: int | None = None
    """How many scanner workers run at once (default: all of them)."""
    today: datetime.date | None = None
    baseline: Baseline | None = None
    """Findings recorded here get status `baselined` and do not block."""
    policy_changed: Warning_ | None = None
    """With --policy-ref: the work tree's policy differs from the trusted one."""
    baseline_changed: Warning_ | None = None
    """With --policy-ref: the work tree's baseline differs from the trusted one."""
    diff_base: str | None = None
    """Findings the change since the merge base with this ref did not touch do not block."""
    use_cache: bool = True
    """Reuse what scanners found on parts of the bundles that have not changed."""
    progress: Progress | None = None
    """Told as each scanner starts and ends."""
    shard: Shard | None = None
    """Scan only this shard's functions (and what no function owns)."""
    offline: bool = False
    """--offline: no network for the advisories (no refresh, no live queries)."""
