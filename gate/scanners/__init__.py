"""The scanners the gate runs, in one static registry.

Importing this package imports no scanner library, and no scanner wrapper either: a
worker imports only its own scanner's module (`load`), and each scanner library is
imported inside its scanner's `scan`, which only runs in a worker process.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gate.scanners.base import Scanner

# Scanner name -> the module and class that implement it.
_REGISTRY = {
    "checkov": ("gate.scanners.checkov", "CheckovScanner"),
    "bandit": ("gate.scanners.bandit", "BanditScanner"),
    "pip-audit": ("gate.scanners.pip_audit", "PipAuditScanner"),
    "serverless": ("gate.scanners.serverless", "ServerlessScanner"),
}
NAMES = tuple(_REGISTRY)
"""Every scanner, in the order reports list them."""


def load(name: str) -> Scanner | None:
    """The scanner named `name`, importing only its module; None for an unknown name."""
    if name not in _REGISTRY:
        return None
    module, cls = _REGISTRY[name]
    scanner: Scanner = getattr(importlib.import_module(module), cls)()
    return scanner


def all_scanners() -> dict[str, Scanner]:
    """Every scanner by name."""
    return {name: scanner for name in NAMES if (scanner := load(name)) is not None}
