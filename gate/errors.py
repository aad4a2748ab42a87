"""The gate's exceptions: one base class, one subclass per subsystem.

Only `gate.cli` turns these into exit codes and one-line messages.
"""

from __future__ import annotations


class GateError(Exception):
    """Anything that stops the gate from reaching a verdict (exit 2)."""


class UsageError(GateError):
    """The command line asked for something impossible."""


class PolicyError(GateError):
    """The policy file is unreadable or invalid. `problems` holds every problem the schema
    found (`gate policy validate` lists them); the message is the most telling one."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems or (message,)


class BundleError(GateError):
    """A bundle path is missing, unreadable or unsafe."""


class AdvisoryError(GateError):
    """The advisory database is missing, unreadable or invalid."""


class ReportError(GateError):
    """A report could not be written."""


class ScannerError(GateError):
    """A scanner could not run or its output could not be understood."""

    def __init__(self, scanner: str, message: str) -> None:
        super().__init__(f"{scanner}: {message}")
        self.scanner = scanner
        self.reason = message
