"""A forty-second hostile review of `gate check`, on the fixes of review 41: the taint
rule's argument-vector sinks (gate.rules.taint.sinks `_shell_argv`, `_command_of`) and
the exception flow of the taint walk (gate.rules.taint.walk `_try`, `_caught`).

Each attack is a confirmed problem, marked strict xfail until it is fixed: the tricked
bundle exits 0 with the hostile harness's policy (checkov off), and the baseline (the
same problem without the trick, in one run) blocks on the taint rule's GATE-SLS-001
(`subprocess.run(["sh", "-c", event["cmd"]])`) or GATE-SLS-006
(`open(event["path"])`). bandit reports each tricked command as B603 (low, allowed).
What lets each through:

1. An argument vector `_shell_argv` does not see as one. It reads only a list or tuple
   written inline in the call (or the call's own positional arguments), and
   `_command_of` reads only string constants: (a) the vector bound to a name first,
   `argv = ["sh", "-c", event["cmd"]]; subprocess.run(argv)`, the commonest way to
   write it; (b) the program held by a module constant, `SH = "/bin/sh"` then
   `subprocess.run([SH, "-c", event["cmd"]])` (the program's word reads as `""`); (c)
   a vector built by concatenation, `["sh", "-c"] + [event["cmd"]]`.
2. A shell's command line `_command_of` does not parse as the shell does. It stops at
   the first word after the program that is not a short flag, so (a) a long option
   before `-c`, `["bash", "--norc", "-c", cmd]`, and (b) a short option with a value,
   `["sh", "-o", "errexit", "-c", cmd]`, hide the `-c`; (c) `busybox` is in `SHELLS`
   but its applet name (`["busybox", "sh", "-c", cmd]`) ends the reading; (d) only
   `env` is skipped as a launcher: `["timeout", "5", "sh", "-c", cmd]` (and `nice`,
   `nohup`, `stdbuf`, `xargs`, `setsid`, `flock`) is no shell; (e) an interpreter's
   flag must be exactly `-c` or `-e`: `["python3", "-Ic", code]` (CPython takes
   combined short flags, as a shell does) runs the event's code; a long form,
   `["node", "--eval", code]`, likewise; (f) only the word right after `-c` is
   checked: a constant script that runs its positional parameters,
   `["sh", "-c", 'eval "$1"', "sh", cmd]`, runs the event's command.
3. Event data an exception carries that `_try` does not see raised. `self.raised` is
   fed only by a `raise` statement written in the `try` body, from its own call's
   arguments: (a) a `raise` in a function the `try` body calls, `fail(event["path"])`
   where `def fail(p): raise ValueError(p)` (the usual shape: a validator), then
   `open(e.args[0])`; (b) the cause of a raise, `raise ValueError("bad") from
   OSError(event["path"])`, then `open(e.__cause__.args[0])`; (c) an `assert`'s
   message, `assert not event, event["path"]`, then `open(e.args[0])` in `except
   AssertionError as e` (Lambda runs without -O); (d) an exception Python raises with
   the data, `{}[event["path"]]` then `open(e.args[0])` in `except KeyError as e`.

Suggested fixes, by class. 1, read an argument vector by value, not by syntax: resolve
names to what they are bound to in the function or module (as `resolves_entities`
follows a parser through `_MAX_HOPS` names), concatenations and `list(...)` to their
parts, and a program word that is not a known string constant to "could be a shell";
failing that, a process start whose vector holds event data and whose program is not a
constant known to be no shell or interpreter is GATE-SLS-001. 2, read a shell's words
as the shell does, or stop guessing: any word of the vector after a shell or interpreter
program (found after any launcher, `busybox` and its applet) that is event data is the
command, whatever flags come between; an interpreter's flag group holding `c` or `e` is
code. 3, an exception caught with `as e` carries everything the `try` body taints (the
data of every statement that can raise, calls into the module's functions included),
not only what a written `raise` is made of; `raise ... from` adds its cause, `assert`
its message.

Also tried, and the gate held: an exception raised from a name whose attribute holds
event data (`err.path = event["path"]; raise err`, then `open(e.path)`), and `except*`
with `eg.exceptions[0].args[0]` (GATE-SLS-006 each).

False refusals seen: none on realistic files.

Not covered (no time in this review): review 41's fixes 3-5 (`_api_definition`, diff
mode's `_touched_by_change` for GATE-DEP-002, a baseline's recorded functions),
`--shard i/n` and `gate merge` (gate.scan.shards), and `--policy-ref`
(gate.policy.trusted).

Fixed, each by its class (gate.rules.taint). 1 to 10, an argument vector is read as the
process reads it: a list, a name bound to one (a local bound once, a module constant) or
lists joined by `+` (`sinks._vector`, with `Scope.resolve`); the shell or interpreter is
found anywhere in it (after `env`, `timeout 5`, `busybox`), its command flag anywhere
after it (after `--norc`, `-o errexit`; `-Ic` for Python, `-e` for Perl and Ruby,
`--eval` for Node), and every word after that flag is checked: the command and the
positional parameters it can read (`sinks._command_of`). 11 to 14, what an exception
caught by `except ... as e` carries: what a `raise` or `assert` puts in it (arguments,
the `from` cause, an assertion's message), and the lookup keys and call arguments the
`try` body evaluates, which an exception Python raises, or one a called function raises
from its arguments, may hold (`walk._try`, `_carried`, `_operands`).
"""

from __future__ import annotations

from pathlib import Path

from tests.hostile.conftest import Layout, Sandbox, each_blocked_or_refused, each_blocks

SAM = (
    "AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::Serverless-2016-10-31\n"
    "Resources:\n  OrdersFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n"
    "      CodeUri: src/\n      Handler: app.handler\n      Runtime: python3.12\n"
    "      Tracing: Active\n"
)
HANDLER = (
    "import os\nimport subprocess\n\nSH = '/bin/sh'\n\n\ndef handler(event, context):\n"
    "{body}\n    return {{'ok': True}}\n{after}"
)


def handler(body: str, after: str = "") -> Layout:
    """A SAM function whose handler runs `body` (indented) on the event; `after` is
    module code after the handler."""

    def layout(sandbox: Sandbox) -> None:
        sandbox.write("template.yaml", SAM)
        sandbox.write("src/app.py", HANDLER.format(body=body, after=after))

    return layout


SHELL = "    subprocess.run(['sh', '-c', event['cmd']])"
OPEN = "    open(event['path']).read()"
FAIL = "\n\ndef fail(p):\n    raise ValueError(p)\n"
CAUGHT = "    try:\n{raised}\n    except {kind} as e:\n        open({read}).read()"
# name: (the bundle without the trick, its rule; the bundle with it; what lets it through)
TRICKS: dict[str, tuple[Layout, str, Layout, str]] = {
    "1a-vector-bound-to-a-name": (
        handler(SHELL), "GATE-SLS-001",
        handler("    argv = ['sh', '-c', event['cmd']]\n    subprocess.run(argv)"),
        "_shell_argv reads only a list written inline in the call"),
    "1b-program-a-constant": (
        handler(SHELL), "GATE-SLS-001", handler("    subprocess.run([SH, '-c', event['cmd']])"),
        "_command_of reads only string constants for the program"),
    "1c-concatenated-vector": (
        handler(SHELL), "GATE-SLS-001",
        handler("    subprocess.run(['sh', '-c'] + [event['cmd']])"),
        "_shell_argv does not read a concatenation"),
    "2a-bash-long-option": (
        handler(SHELL), "GATE-SLS-001",
        handler("    subprocess.run(['bash', '--norc', '-c', event['cmd']])"),
        "_command_of stops at a long option before -c"),
    "2b-sh-option-value": (
        handler(SHELL), "GATE-SLS-001",
        handler("    subprocess.run(['sh', '-o', 'errexit', '-c', event['cmd']])"),
        "_command_of stops at an option's value before -c"),
    "2c-busybox-applet": (
        handler(SHELL), "GATE-SLS-001",
        handler("    subprocess.run(['busybox', 'sh', '-c', event['cmd']])"),
        "_command_of stops at busybox's applet name"),
    "2d-timeout-launcher": (
        handler(SHELL), "GATE-SLS-001",
        handler("    subprocess.run(['timeout', '5', 'sh', '-c', event['cmd']])"),
        "_command_of skips only env as a launcher"),
    "2e-python-combined-flags": (
        handler(SHELL), "GATE-SLS-001",
        handler("    subprocess.run(['python3', '-Ic', event['cmd']])"),
        "_command_of takes an interpreter's flag only as exactly -c or -e"),
    "2e-node-long-eval": (
        handler(SHELL), "GATE-SLS-001",
        handler("    subprocess.run(['node', '--eval', event['cmd']])"),
        "_command_of stops at an interpreter's long option"),
    "2f-positional-parameter": (
        handler(SHELL), "GATE-SLS-001",
        handler("    subprocess.run(['sh', '-c', 'eval \"$1\"', 'sh', event['cmd']])"),
        "_command_of checks only the word after -c, not the shell's $1"),
    "3a-raised-by-a-called-function": (
        handler(OPEN), "GATE-SLS-006",
        handler(CAUGHT.format(raised="        fail(event['path'])", kind="ValueError",
                              read="e.args[0]"), FAIL),
        "_try sees only a raise written in the try body"),
    "3b-raise-from-cause": (
        handler(OPEN), "GATE-SLS-006",
        handler(CAUGHT.format(
            raised="        raise ValueError('bad') from OSError(event['path'])",
            kind="ValueError", read="e.__cause__.args[0]")),
        "a raise's `from` cause is not read"),
    "3c-assert-message": (
        handler(OPEN), "GATE-SLS-006",
        handler(CAUGHT.format(raised="        assert not event, event['path']",
                              kind="AssertionError", read="e.args[0]")),
        "an assert's message is not what an exception carries to _try"),
    "3d-key-error": (
        handler(OPEN), "GATE-SLS-006",
        handler(CAUGHT.format(raised="        {}[event['path']]", kind="KeyError",
                              read="e.args[0]")),
        "an exception Python raises with the data is not seen"),
}  # fmt: skip


def test_the_problem_each_trick_hides_blocks(tmp_path: Path) -> None:
    """The baselines, in one run of every bundle: the same problem, written plainly."""
    each_blocks(tmp_path, {name: (case[0], case[1]) for name, case in TRICKS.items()})


def test_the_trick_is_blocked_or_refused(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, {name: case[2] for name, case in TRICKS.items()})
