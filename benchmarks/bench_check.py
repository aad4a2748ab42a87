"""Time `gate check` against checkov, bandit and pip-audit run by hand on the same bundle.

    python benchmarks/bench_check.py [BUNDLE ...] [--runs N]

By hand means what a team would otherwise put in its pipeline, one after
another: the checkov CLI with the same frameworks the gate runs, the bandit CLI,
and pip-audit on the bundle's pinned requirements without pip. Each command runs
from a scratch directory, never inside the bundle, and the gate and checkov
alternate within each run, so both see the same machine. The gate runs cold
(`--no-cache`) and then warm (its cache, in the scratch directory, filled by one run
that is not timed). Prints median wall times and the ratios the project tracks
beside their targets: gate / checkov alone (at most 1.0), warm / cold (at most 0.1),
and gate / all three by hand.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_BUNDLES = [
    ROOT / "examples" / "orders-api-insecure",
    ROOT / "examples" / "orders-api-secure",
    ROOT / "tests" / "assets" / "bundles" / "serverless-function",
]
TARGET_COLD = 1.0
"""gate / checkov alone, cold."""
TARGET_WARM = 0.1
"""gate warm / gate cold."""


def tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    if found is None:
        sys.exit(f"{name} is not installed; run `pip install -e .` first")
    return found


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(
        argv, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - started


def pinned_requirements(bundle: Path, scratch: Path) -> Path:
    lines = []
    for path in bundle.rglob("requirements*.txt"):
        for line in path.read_text().splitlines():
            text = line.split("#")[0].strip()
            if "==" in text and not text.startswith("-"):
                lines.append(text.split(";")[0].strip())
    target = scratch / "pinned.txt"
    target.write_text("\n".join(lines) + "\n")
    return target


def commands(bundle: Path, scratch: Path) -> dict[str, list[str]]:
    return {
        "gate": [
            tool("gate"),
            "check",
            str(bundle),
            "--no-cache",  # a cold run: the scanners by hand have no cache either
            "--format",
            "json",
            "--output",
            os.devnull,
        ],
        "checkov": [
            tool("checkov"),
            "-d",
            str(bundle),
            "--framework",
            "cloudformation",
            "serverless",
            "terraform",
            "secrets",
            "--enable-secret-scan-all-files",
            "--skip-download",
            "--quiet",
            "-o",
            "json",
        ],
        "bandit": [tool("bandit"), "-r", str(bundle), "-f", "json", "-q"],
        "pip-audit": [
            tool("pip-audit"),
            "-r",
            str(pinned_requirements(bundle, scratch)),
            "--disable-pip",
            "--no-deps",
            "--progress-spinner",
            "off",
            "-f",
            "json",
        ],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("bundles", nargs="*", type=Path, default=DEFAULT_BUNDLES)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ, CHECKOV_SERVERLESS_DISABLE_VARS="true")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {_cpu_model()}, "
        f"Python {platform.python_version()}; median of {args.runs} runs, seconds"
    )
    print(
        f"{'bundle':<24}{'gate':>7}{'checkov':>9}{'bandit':>8}{'pip-audit':>11}"
        f"{'by hand':>9}{'gate/checkov':>14}{'gate/by hand':>14}{'warm':>7}{'warm/cold':>12}"
    )
    for bundle in args.bundles:
        with tempfile.TemporaryDirectory() as scratch_dir:
            scratch = Path(scratch_dir)
            bench_env = dict(env, GATE_CACHE_DIR=str(scratch / "cache"))
            runs: dict[str, list[float]] = {}
            argvs = commands(bundle.resolve(), scratch)
            warm = [a for a in argvs["gate"] if a != "--no-cache"]
            timed(warm, scratch, bench_env)  # fills the cache
            for _ in range(args.runs):
                for name, argv in argvs.items():
                    runs.setdefault(name, []).append(timed(argv, scratch, bench_env))
                runs.setdefault("warm", []).append(timed(warm, scratch, bench_env))
        t = {name: statistics.median(values) for name, values in runs.items()}
        by_hand = t["checkov"] + t["bandit"] + t["pip-audit"]
        print(
            f"{bundle.name:<24}{t['gate']:>7.2f}{t['checkov']:>9.2f}{t['bandit']:>8.2f}"
            f"{t['pip-audit']:>11.2f}{by_hand:>9.2f}{t['gate'] / t['checkov']:>14.2f}"
            f"{t['gate'] / by_hand:>14.2f}{t['warm']:>7.2f}{t['warm'] / t['gate']:>12.2f}"
        )
    print(f"targets: gate/checkov <= {TARGET_COLD}, warm/cold <= {TARGET_WARM}")
    return 0


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    raise SystemExit(main())
