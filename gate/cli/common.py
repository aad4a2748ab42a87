"""What every part of the `gate` command shares: the error exit code, and text made safe
for one stderr line."""

from __future__ import annotations

EXIT_ERROR = 2


def shown(text: str) -> str:
    """Text on one stderr line, whatever a file name in it holds (no line breaks, no
    terminal escapes, no bytes that are not UTF-8, no CI runner command)."""
    from gate.reports.base import no_workflow_commands, printable

    return no_workflow_commands(printable(text))
