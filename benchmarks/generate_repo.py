"""Write a SAM repository of N well-built functions, for the scale benchmarks.

    python benchmarks/generate_repo.py N TARGET_DIR

Each function is the secure example's (examples/orders-api-secure): its own log
group, least-privilege role and code directory `functions/fNNN/` with the example's
handler and pinned requirements. The KMS key, table, dead-letter queue and API are
shared, as they are in a real service. With N = 1 the repository is the example
itself, laid out the same way, so the two measure the same work per function.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "orders-api-secure"
# The example's template, cut where the per-function resources begin and end.
LOG_GROUP = ("  OrdersFunctionLogGroup:\n", "  OrdersApiAccessLogGroup:\n")
ROLE_AND_FUNCTION = ("  OrdersFunctionRole:\n", "\nOutputs:\n")


def generate(count: int, target: Path) -> Path:
    """Write the repository into `target` (created; must not exist) and return it."""
    template = (EXAMPLE / "template.yaml").read_text("utf-8")
    log_group, template = _cut(template, *LOG_GROUP)
    per_function, template = _cut(template, *ROLE_AND_FUNCTION)
    functions = "".join(_numbered(log_group + "\n" + per_function, index) for index in range(count))
    head, outputs = template.split("\nOutputs:\n", 1)
    outputs = outputs.split("  OrdersDeadLetterQueueUrl:", 1)[1]
    target.mkdir(parents=True)
    (target / "template.yaml").write_text(
        f"{head}\n{functions}\nOutputs:\n  OrdersDeadLetterQueueUrl:{outputs}", "utf-8"
    )
    for index in range(count):
        code = target / "functions" / f"f{index:03}"
        code.mkdir(parents=True)
        for name in ("app.py", "requirements.txt"):
            shutil.copyfile(EXAMPLE / "src" / name, code / name)
    return target


def _cut(text: str, start: str, end: str) -> tuple[str, str]:
    """The text from `start` up to `end`, and `text` without it."""
    first = text.index(start)
    last = text.index(end, first)
    return text[first:last].rstrip("\n") + "\n", text[:first] + text[last:]


def _numbered(block: str, index: int) -> str:
    suffix = f"{index:03}"
    return (
        block.replace("OrdersFunction", f"OrdersFunction{suffix}")
        .replace("orders-api-${Stage}", f"orders-api-${{Stage}}-{suffix}")
        .replace("CodeUri: src/", f"CodeUri: functions/f{suffix}/")
        .replace("Path: /orders", f"Path: /orders{suffix}")
        + "\n"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    generate(args.count, args.target)
    print(f"{args.target}: {args.count} functions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
