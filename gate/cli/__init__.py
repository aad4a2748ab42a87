"""The `gate` command. `main(argv) -> int` is the only place errors become exit codes."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import traceback
from collections.abc import Sequence

from gate.cli.check import check_command
from gate.cli.commands import baseline_create_command, ls_command
from gate.cli.common import EXIT_ERROR, shown
from gate.cli.parser import build_parser
from gate.errors import GateError

EXIT_INTERRUPTED = 130


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if threading.current_thread() is threading.main_thread():
        # A cancelled CI job sends SIGTERM: clean up (kill the scanners) as for Ctrl-C.
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        with _temp_for(args.handler):
            code: int = args.handler(args)
        return code
    except GateError as e:
        _print_error(str(e), args.verbose)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("gate: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `gate explain X | head`: the reader left. Python would complain again when it
        # flushes stdout at exit, so stdout goes nowhere from here on.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        print("gate: error: standard output was closed before the gate finished", file=sys.stderr)
        return EXIT_ERROR
    except Exception as e:  # the last line of defence: one line, exit 2, never 0
        _print_error(f"internal error: {type(e).__name__}: {e}", args.verbose)
        return EXIT_ERROR


def _temp_for(handler: object) -> contextlib.AbstractContextManager[object]:
    """A command that reads bundles runs with a private temp dir: libraries load caches
    (pickles) from it, so a shared /tmp must not be it."""
    if handler in (check_command, ls_command, baseline_create_command):
        from gate.scan.scratch import private_tempdir

        return private_tempdir()
    return contextlib.nullcontext()


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _print_error(message: str, verbose: bool) -> None:
    if verbose:
        traceback.print_exc()
    hint = " (--verbose shows the traceback)" if message.startswith("internal") else ""
    print(f"gate: error: {shown(message)}{'' if verbose else hint}", file=sys.stderr)
