"""The policy: what blocks, which scanners must run, how severities are adjusted."""

from __future__ import annotations

from gate.policy.load import load_policy, resolve_policy, schema
from gate.policy.model import Policy
from gate.settings import ScannerSettings

__all__ = ["Policy", "ScannerSettings", "load_policy", "resolve_policy", "schema"]
