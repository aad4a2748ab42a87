"""A forty-third hostile review of `gate check`, report-only, on review 42's taint fixes
(gate.rules.taint.sinks `_shell_argv`, `_vector`; walk `_try`, `_operands`), sharded runs
(`--shard`, `gate merge`) and `--policy-ref`. The review wrote no test: its cases are
written here with the fixes.

Each trick exits 0 where the same problem written plainly exits 1 (GATE-SLS-001 for a
shell command, GATE-SLS-006 for a path; bandit reports only B603/B404, low):

1. Argument vectors the rule could not read: grown after it was bound
   (`argv.append(cmd)`, `argv += [cmd]`), a program that is no constant
   (`shutil.which("sh")`), a starred prefix (`[*PRE, cmd]`), built by a call
   (`list((...))`).
2. What an exception carries from outside its `raise`: a keyword or starred argument of
   a call that raises, an object's state set before the `try`, a closure, a partial.

Also tried, and the gate held: a problem in a sharded run lands in the shard that scans
its file, and `gate merge` keeps the worst decision; a baseline or policy planted by the
change (a submodule and a symlink) under `--policy-ref main` is main's.

Fixed, each by its class (gate.rules.taint). 1, a process start's argument the gate
cannot read as a vector is judged by its own data; one whose program the data may
choose (not a constant, `sys.executable` aside, nor an f-string's fixed start) has every
word checked; one naming a shell or interpreter with its flag has the words after the
flag and the argument itself checked, so what the list gains later counts
(`sinks._shell_argv`, `_program`, `_after_flag`). 2, an exception caught by `except ...
as e` carries any data the function holds when the `try` body runs (`walk._try`): an
over-approximation that matters only where `e` reaches a sink.
"""

from __future__ import annotations

from pathlib import Path

from tests.hostile.conftest import Layout, Sandbox, each_blocked_or_refused, each_blocks

TEMPLATE = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Tracing: Active
"""


def function(source: str) -> Layout:
    def written(sandbox: Sandbox) -> None:
        sandbox.write("template.yaml", TEMPLATE)
        sandbox.write("src/app.py", source)

    return written


SHELL = (
    "import subprocess\n\n\ndef handler(event, context):\n"
    "    subprocess.run(['sh', '-c', event['cmd']])\n"
)
OPEN = "def handler(event, context):\n    open(event['path']).read()\n"
TRICKS: dict[str, str] = {
    "append": (
        "import subprocess\n"
        "def handler(event, context):\n"
        "    argv = ['sh', '-c']\n"
        "    argv.append(event['cmd'])\n"
        "    subprocess.run(argv)\n"
    ),
    "augadd": (
        "import subprocess\n"
        "def handler(event, context):\n"
        "    argv = ['sh', '-c']\n"
        "    argv += [event['cmd']]\n"
        "    subprocess.run(argv)\n"
    ),
    "which": (
        "import shutil, subprocess\n"
        "def handler(event, context):\n"
        "    subprocess.run([shutil.which('sh'), '-c', event['cmd']])\n"
    ),
    "starred": (
        "import subprocess\n"
        "PRE = ['sh', '-c']\n"
        "def handler(event, context):\n"
        "    subprocess.run([*PRE, event['cmd']])\n"
    ),
    "listcall": (
        "import subprocess\n"
        "def handler(event, context):\n"
        "    subprocess.run(list(('sh', '-c', event['cmd'])))\n"
    ),
    "kw": (
        "def fail(p):\n"
        "    raise ValueError(p)\n"
        "def handler(event, context):\n"
        "    try:\n"
        "        fail(p=event['path'])\n"
        "    except ValueError as e:\n"
        "        open(e.args[0]).read()\n"
    ),
    "starcall": (
        "def fail(p):\n"
        "    raise ValueError(p)\n"
        "def handler(event, context):\n"
        "    try:\n"
        "        fail(*[event['path']])\n"
        "    except ValueError as e:\n"
        "        open(e.args[0]).read()\n"
    ),
    "obj": (
        "class Check:\n"
        "    def __init__(self, p):\n"
        "        self.p = p\n"
        "    def run(self):\n"
        "        raise ValueError(self.p)\n"
        "def handler(event, context):\n"
        "    c = Check(event['path'])\n"
        "    try:\n"
        "        c.run()\n"
        "    except ValueError as e:\n"
        "        open(e.args[0]).read()\n"
    ),
    "closure": (
        "def handler(event, context):\n"
        "    def fail():\n"
        "        raise ValueError(event['path'])\n"
        "    try:\n"
        "        fail()\n"
        "    except ValueError as e:\n"
        "        open(e.args[0]).read()\n"
    ),
    "partial": (
        "import functools\n"
        "def fail(p):\n"
        "    raise ValueError(p)\n"
        "def handler(event, context):\n"
        "    f = functools.partial(fail, event['path'])\n"
        "    try:\n"
        "        f()\n"
        "    except ValueError as e:\n"
        "        open(e.args[0]).read()\n"
    ),
}


def test_the_problem_each_trick_hides_blocks(tmp_path: Path) -> None:
    """The baselines: the shell command and the path, written plainly."""
    each_blocks(
        tmp_path,
        {"command": (function(SHELL), "GATE-SLS-001"), "path": (function(OPEN), "GATE-SLS-006")},
    )


def test_each_trick_is_blocked_or_refused(tmp_path: Path) -> None:
    each_blocked_or_refused(tmp_path, {name: function(source) for name, source in TRICKS.items()})
