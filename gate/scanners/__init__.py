"""The scanners the gate runs, in one static registry.

Importing this package imports no scanner library: each one is imported inside
its scanner's `scan`, which only runs in a worker process.
"""

from __future__ import annotations

from gate.scanners.bandit import BanditScanner
from gate.scanners.base import Scanner
from gate.scanners.checkov import CheckovScanner
from gate.scanners.pip_audit import PipAuditScanner
from gate.scanners.serverless import ServerlessScanner

SCANNERS: dict[str, Scanner] = {
    scanner.name: scanner
    for scanner in (CheckovScanner(), BanditScanner(), PipAuditScanner(), ServerlessScanner())
}
