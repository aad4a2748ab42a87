"""The gate on a repository of many functions, against checkov alone on it, one
function, and the scanners run by hand once per function.

    python benchmarks/bench_scale.py [--functions 50] [--runs 3] [--shards 3]

Generates two repositories with generate_repo.py, one function and N functions, and
times as whole commands from a scratch directory:

- `gate check` on each, with no cache (`--no-cache`), and its peak memory: the
  proportional resident set (Pss) of the gate's whole process tree, sampled every
  20 ms;
- the checkov CLI alone on the N-function repository, as bench_check.py runs it;
- `gate check` on N functions again with its cache warm, and after a change to one
  function's handler;
- each of `--shards` CI shards of the N-function repository (`--shard I/S`, cold),
  one after another: on CI they run at once on machines of their own, so the
  slowest is what a pipeline waits for;
- by hand on the one-function repository: checkov, bandit and pip-audit as
  bench_check.py runs them. A team without the gate runs those once per function,
  so the by-hand cost of N functions is N times that.

Prints the medians, and every ratio the project tracks beside its target.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_check import _cpu_model, commands, tool
from generate_repo import generate

SAMPLE_EVERY_S = 0.02


def run_sampled(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, int]:
    """Wall time of `argv`, and the peak resident memory of it and its descendants."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss(proc.pid))
        time.sleep(SAMPLE_EVERY_S)
    return time.perf_counter() - started, peak


def _tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and every descendant (Linux /proc): each process's
    proportional share (Pss), so pages forked processes share are counted once."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            total += next(
                int(line.split()[1]) * 1024
                for line in rollup.splitlines()
                if line.startswith("Pss:")
            )
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, StopIteration, ValueError):
            continue
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--functions", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--shards", type=int, default=3)
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {_cpu_model()}, "
        f"Python {platform.python_version()}; median of {args.runs} runs, seconds"
    )
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        env = dict(
            os.environ,
            CHECKOV_SERVERLESS_DISABLE_VARS="true",
            GATE_CACHE_DIR=str(scratch / "cache"),
        )
        one = generate(1, scratch / "one")
        many = generate(args.functions, scratch / "many")
        gate = [tool("gate"), "check", "--format", "json", "--output", os.devnull]
        times: dict[str, list[float]] = {}
        peaks: list[int] = []
        for _ in range(args.runs):
            for name, argv in commands(one, scratch).items():
                if name != "gate":
                    times.setdefault(name, []).append(run_sampled(argv, scratch, env)[0])
            times.setdefault("gate 1", []).append(
                run_sampled([*gate, str(one), "--no-cache"], scratch, env)[0]
            )
            cold, peak = run_sampled([*gate, str(many), "--no-cache"], scratch, env)
            times.setdefault(f"gate {args.functions}", []).append(cold)
            peaks.append(peak)
            run_sampled([*gate, str(many)], scratch, env)  # fills the cache
            times.setdefault("warm", []).append(run_sampled([*gate, str(many)], scratch, env)[0])
            handler = many / "functions" / "f007" / "app.py"
            handler.write_text(handler.read_text() + f"\n# touched {time.time()}\n")
            times.setdefault("one changed", []).append(
                run_sampled([*gate, str(many)], scratch, env)[0]
            )
            checkov = commands(many, scratch)["checkov"]
            times.setdefault("checkov N", []).append(run_sampled(checkov, scratch, env)[0])
            shards = [
                run_sampled(
                    [*gate, str(many), "--no-cache", "--shard", f"{i}/{args.shards}"], scratch, env
                )[0]
                for i in range(1, args.shards + 1)
            ]
            times.setdefault("slowest shard", []).append(max(shards))
    t = {name: statistics.median(values) for name, values in times.items()}
    by_hand = t["checkov"] + t["bandit"] + t["pip-audit"]
    n = args.functions
    rows = [
        ("by hand, 1 function (checkov + bandit + pip-audit)", by_hand),
        (f"by hand, {n} functions ({n} x the above)", n * by_hand),
        ("gate, 1 function", t["gate 1"]),
        (f"gate, {n} functions", t[f"gate {n}"]),
        (f"gate, {n} functions, cache warm", t["warm"]),
        (f"gate, {n} functions, one handler changed", t["one changed"]),
    ]
    rows += [
        (f"checkov alone, {n} functions", t["checkov N"]),
        (f"gate, {n} functions, slowest of {args.shards} shards", t["slowest shard"]),
    ]
    for label, value in rows:
        print(f"{label:<60}{value:>8.2f}")
    cold = t[f"gate {n}"]
    ratios = [
        ("gate(N) / checkov alone(N)", cold / t["checkov N"], "<= 1.0"),
        ("gate(N) / gate(1)", cold / t["gate 1"], "<= 2"),
        ("gate(N) / (N x by hand)", cold / (n * by_hand), "<= 0.15"),
        ("warm / cold", t["warm"] / cold, "<= 0.1"),
        ("one handler changed / cold", t["one changed"] / cold, "<= 0.25"),
        (f"slowest of {args.shards} shards / unsharded", t["slowest shard"] / cold, "<= 0.5"),
        ("peak memory (Pss of all processes), MiB", max(peaks) / 2**20, "<= 400"),
    ]
    print(f"{'measure':<46}{'figure':>8}  target")
    for label, value, target in ratios:
        print(f"{label:<46}{value:>8.2f}  {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
