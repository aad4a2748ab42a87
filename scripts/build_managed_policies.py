#!/usr/bin/env python3
"""Build the gate's table of AWS managed policy documents.

Usage:

    python scripts/build_managed_policies.py MOTO_WHEEL OUT

MOTO_WHEEL is a wheel of moto (https://github.com/getmoto/moto, Apache-2.0), whose
`moto/iam/aws_managed_policies.py` holds every AWS managed policy as IAM's
GetPolicyVersion returns it, imported from AWS by moto's maintainers. The wheel is read
as a zip and that file as text: its one string is parsed with `ast.literal_eval`, never
imported. OUT is written as a zip, so that the gate reads only the policies a bundle
attaches:

    meta.json           {"source", "url", "version", "date", "license", "policies"}
    policies/NAME.json  {"path", "version", "updated", "statements": [...]}

The output is deterministic, so a rebuild from the same wheel is byte-identical.

The shipped `gate/rules/iam/data/aws-managed-policies.zip` was built from
moto 5.2.6 (released 2026-11-23); keep NOTICE and gate/NOTICE in step when it changes.
"""

# To regenerate, from the repository root:
#   pip download moto==<version> --no-deps -d /tmp/moto
#   python scripts/build_managed_policies.py /tmp/moto/moto-<version>-*.whl \
#       gate/rules/iam/data/aws-managed-policies.zip
# then update the version and date in NOTICE, gate/NOTICE and the docstring above.

from __future__ import annotations

import argparse
import ast
import json
import re
import zipfile
from pathlib import Path
from typing import Any

MEMBER = "moto/iam/aws_managed_policies.py"
VARIABLE = "aws_managed_policies_data"
URL = "https://github.com/getmoto/moto/blob/master/moto/iam/aws_managed_policies.py"
_WHEEL = re.compile(r"^moto-(?P<version>[^-]+)-")
_EPOCH = (1980, 1, 1, 0, 0, 0)
"""Every member's timestamp: the output depends on the data only."""


def read_policies(wheel: Path) -> tuple[dict[str, Any], str, str]:
    """The policies in the wheel, its moto version and the date of the data file."""
    with zipfile.ZipFile(wheel) as archive:
        info = archive.getinfo(MEMBER)
        text = archive.read(info).decode("utf-8")
    year, month, day = info.date_time[:3]
    date = f"{year:04d}-{month:02d}-{day:02d}"
    found = _WHEEL.match(wheel.name)
    if found is None:
        raise SystemExit(f"{wheel.name}: not a moto wheel name (moto-VERSION-...whl)")
    for node in ast.parse(text).body:
        if (
            isinstance(node, ast.Assign)
            and [getattr(t, "id", None) for t in node.targets] == [VARIABLE]
            and isinstance(node.value, ast.Constant)
        ):
            return json.loads(ast.literal_eval(node.value)), found["version"], date
    raise SystemExit(f"{MEMBER} has no string {VARIABLE}")


def trimmed(policy: dict[str, Any]) -> dict[str, Any]:
    """What the gate reads of one policy."""
    statements = policy["Document"]["Statement"]
    statements = statements if isinstance(statements, list) else [statements]
    return {
        "path": policy.get("Path", "/"),
        "version": policy.get("DefaultVersionId"),
        "updated": policy.get("UpdateDate"),
        "statements": [{k: v for k, v in s.items() if k != "Sid"} for s in statements],
    }


def build(wheel: Path, out: Path) -> int:
    policies, version, date = read_policies(wheel)
    meta = {
        "source": f"moto {version} ({MEMBER})",
        "url": URL,
        "version": version,
        "date": date,
        "license": "Apache-2.0",
        "policies": len(policies),
    }
    members = {"meta.json": meta} | {
        f"policies/{name}.json": trimmed(policies[name]) for name in sorted(policies)
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as archive:
        for name, value in members.items():
            text = json.dumps(value, sort_keys=True, separators=(",", ":"))
            member = zipfile.ZipInfo(name, date_time=_EPOCH)
            archive.writestr(member, text, zipfile.ZIP_DEFLATED, compresslevel=9)
    return len(policies)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("wheel", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    count = build(args.wheel, args.out)
    print(f"wrote {count} AWS managed policies to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
