"""The ready-made policies in `policies/` (what users copy or reference): each valid, in
every environment it defines; and `builtin:default` / `builtin:strict` are those files,
one source of truth (the package's copies are links to them, and the wheel carries
their contents)."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
import yaml

from gate.policy.load import BUILTIN_POLICIES, builtin_policy, parse_policy
from tests.conftest import ROOT

POLICIES = sorted((ROOT / "policies").glob("*.yml"))
TODAY = dt.date(2026, 12, 6)  # the waiver example's expiry dates are written for it


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.name)
def test_every_ready_made_policy_is_valid_in_each_environment(path: Path) -> None:
    text = path.read_bytes()
    environments = [None, *(yaml.safe_load(text).get("environments") or {})]
    for env in environments:
        parse_policy(text, path.name, f"file:{path.name}", env, TODAY)


def test_the_ready_made_set() -> None:
    assert {p.stem for p in POLICIES} == {"default", "strict", "environments", "waivers"}


@pytest.mark.parametrize("name", BUILTIN_POLICIES)
def test_builtin_policies_are_the_files_in_policies(name: str) -> None:
    source = ROOT / "policies" / f"{name}.yml"
    assert builtin_policy(name).source.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    packaged = ROOT / "gate" / "policies" / f"{name}.yml"
    assert packaged.is_symlink() and packaged.resolve() == source.resolve()
