"""What the scanners are doing while the gate waits for them, on stderr (stdout carries
the report).

On a terminal: a live line per scanner, its spinner and running time, left in place
with its outcome when it ends. In CI (no terminal, and `CI`, `GITHUB_ACTIONS`,
`GITLAB_CI` or `JENKINS_URL` set): one line per scanner when it finishes, with its
duration, so a slow scanner is visible in the job log. Anywhere else, and with
`--quiet`: nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "JENKINS_URL")


class Progress(Protocol):
    def started(self, scanner: str) -> None:
        """The scanner's worker has started."""

    def finished(self, scanner: str, outcome: str, seconds: float | None) -> None:
        """The scanner is done: `outcome` says how; `seconds` is None when its worker did
        not run (everything came from the cache)."""

    def close(self) -> None:
        """No more scanners will start."""


def progress_for(stream: TextIO, environ: Mapping[str, str], quiet: bool) -> Progress | None:
    """The progress display that suits `stream`, or None for none."""
    if quiet:
        return None
    if stream.isatty() and environ.get("TERM") != "dumb":
        return LiveProgress(stream, color="NO_COLOR" not in environ)
    if any(environ.get(name) for name in CI_VARIABLES):
        return LineProgress(stream)
    return None


class LineProgress:
    """One line per scanner as it finishes."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def started(self, scanner: str) -> None:
        pass

    def finished(self, scanner: str, outcome: str, seconds: float | None) -> None:
        took = f" in {seconds:.1f} s" if seconds is not None else ""
        with self._lock:
            print(f"gate: {scanner}: {outcome}{took}", file=self._stream, flush=True)

    def close(self) -> None:
        pass


class LiveProgress:
    """A spinner and a clock per scanner (rich), each line kept with its outcome."""

    def __init__(self, stream: TextIO, color: bool) -> None:
        from rich.console import Console
        from rich.progress import Progress as RichProgress
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        console = Console(file=stream, no_color=not color, highlight=False)
        self._progress: RichProgress = RichProgress(
            SpinnerColumn(finished_text="•"),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
        )
        self._tasks: dict[str, TaskID] = {}
        self._progress.start()

    def started(self, scanner: str) -> None:
        self._tasks[scanner] = self._progress.add_task(f"{scanner}: scanning", total=1)

    def finished(self, scanner: str, outcome: str, seconds: float | None) -> None:
        task = self._tasks.get(scanner)
        if task is None:
            task = self._tasks[scanner] = self._progress.add_task(scanner, total=1)
        self._progress.update(task, description=f"{scanner}: {outcome}", completed=1)

    def close(self) -> None:
        self._progress.stop()
